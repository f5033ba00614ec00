//! Transcript tests: whole conversations played from a scripted server into a session, every
//! one of them whole, one byte at a time and in random chunks, with identical results.

use vnc_core::testing::{
    Chunking, Image, Run, Script, ZrleEncoder, ZrleTile, cpixel, pixel, play_with,
};
use vnc_core::{
    Config, Credential, CredentialsNeeded, Encoding, Error, Event, PixelFormat, PixelFormatRequest,
    ProtocolVersion, Rect, SecurityType, Session, Threading,
};

/// Plays `script` with every chunking, asserts the runs agree, and returns the whole run.
fn play_all(config: &Config, script: &Script) -> Run {
    vnc_core::testing::play_all(config, script.bytes())
}

/// A 3.8 handshake with security None and a ServerInit of `w` x `h` in RGB888.
fn connected(w: u16, h: u16) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(w, h, &PixelFormat::RGB888, "desk")
}

/// A session past ServerInit of a `w` x `h` desktop, its output so far taken.
fn initialised(config: Config, w: u16, h: u16) -> Session {
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(connected(w, h).bytes()).unwrap();
    s.take_output();
    s
}

/// The configuration that asks the server for `pf`.
fn config_for(pf: &PixelFormat) -> Config {
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::Exact(*pf);
    config
}

fn assert_screen(run: &Run, want: &Image) {
    assert!(run.error.is_none(), "unexpected error: {:?}", run.error);
    assert_eq!(run.framebuffer.width(), want.width);
    assert_eq!(run.framebuffer.height(), want.height);
    let got = run.framebuffer.to_rgba();
    let exp = want.to_rgba();
    if got != exp {
        let i = got.iter().zip(&exp).position(|(a, b)| a != b).unwrap() / 4;
        let (x, y) = (i % usize::from(want.width), i / usize::from(want.width));
        panic!(
            "first differing pixel at ({x},{y}): got {:?}, want {:?}",
            &got[i * 4..i * 4 + 4],
            &exp[i * 4..i * 4 + 4]
        );
    }
}

fn formats() -> Vec<PixelFormat> {
    let rgb888 = PixelFormat::RGB888;
    vec![
        rgb888,
        PixelFormat {
            big_endian: true,
            ..rgb888
        },
        PixelFormat {
            red_shift: 0,
            blue_shift: 16,
            ..rgb888
        },
        PixelFormat {
            red_shift: 24,
            green_shift: 16,
            blue_shift: 8,
            ..rgb888
        },
        PixelFormat {
            big_endian: true,
            red_shift: 24,
            green_shift: 16,
            blue_shift: 8,
            ..rgb888
        },
        PixelFormat {
            depth: 32,
            ..rgb888
        },
        PixelFormat {
            depth: 30,
            red_max: 1023,
            green_max: 1023,
            blue_max: 1023,
            red_shift: 20,
            green_shift: 10,
            blue_shift: 0,
            ..rgb888
        },
        PixelFormat::RGB565,
        PixelFormat {
            big_endian: true,
            ..PixelFormat::RGB565
        },
        PixelFormat {
            depth: 15,
            red_max: 31,
            green_max: 31,
            red_shift: 10,
            ..PixelFormat::RGB565
        },
        PixelFormat::BGR233,
    ]
}

// ----- handshake -----

#[test]
fn nothing_is_sent_before_the_version() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    assert!(!s.wants_write());
    s.feed(b"RFB 003.00").unwrap();
    assert!(!s.wants_write());
    s.feed(b"8\n").unwrap();
    assert_eq!(s.take_output(), b"RFB 003.008\n");
}

#[test]
fn rfb_38_none_full_handshake_output() {
    let run = play_all(&Config::default(), &connected(4, 2));
    assert!(run.error.is_none());
    let mut want = b"RFB 003.008\n".to_vec();
    want.push(1); // security type None
    want.push(1); // ClientInit shared
    want.extend_from_slice(&[0, 0, 0, 0]);
    want.extend_from_slice(&PixelFormat::RGB888.to_bytes());
    want.extend_from_slice(&[2, 0, 0, Encoding::DEFAULT.len() as u8]);
    for e in Encoding::DEFAULT {
        want.extend_from_slice(&e.number().to_be_bytes());
    }
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 4, 0, 2]); // full request
    assert_eq!(run.output, want);
    assert_eq!(
        run.events,
        vec![
            Event::VersionNegotiated(ProtocolVersion::V3_8),
            Event::SecurityNegotiated(SecurityType::None),
            Event::Initialized {
                width: 4,
                height: 2,
                name: "desk".into(),
                server_pixel_format: PixelFormat::RGB888
            },
        ]
    );
}

