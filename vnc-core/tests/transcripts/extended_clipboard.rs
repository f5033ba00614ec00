//! The Extended Clipboard (pseudo-encoding 0xC0A1E5CE) as a conversation, split every way:
//! announced by default; the server's caps are answered with the client's; a notify is
//! answered with a request and the provide becomes the text; the client's text goes as a
//! notify and, on request, as a provide of one zlib stream of CR LF text and a NUL; a peek is
//! answered with a notify; without caps the text goes as Latin-1.

use std::io::Read;

use crate::support::{feed, initialised};
use vnc_core::testing::{
    CLIPBOARD_ALL_ACTIONS, CLIPBOARD_CAPS, CLIPBOARD_NOTIFY, CLIPBOARD_PEEK, CLIPBOARD_PROVIDE,
    CLIPBOARD_REQUEST, Chunking, Script,
};
use vnc_core::{Config, Encoding, Event, Session};

/// An Extended ClientCutText: type 6, padding, minus the payload's length, the payload.
fn client_extended(payload: &[u8]) -> Vec<u8> {
    let mut v = vec![6, 0, 0, 0];
    v.extend_from_slice(&(-(payload.len() as i32)).to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn flags(f: u32) -> Vec<u8> {
    client_extended(&f.to_be_bytes())
}

/// A session that has the server's caps, with the client's answer checked.
fn with_caps(chunking: Chunking) -> Session {
    let mut s = initialised(Config::default(), 64, 48);
    assert!(!s.has_extended_clipboard());
    let (_, out) = feed(
        &mut s,
        Script::new()
            .clipboard_caps(CLIPBOARD_ALL_ACTIONS, 1 << 20)
            .bytes(),
        chunking,
    );
    let mut caps = (CLIPBOARD_ALL_ACTIONS | 1).to_be_bytes().to_vec();
    caps.extend_from_slice(&(1u32 << 20).to_be_bytes());
    assert_eq!(out, client_extended(&caps));
    assert!(s.has_extended_clipboard());
    s
}

#[test]
fn announced_by_default() {
    assert!(
        Config::default()
            .encodings
            .contains(&Encoding::ExtendedClipboard)
    );
    assert_eq!(Encoding::ExtendedClipboard.number() as u32, 0xC0A1_E5CE);
}

#[test]
fn server_text_is_requested_then_provided() {
    for c in Chunking::ALL {
        let mut s = with_caps(c);
        let (events, out) = feed(
            &mut s,
            Script::new().clipboard_flags(CLIPBOARD_NOTIFY | 1).bytes(),
            c,
        );
        assert!(events.is_empty());
        assert_eq!(out, flags(CLIPBOARD_REQUEST | 1));
        let (events, out) = feed(
            &mut s,
            Script::new()
                .clipboard_provide("日本語\r\nΩ\0".as_bytes())
                .bytes(),
            c,
        );
        assert_eq!(events, [Event::ServerCutText("日本語\nΩ".into())]);
        assert!(out.is_empty());
    }
}

#[test]
fn client_text_is_notified_then_provided() {
    for c in Chunking::ALL {
        let mut s = with_caps(c);
        assert_eq!(s.client_cut_text("Grüße\n👋"), 0);
        assert_eq!(s.take_output(), flags(CLIPBOARD_NOTIFY | 1));
        let (_, out) = feed(
            &mut s,
            Script::new().clipboard_flags(CLIPBOARD_PEEK).bytes(),
            c,
        );
        assert_eq!(out, flags(CLIPBOARD_NOTIFY | 1));
        let (_, out) = feed(
            &mut s,
            Script::new().clipboard_flags(CLIPBOARD_REQUEST | 1).bytes(),
            c,
        );
        assert_eq!(&out[..4], [6, 0, 0, 0]);
        let len = i32::from_be_bytes(out[4..8].try_into().unwrap());
        assert_eq!(len.unsigned_abs() as usize, out.len() - 8);
        assert!(len < 0);
        assert_eq!(out[8..12], (CLIPBOARD_PROVIDE | 1).to_be_bytes());
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&out[12..])
            .read_to_end(&mut raw)
            .unwrap();
        let text = "Grüße\r\n👋\0".as_bytes();
        assert_eq!(raw[..4], (text.len() as u32).to_be_bytes());
        assert_eq!(&raw[4..], text);
    }
}

/// A server whose caps take provide but not notify gets the text at once.
#[test]
fn provide_directly_without_notify() {
    let mut s = initialised(Config::default(), 64, 48);
    feed(
        &mut s,
        Script::new()
            .clipboard_caps(CLIPBOARD_CAPS | CLIPBOARD_PROVIDE, 4)
            .bytes(),
        Chunking::Whole,
    );
    s.take_output();
    assert_eq!(s.client_cut_text("ab"), 0);
    let out = s.take_output();
    assert_eq!(out[8..12], (CLIPBOARD_PROVIDE | 1).to_be_bytes());
    // Above the server's maximum (4 bytes with the NUL): not sent, every character counted.
    assert_eq!(s.client_cut_text("abcd"), 4);
    assert!(s.take_output().is_empty());
}

#[test]
fn without_caps_text_goes_as_latin1() {
    let mut s = initialised(Config::default(), 64, 48);
    assert_eq!(s.client_cut_text("é€\r\nx"), 1);
    assert_eq!(
        s.take_output(),
        [6, 0, 0, 0, 0, 0, 0, 4, 0xe9, b'?', b'\n', b'x']
    );
}
