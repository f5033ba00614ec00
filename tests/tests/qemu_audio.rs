//! QEMU audio against QEMU itself: a guest plays a 1000 Hz tone on the PC speaker, QEMU's VNC
//! server captures it, and the engine (through the tokio adapter) delivers the samples intact
//! in the format asked for, switches format on a running stream, and stops when disabled.
//! QEMU's trace (`vnc_msg_client_audio_*`, `vnc_msg_server_audio_*`) witnesses what it was
//! asked and what it sent.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use vnc_core::tokio::{Command, ConnectOptions, Connection, Handle};
use vnc_core::{Address, AudioFormat, AudioSpec, Config, Event, Session};
use vnc_tests::Qemu;
use vnc_tests::next_event_where as event;
use vnc_tests::qemu::trace_until;
use vnc_tests::qemu_audio::{TONE_HZ, measure, start_tone};

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

type Task = JoinHandle<Result<Session, vnc_core::tokio::Error>>;

/// Collects AudioData until `seconds` of `spec` have arrived (at most 30 s); also returns
/// the AudioBegin and AudioEnd events that came meanwhile.
async fn collect(
    events: &mut UnboundedReceiver<Event>,
    spec: AudioSpec,
    seconds: f64,
) -> (Vec<Vec<u8>>, Vec<Event>) {
    let want = (seconds * f64::from(spec.frequency)) as usize * spec.bytes_per_frame();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut chunks = Vec::new();
    let mut others = Vec::new();
    let mut got = 0;
    while got < want {
        let e = event(events, deadline, "audio data", |e| {
            matches!(e, Event::AudioData(_) | Event::AudioBegin | Event::AudioEnd)
                .then(|| e.clone())
        })
        .await;
        match e {
            Event::AudioData(d) => {
                got += d.len();
                chunks.push(d);
            }
            other => others.push(other),
        }
    }
    (chunks, others)
}

/// The chunks are whole frames of a tone at [`TONE_HZ`] (within 2%) spanning at least
/// `min_span` of the format's range. Samples are read little-endian: read big-endian, QEMU's
/// 16-bit square wave (0xA100 and 0x60FF) would span 321, not 49151.
fn assert_tone(spec: AudioSpec, chunks: &[Vec<u8>], min_span: i64) {
    for c in chunks {
        assert_eq!(
            c.len() % spec.bytes_per_frame(),
            0,
            "{spec:?}: a chunk of {} bytes is not whole frames",
            c.len()
        );
    }
    let tone = measure(spec, chunks);
    eprintln!("{spec:?}: {tone:?} in {} messages", chunks.len());
    let error = (tone.frequency - TONE_HZ).abs() / TONE_HZ;
    assert!(
        error < 0.02,
        "{spec:?}: {:.1} Hz measured, {TONE_HZ:.1} Hz played ({tone:?})",
        tone.frequency
    );
    assert!(
        tone.range.1 - tone.range.0 >= min_span,
        "{spec:?}: the tone is too quiet ({tone:?})"
    );
}

async fn connect(q: &Qemu) -> (Handle, UnboundedReceiver<Event>, Task) {
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port: q.port(),
    };
    let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
        .await
        .expect("connect to QEMU");
    conn.spawn()
}

/// The `state=` pointer of a trace line: which VNC client it is about.
fn client_of(line: &str) -> &str {
    let at = line.find("state=").expect("a state field");
    line[at..].split(' ').next().unwrap()
}

