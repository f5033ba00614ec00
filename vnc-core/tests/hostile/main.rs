//! Hostile-server tests: a malicious or broken server sends out-of-bounds rectangles, bad
//! sub-encodings, absurd length fields, invalid formats or plain garbage. Every case must end
//! in the exact typed error (or, where the protocol says so, be skipped), never a panic, a
//! hang or a large allocation, and the result must not depend on how the input is split.

mod allocation;
mod continuous_updates;
mod extended_clipboard;
mod formats;
mod garbage;
mod libvnc;
mod limits;
mod login;
mod protocol;
mod qemu;
mod qemu_audio;
mod rectangles;
#[cfg(feature = "sasl")]
mod sasl;
mod support;
mod tight;
mod xvp;
mod zrle;
