//! EndOfContinuousUpdates (150) and Fence (248) from a hostile server. A fence longer than
//! 64 bytes is refused once its length has arrived; unknown flags are never echoed; a fence
//! answer the client did not ask for and EndOfContinuousUpdates at any time are harmless;
//! neither message exists unless announced; a truncated fence waits and then fails at the
//! end of the stream; a rectangle in either pseudo-encoding is an unsupported encoding.

use crate::support::{assert_fails, connected, one_rect};
use vnc_core::testing::{play_all, rect_header};
use vnc_core::{Config, Encoding, Error, Event, ProtocolError, Rect, Session, Step};

/// Where `needle` is in `hay`, if anywhere.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_fence_longer_than_64_bytes_is_refused_at_its_length() {
    for len in [65u8, 200, 255] {
        // No payload at all: the length alone is enough.
        let bytes = connected().fence(0x8000_0000, len, &[]);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::FenceTooLong(l),
            } if l == len
        );
    }
}

#[test]
fn a_fence_request_is_answered_with_its_payload_and_only_the_known_flags() {
    let payload = [7u8; 64];
    let script = connected().fence(0xffff_ffff, 64, &payload).bell();
    let run = play_all(&Config::default(), script.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.events.last(), Some(&Event::Bell));
    let mut answer = vec![248, 0, 0, 0, 0, 0, 0, 7, 64];
    answer.extend_from_slice(&payload);
    assert!(find(&run.output, &answer).is_some(), "no answer");
}

#[test]
fn unexpected_fence_answers_are_ignored() {
    for (flags, payload) in [(0u32, &b""[..]), (7, b"abcd"), (0x7fff_fff8, &[0; 64])] {
        let script = connected()
            .fence(flags, payload.len() as u8, payload)
            .bell();
        let run = play_all(&Config::default(), script.bytes());
        assert!(run.error.is_none(), "{flags:x}: {:?}", run.error);
        assert_eq!(run.events.last(), Some(&Event::Bell));
        // Nothing is answered: an answer is not a request.
        let plain = play_all(&Config::default(), connected().bell().bytes());
        assert_eq!(run.output, plain.output, "{flags:x}");
    }
}

#[test]
fn neither_message_exists_unless_announced() {
    let mut config = Config::default();
    config
        .encodings
        .retain(|e| !matches!(e, Encoding::ContinuousUpdates | Encoding::Fence));
    let bytes = connected().fence(0x8000_0000, 0, &[]);
    assert_fails!(
        config,
        bytes.bytes(),
        Error::Protocol {
            step: Step::ServerMessage,
            error: ProtocolError::UnknownMessageType(248),
        }
    );
    let bytes = connected().end_of_continuous_updates();
    assert_fails!(
        config,
        bytes.bytes(),
        Error::Protocol {
            step: Step::ServerMessage,
            error: ProtocolError::UnknownMessageType(150),
        }
    );
}

#[test]
fn end_of_continuous_updates_at_any_time_keeps_updates_coming() {
    let enable = [150, 1, 0, 0, 0, 0, 0, 64, 0, 48];
    let incremental = [3, 1, 0, 0, 0, 0, 0, 64, 0, 48];
    // The first one shows support: continuous updates are enabled.
    let run = play_all(
        &Config::default(),
        connected().end_of_continuous_updates().bytes(),
    );
    assert!(run.error.is_none());
    assert!(find(&run.output, &enable).is_some());
    assert!(
        run.events
            .contains(&Event::ContinuousUpdates { enabled: true })
    );
    // A second one, unasked, ends them: the client asks for updates again. A third, with
    // them off, changes nothing; the stream stays in step.
    let script = connected()
        .end_of_continuous_updates()
        .end_of_continuous_updates()
        .end_of_continuous_updates()
        .bell();
    let run = play_all(&Config::default(), script.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.events.last(), Some(&Event::Bell));
    assert!(
        run.events
            .contains(&Event::ContinuousUpdates { enabled: false })
    );
    let at = find(&run.output, &enable).unwrap();
    assert!(find(&run.output[at..], &incremental).is_some());
    // With automatic updates off, support changes nothing.
    let mut config = Config::default();
    config.continuous_updates = false;
    let run = play_all(&config, connected().end_of_continuous_updates().bytes());
    assert!(find(&run.output, &enable).is_none());
}

#[test]
fn a_truncated_fence_waits_then_fails_at_the_end_of_the_stream() {
    let whole = connected().fence(0x8000_0000, 4, b"abcd");
    let n = whole.bytes().len();
    for cut in 1..=12 {
        let bytes = &whole.bytes()[..n - cut];
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        s.feed(bytes).unwrap();
        let e = s.feed_eof().unwrap_err();
        assert!(matches!(e, Error::UnexpectedEof { .. }), "{cut}: {e:?}");
    }
}

#[test]
fn rectangles_in_either_pseudo_encoding_are_unsupported() {
    let rect = Rect::new(0, 0, 8, 8);
    for enc in [-313, -312] {
        assert_fails!(
            Config::default(),
            &one_rect(&rect_header(rect, enc)),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::UnsupportedEncoding { encoding, .. },
            } if encoding == enc
        );
    }
}

#[test]
fn fence_requests_whose_answers_are_never_read_end_at_a_bound() {
    // 2 MiB of 73-byte requests, fed without the output ever being taken.
    let mut script = connected();
    for _ in 0..(2 << 20) / 73 {
        script = script.fence(0x8000_0000, 64, &[0xEE; 64]);
    }
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    let e = s.feed(script.bytes()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::LimitExceeded {
                step: Step::ServerMessage,
                limit: 1048576,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(s.pending_output().len() < (1 << 20) + 100);
}
