//! QEMU audio (pseudo-encoding -259, messages 255/1): announced by default; nothing is sent
//! before QEMU acknowledges it; SetFormat and Enable go out as rfbproto lays them out; Begin,
//! Data and End become events while audio is enabled, and are dropped otherwise; a change of
//! format fences the old stream off with a SetEncodings that QEMU acknowledges again.

use crate::support::{feed, initialised};
use vnc_core::testing::{Chunking, Script};
use vnc_core::{AudioFormat, AudioSpec, Config, Encoding, Event, Session};

const STEREO: AudioSpec = AudioSpec {
    format: AudioFormat::S16,
    channels: 2,
    frequency: 44100,
};

const MONO: AudioSpec = AudioSpec {
    format: AudioFormat::U8,
    channels: 1,
    frequency: 8000,
};

/// SetFormat then Enable for `spec`.
fn enable(spec: AudioSpec) -> Vec<u8> {
    let mut v = vec![255, 1, 0, 2, spec.format.code(), spec.channels];
    v.extend_from_slice(&spec.frequency.to_be_bytes());
    v.extend_from_slice(&[255, 1, 0, 0]);
    v
}

const DISABLE: [u8; 4] = [255, 1, 0, 1];

/// SetEncodings of `encodings`.
fn set_encodings(encodings: &[Encoding]) -> Vec<u8> {
    let mut v = vec![2, 0];
    v.extend_from_slice(&(encodings.len() as u16).to_be_bytes());
    for e in encodings {
        v.extend_from_slice(&e.number().to_be_bytes());
    }
    v
}

/// `out` without its FramebufferUpdateRequests (10 bytes each, type 3), which the session
/// sends when an update ends.
fn audio_output(out: &[u8]) -> Vec<u8> {
    let mut rest = out;
    let mut kept = Vec::new();
    while let Some(&t) = rest.first() {
        let n = match t {
            3 => 10,
            255 if rest.get(3) == Some(&2) => 10,
            255 => 4,
            _ => panic!("unexpected client message {t} in {out:?}"),
        };
        if t != 3 {
            kept.extend_from_slice(&rest[..n]);
        }
        rest = &rest[n..];
    }
    kept
}

/// A session past ServerInit, its output and events so far taken.
fn running(config: Config) -> Session {
    let mut s = initialised(config, 8, 6);
    while s.poll_event().is_some() {}
    s.take_output();
    s
}

/// The events but the ends of updates (each acknowledgement is an update of its own).
fn audio_events(ev: Vec<Event>) -> Vec<Event> {
    ev.into_iter()
        .filter(|e| !matches!(e, Event::FramebufferUpdateEnd))
        .collect()
}

#[test]
fn qemu_audio_is_announced_by_default() {
    assert!(Encoding::DEFAULT.contains(&Encoding::QemuAudio));
    assert_eq!(Encoding::QemuAudio.number(), -259);
    assert_eq!("qemu-audio".parse::<Encoding>(), Ok(Encoding::QemuAudio));
}

#[test]
fn enable_waits_for_the_acknowledgement_then_samples_arrive_as_sent() {
    let samples: Vec<u8> = (0..=255).collect();
    for chunking in Chunking::ALL {
        let mut s = running(Config::default());
        assert!(!s.audio_available());
        assert!(s.enable_audio(STEREO));
        assert!(s.take_output().is_empty(), "not before the acknowledgement");

        let script = Script::new()
            .audio_ack()
            .audio_op(1)
            .audio_data(&samples)
            .audio_data(&[])
            .audio_op(0)
            .bell();
        let (ev, out) = feed(&mut s, script.bytes(), chunking);
        assert_eq!(
            audio_events(ev),
            [
                Event::AudioAvailable,
                Event::AudioBegin,
                Event::AudioData(samples.clone()),
                Event::AudioData(Vec::new()),
                Event::AudioEnd,
                Event::Bell,
            ],
            "{chunking:?}"
        );
        // The acknowledgement's update is answered with an update request, and SetFormat and
        // Enable.
        assert_eq!(audio_output(&out), enable(STEREO), "{chunking:?}");
        assert!(s.audio_available());
        assert_eq!(s.audio_spec(), Some(STEREO));

        // The same format again changes nothing.
        assert!(s.enable_audio(STEREO));
        assert!(s.take_output().is_empty());
    }
}

