//! The ZRLE helper thread ends with its session: a session that failed has none left, and
//! after sessions that decoded ZRLE or stopped in the middle of a rectangle are dropped, no
//! helper is left. Helpers report their own end (as their thread's last act), so nothing here
//! counts the process's threads. (A test binary of its own, so that no other test's sessions
//! count.)

use std::time::Instant;

use vnc_core::testing::{Image, Script, ZrleEncoder, ZrleTile, live_inflate_helpers};
use vnc_core::{Config, PixelFormat, Rect, Session, Threading};

#[test]
fn helper_threads_end_with_their_sessions() {
    let pf = PixelFormat::RGB888;
    let img = Image::pattern(64, 64);
    let connected = || {
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(64, 64, &pf, "threads")
    };
    let whole = Rect::new(0, 0, 64, 64);
    let good = connected()
        .update(&[ZrleEncoder::default().rect(&pf, &img, whole, ZrleTile::Raw)])
        .bytes()
        .to_vec();
    // An update, then a second one on the same zlib stream, cut short.
    let mut enc = ZrleEncoder::default();
    let mut unfinished = connected()
        .update(&[enc.rect(&pf, &img, whole, ZrleTile::Raw)])
        .update(&[enc.rect(&pf, &img, whole, ZrleTile::PlainRle)])
        .bytes()
        .to_vec();
    unfinished.truncate(unfinished.len() - 100);
    // A zlib header and then a block type that does not exist.
    let mut corrupt = connected().update(&[]).bytes().to_vec();
    corrupt.truncate(corrupt.len() - 2);
    corrupt.extend_from_slice(&1u16.to_be_bytes());
    corrupt.extend_from_slice(&vnc_core::testing::rect_header(Rect::new(0, 0, 8, 8), 16));
    corrupt.extend_from_slice(&4u32.to_be_bytes());
    corrupt.extend_from_slice(&[0x78, 0x9c, 0xff, 0xff]);

    let threading = Threading::InflateThread { min_input: 0 };
    assert_eq!(live_inflate_helpers(), 0);
    for round in 0..20 {
        for (name, bytes, ok) in [
            ("good", &good[..], true),
            ("corrupt", &corrupt[..], false),
            ("unfinished", &unfinished[..], true),
        ] {
            let mut s = Session::with_threading(Config::default(), threading, Instant::now());
            assert_eq!(s.feed(bytes).is_ok(), ok, "{name}, round {round}");
            // The helper runs while its session lives, and has ended when the session failed.
            let expected = usize::from(ok);
            assert_eq!(live_inflate_helpers(), expected, "{name}, round {round}");
            drop(s);
            assert_eq!(live_inflate_helpers(), 0, "{name}, round {round}");
        }
    }
    // A single-threaded session never starts one.
    let mut s =
        Session::with_threading(Config::default(), Threading::SingleThreaded, Instant::now());
    s.feed(&good).unwrap();
    assert_eq!(live_inflate_helpers(), 0);
}
