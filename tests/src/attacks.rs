//! The malicious-server attacks that both front ends face (vnccapture in `malicious.rs`, the
//! GTK widget in `gtk_malicious.rs`): the classic attacks on VNC clients and corrupt streams,
//! each with what the client must end with.

mod login;
mod sasl;

use std::time::Duration;

use vnc_core::testing::{Image, Script, ZrleEncoder, rect_header};
use vnc_core::{Error, PixelFormat, ProtocolError, Rect, Step};

/// How a client must come out of an attack.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// An error: the engine's error is one that `is` accepts (see [`engine_error`]), and
    /// vnccapture exits with `exit_code`.
    Error {
        is: fn(&Error) -> bool,
        exit_code: i32,
    },
    /// The attack is survived: the session goes on and a frame arrives after it.
    Frame,
}

/// One attack: what the server sends, how fast, and the expected outcome.
pub struct Attack {
    pub name: &'static str,
    pub script: Vec<u8>,
    /// One byte at a time with this pause (a "slowloris" server).
    pub trickle: Option<Duration>,
    pub expect: Expect,
}

/// Version and security None, up to ServerInit.
fn until_init() -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
}

/// Version, security None and ServerInit of a `w` x `h` RGB888 desktop.
pub fn hello(w: u16, h: u16) -> Script {
    until_init().server_init(w, h, &PixelFormat::RGB888, "evil")
}

const PROTOCOL: i32 = 6;
const TIMEOUT: i32 = 7;

fn error(is: fn(&Error) -> bool, exit_code: i32) -> Expect {
    Expect::Error { is, exit_code }
}

/// What a session with the front ends' settings (default limits, a 2 s handshake timeout)
/// ends with when a server sends `script` and then nothing more: the error of the bytes, or
/// else the handshake timeout's, reached by handing the session a later time (no waiting).
pub fn engine_error(script: &[u8]) -> Option<Error> {
    let start = std::time::Instant::now();
    let mut config = vnc_core::Config::default();
    config.handshake_timeout = Some(Duration::from_secs(2));
    let mut session = vnc_core::Session::new(config, start);
    session
        .feed(script)
        .and_then(|()| session.handle_timeout(start + Duration::from_secs(3)))
        .err()
}

fn protocol(e: &Error, is: fn(&ProtocolError) -> bool) -> bool {
    matches!(e, Error::Protocol { error, .. } if is(error))
}

/// The picture of the frame sent after attacks that a client survives ([`Expect::Frame`]).
pub fn frame_picture() -> crate::Rgb {
    let img = Image::pattern(64, 64);
    crate::Rgb {
        width: 64,
        height: 64,
        data: img.pixels.concat(),
    }
}

/// A valid full rectangle of the 64x64 desktop that [`hello`] announces: the picture of
/// [`frame_picture`].
pub fn frame() -> Vec<u8> {
    let img = Image::pattern(64, 64);
    Script::raw_rect(&PixelFormat::RGB888, &img, Rect::new(0, 0, 64, 64))
}

