//! The VncDisplay widget plays a server's audio (QEMU's audio extension) through a private PulseAudio daemon:
//! the scenario of `vnc_tests::widget_audio`. To see the latency figures:
//! `cargo test -p vnc-tests --test gtk_audio -- --nocapture`.
#![cfg(feature = "audio")]

use vnc_tests::gtk_support::start_gtk;
use vnc_tests::sound::SoundServer;
use vnc_tests::widget_audio::widget_plays_scripted_tone;

#[test]
fn widget_plays_server_audio_through_pulseaudio() {
    let sound = SoundServer::pulseaudio();
    let _local = start_gtk("320x240", &[("PULSE_SERVER", sound.server.as_str())]);
    widget_plays_scripted_tone(&sound, "pulseaudio");
}