#[test]
fn rfb_37_none_has_no_security_result() {
    let script = Script::new()
        .version("RFB 003.007\n")
        .security_types(&[1])
        .server_init(4, 2, &PixelFormat::RGB888, "seven");
    let run = play_all(&Config::default(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(
        run.events
            .contains(&Event::VersionNegotiated(ProtocolVersion::V3_7))
    );
    assert!(matches!(run.events.last(), Some(Event::Initialized { .. })));
    assert_eq!(&run.output[..14], b"RFB 003.007\n\x01\x01");
}

#[test]
fn rfb_33_none_and_old_versions() {
    for v in ["RFB 003.003\n", "RFB 003.005\n", "RFB 003.006\n"] {
        let script = Script::new().version(v).security_type_33(1).server_init(
            4,
            2,
            &PixelFormat::RGB888,
            "three",
        );
        let run = play_all(&Config::default(), &script);
        assert!(run.error.is_none(), "{v}: {:?}", run.error);
        // No security type byte is sent in 3.3: the version, then ClientInit.
        assert_eq!(&run.output[..13], b"RFB 003.003\n\x01");
        assert!(matches!(run.events.last(), Some(Event::Initialized { .. })));
    }
}

#[test]
fn apple_and_realvnc_versions_are_answered_as_38() {
    for v in ["RFB 003.889\n", "RFB 004.001\n", "RFB 005.000\n"] {
        let script = Script::new()
            .version(v)
            .security_types(&[1])
            .security_result(0);
        let run = play_all(&Config::default(), &script);
        assert!(run.error.is_none());
        assert_eq!(&run.output[..12], b"RFB 003.008\n");
    }
}

const CHALLENGE: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/// DES of CHALLENGE under the bit-reversed key "password" (computed with OpenSSL).
const RESPONSE: [u8; 16] = [
    0xb8, 0x66, 0x92, 0x41, 0x25, 0xc8, 0xee, 0xbb, 0x9d, 0xeb, 0xc1, 0xdb, 0x61, 0xc5, 0x38, 0xe2,
];

#[test]
fn vnc_auth_with_a_preset_password() {
    for (version, types) in [
        ("RFB 003.008\n", Script::new().security_types(&[2])),
        ("RFB 003.003\n", Script::new().security_type_33(2)),
    ] {
        let script = Script::new()
            .version(version)
            .raw(types.bytes())
            .raw(&CHALLENGE)
            .security_result(0)
            .server_init(4, 2, &PixelFormat::RGB888, "auth");
        for c in Chunking::ALL {
            let mut s = Session::new(Config::default(), std::time::Instant::now());
            s.set_credential(Credential::Password, "password");
            let run = play_with(s, script.bytes(), c);
            assert!(run.error.is_none(), "{:?}", run.error);
            let at = run.output.windows(16).position(|w| w == RESPONSE);
            assert!(at.is_some(), "DES response not sent");
            assert!(
                !run.events
                    .iter()
                    .any(|e| matches!(e, Event::CredentialsRequired(_)))
            );
            assert!(matches!(run.events.last(), Some(Event::Initialized { .. })));
        }
    }
}

#[test]
fn vnc_auth_asks_for_the_password_and_waits() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1, 2, 250])
        .raw(&CHALLENGE);
    s.feed(script.bytes()).unwrap();
    let out = s.take_output();
    assert_eq!(
        out, b"RFB 003.008\n\x02",
        "VncAuth is preferred over None by default"
    );
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert_eq!(
        events.last(),
        Some(&Event::CredentialsRequired(CredentialsNeeded {
            username: false,
            password: true
        }))
    );
    assert!(s.credentials_needed().is_some());
    assert!(!s.wants_write(), "nothing is sent while waiting");
    // No deadline runs while the application asks the user.
    assert_eq!(s.poll_timeout(), None);
    s.set_credential(Credential::Password, "password");
    assert_eq!(s.take_output(), RESPONSE);
    // The deadline is re-armed from the application's next clock reading.
    let now = std::time::Instant::now();
    assert!(s.poll_timeout().is_some());
    s.handle_timeout(now).unwrap();
    assert!(s.poll_timeout().unwrap() > now);
    s.feed(&[0, 0, 0, 0]).unwrap();
    s.feed(
        Script::new()
            .server_init(2, 2, &PixelFormat::RGB888, "")
            .bytes(),
    )
    .unwrap();
    assert!(s.is_initialized());
    assert_eq!(s.poll_timeout(), None, "no deadline after the handshake");
}

#[test]
fn vnc_auth_failure_reasons() {
    // 3.8: the reason string reaches the user.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[2])
        .raw(&CHALLENGE)
        .security_result(1)
        .string(b"Authentication failure");
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "wrong");
    let run = play_with(s, script.bytes(), Chunking::OneByte);
    match run.error {
        Some(Error::AuthenticationFailed { reason: Some(r) }) => {
            assert_eq!(r, "Authentication failure")
        }
        other => panic!("{other:?}"),
    }
    // 3.3/3.7: no reason on the wire.
    let script = Script::new()
        .version("RFB 003.007\n")
        .security_types(&[2])
        .raw(&CHALLENGE)
        .security_result(1);
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "wrong");
    let run = play_with(s, script.bytes(), Chunking::Whole);
    assert!(matches!(
        run.error,
        Some(Error::AuthenticationFailed { reason: None })
    ));
    assert!(run.error.unwrap().is_authentication_failure());
}

#[test]
fn refusals_carry_the_servers_reason() {
    let s38 = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[])
        .string(b"Too many connections");
    let s33 = Script::new()
        .version("RFB 003.003\n")
        .security_type_33(0)
        .string(b"Too many connections");
    for script in [s38, s33] {
        let run = play_all(&Config::default(), &script);
        match run.error {
            Some(Error::ConnectionRefused { reason }) => assert_eq!(reason, "Too many connections"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn preference_list_decides_and_unknown_types_are_ignored() {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::None];
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[99, 2, 1, 200])
        .security_result(0);
    let run = play_all(&config, &script);
    assert!(run.error.is_none());
    assert_eq!(run.output, b"RFB 003.008\n\x01\x01");

    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[2, 16]);
    let run = play_all(&config, &script);
    match run.error {
        Some(Error::NoCommonSecurityType { offered, accepted }) => {
            assert_eq!(offered, [2, 16]);
            assert_eq!(accepted, [SecurityType::None]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn exclusive_client_init_and_native_pixel_format() {
    let mut config = Config::default();
    config.shared = false;
    config.pixel_format = PixelFormatRequest::ServerNative;
    config.encodings = vec![Encoding::Raw];
    let run = play_all(&config, &connected(4, 2));
    let mut want = b"RFB 003.008\n\x01\x00".to_vec();
    want.extend_from_slice(&[2, 0, 0, 1, 0, 0, 0, 0]);
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 4, 0, 2]);
    assert_eq!(
        run.output, want,
        "no SetPixelFormat when keeping the server's format"
    );
}

#[test]
fn full32_keeps_a_32_bit_server_format_and_asks_for_rgb888_otherwise() {
    let img = Image::pattern(20, 18);
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::Full32;
    config.encodings = vec![Encoding::Zrle, Encoding::Hextile, Encoding::Raw];
    let bgr = PixelFormat {
        red_shift: 0,
        blue_shift: 16,
        ..PixelFormat::RGB888
    };
    let big = PixelFormat {
        big_endian: true,
        ..PixelFormat::RGB888
    };
    for (server, kept) in [
        (PixelFormat::RGB888, true),
        (bgr, true),
        (big, true),
        (PixelFormat { depth: 32, ..bgr }, true),
        (PixelFormat::RGB565, false),
        (PixelFormat::BGR233, false),
    ] {
        // Rectangles come in the format the session ends up with.
        let pf = if kept { server } else { PixelFormat::RGB888 };
        let r = Rect::new(0, 0, 20, 18);
        let mut enc = ZrleEncoder::default();
        let script = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(20, 18, &server, "desk")
            .update(&[Script::raw_rect(&pf, &img, r)])
            .update(&[Script::hextile_rect(&pf, &img, r)])
            .update(&[enc.rect(&pf, &img, r, ZrleTile::PaletteRle)]);
        let run = play_all(&config, &script);
        assert_screen(&run, &img);
        let mut set_pixel_format = vec![0, 0, 0, 0];
        set_pixel_format.extend_from_slice(&PixelFormat::RGB888.to_bytes());
        let sent = run
            .output
            .windows(set_pixel_format.len())
            .any(|w| w == set_pixel_format.as_slice());
        assert_eq!(sent, !kept, "{server:?}");
    }
}

#[test]
fn handshake_timeout() {
    let t0 = std::time::Instant::now();
    let mut s = Session::new(Config::default(), t0);
    let deadline = s.poll_timeout().unwrap();
    assert_eq!(deadline, t0 + std::time::Duration::from_secs(30));
    s.feed(b"RFB 003.008\n").unwrap();
    s.handle_timeout(t0 + std::time::Duration::from_secs(1))
        .unwrap();
    match s.handle_timeout(deadline) {
        Err(Error::Timeout { step }) => assert_eq!(step, vnc_core::Step::Security),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.feed(&[1]), Err(Error::Closed)));
}

#[test]
fn end_of_stream() {
    // Mid-handshake: an error naming the step.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(b"RFB 003.008\n").unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::UnexpectedEof {
            step: vnc_core::Step::Security
        })
    ));
    // Between messages: a clean close.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(2, 2).bytes()).unwrap();
    s.feed_eof().unwrap();
    assert_eq!(
        std::iter::from_fn(|| s.poll_event()).last(),
        Some(Event::Closed)
    );
    // Mid-update: an error.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(2, 2).bytes()).unwrap();
    s.feed(&[0, 0, 0, 1, 0]).unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::UnexpectedEof {
            step: vnc_core::Step::FramebufferUpdate
        })
    ));
    // A 3.7 server that hangs up instead of a SecurityResult rejected the password.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "x");
    s.feed(
        Script::new()
            .version("RFB 003.007\n")
            .security_types(&[2])
            .raw(&CHALLENGE)
            .bytes(),
    )
    .unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::AuthenticationFailed { .. })
    ));
}

