//! vncviewer plays a server's audio (QEMU's audio extension) through PipeWire, as a Debian
//! 12 desktop runs it (pipewire-pulse serving the PulseAudio protocol, WirePlumber linking
//! the stream), and `--no-audio` keeps it from asking. The server is the scripted one of
//! `vnc_tests::audio_server`, sending a 1 kHz sine in real time.
#![cfg(feature = "audio")]

use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::audio_server::AudioServer;
use vnc_tests::gtk_support::gtk_program;
use vnc_tests::process::{self, Procs};
use vnc_tests::sound::{RECORD_RATE, SoundServer, tone_frequency};
use vnc_tests::{XServer, wait_for, workspace_bin};

const TONE: f64 = 1000.0;

fn viewer(local: &XServer, sound: &SoundServer, port: u16, args: &[&str]) -> Procs {
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(args)
        .arg(format!("127.0.0.1::{port}"))
        .env("PULSE_SERVER", &sound.server)
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
    let samples = heard.samples();
    let rate = RECORD_RATE as usize;
    let f = tone_frequency(&samples[rate / 4..rate * 5 / 4], RECORD_RATE)
        .expect("a tone on the monitor");
    assert!(
        (f - TONE).abs() < TONE * 0.02,
        "heard {f:.1} Hz, sent {TONE} Hz\n{}",
        sound.log()
    );
    let end_to_end = heard
        .onset()
        .unwrap()
        .saturating_duration_since(server.log().first_data.unwrap());
    eprintln!(
        "vncviewer on PipeWire: first Audio Data written to first sound on the monitor {:.1} ms",
        end_to_end.as_secs_f64() * 1e3
    );
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
