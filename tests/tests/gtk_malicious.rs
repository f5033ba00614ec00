//! The malicious-server attacks of `vnc_tests::attacks` against the VncDisplay widget, in a
//! process of its own so that its peak memory can be measured: each attack ends with the
//! error shown through `vnc-error` and one `vnc-disconnected` (or, for attacks a client
//! survives, with the frame that follows), the application lives on and connects again, and
//! the process's peak resident memory grows by less than 64 MiB over all of them. The widget
//! plays audio (into a private PulseAudio), so that the audio attacks reach its player too.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::attacks::{Expect, attacks, frame_picture};
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::{serve_once, status_kib};

#[test]
fn every_attack_against_the_widget() {
    let sound = vnc_tests::sound::SoundServer::pulseaudio();
    let _local = start_gtk("640x480", &[("PULSE_SERVER", sound.server.as_str())]);
    // Built before the baseline: some scripts are large themselves (8 MiB of cut text).
    let only = std::env::var("ATTACK").unwrap_or_default();
    let attacks: Vec<_> = attacks()
        .into_iter()
        .filter(|a| a.name.contains(&only))
        .collect();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    display.set_handshake_timeout(Some(Duration::from_secs(2)));
    display.set_audio(true);
    window.set_child(Some(&display));
    window.present();
    let errors: Rc<RefCell<Vec<String>>> = Rc::default();
    let disconnects = Rc::new(RefCell::new(0));
    display.connect_error({
        let errors = errors.clone();
        move |_, m| errors.borrow_mut().push(m.to_owned())
    });
    // Frames are checked only once this connection has drawn: the picture of the attack
    // before may be the same frame.
    let updates = Rc::new(RefCell::new(0));
    display.connect_framebuffer_update({
        let updates = updates.clone();
        move |_, _| *updates.borrow_mut() += 1
    });
    display.connect_disconnected({
        let disconnects = disconnects.clone();
        move |_| *disconnects.borrow_mut() += 1
    });
    run_until("the window", Duration::from_secs(10), || {
        display.is_mapped()
    });

    // Peak RSS from here on: writing 5 to clear_refs resets VmHWM to the current RSS.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let baseline = status_kib("VmRSS:");
    for a in attacks {
        eprintln!("attack: {}", a.name);
        errors.borrow_mut().clear();
        let before = *disconnects.borrow();
        let updates_before = *updates.borrow();
        let (port, server) = serve_once(a.script, a.trickle);
        display.open_host("127.0.0.1", port);
        match a.expect {
            Expect::Error { .. } => {
                // Which error it is, is the engine's (checked in malicious.rs); the widget
                // must report exactly one.
                run_until(a.name, Duration::from_secs(30), || {
                    *disconnects.borrow() > before
                });
                let errors = errors.borrow();
                assert_eq!(errors.len(), 1, "{}: {errors:?}", a.name);
            }
            Expect::Frame => {
                run_until(a.name, Duration::from_secs(30), || {
                    *updates.borrow() > updates_before
                        && screenshot(&display).is_some_and(|s| s == frame_picture())
                });
                assert!(errors.borrow().is_empty(), "{}: {:?}", a.name, errors);
                display.close();
            }
        }
        server.join().unwrap();
        assert_eq!(*disconnects.borrow(), before + 1, "{}", a.name);
        assert!(!display.is_open());
    }
    let peak = status_kib("VmHWM:");
    println!("baseline RSS {baseline} KiB, peak {peak} KiB");
    assert!(
        peak < baseline + (64 << 10),
        "peak RSS {peak} KiB, {} KiB above the baseline",
        peak - baseline
    );
    window.destroy();
}