#[test]
fn data_without_enable_or_after_disable_is_dropped_and_data_before_begin_is_taken() {
    for chunking in Chunking::ALL {
        let mut s = running(Config::default());
        // Acknowledged, audio not asked for: QEMU would send nothing; a server that does is
        // ignored.
        let script = Script::new().audio_ack().audio_op(1).audio_data(&[1, 2]);
        let (ev, _) = feed(&mut s, script.bytes(), chunking);
        assert_eq!(audio_events(ev), [Event::AudioAvailable], "{chunking:?}");

        assert!(s.enable_audio(MONO));
        assert_eq!(s.take_output(), enable(MONO));
        // QEMU sends no Begin to a client joining a running capture.
        let (ev, _) = feed(&mut s, Script::new().audio_data(&[3]).bytes(), chunking);
        assert_eq!(ev, [Event::AudioData(vec![3])], "{chunking:?}");

        // Disable: the stream ends at once; what was on the way is dropped.
        s.disable_audio();
        assert_eq!(s.take_output(), DISABLE);
        assert_eq!(s.poll_event(), Some(Event::AudioEnd));
        assert_eq!(s.audio_spec(), None);
        let script = Script::new().audio_data(&[4]).audio_op(0).bell();
        let (ev, _) = feed(&mut s, script.bytes(), chunking);
        assert_eq!(ev, [Event::Bell], "{chunking:?}");
        // Disabling again sends nothing.
        s.disable_audio();
        assert!(s.take_output().is_empty());
    }
}

#[test]
fn a_new_format_is_fenced_off_by_another_acknowledgement() {
    for chunking in Chunking::ALL {
        let mut s = running(Config::default());
        assert!(s.enable_audio(STEREO));
        let (_, out) = feed(
            &mut s,
            Script::new().audio_ack().audio_data(&[1, 0, 2, 0]).bytes(),
            chunking,
        );
        assert_eq!(audio_output(&out), enable(STEREO));
        while s.poll_event().is_some() {}

        assert!(s.enable_audio(MONO));
        let mut want = DISABLE.to_vec();
        want.extend(set_encodings(Encoding::DEFAULT));
        want.extend(enable(MONO));
        assert_eq!(s.take_output(), want, "{chunking:?}");
        assert_eq!(s.poll_event(), Some(Event::AudioEnd), "the old stream ends");

        // Old data still on the way, then the acknowledgement of the fence, then new data.
        let script = Script::new()
            .audio_data(&[5, 0, 6, 0])
            .audio_op(1)
            .audio_ack()
            .audio_op(1)
            .audio_data(&[7]);
        let (ev, _) = feed(&mut s, script.bytes(), chunking);
        assert_eq!(
            audio_events(ev),
            [Event::AudioBegin, Event::AudioData(vec![7])],
            "{chunking:?}"
        );
    }
}

#[test]
fn dropping_the_pseudo_encoding_disables_first() {
    let mut s = running(Config::default());
    assert!(s.enable_audio(STEREO));
    feed(
        &mut s,
        Script::new().audio_ack().audio_data(&[0; 4]).bytes(),
        Chunking::Whole,
    );
    while s.poll_event().is_some() {}
    let encodings = [Encoding::Raw];
    s.set_encodings(&encodings);
    let mut want = DISABLE.to_vec();
    want.extend(set_encodings(&encodings));
    assert_eq!(s.take_output(), want);
    assert_eq!(s.poll_event(), Some(Event::AudioEnd));
    assert!(!s.audio_available());
    // Still wanted: enabled again once announced and acknowledged.
    assert_eq!(s.audio_spec(), Some(STEREO));
    s.set_encodings(Encoding::DEFAULT);
    assert_eq!(s.take_output(), set_encodings(Encoding::DEFAULT));
    let (ev, out) = feed(&mut s, Script::new().audio_ack().bytes(), Chunking::Whole);
    assert_eq!(audio_events(ev), [Event::AudioAvailable]);
    assert_eq!(audio_output(&out), enable(STEREO));
}

#[test]
fn not_announced_means_not_believed_and_unsupported_formats_are_refused() {
    let mut config = Config::default();
    config.encodings = vec![Encoding::Raw];
    let mut s = running(config);
    assert!(s.enable_audio(STEREO));
    let (ev, out) = feed(
        &mut s,
        Script::new().audio_ack().audio_data(&[1]).bytes(),
        Chunking::Whole,
    );
    assert_eq!(audio_events(ev), []);
    assert!(!out.starts_with(&[255]), "{out:?}");
    assert!(!s.audio_available());

    for spec in [
        AudioSpec {
            channels: 0,
            ..MONO
        },
        AudioSpec {
            channels: 3,
            ..MONO
        },
        AudioSpec {
            frequency: 0,
            ..MONO
        },
        AudioSpec {
            frequency: 48001,
            ..MONO
        },
    ] {
        assert!(!s.enable_audio(spec), "{spec:?}");
    }
    assert_eq!(s.audio_spec(), Some(STEREO));
}