// ----- decoders -----

#[test]
fn raw_in_every_pixel_format() {
    let img = Image::pattern(37, 19);
    for pf in formats() {
        let script = connected(37, 19).update(&[
            Script::raw_rect(&pf, &img, Rect::new(0, 0, 37, 10)),
            Script::raw_rect(&pf, &img, Rect::new(0, 10, 20, 9)),
            Script::raw_rect(&pf, &img, Rect::new(20, 10, 17, 9)),
        ]);
        let run = play_all(&config_for(&pf), &script);
        assert_screen(&run, &img.quantized(&pf));
        let damage: Vec<&Event> = run
            .events
            .iter()
            .filter(|e| matches!(e, Event::FramebufferUpdated(_)))
            .collect();
        assert_eq!(damage.len(), 3);
        assert_eq!(run.events.last(), Some(&Event::FramebufferUpdateEnd));
    }
}

#[test]
fn colour_map_mode() {
    let pf = PixelFormat {
        true_colour: false,
        ..PixelFormat::BGR233
    };
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::ServerNative;
    let mut rect = vnc_core::testing::rect_header(Rect::new(0, 0, 3, 1), 0);
    rect.extend_from_slice(&[5, 6, 7]);
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(3, 1, &pf, "cmap")
        .colour_map(
            5,
            &[[0xFFFF, 0, 0], [0, 0x8000, 0], [0x1234, 0x5678, 0x9ABC]],
        )
        .update(&[rect]);
    let run = play_all(&config, &script);
    let want = Image {
        width: 3,
        height: 1,
        pixels: vec![[255, 0, 0], [0, 0x80, 0], [0x12, 0x56, 0x9A]],
    };
    assert_screen(&run, &want);
}

#[test]
fn copy_rect_overlapping() {
    let img = Image::pattern(20, 20);
    let mut want = img.clone();
    for y in 0..10 {
        for x in 0..10 {
            want.set(x + 3, y + 2, img.get(x, y));
        }
    }
    let script = connected(20, 20)
        .update(&[Script::raw_rect(
            &PixelFormat::RGB888,
            &img,
            Rect::new(0, 0, 20, 20),
        )])
        .update(&[Script::copy_rect(Rect::new(3, 2, 10, 10), 0, 0)]);
    assert_screen(&play_all(&Config::default(), &script), &want);
}

#[test]
fn rre_in_every_pixel_format() {
    let img = Image::pattern(40, 30);
    for pf in formats() {
        let script = connected(40, 30).update(&[
            Script::rre_rect(&pf, &img, Rect::new(0, 0, 40, 15)),
            Script::rre_rect(&pf, &img, Rect::new(0, 15, 40, 15)),
        ]);
        assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
    }
}

#[test]
fn hextile_in_every_pixel_format_with_edge_tiles() {
    // 53x35: tiles of 5 and 3 pixels at the right and bottom edges.
    let mut img = Image::pattern(53, 35);
    // Flat and two-colour areas so that solid, foreground and coloured tiles all occur.
    for y in 16..32 {
        for x in 0..32 {
            img.set(x, y, if x == y { [1, 2, 3] } else { [9, 9, 9] });
        }
    }
    for pf in formats() {
        let script =
            connected(53, 35).update(&[Script::hextile_rect(&pf, &img, Rect::new(0, 0, 53, 35))]);
        assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
    }
}

#[test]
fn hextile_background_and_foreground_carry_over() {
    let pf = PixelFormat::RGB888;
    let red = pixel(&pf, [255, 0, 0]);
    let blue = pixel(&pf, [0, 0, 255]);
    let green = pixel(&pf, [0, 255, 0]);
    // Four 16x16 tiles in a 64x16 rectangle, built by hand from the spec:
    let mut r = vnc_core::testing::rect_header(Rect::new(0, 0, 64, 16), 5);
    // 1: background red, foreground blue, one subrect at (1,2) size 3x4.
    r.push(2 | 4 | 8);
    r.extend(&red);
    r.extend(&blue);
    r.extend([1, 0x12, 0x23]);
    // 2: no flags: solid in the carried-over background (red).
    r.push(0);
    // 3: a raw tile (all green) does not change background or foreground.
    r.push(1);
    for _ in 0..256 {
        r.extend(&green);
    }
    // 4: subrects without colours use the carried-over foreground (blue) on red.
    r.push(8);
    r.extend([1, 0xFF, 0x00]); // a 1x1 subrect at (15,15)
    let script = connected(64, 16).update(&[r]);
    let run = play_all(&Config::default(), &script);
    let mut want = Image::solid(64, 16, [255, 0, 0]);
    for y in 2..6 {
        for x in 1..4 {
            want.set(x, y, [0, 0, 255]);
        }
    }
    for y in 0..16 {
        for x in 32..48 {
            want.set(x, y, [0, 255, 0]);
        }
    }
    want.set(63, 15, [0, 0, 255]);
    assert_screen(&run, &want);
}

