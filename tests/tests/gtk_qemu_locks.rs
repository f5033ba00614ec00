//! The widget keeps QEMU's Caps Lock as the local keyboard has it: Caps Lock is turned on on
//! the test's Xvfb before any window exists (so no window sees the key), then a `VncDisplay`
//! connects to QEMU, whose guest (the BIOS) has Caps Lock off. Once the widget has focus and
//! knows the guest's state it taps Caps Lock (scancode 0x3A), which QEMU's trace witnesses;
//! the BIOS turns its LED on, QEMU sends LED State, and the widget's `caps-lock` property
//! reads true. Then, with the focus on another widget, the local Caps Lock goes off: nothing
//! is sent until the widget gets the focus back, and then one tap turns the guest's off. One
//! test function: GTK lives on the thread that initialised it.

use std::time::Duration;

use gtk::gdk;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::qemu::traced_keys;
use vnc_tests::{Qemu, require};

/// XK_Caps_Lock and its scancode.
const CAPS_LOCK: (u32, u32) = (0xffe5, 0x3a);

#[test]
fn widget_makes_qemu_caps_lock_follow_the_local_keyboard() {
    require("xdotool", "xdotool");
    let q = Qemu::start_traced(&["vnc_key_event_ext", "vnc_key_event_map"]);
    let local = start_gtk("640x480", &[]);
    let keyboard = gdk::Display::default()
        .and_then(|d| d.default_seat())
        .and_then(|s| s.keyboard())
        .expect("a keyboard device");
    assert!(!keyboard.is_caps_locked(), "Xvfb starts with Caps Lock off");
    local.run("xdotool", &["key", "Caps_Lock"]);
    run_until("GDK to see Caps Lock on", Duration::from_secs(10), || {
        keyboard.is_caps_locked()
    });

    let window = gtk::Window::new();
    window.set_title(Some("vnc-tests locks"));
    window.set_default_size(640, 480);
    let display = VncDisplay::new();
    display.set_vexpand(true);
    // Somewhere else for the focus to be, for the second half.
    let entry = gtk::Entry::new();
    let vbox = gtk::Box::new(gtk::Orientation::Vertical, 0);
    vbox.append(&entry);
    vbox.append(&display);
    window.set_child(Some(&vbox));
    window.present();
    run_until("the window to be shown", Duration::from_secs(10), || {
        window.is_mapped()
    });
    let wid = local.run(
        "xdotool",
        &["search", "--onlyvisible", "--name", "^vnc-tests locks$"],
    );
    let wid = String::from_utf8_lossy(&wid.stdout);
    let wid = wid.lines().next().expect("the window's X id").to_owned();
    local.run("xdotool", &["windowfocus", "--sync", &wid]);
    display.grab_focus();
    run_until("the widget to have focus", Duration::from_secs(10), || {
        display.has_focus()
    });
    assert!(!display.caps_lock(), "no LED State yet");

    display.open_host("127.0.0.1", q.port());
    run_until(
        "the widget's caps-lock to turn on",
        Duration::from_secs(30),
        || display.caps_lock(),
    );
    // The tap went as an extended key event, or as a keysym if QEMU's LED State came before
    // its acknowledgement of extended key events; either way QEMU saw key 0x3A.
    let taps = |trace: &str| -> Vec<(u32, u32, u32)> {
        ["vnc_key_event_ext", "vnc_key_event_map"]
            .iter()
            .flat_map(|e| traced_keys(trace, e))
            .collect()
    };
    let trace = q.trace();
    let mut got = taps(&trace);
    got.sort_unstable();
    assert_eq!(
        got,
        vec![(0, CAPS_LOCK.0, CAPS_LOCK.1), (1, CAPS_LOCK.0, CAPS_LOCK.1)],
        "one Caps Lock tap, nothing else:\n{trace}"
    );
    assert!(!display.num_lock(), "Num Lock off on both sides");

    // Focus-in alone: with the focus elsewhere, the local Caps Lock goes off; the widget
    // must not touch the guest then, only when it gets the focus back.
    entry.grab_focus();
    run_until("the entry to have focus", Duration::from_secs(10), || {
        // The focus is on the entry's text child.
        GtkWindowExt::focus(&window).is_some_and(|w| w.is_ancestor(&entry))
    });
    local.run("xdotool", &["key", "Caps_Lock"]);
    run_until("GDK to see Caps Lock off", Duration::from_secs(10), || {
        !keyboard.is_caps_locked()
    });
    // Let the main loop turn over everything queued (no time passes for its own sake: the
    // check is that nothing was sent while unfocused, read before focus returns).
    while gtk::glib::MainContext::default().iteration(false) {}
    let unfocused = taps(&q.trace());
    assert_eq!(
        unfocused.len(),
        2,
        "no tap while the widget is unfocused:\n{}",
        q.trace()
    );
    assert!(display.caps_lock(), "the guest's Caps Lock is still on");
    display.grab_focus();
    run_until(
        "the widget's caps-lock to turn off after focus-in",
        Duration::from_secs(30),
        || !display.caps_lock(),
    );
    let mut got = taps(&q.trace());
    got.sort_unstable();
    assert_eq!(
        got,
        vec![
            (0, CAPS_LOCK.0, CAPS_LOCK.1),
            (0, CAPS_LOCK.0, CAPS_LOCK.1),
            (1, CAPS_LOCK.0, CAPS_LOCK.1),
            (1, CAPS_LOCK.0, CAPS_LOCK.1)
        ],
        "one more Caps Lock tap on focus-in, nothing else:\n{}",
        q.trace()
    );
}
