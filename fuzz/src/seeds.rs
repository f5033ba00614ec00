//! Writes the seed corpora: valid streams made with vnc-core's test encoders, one per kind of
//! message and encoding, so that the fuzzers start deep inside the protocol.
//! Usage (from fuzz/): cargo run --bin seeds

use vnc_core::testing::{
    Image, Script, TightEncoder, TightFilter, ZlibEncoder, ZlibHexEncoder, ZrleEncoder, ZrleTile,
    rect_header,
};
use vnc_core::{PixelFormat, Rect};

/// ARD offered alone, with generator 2, a 16-byte modulus (2^127 - 1) and a server key.
fn ard() -> Script {
    let mut p = [0xffu8; 16];
    p[0] = 0x7f;
    let mut server = [0u8; 16];
    server[15] = 0x2a;
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[30])
        .raw(&[0, 2, 0, 16])
        .raw(&p)
        .raw(&server)
}

fn main() {
    let img = Image::pattern(32, 24);
    let pf = PixelFormat::RGB888;
    let r = Rect::new(0, 0, 32, 24);
    let mut updates: Vec<(String, Vec<u8>)> = Vec::new();
    let mut push = |name: &str, s: Script| updates.push((name.to_owned(), s.bytes().to_vec()));
    push(
        "raw",
        Script::new().update(&[Script::raw_rect(&pf, &img, r)]),
    );
    push(
        "rre",
        Script::new().update(&[Script::rre_rect(&pf, &img, r)]),
    );
    push(
        "hextile",
        Script::new().update(&[Script::hextile_rect(&pf, &img, r)]),
    );
    push(
        "copyrect",
        Script::new().update(&[Script::copy_rect(Rect::new(4, 4, 8, 8), 0, 0)]),
    );
    for (name, mode) in [
        ("zrle-raw", ZrleTile::Raw),
        ("zrle-packed", ZrleTile::PackedPalette),
        ("zrle-rle", ZrleTile::PlainRle),
        ("zrle-palrle", ZrleTile::PaletteRle),
    ] {
        let mut enc = ZrleEncoder::default();
        push(
            name,
            Script::new()
                .update(&[enc.rect(&pf, &img, r, mode)])
                .update(&[enc.rect(&pf, &img, Rect::new(8, 8, 16, 8), mode)]),
        );
    }
    // Tight: every filter, in the four streams, and a fill.
    let mut few = Image::pattern(32, 24);
    for y in 0..12 {
        for x in 0..32 {
            few.set(x, y, [(x % 2 * 200) as u8, 9, 9]);
        }
        for x in 0..16 {
            few.set(x, y + 12, [(x % 7 * 30) as u8, 1, 2]);
        }
    }
    let mut enc = TightEncoder::default();
    push(
        "tight",
        Script::new().update(&[
            TightEncoder::fill(&pf, r, [1, 2, 3]),
            enc.rect(&pf, &img, Rect::new(0, 0, 32, 8), TightFilter::Copy, 0, 0),
            enc.rect(
                &pf,
                &few,
                Rect::new(0, 0, 32, 12),
                TightFilter::Palette,
                1,
                0,
            ),
            enc.rect(
                &pf,
                &few,
                Rect::new(0, 12, 16, 12),
                TightFilter::Palette,
                2,
                0b0100,
            ),
            enc.rect(
                &pf,
                &img,
                Rect::new(8, 8, 16, 16),
                TightFilter::Gradient,
                3,
                0,
            ),
            enc.rect(&pf, &img, Rect::new(0, 0, 3, 1), TightFilter::Copy, 0, 0),
            TightEncoder::jpeg(
                Rect::new(4, 4, 24, 16),
                include_bytes!("../../vnc-core/tests/transcripts/fixtures/tight-24x16.jpg"),
            ),
        ]),
    );
    push(
        "corre",
        Script::new().update(&[Script::corre_rect(&pf, &img, r)]),
    );
    let mut zlib = ZlibEncoder::default();
    push(
        "zlib",
        Script::new()
            .update(&[zlib.rect(&pf, &img, r)])
            .update(&[zlib.rect(&pf, &img, Rect::new(8, 8, 16, 8))]),
    );
    for (name, min) in [("zlibhex", 0), ("zlibhex-mixed", 12)] {
        let mut enc = ZlibHexEncoder::default();
        push(
            name,
            Script::new()
                .update(&[enc.rect(&pf, &img, r, min)])
                .update(&[enc.rect(&pf, &img, Rect::new(8, 8, 16, 8), min)]),
        );
    }
    for (name, mode) in [
        ("trle-packed", ZrleTile::PackedPalette),
        ("trle-palrle", ZrleTile::PaletteRle),
    ] {
        push(
            name,
            Script::new().update(&[Script::trle_rect(&pf, &img, r, mode, true)]),
        );
    }
    let mut cursor = rect_header(Rect::new(1, 1, 4, 4), -239);
    cursor.extend(std::iter::repeat_n(0x7F, 4 * 4 * 4));
    cursor.extend([0xF0, 0x90, 0x90, 0xF0]);
    push("cursor", Script::new().update(&[cursor]));
    // X Cursor (two colours, bitmap, mask), Cursor With Alpha (Raw RGBA), Cursor Position.
    let mut xcursor = rect_header(Rect::new(1, 1, 9, 2), -240);
    xcursor.extend_from_slice(&[255, 0, 0, 0, 0, 255, 0xA0, 0x80, 0x40, 0x00, 0xE0, 0x80, 0xC0, 0x80]);
    let mut alpha = rect_header(Rect::new(1, 0, 2, 2), -314);
    alpha.extend_from_slice(&0i32.to_be_bytes());
    alpha.extend_from_slice(&[128, 64, 0, 128, 10, 20, 30, 255, 9, 9, 9, 0, 0, 0, 100, 100]);
    push("cursors", Script::new().update(&[xcursor, alpha, Script::pseudo_rect(Rect::new(3, 7, 0, 0), -232)]));
    let mut name = rect_header(Rect::default(), -307);
    name.extend_from_slice(&4u32.to_be_bytes());
    name.extend_from_slice(b"desk");
    push(
        "pseudo",
        Script::new().update_with_count(
            0xFFFF,
            &[
                Script::pseudo_rect(Rect::new(0, 0, 40, 30), -223),
                name,
                Script::pseudo_rect(Rect::default(), -224),
            ],
        ),
    );
    let mut eds = rect_header(Rect::new(0, 0, 48, 32), -308);
    eds.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 48, 0, 32, 0, 0, 0, 0]);
    push("extended-desktop-size", Script::new().update(&[eds]));
    // QEMU's keyboard pseudo-encodings as QEMU sends them: the Extended Key Event
    // acknowledgement with the framebuffer's size, and LED State (1x1, one byte).
    let mut leds = rect_header(Rect::new(0, 0, 1, 1), -261);
    leds.push(0b101);
    push(
        "qemu-keyboard",
        Script::new()
            .update(&[Script::pseudo_rect(r, -258)])
            .update(&[leds, Script::raw_rect(&pf, &img, Rect::new(0, 0, 4, 4))]),
    );
    // QEMU Pointer Motion Change (-257) as QEMU sends it (x the mode, the framebuffer's size),
    // then with odd fields among pixels: x neither 0 nor 1, an absurd size.
    push(
        "qemu-pointer",
        Script::new()
            .update(&[Script::pseudo_rect(Rect::new(0, 0, 32, 24), -257)])
            .update(&[
                Script::raw_rect(&pf, &img, Rect::new(0, 0, 4, 4)),
                Script::pseudo_rect(Rect::new(7, 65535, 65535, 65535), -257),
                Script::pseudo_rect(Rect::new(0, 3, 0, 0), -257),
            ]),
    );
    // xvp (type 250): XVP_INIT, XVP_FAIL and a code only clients send.
    push("xvp", Script::new().xvp(1, 1).xvp(1, 0).xvp(1, 4).bell());
    // QEMU audio (type 255, sub-type 1) after QEMU's acknowledgement of -259: Begin, Data,
    // End, and Data at the fuzz configuration's limit (256 bytes).
    let audio = Script::new()
        .update(&[Script::pseudo_rect(r, -259)])
        .audio_op(1)
        .audio_data(&[0, 1, 2, 3, 0xFF, 0x7F, 0, 0x80])
        .audio_data(&[9; 256])
        .audio_op(0)
        .bell();
    push("qemu-audio", audio.clone());
    // Continuous updates (150) and fences (248): EndOfContinuousUpdates showing support, a
    // fence request with every flag, an update, an answer to the client's first fence (id 0),
    // and EndOfContinuousUpdates again (the server ending them).
    let continuous = Script::new()
        .end_of_continuous_updates()
        .fence(u32::MAX, 4, b"ping")
        .update(&[Script::raw_rect(&pf, &img, Rect::new(0, 0, 4, 4))])
        .fence(4, 4, &[0, 0, 0, 0])
        .end_of_continuous_updates()
        .bell();
    push("continuous-updates", continuous.clone());
    // Extended Clipboard (ServerCutText with a negative length) as Xvnc sends it: caps, a
    // notify, a request and a peek of the client's clipboard, a provide of UTF-8 text; then a
    // provide whose text is above the fuzz configuration's limit (256 bytes).
    let all = vnc_core::testing::CLIPBOARD_ALL_ACTIONS;
    push(
        "extended-clipboard",
        Script::new()
            .clipboard_caps(all, 10 << 20)
            .clipboard_flags(vnc_core::testing::CLIPBOARD_NOTIFY | 1)
            .clipboard_flags(vnc_core::testing::CLIPBOARD_REQUEST | 1)
            .clipboard_flags(vnc_core::testing::CLIPBOARD_PEEK)
            .clipboard_provide("Grüße, Ωμέγα, 日本語, 👋\r\n\0".as_bytes())
            .clipboard_provide(&[b'a'; 300])
            .bell(),
    );
    push(
        "messages",
        Script::new()
            .bell()
            .cut_text(b"clipboard \xe9")
            .colour_map(0, &[[65535, 0, 0], [0, 65535, 0]]),
    );

    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = format!("corpus/{target}");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/seed-{name}"), bytes).unwrap();
    };
    for (name, body) in &updates {
        // updates: selector (RGB888 index 0), size byte (32x24 -> w 4*8+1.. close enough), body
        write("updates", name, &[[0u8, 0x23].as_slice(), body].concat());
        let mut split = vec![0u8, 7];
        split.extend_from_slice(body);
        write("split", name, &split);
        let mut full = vec![0u8];
        full.extend(vnc_fuzz::handshake(0, 32, 24));
        full.extend_from_slice(body);
        write("session", name, &full);
    }
    // The audio seed again for sessions that ask for audio (selector bit AUDIO), so its
    // messages become events.
    let sel = vnc_fuzz::AUDIO;
    write(
        "split",
        "qemu-audio-enabled",
        &[[sel, 7].as_slice(), audio.bytes()].concat(),
    );
    let mut full = vec![sel];
    full.extend(vnc_fuzz::handshake(sel, 32, 24));
    full.extend_from_slice(audio.bytes());
    write("session", "qemu-audio-enabled", &full);
    // The continuous-updates seed again for sessions that ask for updates by themselves
    // (selector bit 0x20), so that the engine enables them.
    write("updates", "continuous-updates-enabled", &[[0x20u8, 0x23].as_slice(), continuous.bytes()].concat());
    write("split", "continuous-updates-enabled", &[[0x20u8, 7].as_slice(), continuous.bytes()].concat());
    // Handshakes of every kind for the session target.
    let challenge = [7u8; 16];
    let hs = [
        (
            "v33-vnc",
            Script::new()
                .version("RFB 003.003\n")
                .security_type_33(2)
                .raw(&challenge)
                .security_result(0),
        ),
        (
            "v37-none",
            Script::new().version("RFB 003.007\n").security_types(&[1]),
        ),
        (
            "v38-fail",
            Script::new()
                .version("RFB 003.008\n")
                .security_types(&[2])
                .raw(&challenge)
                .security_result(1)
                .string(b"nope"),
        ),
        (
            "refused",
            Script::new()
                .version("RFB 003.008\n")
                .security_types(&[])
                .string(b"busy"),
        ),
        (
            "vencrypt-plain",
            Script::new()
                .version("RFB 003.008\n")
                .security_types(&[19])
                .raw(&[0, 2, 0, 1, 0, 0, 1, 0])
                .security_result(0),
        ),
        (
            "vencrypt-vnc",
            Script::new()
                .version("RFB 003.008\n")
                .security_types(&[19])
                .raw(&[0, 2, 0, 1, 0, 0, 0, 2])
                .raw(&challenge)
                .security_result(0),
        ),
        // ARD on a 16-byte modulus (2^127 - 1) and MS-Logon II: the key exchange, the
        // credentials, then ServerInit; and ARD rejected with a reason.
        ("ard", ard().security_result(0)),
        (
            "ard-fail",
            ard().security_result(1).string(b"wrong password"),
        ),
        (
            "ms-logon-ii",
            Script::new()
                .version("RFB 003.008\n")
                .security_types(&[113])
                .raw(&5u64.to_be_bytes())
                .raw(&0xffff_ffff_ffff_ffc5u64.to_be_bytes())
                .raw(&0x1234_5678_9abc_def0u64.to_be_bytes())
                .security_result(0),
        ),
    ];
    for (name, s) in hs {
        let stream = s.server_init(16, 16, &PixelFormat::RGB565, "seed");
        if name.starts_with("ard") || name.starts_with("ms-logon") {
            // The split target too, from the first byte (selector bit 0x10).
            write(
                "split",
                name,
                &[[0x90u8, 3].as_slice(), stream.bytes()].concat(),
            );
        }
        write(
            "session",
            name,
            &[[0x80u8].as_slice(), stream.bytes()].concat(),
        );
    }
    for a in [
        "host",
        "host:1",
        "host::5999",
        "[::1]:2",
        "[::1]::6000",
        "fe80::1",
        "vnc://h:5901",
        "/tmp/s",
        ":3",
        "::5905",
        "ID:1234",
        "10.0.0.5:5901",
    ] {
        write("address", &a.replace(['/', ':'], "_"), a.as_bytes());
    }
    // The sasl target: what follows the SASL offer. A DIGEST-MD5 exchange up to the
    // server's proof (which depends on the client's random nonce), a SCRAM one up to the
    // server's first message, and a list with several mechanisms.
    let turn = |data: &[u8], complete: u8| {
        let mut t = (data.len() as u32 + 1).to_be_bytes().to_vec();
        t.extend_from_slice(data);
        t.extend_from_slice(&[0, complete]);
        t
    };
    let mechlist = |l: &[u8]| [&(l.len() as u32).to_be_bytes()[..], l].concat();
    let digest = [
        mechlist(b"DIGEST-MD5"),
        turn(
            b"realm=\"r\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth-conf\",charset=utf-8,\
algorithm=md5-sess,cipher=\"rc4,3des\"",
            0,
        ),
        turn(b"rspauth=ea40f60335c427b5527b84dbabcdfffd", 1),
        0u32.to_be_bytes().to_vec(),
    ]
    .concat();
    write("sasl", "digest-md5", &digest);
    let scram = [
        mechlist(b"SCRAM-SHA-256"),
        turn(
            b"r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,\
s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            0,
        ),
    ]
    .concat();
    write("sasl", "scram-sha-256", &scram);
    write(
        "sasl",
        "mechlist",
        &mechlist(b"GSSAPI,SCRAM-SHA-1,DIGEST-MD5,CRAM-MD5,PLAIN,ANONYMOUS"),
    );
    println!("seed corpora written under corpus/");
}