#[test]
fn hextile_coloured_subrects_by_hand() {
    let pf = PixelFormat::RGB565;
    let mut r = vnc_core::testing::rect_header(Rect::new(2, 1, 5, 3), 5);
    r.push(2 | 8 | 16);
    r.extend(pixel(&pf, [0, 0, 0]));
    r.push(2);
    r.extend(pixel(&pf, [255, 255, 255]));
    r.extend([0x00, 0x40]); // (0,0) 5x1
    r.extend(pixel(&pf, [255, 0, 0]));
    r.extend([0x42, 0x00]); // (4,2) 1x1
    let script = connected(8, 4).update(&[r]);
    let run = play_all(&config_for(&pf), &script);
    let mut want = Image::solid(8, 4, [0, 0, 0]);
    for x in 2..7 {
        want.set(x, 1, [255, 255, 255]);
    }
    want.set(6, 3, [255, 0, 0]);
    assert_screen(&run, &want);
}

#[test]
fn zrle_every_tile_kind_in_every_pixel_format() {
    // 100x70: a full tile, then 36-wide and 6-high edge tiles.
    let mut img = Image::pattern(100, 70);
    for y in 0..64 {
        for x in 64..100 {
            img.set(x, y, [(x % 3 * 100) as u8, 7, (y % 2 * 200) as u8]); // few colours
        }
    }
    for pf in formats() {
        for mode in [
            ZrleTile::Raw,
            ZrleTile::PackedPalette,
            ZrleTile::PlainRle,
            ZrleTile::PaletteRle,
        ] {
            let mut enc = ZrleEncoder::default();
            let script = connected(100, 70)
                .update(&[enc.rect(&pf, &img, Rect::new(0, 0, 100, 40), mode)])
                .update(&[enc.rect(&pf, &img, Rect::new(0, 40, 100, 30), mode)]);
            let run = play_all(&config_for(&pf), &script);
            assert_screen(&run, &img.quantized(&pf));
        }
    }
}

#[test]
fn zrle_packed_palettes_and_rle_by_hand() {
    let pf = PixelFormat::RGB888;
    let c = |rgb| cpixel(&pf, rgb);
    assert_eq!(c([1, 2, 3]).len(), 3, "depth 24 uses 3-byte compact pixels");
    let colours: Vec<[u8; 3]> = (0..16).map(|i| [i * 16, 255 - i * 16, i]).collect();
    // Tile 1 (10x2): 2 colours, 1 bit per pixel, rows padded to 2 bytes.
    let mut t1 = vec![2];
    t1.extend(c(colours[0]));
    t1.extend(c(colours[1]));
    t1.extend([0b1010_1010, 0b1000_0000, 0b0000_0000, 0b0100_0000]);
    let mut want1 = Image::solid(10, 2, colours[0]);
    for x in [0, 2, 4, 6, 8] {
        want1.set(x, 0, colours[1]);
    }
    want1.set(9, 1, colours[1]);
    // Tile 2 (10x2): 3 colours at 2 bits per pixel.
    let mut t2 = vec![3];
    for col in &colours[..3] {
        t2.extend(c(*col));
    }
    t2.extend([0b0001_1000, 0b0110_0100, 0b1000_0000]); // row 0: 0 1 2 0 | 1 2 1 0 | 2 0
    t2.extend([0b1010_1010, 0b0101_0101, 0b0000_0000]); // row 1: 2 2 2 2 | 1 1 1 1 | 0 0
    let rows = [
        [0, 1, 2, 0, 1, 2, 1, 0, 2, 0],
        [2, 2, 2, 2, 1, 1, 1, 1, 0, 0],
    ];
    let mut want2 = Image::solid(10, 2, colours[0]);
    for (y, row) in rows.iter().enumerate() {
        for (x, &i) in row.iter().enumerate() {
            want2.set(x as u16, y as u16, colours[i]);
        }
    }
    let rect = Rect::new(0, 0, 10, 2);
    let mut enc = ZrleEncoder::default();
    let first = connected(10, 2).update(&[enc.rect_from_tile_data(rect, &t1)]);
    assert_screen(&play_all(&Config::default(), &first), &want1);
    // The second update continues the same zlib stream.
    let both = first.update(&[enc.rect_from_tile_data(rect, &t2)]);
    assert_screen(&play_all(&Config::default(), &both), &want2);

    // 16 colours at 4 bits per pixel on a 3x1 tile: indexes 15, 0, 9.
    let mut t = vec![16];
    for col in &colours {
        t.extend(c(*col));
    }
    t.extend([0xF0, 0x90]);
    let run = play_all(
        &Config::default(),
        &connected(3, 1)
            .update(&[ZrleEncoder::default().rect_from_tile_data(Rect::new(0, 0, 3, 1), &t)]),
    );
    assert_screen(
        &run,
        &Image {
            width: 3,
            height: 1,
            pixels: vec![colours[15], colours[0], colours[9]],
        },
    );

    // Plain RLE with runs crossing rows and a run length of 255 + 255 + 4 + 1 = 515 pixels;
    // a 30x20 tile: 85 pixels of colour 1, 515 of colour 2.
    let mut t = vec![128];
    t.extend(c(colours[1]));
    t.push(84);
    t.extend(c(colours[2]));
    t.extend([255, 255, 4]);
    let mut want = Image::solid(30, 20, colours[2]);
    for i in 0..85u16 {
        want.set(i % 30, i / 30, colours[1]);
    }
    let run = play_all(
        &Config::default(),
        &connected(30, 20)
            .update(&[ZrleEncoder::default().rect_from_tile_data(Rect::new(0, 0, 30, 20), &t)]),
    );
    assert_screen(&run, &want);

    // Palette RLE: single pixels (bit 7 clear) and runs (bit 7 set) across rows.
    let mut t = vec![128 + 3];
    for col in &colours[..3] {
        t.extend(c(*col));
    }
    t.extend([2, 0x81, 6, 0x80, 2]); // 1 x colour 2, 7 x colour 1, 3 x colour 0 on a 4x3 tile... = 11
    t.push(2); // 12th pixel
    let mut want = Image::solid(4, 3, colours[0]);
    let seq = [2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 2];
    for (i, &k) in seq.iter().enumerate() {
        want.set((i % 4) as u16, (i / 4) as u16, colours[k]);
    }
    let run = play_all(
        &Config::default(),
        &connected(4, 3)
            .update(&[ZrleEncoder::default().rect_from_tile_data(Rect::new(0, 0, 4, 3), &t)]),
    );
    assert_screen(&run, &want);
}

#[test]
fn zrle_four_byte_compact_pixels_when_depth_is_32() {
    let pf = PixelFormat {
        depth: 32,
        ..PixelFormat::RGB888
    };
    assert_eq!(cpixel(&pf, [1, 2, 3]).len(), 4);
    let img = Image::pattern(70, 66);
    let mut enc = ZrleEncoder::default();
    let script =
        connected(70, 66).update(&[enc.rect(&pf, &img, Rect::new(0, 0, 70, 66), ZrleTile::Raw)]);
    assert_screen(&play_all(&config_for(&pf), &script), &img);
}

