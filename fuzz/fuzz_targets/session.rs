//! Any byte stream from a "server", from the first byte on: never a panic, a hang or an
//! allocation past the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut s = vnc_fuzz::session(sel);
    let _ = s.feed(rest);
    while s.poll_event().is_some() {}
    let _ = s.feed_eof();
});
