//! The VncDisplay widget plays a QEMU guest's sound: the guest (a boot sector) plays a
//! 1000 Hz tone on the PC speaker, QEMU's VNC server captures it for the widget, which plays
//! it into a private PulseAudio daemon; the null sink's monitor must carry that tone. One
//! test function: GTK lives on the thread that initialised it.
#![cfg(feature = "audio")]

use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::qemu_audio::{TONE_HZ, start_tone};
use vnc_tests::sound::{RECORD_RATE, SoundServer};

#[test]
fn widget_plays_qemu_pc_speaker_through_pulseaudio() {
    let sound = SoundServer::pulseaudio();
    let _local = start_gtk("320x240", &[("PULSE_SERVER", sound.server.as_str())]);
    let qemu = start_tone(&[]);
    let heard = sound.record();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    display.set_audio(true);
    display.open_host("127.0.0.1", qemu.port());

    let mut reported = Duration::ZERO;
    run_until(
        "1.5 s of the guest's tone on the null sink's monitor",
        Duration::from_secs(30),
        || {
            reported = reported.max(display.audio_latency().unwrap_or_default());
            heard.heard_secs() >= 1.5
        },
    );
    let f = heard.assert_tone(TONE_HZ, &sound);
    let rate = RECORD_RATE as usize;
    eprintln!(
        "QEMU's PC speaker through the widget: {f:.1} Hz heard; audio_latency() {:.1} ms \
         at most; {} bytes dropped",
        reported.as_secs_f64() * 1e3,
        display.audio_dropped()
    );

    // Off: the sound stops at once; after the stream's buffer, the monitor is quiet.
    display.set_audio(false);
    assert_eq!(display.audio_latency(), None);
    let off = heard.samples().len();
    run_until("half a second more", Duration::from_secs(10), || {
        heard.samples().len() >= off + rate / 2
    });
    let after = &heard.samples()[off + rate / 4..];
    let loudest = after.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    assert!(
        loudest < 100,
        "still sounding after audio was turned off: {loudest}"
    );
    display.close();
}