#[test]
fn zrle_stream_spans_rectangles_and_updates() {
    let img = Image::pattern(64, 64);
    let pf = PixelFormat::RGB888;
    let mut enc = ZrleEncoder::default();
    let mut script = connected(64, 64);
    for y in (0..64).step_by(8) {
        script = script.update(&[
            enc.rect(&pf, &img, Rect::new(0, y, 32, 8), ZrleTile::PaletteRle),
            enc.rect(&pf, &img, Rect::new(32, y, 32, 8), ZrleTile::Raw),
        ]);
    }
    let [threaded, inline] = inflate_modes();
    let run = vnc_core::testing::play_all_threading(&Config::default(), threaded, script.bytes());
    assert_screen(&run, &img);
    assert_eq!(
        run.events
            .iter()
            .filter(|e| **e == Event::FramebufferUpdateEnd)
            .count(),
        8
    );
    // Inflated on the helper thread, the eight updates in one piece were drawn while the
    // session parsed ahead; the events come in the same order as when inflated inline.
    let serial = vnc_core::testing::play_all_threading(&Config::default(), inline, script.bytes());
    assert_eq!(run.events, serial.events);
    assert_eq!(run.output, serial.output);
    assert_eq!(run.framebuffer.data(), serial.framebuffer.data());
}

/// ZRLE inflated on the helper thread, and inline.
fn inflate_modes() -> [Threading; 2] {
    [
        Threading::InflateThread { min_input: 0 },
        Threading::SingleThreaded,
    ]
}

/// Feeds `bytes` in pieces of `chunk` bytes.
fn play_in_pieces(threading: Threading, bytes: &[u8], chunk: usize) -> Run {
    let mut s = Session::with_threading(Config::default(), threading, std::time::Instant::now());
    let mut events = Vec::new();
    let mut error = None;
    for piece in bytes.chunks(chunk) {
        if let Err(e) = s.feed(piece) {
            error = Some(e);
            break;
        }
        events.extend(std::iter::from_fn(|| s.poll_event()));
    }
    events.extend(std::iter::from_fn(|| s.poll_event()));
    Run {
        events,
        output: s.take_output(),
        error,
        framebuffer: s.framebuffer().clone(),
    }
}

#[test]
fn zrle_large_rectangles_in_pieces_of_any_size() {
    // Noise does not compress: each rectangle is hundreds of KiB, many windows of inflated
    // data, fed whole or in large pieces (the transcript chunkings are small ones).
    let (w, h) = (640u16, 480u16);
    let mut img = Image::solid(w, h, [0, 0, 0]);
    let mut seed = 0x2545_f491_u32;
    for y in 0..h {
        for x in 0..w {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = seed.to_le_bytes();
            img.set(x, y, [v[1], v[2], v[3]]);
        }
    }
    let pf = PixelFormat::RGB888;
    let mut enc = ZrleEncoder::default();
    let script = connected(w, h)
        .update(&[enc.rect(&pf, &img, Rect::new(0, 0, w, 300), ZrleTile::Raw)])
        .update(&[
            enc.rect(&pf, &img, Rect::new(0, 300, 333, 180), ZrleTile::Raw),
            enc.rect(&pf, &img, Rect::new(333, 300, 307, 180), ZrleTile::PlainRle),
        ]);
    let bytes = script.bytes();
    let want = play_in_pieces(Threading::default(), bytes, bytes.len());
    assert_screen(&want, &img);
    for threading in inflate_modes() {
        for chunk in [40 << 10, 100_003, 256 << 10, bytes.len()] {
            let run = play_in_pieces(threading, bytes, chunk);
            let what = format!("pieces of {chunk}, {threading:?}");
            assert_screen(&run, &img);
            assert_eq!(run.events, want.events, "{what}");
            assert_eq!(run.output, want.output, "{what}");
        }
    }

    // A bad tile deep inside a large rectangle (the 31st of 50 has subencoding 17, which
    // does not exist): the tiles before it are drawn, and the error is ZRLE's, whatever the
    // pieces.
    let mut tiles = Vec::new();
    for t in 0..50u32 {
        tiles.push(if t == 30 { 17 } else { 0 });
        tiles.extend((0..64 * 64 * 3).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    }
    let mut enc = ZrleEncoder::default();
    let bad = connected(w, h)
        .update(&[enc.rect_from_tile_data(Rect::new(0, 0, w, 320), &tiles)])
        .bytes()
        .to_vec();
    let whole = play_in_pieces(Threading::default(), &bad, bad.len());
    let error = |r: &Run| r.error.as_ref().map(|e| format!("{e:?}"));
    assert!(
        matches!(
            whole.error,
            Some(Error::Protocol {
                error: vnc_core::ProtocolError::ZrleBadSubencoding {
                    subencoding: 17,
                    ..
                },
                ..
            })
        ),
        "{:?}",
        whole.error
    );
    for threading in inflate_modes() {
        for chunk in [40 << 10, 100_003, bad.len()] {
            let run = play_in_pieces(threading, &bad, chunk);
            let what = format!("pieces of {chunk}, {threading:?}");
            assert_eq!(error(&run), error(&whole), "{what}");
            assert_eq!(run.events, whole.events, "{what}");
        }
    }
    // Tiles 0 to 29 (rows 0 to 191 in full, and row 192's first 8 tiles) are drawn.
    let fb = whole.framebuffer.to_rgba();
    assert_ne!(&fb[..4], &[0, 0, 0, 255], "the first tile is drawn");
}

// ----- pseudo-encodings and other messages -----

#[test]
fn cursor_is_rgba_with_mask() {
    let pf = PixelFormat::RGB565;
    let mut r = vnc_core::testing::rect_header(Rect::new(1, 0, 9, 2), -239);
    for i in 0..18u8 {
        r.extend(pixel(
            &pf,
            if i % 2 == 0 { [255, 0, 0] } else { [0, 0, 255] },
        ));
    }
    // Mask rows are 2 bytes each (9 pixels); bit 7 of the first byte is pixel 0.
    r.extend([0b1000_0001, 0b1000_0000, 0b0000_0000, 0b0000_0000]);
    let script = connected(4, 4).update(&[r]);
    let run = play_all(&config_for(&pf), &script);
    let cursor = run
        .events
        .iter()
        .find_map(|e| match e {
            Event::CursorChanged(c) => Some(c.clone()),
            _ => None,
        })
        .expect("cursor event");
    assert_eq!(
        (
            cursor.width,
            cursor.height,
            cursor.hotspot_x,
            cursor.hotspot_y
        ),
        (9, 2, 1, 0)
    );
    assert_eq!(&cursor.rgba[0..4], &[255, 0, 0, 255]);
    assert_eq!(
        &cursor.rgba[4..8],
        &[0, 0, 0, 0],
        "masked out pixels are transparent"
    );
    assert_eq!(
        &cursor.rgba[28..32],
        &[0, 0, 255, 255],
        "pixel 7 (odd, blue) is visible"
    );
    assert_eq!(
        &cursor.rgba[32..36],
        &[255, 0, 0, 255],
        "pixel 8 uses the second mask byte"
    );
    assert!(cursor.rgba[36..].chunks(4).all(|p| p[3] == 0));
}

#[test]
fn desktop_size_name_last_rect_bell_and_cut_text() {
    let img = Image::pattern(6, 5);
    let pf = PixelFormat::RGB888;
    let mut name = vnc_core::testing::rect_header(Rect::new(0, 0, 0, 0), -307);
    name.extend_from_slice(&9u32.to_be_bytes());
    name.extend_from_slice("new näme".as_bytes());
    let script = connected(4, 4)
        .update(&[
            Script::pseudo_rect(Rect::new(0, 0, 6, 5), -223),
            Script::raw_rect(&pf, &img, Rect::new(0, 0, 6, 5)),
        ])
        .bell()
        .cut_text(b"caf\xe9")
        .update_with_count(0xFFFF, &[name, Script::pseudo_rect(Rect::default(), -224)])
        .update(&[]);
    let run = play_all(&Config::default(), &script);
    assert_screen(&run, &img);
    let ev = run.events_without_damage();
    let tail: Vec<&Event> = ev[ev.len() - 7..].to_vec();
    assert_eq!(
        tail,
        vec![
            &Event::DesktopResized {
                width: 6,
                height: 5
            },
            &Event::FramebufferUpdateEnd,
            &Event::Bell,
            &Event::ServerCutText("café".into()),
            &Event::DesktopRenamed("new näme".into()),
            &Event::FramebufferUpdateEnd,
            &Event::FramebufferUpdateEnd,
        ]
    );
    // After the resize the next request is a full one for the new size.
    let requests: Vec<&[u8]> = run
        .output
        .windows(10)
        .filter(|w| w[0] == 3 && w[1] <= 1 && w[2..6] == [0, 0, 0, 0])
        .collect();
    assert!(
        requests.contains(&&[3, 0, 0, 0, 0, 0, 0, 6, 0, 5][..]),
        "{requests:?}"
    );
}

// ----- update flow -----

#[test]
fn continuous_updates_pause_and_resume() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert_eq!(
        s.take_output(),
        [3, 1, 0, 0, 0, 0, 0, 4, 0, 4],
        "incremental request after each update"
    );
    s.set_updates_paused(true);
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert!(s.take_output().is_empty(), "nothing while paused");
    s.set_updates_paused(false);
    assert_eq!(s.take_output(), [3, 1, 0, 0, 0, 0, 0, 4, 0, 4]);
    // A manual full request of a region.
    s.request_update_region(Rect::new(2, 2, 10, 10), false);
    assert_eq!(
        s.take_output(),
        [3, 0, 0, 2, 0, 2, 0, 2, 0, 2],
        "clipped to the framebuffer"
    );
}

