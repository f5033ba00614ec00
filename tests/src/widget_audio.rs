//! The widget's playback scenario, run by the GTK audio tests on each sound server (one
//! test binary per server, GTK living on the thread that initialised it): a scripted server
//! sends a 1 kHz sine in real time once the widget enables audio, and the null sink's
//! monitor must carry a tone of that frequency; the playback latency is measured and
//! printed; then, enabled again, 5 s of audio arrive all at once, of which the widget keeps
//! at most its bound and drops the rest.

use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;

use crate::audio_server::{AudioServer, Play};
use crate::gtk_support::run_until;
use crate::sound::{RECORD_RATE, SoundServer};

const TONE: f64 = 1000.0;

/// Runs the scenario with `sound` (called `name` in messages). GTK must have been started
/// ([`crate::gtk_support::start_gtk`]) with `PULSE_SERVER` set to `sound`'s server.
pub fn widget_plays_scripted_tone(sound: &SoundServer, name: &str) {
    let server = AudioServer::start_plays(
        TONE,
        vec![
            Play {
                length: Duration::from_secs(3),
                paced: true,
            },
            Play {
                length: Duration::from_secs(5),
                paced: false,
            },
        ],
    );
    let heard = sound.record();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    assert!(!display.audio(), "audio is off by default");
    display.set_audio(true);
    display.open_host("127.0.0.1", server.port);

    // The widget's figure (the sound server's for the stream), the highest seen while the
    // tone plays.
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

    heard.assert_tone(TONE, sound);
    let rate = RECORD_RATE as usize;
    // Steady state: the first play ends; its last samples are heard this long after the
    // server wrote them.
    run_until("the first play to end", Duration::from_secs(20), || {
        server.log().plays_done == 1
    });
    let end = heard.recorded();
    run_until("0.3 s more on the monitor", Duration::from_secs(10), || {
        heard.recorded() >= end + rate * 3 / 10
    });
    let log = server.log();
    let tail = heard
        .last_sound()
        .unwrap()
        .saturating_duration_since(log.last_data.unwrap());
    let onset = heard
        .onset()
        .unwrap()
        .saturating_duration_since(log.first_data.unwrap());
    eprintln!(
        "audio latency on {name}: audio_latency() {:.1} ms (the widget's queue, the \
         stream's buffer and the device, the highest seen while playing); last Audio Data \
         written to its sound on the monitor {:.1} ms; first Audio Data to first sound \
         {:.1} ms (both by parec's arrival times, 5 ms capture latency); {} bytes dropped",
        reported.as_secs_f64() * 1e3,
        tail.as_secs_f64() * 1e3,
        onset.as_secs_f64() * 1e3,
        display.audio_dropped()
    );
    assert!(reported > Duration::ZERO, "{name} reported no latency");
    assert!(
        tail < Duration::from_millis(250),
        "the sound lags the data by {tail:?}"
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

    // On again: 5 s arrive at once. The widget holds at most 100 ms, the stream 50 ms: the
    // rest is dropped, so the sound stays as close behind the server as before.
    let before = server.log().sent_bytes;
    display.set_audio(true);
    run_until("the flood to be sent", Duration::from_secs(20), || {
        server.log().switches.len() == 3 && server.log().sent_bytes >= before + 5 * 176_400
    });
    run_until(
        "the widget to drop what it cannot play",
        Duration::from_secs(20),
        || display.audio_dropped() >= 4 * 176_400,
    );
    let latency = display.audio_latency().unwrap_or_default();
    assert!(
        latency < Duration::from_millis(200),
        "the widget reports {latency:?} after the flood"
    );
    display.close();
}
