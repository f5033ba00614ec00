//! Shared helpers: scripted handshakes, the pixel formats every decoder is tried in, and
//! the screen comparison, and
//! feeding a running session.

use vnc_core::testing::{Chunking, Image, Run, Script};
use vnc_core::{Config, Event, PixelFormat, PixelFormatRequest, Session};

/// Plays `script` with every chunking, asserts the runs agree, and returns the whole run.
pub(crate) fn play_all(config: &Config, script: &Script) -> Run {
    vnc_core::testing::play_all(config, script.bytes())
}

/// A 3.8 handshake with security None and a ServerInit of `w` x `h` in RGB888.
pub(crate) fn connected(w: u16, h: u16) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(w, h, &PixelFormat::RGB888, "desk")
}

/// A session past ServerInit of a `w` x `h` desktop, its output so far taken.
pub(crate) fn initialised(config: Config, w: u16, h: u16) -> Session {
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(connected(w, h).bytes()).unwrap();
    s.take_output();
    s
}

/// The configuration that asks the server for `pf`.
pub(crate) fn config_for(pf: &PixelFormat) -> Config {
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::Exact(*pf);
    config
}

pub(crate) fn assert_screen(run: &Run, want: &Image) {
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

pub(crate) fn formats() -> Vec<PixelFormat> {
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

pub(crate) const CHALLENGE: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/// DES of CHALLENGE under the bit-reversed key "password" (computed with OpenSSL).
pub(crate) const RESPONSE: [u8; 16] = [
    0xb8, 0x66, 0x92, 0x41, 0x25, 0xc8, 0xee, 0xbb, 0x9d, 0xeb, 0xc1, 0xdb, 0x61, 0xc5, 0x38, 0xe2,
];

/// Feeds `bytes` into a running session split as `chunking` says; returns the events
/// without damage and what the session sent. Panics on an error.
pub(crate) fn feed(s: &mut Session, bytes: &[u8], chunking: Chunking) -> (Vec<Event>, Vec<u8>) {
    let run = vnc_core::testing::play_into(s, bytes, chunking);
    assert!(run.error.is_none(), "{:?}", run.error);
    let events = run
        .events
        .into_iter()
        .filter(|e| !matches!(e, Event::FramebufferUpdated(_)))
        .collect();
    (events, run.output)
}