#[test]
fn manual_update_requests_only() {
    let mut config = Config::default();
    config.continuous_updates = false;
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert!(!s.wants_write());
}

#[test]
fn the_next_request_goes_out_when_an_update_begins() {
    // As TigerVNC's viewer does: the server can prepare the next update while this one is
    // decoded. One request per update, whether it has begun or ended.
    let img = Image::pattern(8, 8);
    let mut s = initialised(Config::default(), 8, 8);
    let update = connected_update(&PixelFormat::RGB888, &img);
    let (header, rest) = update.bytes().split_at(4 + 12 + 10);
    s.feed(header).unwrap();
    assert_eq!(
        s.take_output(),
        [3, 1, 0, 0, 0, 0, 0, 8, 0, 8],
        "an incremental request before the first rectangle is complete"
    );
    s.feed(rest).unwrap();
    assert!(s.take_output().is_empty(), "and none again at the end");
    assert!(std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::FramebufferUpdateEnd));
}

#[test]
fn a_format_change_asked_for_during_an_update_waits_for_its_end() {
    let img = Image::pattern(8, 8);
    let mut s = initialised(Config::default(), 8, 8);
    // The first update's header and half of its rectangle, then the switch.
    let update = connected_update(&PixelFormat::RGB888, &img);
    let (first, rest) = update.bytes().split_at(4 + 12 + 100);
    s.feed(first).unwrap();
    s.take_output();
    s.set_pixel_format(PixelFormatRequest::MEDIUM);
    assert!(!s.wants_write(), "nothing in the middle of an update");
    assert_eq!(s.pixel_format(), &PixelFormat::RGB888);
    s.feed(rest).unwrap();
    // The rest of the rectangle was decoded as RGB888.
    assert_eq!(s.framebuffer().to_rgba(), img.to_rgba());
    // The early request is answered in RGB888 too; then the switch and a full request.
    s.feed(connected_update(&PixelFormat::RGB888, &img).bytes())
        .unwrap();
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::RGB565.to_bytes());
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
    assert_eq!(s.take_output(), want, "SetPixelFormat, then a full request");
    assert_eq!(s.pixel_format(), &PixelFormat::RGB565);

    // The same with requests left to the application: no request is in flight during the
    // update, and still the switch waits for its end.
    let mut manual = Config::default();
    manual.continuous_updates = false;
    let mut s = initialised(manual, 8, 8);
    s.feed(first).unwrap();
    s.set_pixel_format(PixelFormatRequest::MEDIUM);
    assert!(!s.wants_write(), "nothing in the middle of an update");
    s.feed(rest).unwrap();
    assert_eq!(s.framebuffer().to_rgba(), img.to_rgba());
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::RGB565.to_bytes());
    assert_eq!(
        s.take_output(),
        want,
        "SetPixelFormat once the update is over"
    );
}

#[test]
fn pixel_format_switch_waits_for_the_update_in_flight() {
    let img = Image::pattern(8, 8);
    let mut s = initialised(Config::default(), 8, 8);
    // The first full request is in flight: the switch must wait.
    s.set_pixel_format(PixelFormatRequest::MEDIUM);
    assert!(!s.wants_write());
    // The update in flight still comes in RGB888.
    s.feed(connected_update(&PixelFormat::RGB888, &img).bytes())
        .unwrap();
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::RGB565.to_bytes());
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
    assert_eq!(s.take_output(), want, "SetPixelFormat, then a full request");
    assert_eq!(s.pixel_format(), &PixelFormat::RGB565);
    s.feed(connected_update(&PixelFormat::RGB565, &img).bytes())
        .unwrap();
    let fb = s.framebuffer();
    let q = img.quantized(&PixelFormat::RGB565);
    assert_eq!(fb.to_rgba(), q.to_rgba());
}