/// Every attack. Each handshake-time attack is refused before anything large is allocated;
/// a slow server is cut off by a 2 s handshake timeout (the front ends set it).
pub fn attacks() -> Vec<Attack> {
    let mut list = Vec::new();
    let mut add = |name, script: Script, expect| {
        list.push(Attack {
            name,
            script: script.bytes().to_vec(),
            trickle: None,
            expect,
        })
    };
    add(
        "a 65535x65535 framebuffer",
        hello(65535, 65535),
        error(
            |e| {
                matches!(
                    e,
                    Error::LimitExceeded {
                        step: Step::Initialization,
                        ..
                    }
                )
            },
            PROTOCOL,
        ),
    );
    // 16 MiB of zeros compress to a few KiB; the rectangle is 4x4.
    let mut enc = ZrleEncoder::default();
    add(
        "a zlib bomb in ZRLE",
        hello(64, 64)
            .update(&[enc.rect_from_tile_data(Rect::new(0, 0, 4, 4), &vec![0u8; 16 << 20])]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::ZlibOverflow { .. })),
            PROTOCOL,
        ),
    );
    add(
        "a desktop name of 4 GiB",
        until_init()
            .raw(&64u16.to_be_bytes())
            .raw(&64u16.to_be_bytes())
            .raw(&PixelFormat::RGB888.to_bytes())
            .raw(&u32::MAX.to_be_bytes()),
        error(
            |e| {
                matches!(
                    e,
                    Error::LimitExceeded {
                        step: Step::Initialization,
                        ..
                    }
                )
            },
            PROTOCOL,
        ),
    );
    add(
        "a refusal reason of 4 GiB",
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[])
            .raw(&u32::MAX.to_be_bytes()),
        error(
            |e| {
                matches!(
                    e,
                    Error::LimitExceeded {
                        step: Step::Security,
                        ..
                    }
                )
            },
            PROTOCOL,
        ),
    );
    let mut outside = rect_header(Rect::new(60, 60, 10, 10), 0);
    outside.extend(vec![0; 400]);
    add(
        "a rectangle outside the framebuffer",
        hello(64, 64).update(&[outside]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::RectOutOfBounds { .. })),
            PROTOCOL,
        ),
    );
    add(
        "CopyRect from outside the framebuffer",
        hello(64, 64).update(&[Script::copy_rect(Rect::new(0, 0, 32, 32), 60, 60)]),
        error(
            |e| {
                protocol(e, |p| {
                    matches!(p, ProtocolError::CopyRectSourceOutOfBounds { .. })
                })
            },
            PROTOCOL,
        ),
    );
    // RRE that claims 2^32-1 subrectangles for a 4x4 rectangle.
    let mut rre = rect_header(Rect::new(0, 0, 4, 4), 2);
    rre.extend_from_slice(&u32::MAX.to_be_bytes());
    rre.extend_from_slice(&[0; 4]);
    add(
        "RRE with 4 billion subrectangles",
        hello(64, 64).update(&[rre]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::TooManySubrects { .. })),
            PROTOCOL,
        ),
    );
    // Hextile: one subrectangle reaching past its 16x16 tile.
    let mut hextile = rect_header(Rect::new(0, 0, 16, 16), 5);
    // Background, coloured subrectangles: one, 16x16 at (8, 8).
    hextile.extend_from_slice(&[0x02 | 0x08 | 0x10, 1, 2, 3, 0, 1]);
    hextile.extend_from_slice(&[0xF8, 0x0F, 0, 0, 0x88, 0xFF]);
    add(
        "a Hextile subrectangle past its tile",
        hello(64, 64).update(&[hextile]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::SubrectOutOfBounds { .. })),
            PROTOCOL,
        ),
    );
    let mut cursor = rect_header(Rect::new(0, 0, 65535, 65535), -239);
    cursor.extend_from_slice(&[0; 64]);
    add(
        "a 65535x65535 cursor",
        hello(64, 64).update(&[cursor]),
        error(
            |e| {
                matches!(
                    e,
                    Error::LimitExceeded {
                        step: Step::FramebufferUpdate,
                        ..
                    }
                )
            },
            PROTOCOL,
        ),
    );
    add(
        "a colour map entry past 255",
        hello(64, 64).colour_map(250, &[[0, 0, 0]; 10]),
        error(
            |e| {
                protocol(e, |p| {
                    matches!(
                        p,
                        // The desktop is true colour, so the message is refused before its range.
                        ProtocolError::ColourMapInTrueColour
                            | ProtocolError::ColourMapOutOfRange { .. }
                    )
                })
            },
            PROTOCOL,
        ),
    );
    add(
        "an unknown message type",
        hello(64, 64).raw(&[0xEE; 16]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::UnknownMessageType(0xEE))),
            PROTOCOL,
        ),
    );
    // QEMU audio (message 255, sub-type 1), after QEMU's acknowledgement of -259.
    add(
        "QEMU audio data of 4 GiB",
        hello(64, 64)
            .audio_ack()
            .raw(&[255, 1, 0, 2])
            .raw(&u32::MAX.to_be_bytes())
            .raw(&[0; 1 << 16]),
        error(
            |e| {
                matches!(
                    e,
                    Error::LimitExceeded {
                        step: Step::ServerMessage,
                        ..
                    }
                )
            },
            PROTOCOL,
        ),
    );
    add(
        "an unknown QEMU audio operation",
        hello(64, 64).audio_ack().audio_op(0x7777),
        error(
            |e| {
                protocol(e, |p| {
                    matches!(p, ProtocolError::UnknownAudioOperation(0x7777))
                })
            },
            PROTOCOL,
        ),
    );
    add(
        "an unknown QEMU message sub-type",
        hello(64, 64).raw(&[255, 0xEE, 0, 0]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::UnknownQemuMessage(0xEE))),
            PROTOCOL,
        ),
    );
    // 512 KiB of audio the client never asked for, full of bytes that would be messages:
    // dropped, and the frame after it arrives.
    add(
        "QEMU audio the client did not ask for",
        hello(64, 64)
            .audio_ack()
            .audio_op(1)
            .audio_data(&[2u8; 512 << 10])
            .audio_op(0)
            .update(&[frame()]),
        Expect::Frame,
    );
    // 8 MiB of cut text (8 times the default limit) full of bytes that would be messages if
    // they were parsed: read and dropped, and the frame after it arrives.
    add(
        "8 MiB of cut text",
        hello(64, 64).cut_text(&[2u8; 8 << 20]).update(&[frame()]),
        Expect::Frame,
    );
    // Extended Clipboard (ServerCutText with a negative length): a zlib bomb whose text
    // claims 4 GiB is dropped from its length (8 MiB of zlib output, 8 times the limit, never
    // inflated; kept at that size because the test process's memory shows in the peak RSS of
    // the children it forks meanwhile), absurd
    // caps are only numbers; the frame after them arrives. A provide cut short is a protocol
    // error. (An i32::MIN length is in malicious.rs: 2 GiB skipped as it comes.)
    let bomb = {
        let mut raw = u32::MAX.to_be_bytes().to_vec();
        raw.extend(std::iter::repeat_n(b'x', 8 << 20));
        let mut p = (vnc_core::testing::CLIPBOARD_PROVIDE | 1)
            .to_be_bytes()
            .to_vec();
        p.extend_from_slice(&vnc_core::testing::zlib_stream(&raw));
        p
    };
    add(
        "an Extended Clipboard zlib bomb",
        hello(64, 64)
            .clipboard_caps(vnc_core::testing::CLIPBOARD_ALL_ACTIONS, u32::MAX)
            .extended_cut_text(&bomb)
            .update(&[frame()]),
        Expect::Frame,
    );
    add(
        "an Extended Clipboard provide cut short",
        hello(64, 64).extended_cut_text(&{
            let mut raw = 4000u32.to_be_bytes().to_vec();
            raw.extend((0..4000u32).map(|i| (i * 7 % 251) as u8));
            let mut p = (vnc_core::testing::CLIPBOARD_PROVIDE | 1)
                .to_be_bytes()
                .to_vec();
            let z = vnc_core::testing::zlib_stream(&raw);
            p.extend_from_slice(&z[..z.len() / 2]);
            p
        }),
        error(
            |e| {
                protocol(e, |p| {
                    matches!(p, ProtocolError::MalformedExtendedClipboard(_))
                })
            },
            PROTOCOL,
        ),
    );
    // QEMU's pseudo-encodings and xvp: odd headers and codes are read at their fixed size
    // and the stream stays in step (the frame after them arrives); a rectangle in the xvp
    // encoding, which is a message type and never a rectangle, is refused.
    let absurd = Rect::new(65535, 65535, 65535, 65535);
    let mut leds = rect_header(absurd, -261);
    leds.push(0xFF);
    add(
        "QEMU key and LED pseudo-rectangles with absurd geometry",
        hello(64, 64).update(&[Script::pseudo_rect(absurd, -258), leds, frame()]),
        Expect::Frame,
    );
    add(
        "xvp messages with unknown codes and version 0",
        hello(64, 64)
            .xvp(1, 0xEE)
            .xvp(0, 1)
            .xvp(u8::MAX, 2)
            .update(&[frame()]),
        Expect::Frame,
    );
    add(
        "a rectangle in the xvp encoding",
        hello(64, 64).update(&[rect_header(Rect::new(0, 0, 64, 64), -309)]),
        error(
            |e| {
                protocol(e, |p| {
                    matches!(p, ProtocolError::UnsupportedEncoding { encoding: -309, .. })
                })
            },
            PROTOCOL,
        ),
    );
    // Cursor With Alpha whose image claims an encoding other than Raw; an X Cursor of
    // 65535x65535 (refused from its header, before its 1 GiB of bitmaps).
    let mut alpha = rect_header(Rect::new(0, 0, 4, 4), -314);
    alpha.extend_from_slice(&16i32.to_be_bytes());
    alpha.extend_from_slice(&[0; 64]);
    add(
        "a cursor with alpha in ZRLE",
        hello(64, 64).update(&[alpha]),
        error(
            |e| {
                protocol(e, |p| {
                    matches!(
                        p,
                        ProtocolError::UnsupportedCursorEncoding { pseudo: -314, .. }
                    )
                })
            },
            PROTOCOL,
        ),
    );
    add(
        "a 65535x65535 X cursor",
        hello(64, 64).update(&[rect_header(Rect::new(0, 0, 65535, 65535), -240)]),
        error(
            |e| {
                matches!(
                    e,
                    Error::LimitExceeded {
                        step: Step::FramebufferUpdate,
                        ..
                    }
                )
            },
            PROTOCOL,
        ),
    );
    add(
        "cursor positions far outside the framebuffer",
        hello(64, 64).update(&[
            Script::pseudo_rect(Rect::new(65535, 65535, 65535, 65535), -232),
            frame(),
        ]),
        Expect::Frame,
    );
    // Continuous updates and fences: a fence longer than 64 bytes is refused at its length;
    // fences with every flag set (requests and answers), unasked EndOfContinuousUpdates and
    // a fence answer the client never asked for are harmless, and the frame arrives.
    add(
        "a Fence of 255 bytes",
        hello(64, 64).fence(0x8000_0000, 255, &[0xEE; 255]),
        error(
            |e| protocol(e, |p| matches!(p, ProtocolError::FenceTooLong(255))),
            PROTOCOL,
        ),
    );
    add(
        "fences with unknown flags and unasked EndOfContinuousUpdates",
        hello(64, 64)
            .end_of_continuous_updates()
            .fence(u32::MAX, 64, &[0xEE; 64])
            .fence(0x7FFF_FFFF, 4, &[0, 0, 0, 0])
            .end_of_continuous_updates()
            .end_of_continuous_updates()
            .update(&[frame()]),
        Expect::Frame,
    );
    list.push(Attack {
        name: "a slowloris handshake",
        script: b"RFB 003.008\n\x01\x01\0\0\0\0".to_vec(),
        trickle: Some(Duration::from_millis(300)),
        expect: error(|e| matches!(e, Error::Timeout { .. }), TIMEOUT),
    });
    list.extend(login::attacks());
    list.extend(sasl::attacks());
    list
}
