//! The SASL handshake step (type 20) with Cyrus's real client: any bytes after the server
//! offered SASL (mechanism list, turns, complete flags, the SecurityResult and what follows)
//! end in a typed error or go on, never a panic, a hang or an allocation past the limits.
//! Cyrus's nonces are its own random numbers, so the client's output is not compared (the
//! `split` target leaves SASL out for that reason).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut s = vnc_fuzz::sasl_session();
    let mut stream = vnc_fuzz::SASL_OFFER.to_vec();
    stream.extend_from_slice(data);
    let _ = s.feed(&stream);
    while s.poll_event().is_some() {}
    let _ = s.feed_eof();
});