fn connected_update(pf: &PixelFormat, img: &Image) -> Script {
    Script::new().update(&[Script::raw_rect(
        pf,
        img,
        Rect::new(0, 0, img.width, img.height),
    )])
}

#[test]
fn input_messages_after_initialisation_only() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.key_event(0x61, true);
    s.pointer_event(1, 1, 1);
    s.client_cut_text("x");
    assert!(!s.wants_write());
    s.feed(connected(10, 10).bytes()).unwrap();
    s.take_output();
    s.key_event(0xff0d, true);
    s.pointer_event(500, 3, 0b1000); // wheel up; x clamped to 9
    s.client_cut_text("é€");
    assert_eq!(
        s.take_output(),
        [
            4, 1, 0, 0, 0, 0, 0xff, 0x0d, 5, 8, 0, 9, 0, 3, 6, 0, 0, 0, 0, 0, 0, 2, 0xe9, b'?'
        ]
    );
}

#[test]
fn a_server_that_streams_while_credentials_are_asked_is_stopped() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[2])
            .raw(&CHALLENGE)
            .bytes(),
    )
    .unwrap();
    assert!(s.credentials_needed().is_some());
    s.feed(&[0; 4096]).unwrap();
    match s.feed(&[0]) {
        Err(Error::Protocol {
            error: vnc_core::ProtocolError::UnexpectedData { len: 4097 },
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_update_answering_several_requests_keeps_updates_flowing() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    // The application asks for a refresh while the automatic full request is pending; the
    // server answers both with one update, as rfbproto allows.
    s.request_update(false);
    s.take_output();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert_eq!(
        s.take_output(),
        [3, 1, 0, 0, 0, 0, 0, 4, 0, 4],
        "the next request still goes out"
    );
    // A pixel format change waits for that request's answer, then goes out with a full one.
    s.set_pixel_format(PixelFormatRequest::LOW);
    assert!(!s.wants_write());
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::BGR233.to_bytes());
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 4, 0, 4]);
    assert_eq!(s.take_output(), want);
}

#[test]
fn invalid_pixel_formats_from_the_application_are_not_sent() {
    let bad = PixelFormat {
        green_max: 0,
        ..PixelFormat::RGB888
    };
    // In the configuration: RGB888 is asked for instead.
    let run = play_all(&config_for(&bad), &connected(2, 2));
    assert!(run.error.is_none());
    assert_eq!(&run.output[14..18], &[0, 0, 0, 0]);
    assert_eq!(&run.output[18..34], &PixelFormat::RGB888.to_bytes());
    // As a command: ignored.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(2, 2).bytes()).unwrap();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    s.take_output();
    s.set_pixel_format(PixelFormatRequest::Exact(bad));
    assert!(!s.wants_write());
    // Even after the update in flight ends, nothing changes.
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert_eq!(s.take_output(), [3, 1, 0, 0, 0, 0, 0, 2, 0, 2]);
    assert_eq!(s.pixel_format(), &PixelFormat::RGB888);
}

#[test]
fn hextile_foreground_after_coloured_subrects_is_the_last_colour() {
    let pf = PixelFormat::RGB888;
    let mut r = vnc_core::testing::rect_header(Rect::new(0, 0, 32, 16), 5);
    // Tile 1: black background, coloured subrects, the last one green.
    r.push(2 | 8 | 16);
    r.extend(pixel(&pf, [0, 0, 0]));
    r.push(2);
    r.extend(pixel(&pf, [255, 0, 0]));
    r.extend([0x00, 0x00]);
    r.extend(pixel(&pf, [0, 255, 0]));
    r.extend([0x11, 0x00]);
    // Tile 2: plain subrects with no foreground given: the last colour (green), as TigerVNC
    // and libvncclient decode it.
    r.push(8);
    r.extend([1, 0x22, 0x00]);
    let run = play_all(&Config::default(), &connected(32, 16).update(&[r]));
    let mut want = Image::solid(32, 16, [0, 0, 0]);
    want.set(0, 0, [255, 0, 0]);
    want.set(1, 1, [0, 255, 0]);
    want.set(18, 2, [0, 255, 0]);
    assert_screen(&run, &want);
}

#[test]
fn hanging_up_instead_of_a_failure_reason_is_an_authentication_failure() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "x");
    s.feed(
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[2])
            .raw(&CHALLENGE)
            .security_result(1)
            .bytes(),
    )
    .unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::AuthenticationFailed { reason: None })
    ));
}

// ----- VeNCrypt without TLS -----

#[test]
fn vencrypt_plain_sends_user_and_password_without_an_ack() {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::Plain];
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2]) // VeNCrypt 0.2
        .raw(&[0]) // version accepted
        .raw(&[2, 0, 0, 1, 0, 0, 0, 1, 7]) // sub-types Plain (256), X509SASL (263)
        .security_result(0)
        .server_init(2, 2, &PixelFormat::RGB888, "plain");
    for c in Chunking::ALL {
        let mut s = Session::new(config.clone(), std::time::Instant::now());
        s.set_credential(Credential::Username, "ann");
        s.set_credential(Credential::Password, "pw");
        let run = play_with(s, script.bytes(), c);
        assert!(run.error.is_none(), "{:?}", run.error);
        let mut want = b"RFB 003.008\n".to_vec();
        want.push(19);
        want.extend_from_slice(&[0, 2]);
        want.extend_from_slice(&256u32.to_be_bytes());
        want.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 2]);
        want.extend_from_slice(b"annpw");
        want.push(1); // ClientInit
        assert_eq!(&run.output[..want.len()], &want[..]);
        assert!(
            run.events
                .contains(&Event::SecurityNegotiated(SecurityType::Plain))
        );
    }
}

#[test]
fn vencrypt_plain_asks_for_user_and_password() {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::Plain];
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[19])
            .raw(&[0, 2, 0, 1, 0, 0, 1, 0])
            .bytes(),
    )
    .unwrap();
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert_eq!(
        events.last(),
        Some(&Event::CredentialsRequired(CredentialsNeeded {
            username: true,
            password: true
        }))
    );
    s.take_output();
    s.set_credential(Credential::Username, "u");
    assert!(!s.wants_write());
    s.set_credential(Credential::Password, "p");
    assert_eq!(s.take_output(), [0, 0, 0, 1, 0, 0, 0, 1, b'u', b'p']);
}

