//! The ZRLE helper thread ends with its session: a session that failed has none left, and
//! after sessions that decoded ZRLE or stopped in the middle of a rectangle are dropped, the
//! process has the threads it had before. (A test binary of its own, so that no other test's
//! threads count.)

use std::time::Instant;

use vnc_core::testing::{Image, Script, ZrleEncoder, ZrleTile};
use vnc_core::{Config, PixelFormat, Rect, Session};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

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

    let mut config = Config::default();
    config.inflate_thread = true;
    config.inflate_thread_min_input = 0;
    let before = threads();
    assert!(before > 0, "cannot count threads in /proc/self/task");
    for round in 0..20 {
        for (name, bytes, ok) in [
            ("good", &good[..], true),
            ("corrupt", &corrupt[..], false),
            ("unfinished", &unfinished[..], true),
        ] {
            let mut s = Session::new(config.clone(), Instant::now());
            assert_eq!(s.feed(bytes).is_ok(), ok, "{name}, round {round}");
            // The helper runs while its session lives, and ends when the session fails.
            let expected = if ok { before + 1 } else { before };
            assert_eq!(threads(), expected, "{name}, round {round}");
            drop(s);
        }
    }
    assert_eq!(threads(), before);
}
