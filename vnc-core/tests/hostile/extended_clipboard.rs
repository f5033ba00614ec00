//! Extended Clipboard messages (ServerCutText with a negative length) from a hostile server:
//! text above the limit is dropped from its length before any of it is inflated, a zlib bomb
//! costs no more than the text it claims, absurd caps are only numbers, i32::MIN is a length
//! to skip, truncated or corrupt payloads are typed errors, and a provide nobody asked for is
//! taken like any other. Every case is played with every chunking.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{assert_fails, connected};
use vnc_core::testing::{
    CLIPBOARD_ALL_ACTIONS, CLIPBOARD_NOTIFY, CLIPBOARD_PROVIDE, Script, play_all, zlib_stream,
};
use vnc_core::{Config, Error, Event, ProtocolError, Step};

/// A session past ServerInit whose server sent its caps.
fn with_caps() -> Script {
    connected().clipboard_caps(CLIPBOARD_ALL_ACTIONS, 10 << 20)
}

fn cut_texts(events: &[Event]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ServerCutText(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn text_within_the_limit_arrives_as_utf8() {
    let s = with_caps()
        .clipboard_flags(CLIPBOARD_NOTIFY | 1)
        .clipboard_provide("Grüße, 👋\r\nzwei\0".as_bytes())
        .bell();
    let run = play_all(&Config::default(), s.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(cut_texts(&run.events), ["Grüße, 👋\nzwei"]);
    assert_eq!(run.events.last(), Some(&Event::Bell));
}

/// The limit bounds the inflated text, not only the compressed message: 64 'a's deflate to
/// far fewer than 64 bytes, so only the text's length can refuse 65 of them.
#[test]
fn inflated_text_over_the_limit_is_dropped() {
    let mut config = Config::default();
    config.limits.max_cut_text = 64;
    let at = with_caps().clipboard_provide(&[b'a'; 64]).bell();
    let run = play_all(&config, at.bytes());
    assert_eq!(cut_texts(&run.events), ["a".repeat(64)]);
    let over = with_caps().clipboard_provide(&[b'a'; 65]).bell();
    assert!(
        over.bytes().len() - at.bytes().len() < 4,
        "both payloads are small"
    );
    let run = play_all(&config, over.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(cut_texts(&run.events).is_empty(), "{:?}", run.events);
    assert_eq!(run.events.last(), Some(&Event::Bell));
}

/// A few KiB of zlib that inflate to 64 MiB: nothing past the text's length is inflated.
#[test]
fn zlib_bomb_costs_only_the_text() {
    for claimed in [4u32, u32::MAX] {
        let mut raw = claimed.to_be_bytes().to_vec();
        raw.extend(std::iter::repeat_n(b'x', 64 << 20));
        let mut payload = (CLIPBOARD_PROVIDE | 1).to_be_bytes().to_vec();
        payload.extend_from_slice(&zlib_stream(&raw));
        assert!(payload.len() < 1 << 20, "the bomb fits the limit");
        let s = with_caps().extended_cut_text(&payload).bell();
        let (run, largest) = largest_allocation(|| {
            vnc_core::testing::play(
                Config::default(),
                s.bytes(),
                vnc_core::testing::Chunking::Whole,
            )
        });
        assert!(run.error.is_none(), "{:?}", run.error);
        let want: Vec<String> = if claimed == 4 {
            vec!["xxxx".into()]
        } else {
            vec![]
        };
        assert_eq!(cut_texts(&run.events), want);
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
}

#[test]
fn absurd_caps_sizes_are_numbers() {
    // Every format listed, every size u32::MAX: taken, and text still flows.
    let mut p = (CLIPBOARD_ALL_ACTIONS | 0xFFFF).to_be_bytes().to_vec();
    for _ in 0..16 {
        p.extend_from_slice(&u32::MAX.to_be_bytes());
    }
    let s = connected()
        .extended_cut_text(&p)
        .clipboard_provide(b"ok\0")
        .bell();
    let run = play_all(&Config::default(), s.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(cut_texts(&run.events), ["ok"]);
}

#[test]
fn caps_without_their_sizes_are_protocol_errors() {
    let mut p = (CLIPBOARD_ALL_ACTIONS | 0b111).to_be_bytes().to_vec();
    p.extend_from_slice(&100u32.to_be_bytes());
    let s = connected().extended_cut_text(&p);
    assert_fails!(
        Config::default(),
        s.bytes(),
        Error::Protocol {
            step: Step::ServerMessage,
            error: ProtocolError::MalformedExtendedClipboard(_),
        }
    );
}

/// A length of i32::MIN is 2 GiB to skip, beyond any limit: nothing is buffered for it.
#[test]
fn negative_length_of_i32_min_is_skipped() {
    let s = connected()
        .raw(&[3, 0, 0, 0])
        .raw(&i32::MIN.to_be_bytes())
        .raw(&[2; 4096]);
    let (run, largest) = largest_allocation(|| play_all(&Config::default(), s.bytes()));
    assert!(run.error.is_none(), "{:?}", run.error);
    // Bytes that would be Bells if they were parsed as messages.
    assert!(!run.events.contains(&Event::Bell), "{:?}", run.events);
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn truncated_payloads_are_protocol_errors() {
    // Shorter than its flags.
    let short = connected().extended_cut_text(&[0x10, 0]);
    // A provide whose stream ends before the text its length announces.
    let mut raw = 100u32.to_be_bytes().to_vec();
    raw.extend_from_slice(b"only a little");
    let mut p = (CLIPBOARD_PROVIDE | 1).to_be_bytes().to_vec();
    p.extend_from_slice(&zlib_stream(&raw));
    let cut = with_caps().extended_cut_text(&p);
    // The same stream cut in the middle.
    let mut half = (CLIPBOARD_PROVIDE | 1).to_be_bytes().to_vec();
    let z = zlib_stream(&raw);
    half.extend_from_slice(&z[..z.len() / 2]);
    let halved = with_caps().extended_cut_text(&half);
    for s in [short, cut, halved] {
        assert_fails!(
            Config::default(),
            s.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::MalformedExtendedClipboard(_),
            }
        );
    }
}

#[test]
fn corrupt_zlib_is_a_protocol_error() {
    let mut p = (CLIPBOARD_PROVIDE | 1).to_be_bytes().to_vec();
    p.extend_from_slice(&[0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    let s = with_caps().extended_cut_text(&p);
    assert_fails!(
        Config::default(),
        s.bytes(),
        Error::Protocol {
            step: Step::ServerMessage,
            error: ProtocolError::Zlib { .. },
        }
    );
}

/// A provide that no request asked for (a peer whose caps lack notify sends them) is taken;
/// invalid UTF-8 in it shows as U+FFFD, not an error.
#[test]
fn provide_without_request_is_taken() {
    let s = connected()
        .clipboard_provide(b"unasked\0")
        .clipboard_provide(b"bad \xff\0")
        .bell();
    let run = play_all(&Config::default(), s.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(cut_texts(&run.events), ["unasked", "bad \u{fffd}"]);
}

/// Not announced: the messages are read and ignored.
#[test]
fn not_announced_is_ignored() {
    let mut config = Config::default();
    config
        .encodings
        .retain(|&e| e != vnc_core::Encoding::ExtendedClipboard);
    let s = with_caps().clipboard_provide(b"x\0").bell();
    let run = play_all(&config, s.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(cut_texts(&run.events).is_empty());
    assert_eq!(run.events.last(), Some(&Event::Bell));
}