#[test]
fn vencrypt_refusals_and_bad_versions() {
    use vnc_core::ProtocolError as P;
    let base = || Script::new().version("RFB 003.008\n").security_types(&[19]);
    type Check = fn(&Error) -> bool;
    let cases: Vec<(Script, Check)> = vec![
        (base().raw(&[0, 1]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::UnsupportedVencryptVersion { major: 0, minor: 1 },
                    ..
                }
            )
        }),
        (base().raw(&[0, 2, 1]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::VencryptRefused(_),
                    ..
                }
            )
        }),
        (base().raw(&[0, 2, 0, 0]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::VencryptRefused(_),
                    ..
                }
            )
        }),
        // Only SASL sub-types (named as QEMU numbers them) and nothing this client accepts.
        (
            base().raw(&[0, 2, 0, 2, 0, 0, 1, 7, 0, 0, 1, 8]),
            |e| matches!(e, Error::NoCommonSecurityType { offered, .. } if offered == &[263, 264]),
        ),
        // The server refuses the TLS sub-type we chose.
        (base().raw(&[0, 2, 0, 1, 0, 0, 1, 1, 0]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::VencryptRefused(_),
                    ..
                }
            )
        }),
    ];
    for (script, ok) in cases {
        let run = play_all(&Config::default(), &script);
        let e = run.error.expect("an error");
        assert!(ok(&e), "{e:?}");
    }
}

#[test]
fn require_encryption_names_what_the_server_offered() {
    let mut config = Config::default();
    config.require_encryption = true;
    let run = play_all(
        &config,
        &Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1, 2]),
    );
    match run.error {
        Some(Error::EncryptionRequired { offered }) => {
            // Each offered type by name and number.
            let named = |t: u32| format!("{}({t})", vnc_core::security_type_name(t));
            assert_eq!(offered, [named(1), named(2)]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn vnc_auth_listed_inside_vencrypt() {
    // TigerVNC may list plain types inside VeNCrypt; no acknowledgement follows them.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2, 0, 1, 0, 0, 0, 2])
        .raw(&CHALLENGE)
        .security_result(0)
        .server_init(2, 2, &PixelFormat::RGB888, "v");
    for c in Chunking::ALL {
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        s.set_credential(Credential::Password, "password");
        let run = play_with(s, script.bytes(), c);
        assert!(run.error.is_none(), "{:?}", run.error);
        let mut want = b"RFB 003.008\n\x13\x00\x02\x00\x00\x00\x02".to_vec();
        want.extend_from_slice(&RESPONSE);
        assert_eq!(&run.output[..want.len()], &want[..]);
    }
}

// ----- ExtendedDesktopSize -----

fn extended_desktop_size(
    reason: u16,
    status: u16,
    w: u16,
    h: u16,
    screens: &[(u32, u16, u16, u16, u16)],
) -> Vec<u8> {
    let mut v = vnc_core::testing::rect_header(Rect::new(reason, status, w, h), -308);
    v.extend_from_slice(&[screens.len() as u8, 0, 0, 0]);
    for &(id, x, y, sw, sh) in screens {
        v.extend_from_slice(&id.to_be_bytes());
        for f in [x, y, sw, sh] {
            v.extend_from_slice(&f.to_be_bytes());
        }
        v.extend_from_slice(&0u32.to_be_bytes());
    }
    v
}

#[test]
fn extended_desktop_size_resizes_and_reports_the_layout() {
    use vnc_core::{ResizeReason, ResizeStatus, Screen};
    let script = connected(4, 4).update(&[extended_desktop_size(0, 0, 6, 5, &[(7, 0, 0, 6, 5)])]);
    let run = play_all(&Config::default(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!((run.framebuffer.width(), run.framebuffer.height()), (6, 5));
    let screen = Screen {
        id: 7,
        x: 0,
        y: 0,
        width: 6,
        height: 5,
        flags: 0,
    };
    let ev = run.events_without_damage();
    assert!(ev.contains(&&Event::DesktopResized {
        width: 6,
        height: 5
    }));
    assert!(ev.contains(&&Event::DesktopLayout {
        reason: ResizeReason::Server,
        status: ResizeStatus::Ok,
        screens: vec![screen]
    }));

    // Now the client may ask for a size; a refusal changes nothing.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_desktop_size(8, 8);
    s.feed(script.bytes()).unwrap();
    s.take_output();
    while s.poll_event().is_some() {}
    assert!(s.can_resize_desktop());
    s.set_desktop_size(800, 600);
    let mut want = vec![251, 0, 3, 32, 2, 88, 1, 0];
    want.extend_from_slice(&[0, 0, 0, 7, 0, 0, 0, 0, 3, 32, 2, 88, 0, 0, 0, 0]);
    assert_eq!(s.take_output(), want);
    s.feed(
        Script::new()
            .update(&[extended_desktop_size(1, 1, 800, 600, &[(7, 0, 0, 6, 5)])])
            .bytes(),
    )
    .unwrap();
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::DesktopLayout {
            reason: ResizeReason::ThisClient,
            status: ResizeStatus::Prohibited,
            ..
        }
    )));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::DesktopResized { .. }))
    );
    assert_eq!(s.framebuffer().width(), 6);
}

#[test]
fn set_desktop_size_needs_server_support() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    assert!(!s.can_resize_desktop());
    s.set_desktop_size(100, 100);
    assert!(!s.wants_write());
}

#[test]
fn x509_needs_a_host_name_or_a_pin() {
    // VeNCrypt 0.2 accepted, one sub-type offered (X509None, 260), and the choice acknowledged.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2, 0, 1, 0, 0, 1, 4, 1]);
    // TLS output is random, so these feed a session directly rather than through play_all.
    let run = |config: Config| {
        let mut s = Session::new(config, std::time::Instant::now());
        let result = s.feed(script.bytes());
        (result, s.take_output())
    };
    // No name (a stream or a Unix socket): refused before TLS starts.
    let (result, _) = run(Config::default());
    let error = result.unwrap_err();
    assert!(matches!(error, Error::ServerNameMissing), "{error:?}");
    assert_eq!(error.kind(), vnc_core::ErrorKind::Certificate);
    // A pin needs no name: TLS starts, its first record (a handshake, 0x16) follows the
    // sub-type choice.
    let mut pinned = Config::default();
    pinned.tls.pinned_sha256 = vec![[7; 32]];
    let (result, output) = run(pinned);
    result.unwrap();
    let choice = b"RFB 003.008\n\x13\x00\x02\x00\x00\x01\x04";
    assert_eq!(&output[..choice.len()], choice);
    assert_eq!(output.get(choice.len()), Some(&0x16));
    // A name but nothing to trust: the settings cannot be used.
    let mut named = Config::default();
    named.server_name = Some("vm1.example".into());
    let (result, _) = run(named);
    assert_eq!(
        result.map_err(|e| e.kind()),
        Err(vnc_core::ErrorKind::Configuration)
    );
}
