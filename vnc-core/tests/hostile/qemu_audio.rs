//! QEMU audio messages (type 255, sub-type 1) from a hostile server: a Data length above
//! [`Limits::max_audio_data`](vnc_core::Limits) fails as soon as the length has arrived, with
//! nothing allocated for it; an unknown operation or sub-type, whose length nobody knows, is a
//! protocol error; a truncated message waits and then fails at the end of the stream; a
//! rectangle in the QEMU Audio pseudo-encoding carries nothing, whatever its geometry.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{assert_fails, connected};
use vnc_core::testing::{play_all, rect_header};
use vnc_core::{AudioFormat, AudioSpec, Config, Error, Event, ProtocolError, Rect, Session, Step};

const SPEC: AudioSpec = AudioSpec {
    format: AudioFormat::S16,
    channels: 2,
    frequency: 44100,
};

/// A new session that has asked for audio (sent once the server acknowledges it).
fn enabled_session(config: Config) -> Session {
    let mut s = Session::new(config, std::time::Instant::now());
    assert!(s.enable_audio(SPEC));
    s
}

#[test]
fn data_above_the_limit_fails_once_its_length_arrives() {
    let mut config = Config::default();
    config.limits.max_audio_data = 64;
    // At the limit is fine (after the acknowledgement, with audio enabled).
    let ok = connected().audio_ack().audio_data(&[7; 64]).bell();
    let mut s = enabled_session(config.clone());
    s.feed(ok.bytes()).unwrap();
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert!(
        events.contains(&Event::AudioData(vec![7; 64])),
        "{events:?}"
    );
    assert_eq!(events.last(), Some(&Event::Bell));

    // One byte more fails with only the length sent, not the data.
    let header = connected().raw(&[255, 1, 0, 2]).raw(&65u32.to_be_bytes());
    let e = assert_fails!(
        config,
        header.bytes(),
        Error::LimitExceeded {
            step: Step::ServerMessage,
            value: 65,
            limit: 64,
            ..
        }
    );
    assert!(e.to_string().contains("audio"), "{e}");
}

#[test]
fn data_of_4_gib_allocates_nothing() {
    let header = connected()
        .raw(&[255, 1, 0, 2])
        .raw(&u32::MAX.to_be_bytes());
    let (e, largest) =
        largest_allocation(|| crate::support::error_of(&Config::default(), header.bytes()));
    assert!(
        matches!(e, Error::LimitExceeded { value, .. } if value == u64::from(u32::MAX)),
        "{e:?}"
    );
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn unknown_operations_are_protocol_errors() {
    for op in [3u16, 4, 255, 0x100, u16::MAX] {
        let bytes = connected().audio_op(op);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::UnknownAudioOperation(o),
            } if o == op
        );
    }
}

#[test]
fn unknown_sub_types_are_protocol_errors() {
    // Sub-type 0 is the client's (Extended Key Event); QEMU sends only 1.
    for sub in [0u8, 2, 3, 128, 255] {
        let bytes = connected().raw(&[255, sub, 0, 0]);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::UnknownQemuMessage(s),
            } if s == sub
        );
    }
}

#[test]
fn truncated_messages_wait_then_fail_at_the_end_of_the_stream() {
    let whole = connected().audio_ack().audio_data(&[1, 2, 3, 4]);
    let n = whole.bytes().len();
    // Cut inside the data, the length, the operation and the sub-type.
    for cut in 1..=11 {
        let bytes = &whole.bytes()[..n - cut];
        let run = play_all(&Config::default(), bytes);
        assert!(run.error.is_none(), "{cut}: {:?}", run.error);
        let mut s = enabled_session(Config::default());
        s.feed(bytes).unwrap();
        let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
        assert!(
            !events.iter().any(|e| matches!(e, Event::AudioData(_))),
            "{cut}: {events:?}"
        );
        let e = s.feed_eof().unwrap_err();
        assert!(matches!(e, Error::UnexpectedEof { .. }), "{cut}: {e:?}");
        assert!(s.is_closed());
    }
}

#[test]
fn the_acknowledgement_rectangle_carries_nothing_whatever_its_geometry() {
    // Far outside the 64x48 framebuffer: QEMU's own is the screen's size, and nothing is
    // drawn, so nothing is checked.
    let rect = Rect::new(65535, 65535, 65535, 65535);
    let script = connected().update(&[rect_header(rect, -259)]).bell();
    let run = play_all(&Config::default(), script.bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(run.events.contains(&Event::AudioAvailable));
    assert_eq!(run.events.last(), Some(&Event::Bell));
}