#[test]
fn qemu_plays_a_tone_into_audio_events() {
    let q = start_tone(&[
        "vnc_msg_client_audio_*",
        "vnc_msg_server_audio_*",
        "vnc_client_throttle_audio",
    ]);
    vnc_tests::runtime().block_on(async {
        // A second client's capture runs throughout, as a clock for the end. It starts first:
        // QEMU tells the clients already capturing when another one joins (End, Begin).
        let (witness, mut witness_events, witness_task) = connect(&q).await;
        assert!(witness.send(Command::EnableAudio(STEREO)));
        collect(&mut witness_events, STEREO, 0.1).await;

        let (handle, mut events, task) = connect(&q).await;
        // Asked for before QEMU acknowledges -259: sent when it does.
        assert!(handle.send(Command::EnableAudio(STEREO)));
        let deadline = Instant::now() + Duration::from_secs(30);
        event(&mut events, deadline, "AudioAvailable", |e| {
            matches!(e, Event::AudioAvailable).then_some(())
        })
        .await;
        // QEMU says Begin only to a capture it starts (it did, for the witness), not to a
        // client that joins a running one of the same format: the data comes without it.
        let (chunks, others) = collect(&mut events, STEREO, 1.0).await;
        assert_eq!(others, []);
        assert_tone(STEREO, &chunks, 1000);

        // A new format restarts the stream (the engine ends the old one, QEMU starts a
        // capture of its own and says Begin); nothing of the old one comes after the switch.
        // The data of the old format still queued ends with the engine's AudioEnd.
        assert!(handle.send(Command::EnableAudio(MONO)));
        event(&mut events, deadline, "the old format's end", |e| {
            matches!(e, Event::AudioEnd).then_some(())
        })
        .await;
        let (chunks, others) = collect(&mut events, MONO, 1.0).await;
        assert_eq!(others, [Event::AudioBegin]);
        assert_tone(MONO, &chunks, 100);

        // Disable: QEMU stops sending to this client (it answers nothing); the engine says
        // AudioEnd at once.
        let count_disables = |t: &str| t.matches("vnc_msg_client_audio_disable ").count();
        let before = count_disables(&q.trace());
        assert!(handle.send(Command::DisableAudio));
        event(&mut events, deadline, "AudioEnd", |e| {
            matches!(e, Event::AudioEnd).then_some(())
        })
        .await;
        trace_until(&q, "QEMU to take the Disable", |t| {
            count_disables(t) > before
        })
        .await;
        // Half a second more of capture, as the witness receives it (past what it has queued).
        while witness_events.try_recv().is_ok() {}
        collect(&mut witness_events, STEREO, 0.5).await;
        let trace = q.trace();

        handle.send(Command::Close);
        witness.send(Command::Close);
        let session = task.await.unwrap().expect("session");
        assert!(session.audio_available());
        assert_eq!(session.audio_spec(), None);
        witness_task.await.unwrap().expect("the witness session");
        // Nothing but the events of other kinds after AudioEnd.
        while let Ok(e) = events.try_recv() {
            assert!(
                !matches!(e, Event::AudioData(_) | Event::AudioBegin),
                "{e:?} after AudioEnd"
            );
        }

        let lines: Vec<&str> = trace.lines().collect();
        assert!(
            !trace.contains("vnc_client_throttle_audio"),
            "QEMU dropped audio: the measure is not of a continuous stream"
        );
        let disable = lines
            .iter()
            .rposition(|l| l.contains("vnc_msg_client_audio_disable "))
            .unwrap();
        let client = client_of(lines[disable]);
        let formats: Vec<String> = lines
            .iter()
            .filter(|l| l.contains("vnc_msg_client_audio_format ") && client_of(l) == client)
            .map(|l| l.split(" fmt=").nth(1).unwrap().to_owned())
            .collect();
        assert_eq!(
            formats,
            ["3 channels=2 freq=44100", "0 channels=1 freq=8000"],
            "{trace}"
        );
        let after = &lines[disable..];
        let data_to = |who: &dyn Fn(&str) -> bool| {
            after
                .iter()
                .filter(|l| l.contains("vnc_msg_server_audio_data ") && who(l))
                .count()
        };
        assert_eq!(
            data_to(&|l| client_of(l) == client),
            0,
            "data after Disable"
        );
        assert!(
            data_to(&|l| client_of(l) != client) >= 10,
            "the witness's capture ran meanwhile"
        );
    });
}
