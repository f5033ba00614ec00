//! vncviewer plays a server's audio (QEMU's audio extension) through PipeWire, as a Debian
//! 12 desktop runs it (pipewire-pulse serving the PulseAudio protocol, WirePlumber linking
//! the stream), and `--no-audio` keeps it from asking. The servers: QEMU with a guest that
//! plays a 1000 Hz tone on the PC speaker, and the scripted one of `vnc_tests::audio_server`
//! sending a 1 kHz sine in real time (which tells when it sent the first samples, for the
//! latency).
#![cfg(feature = "audio")]

use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::audio_server::AudioServer;
use vnc_tests::gtk_support::gtk_program;
use vnc_tests::process::{self, Procs};
use vnc_tests::qemu_audio::{TONE_HZ, start_tone};
use vnc_tests::sound::{RECORD_RATE, SoundServer};
use vnc_tests::{XServer, wait_for, workspace_bin};

const TONE: f64 = 1000.0;

fn viewer(local: &XServer, sound: &SoundServer, port: u16, args: &[&str]) -> Procs {
    viewer_on(local, &sound.server, port, args)
}

fn viewer_on(local: &XServer, pulse_server: &str, port: u16, args: &[&str]) -> Procs {
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(args)
        .arg(format!("127.0.0.1::{port}"))
        .env("PULSE_SERVER", pulse_server)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    gtk_program(&mut cmd, &local.display);
    Procs(vec![process::spawn(cmd).expect("start vncviewer")])
}

#[test]
fn vncviewer_plays_server_audio_through_pipewire() {
    let local = XServer::xvfb("320x240");
    let sound = SoundServer::pipewire();
    let server = AudioServer::start(TONE, Duration::from_secs(3));
    let heard = sound.record();
    let _viewer = viewer(&local, &sound, server.port, &[]);
    wait_for(
        "1.5 s of tone on PipeWire's null sink",
        Duration::from_secs(30),
        || heard.heard_secs() >= 1.5,
    );
    assert_eq!(server.log().formats, [(3, 2, 44_100)]);
    heard.assert_tone(TONE, &sound);
    let rate = RECORD_RATE as usize;
    // The play ends: its last samples are heard this long after the server wrote them.
    wait_for("the play to end", Duration::from_secs(20), || {
        server.log().plays_done == 1
    });
    let end = heard.recorded();
    wait_for("0.3 s more on the monitor", Duration::from_secs(10), || {
        heard.recorded() >= end + rate * 3 / 10
    });
    let tail = heard
        .last_sound()
        .unwrap()
        .saturating_duration_since(server.log().last_data.unwrap());
    eprintln!(
        "vncviewer on PipeWire: last Audio Data written to its sound on the monitor {:.1} ms",
        tail.as_secs_f64() * 1e3
    );
    assert!(
        tail < Duration::from_millis(250),
        "the sound lags the data by {tail:?}"
    );
}

#[test]
fn vncviewer_plays_qemu_pc_speaker_through_pipewire() {
    let local = XServer::xvfb("320x240");
    let sound = SoundServer::pipewire();
    let qemu = start_tone(&[]);
    let heard = sound.record();
    let _viewer = viewer(&local, &sound, qemu.port(), &[]);
    wait_for(
        "1.5 s of the guest's tone on PipeWire's null sink",
        Duration::from_secs(30),
        || heard.heard_secs() >= 1.5,
    );
    heard.assert_tone(TONE_HZ, &sound);
}

#[test]
fn vncviewer_no_audio_does_not_ask_for_it() {
    let local = XServer::xvfb("320x240");
    let sound = SoundServer::pulseaudio();
    let server = AudioServer::start(TONE, Duration::from_secs(1));
    let _viewer = viewer(&local, &sound, server.port, &["--no-audio"]);
    // The second request after the acknowledgement comes after the viewer handled it: an
    // Enable would have come before.
    wait_for(
        "the viewer's requests after the audio acknowledgement",
        Duration::from_secs(30),
        || server.log().requests_after_ack >= 2,
    );
    let log = server.log();
    assert!(log.formats.is_empty() && log.switches.is_empty(), "{log:?}");
}

/// No sound server (as on a headless machine): the viewer asks for audio, takes the stream
/// and drops it, and stays up.
#[test]
fn vncviewer_without_a_sound_server_takes_the_stream_and_stays_up() {
    let local = XServer::xvfb("320x240");
    let dir = vnc_tests::TempDir::new("no-sound");
    let nowhere = format!("unix:{}", dir.path().join("none").display());
    let server = AudioServer::start(TONE, Duration::from_secs(1));
    let mut viewer = viewer_on(&local, &nowhere, server.port, &[]);
    wait_for("the play to end", Duration::from_secs(30), || {
        server.log().plays_done == 1
    });
    assert_eq!(server.log().switches, [true]);
    assert!(
        matches!(viewer.0[0].try_wait(), Ok(None)),
        "vncviewer ended"
    );
    assert!(!server.log().closed, "vncviewer closed the connection");
}
