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
});
