//! Server messages after a valid handshake, in every pixel format: the decoders and message
//! parsers see arbitrary data with a real framebuffer behind them.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Some((&size, rest)) = rest.split_first() else {
        return;
    };
    let (w, h) = (u16::from(size & 0x0F) * 8 + 1, u16::from(size >> 4) * 8 + 1);
    let mut s = vnc_fuzz::session(sel & 0x3F);
    s.feed(&vnc_fuzz::handshake(sel, w, h))
        .expect("valid handshake");
    let _ = s.feed(rest);
    while s.poll_event().is_some() {}
    // A key after whatever the server said: Extended Key Event if it acknowledged -258.
    s.key_event_with_scancode(0x61, 0x1e, true);
    // The pointer in whatever mode the server said (-257): positions and motion.
    s.pointer_event(3, 2, 1);
    s.pointer_motion(-70000, 5, 0);
    // A pixel format change in whatever update flow the server led to (behind a fence under
    // continuous updates), a pause and a resume, then the answer to the client's first fence.
    s.set_pixel_format(vnc_core::PixelFormatRequest::Exact(vnc_core::PixelFormat::RGB565));
    s.set_updates_paused(true);
    s.set_updates_paused(false);
    // A round-trip measurement (if fences were shown) sent, its answer (id 0 or 1), timed.
    let now = std::time::Instant::now();
    let _ = s.handle_timeout(now);
    let _ = s.feed(&[248, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 0, 0, 150, 0]);
    let _ = s.feed(&[248, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1]);
    let _ = s.handle_timeout(now);
    while s.poll_event().is_some() {}
});
