//! xvp messages (type 250) from a hostile server. The message is always three bytes after
//! its type, so nothing in them can make the client read more or lose its place: a truncated
//! one waits and then fails at the end of the stream; unknown codes, XVP_INIT naming version
//! 0, and xvp messages the client did not announce are ignored (no event, no power control),
//! and the stream goes on; a rectangle in the xvp pseudo-encoding is a protocol error.

use crate::support::{H, W, connected};
use vnc_core::testing::{play_all, rect_header};
use vnc_core::{Config, Encoding, Error, Event, PowerAction, ProtocolError, Rect, Session, Step};

fn power_events(events: &[Event]) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::PowerControlReady { .. } | Event::PowerControlFailed
            )
        })
        .collect()
}

#[test]
fn truncated_xvp_message_waits_then_fails_at_the_end_of_the_stream() {
    let whole = connected().xvp(1, 1);
    let n = whole.bytes().len();
    for cut in 1..=3 {
        let bytes = &whole.bytes()[..n - cut];
        let run = play_all(&Config::default(), bytes);
        assert!(run.error.is_none(), "{cut}: {:?}", run.error);
        assert!(power_events(&run.events).is_empty(), "{cut}");
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        s.feed(bytes).unwrap();
        assert!(!s.power_control_available());
        assert!(!s.power_control(PowerAction::Reset));
        let e = s.feed_eof().unwrap_err();
        assert!(matches!(e, Error::UnexpectedEof { .. }), "{cut}: {e:?}");
        assert!(s.is_closed());
    }
}

#[test]
fn unknown_codes_and_version_zero_are_ignored_and_the_stream_stays_in_step() {
    // Codes 2 to 4 are the client's; 5 and 255 are not defined; XVP_INIT with version 0
    // names no version at all.
    for (version, code) in [(1, 2), (1, 3), (1, 4), (1, 5), (255, 255), (0, 1)] {
        let script = connected().xvp(version, code).bell();
        let run = play_all(&Config::default(), script.bytes());
        assert!(run.error.is_none(), "{code}: {:?}", run.error);
        assert!(power_events(&run.events).is_empty(), "{version} {code}");
        assert_eq!(run.events.last(), Some(&Event::Bell), "{version} {code}");
    }
}

#[test]
fn any_version_above_zero_is_accepted() {
    let run = play_all(&Config::default(), connected().xvp(255, 1).bytes());
    assert_eq!(
        power_events(&run.events),
        [&Event::PowerControlReady { version: 255 }]
    );
}

#[test]
fn xvp_init_not_announced_is_not_believed() {
    let mut config = Config::default();
    config.encodings = vec![Encoding::Raw];
    let run = play_all(&config, connected().xvp(1, 1).xvp(1, 0).bell().bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(power_events(&run.events).is_empty());
}

#[test]
fn a_rectangle_in_the_xvp_encoding_is_a_protocol_error() {
    let rect = Rect::new(0, 0, W, H);
    let script = connected().update(&[rect_header(rect, -309)]);
    let run = play_all(&Config::default(), script.bytes());
    assert!(
        matches!(
            run.error,
            Some(Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::UnsupportedEncoding { encoding: -309, .. },
            })
        ),
        "{:?}",
        run.error
    );
}
