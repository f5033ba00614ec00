//! Split invariance: the stream whole and in chunks (sizes from the input) gives the same
//! events, the same output and, unless it ends in an error, the same framebuffer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vnc_core::testing::{Chunking, play_with};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Some((&seed, rest)) = rest.split_first() else {
        return;
    };
    let mut stream = vnc_fuzz::handshake(sel, 32, 24);
    if sel & 0x10 != 0 {
        // Sometimes the raw stream from the first byte, so the handshake is split too.
        stream.clear();
    }
    stream.extend_from_slice(rest);
    let whole = play_with(vnc_fuzz::session(sel), &stream, Chunking::Whole);
    let split = play_with(
        vnc_fuzz::session(sel),
        &stream,
        Chunking::Random(u64::from(seed) + 1),
    );
    let bytes = play_with(vnc_fuzz::session(sel), &stream, Chunking::OneByte);
    for other in [&split, &bytes] {
        assert_eq!(whole.events, other.events);
        assert_eq!(whole.output, other.output);
        assert_eq!(whole.error.is_some(), other.error.is_some());
        if whole.error.is_none() {
            assert_eq!(whole.framebuffer.data(), other.framebuffer.data());
        }
    }
});
