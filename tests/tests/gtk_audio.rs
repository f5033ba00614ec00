//! The VncDisplay widget plays a server's audio (QEMU's audio extension) through a private
//! PulseAudio daemon: a scripted server sends a 1 kHz sine in real time once the widget
//! enables audio, and the null sink's monitor must carry a tone of that frequency. Also
//! measures the playback latency; to see the figures:
//! `cargo test -p vnc-tests --test gtk_audio -- --nocapture`.
#![cfg(feature = "audio")]

use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::audio_server::AudioServer;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::sound::{RECORD_RATE, SoundServer, tone_frequency};

const TONE: f64 = 1000.0;

#[test]
fn widget_plays_server_audio_through_pulseaudio() {
    let sound = SoundServer::pulseaudio();
    let _local = start_gtk("320x240", &[("PULSE_SERVER", sound.server.as_str())]);
    let server = AudioServer::start(TONE, Duration::from_secs(3));
    let heard = sound.record();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    assert!(!display.audio(), "audio is off by default");
    display.set_audio(true);
    display.open_host("127.0.0.1", server.port);

    // PulseAudio's own figure for the stream, the highest seen while the tone plays.
    let mut reported = Duration::ZERO;
    run_until(
        "1.5 s of tone on the null sink's monitor",
        Duration::from_secs(30),
        || {
            reported = reported.max(display.audio_latency().unwrap_or_default());
            heard.heard_secs() >= 1.5
        },
    );
    let log = server.log();
    assert_eq!(
        log.formats,
        [(3, 2, 44_100)],
        "S16 stereo at 44.1 kHz asked"
    );
    assert_eq!(log.switches, [true]);

    let samples = heard.samples();
    let rate = RECORD_RATE as usize;
    // A second from the middle, away from the start of playback.
    let f = tone_frequency(&samples[rate / 4..rate * 5 / 4], RECORD_RATE)
        .expect("a tone on the monitor");
    assert!(
        (f - TONE).abs() < TONE * 0.02,
        "heard {f:.1} Hz, sent {TONE} Hz\n{}",
        sound.log()
    );
    let onset = heard.onset().unwrap();
    let end_to_end = onset.saturating_duration_since(log.first_data.unwrap());
    eprintln!(
        "audio latency: PulseAudio reports {:.1} ms for the stream (buffer + device); \
         first Audio Data written to first sound on the monitor {:.1} ms \
         (includes parec's capture, up to 5 ms); {} bytes dropped",
        reported.as_secs_f64() * 1e3,
        end_to_end.as_secs_f64() * 1e3,
        display.audio_dropped()
    );
    assert!(reported > Duration::ZERO, "PulseAudio reported no latency");
    assert!(
        end_to_end < Duration::from_millis(500),
        "sound came {end_to_end:?} after the data"
    );
    // Audio sent in real time is never too much: nothing is dropped.
    assert_eq!(display.audio_dropped(), 0);

    // Off: the widget disables audio (the server reads it once it finishes its tone) and
    // stops playing at once.
    display.set_audio(false);
    assert_eq!(display.audio_latency(), None);
    run_until("Disable from the widget", Duration::from_secs(20), || {
        server.log().switches == [true, false]
    });
    display.close();
}
