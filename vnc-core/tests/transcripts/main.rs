//! Transcript tests: whole conversations played from a scripted server into a session, every
//! one of them whole, one byte at a time and in random chunks, with identical results.

mod continuous_updates;
mod corre;
mod cursors;
mod decoders;
mod extended_clipboard;
mod handshake;
mod jpeg;
mod login;
mod pieces;
mod pseudo_encodings;
mod qemu_audio;
mod qemu_keyboard;
mod qemu_pointer;
mod support;
mod tight;
mod trle;
mod update_flow;
mod vencrypt;
mod xvp;
mod zlib;
mod zlibhex;
mod zrle;
