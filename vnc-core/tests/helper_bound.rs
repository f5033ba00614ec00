//! The process's ZRLE helper threads are bounded by its CPU count, whatever the number of
//! sessions: the sessions that find every place taken inflate inline and draw the same
//! frames, and a session that releases its buffers gives its helper's place back and goes on
//! with the same zlib stream. (A test binary of its own, so that no other test's sessions
//! count.)

use std::time::Instant;

use vnc_core::testing::{Image, Script, ZrleEncoder, ZrleTile, live_inflate_helpers};
use vnc_core::{Config, PixelFormat, Rect, Session, Threading};

#[test]
fn helpers_are_bounded_by_the_cpus_and_released_when_idle() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pf = PixelFormat::RGB888;
    let first = Image::pattern(128, 96);
    let mut second = Image::solid(128, 96, [10, 20, 30]);
    for i in 0..96 {
        second.set(i, i, [250, 240, 0]);
    }
    let whole = Rect::new(0, 0, 128, 96);
    let mut enc = ZrleEncoder::default();
    let connect = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(128, 96, &pf, "bound")
        .update(&[enc.rect(&pf, &first, whole, ZrleTile::Raw)])
        .bytes()
        .to_vec();
    // The next update continues the same zlib stream.
    let next = Script::new()
        .update(&[enc.rect(&pf, &second, whole, ZrleTile::PaletteRle)])
        .bytes()
        .to_vec();

    let threading = Threading::InflateThread { min_input: 0 };
    assert_eq!(live_inflate_helpers(), 0);
    let mut sessions: Vec<Session> = (0..4 * cpus + 3)
        .map(|_| {
            let mut s = Session::with_threading(Config::default(), threading, Instant::now());
            s.feed(&connect).unwrap();
            s
        })
        .collect();
    let live = live_inflate_helpers();
    assert!(live >= 1 && live <= cpus, "{live} helpers for {cpus} CPUs");
    for s in &sessions {
        assert_eq!(s.framebuffer().to_rgba(), first.to_rgba());
    }
    // Idle: every helper ends; the streams stay, so the next update still decodes.
    for s in &mut sessions {
        s.release_buffers();
    }
    assert_eq!(live_inflate_helpers(), 0);
    for s in &mut sessions {
        s.feed(&next).unwrap();
        assert_eq!(s.framebuffer().to_rgba(), second.to_rgba());
    }
    assert!(live_inflate_helpers() <= cpus);
    drop(sessions);
    assert_eq!(live_inflate_helpers(), 0);
}
