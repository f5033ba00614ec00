//! `VncDisplay::send_keys` (what vncviewer's Send Keys menu calls) against QEMU: once QEMU
//! takes extended key events, Ctrl+Alt+Del arrives as extended key events with the keys'
//! scancodes (Control_L 0x1D, Alt_L 0x38, Delete 0xD3), pressed in order and released in
//! reverse, and none as a keysym for QEMU to map; a letter (not in the fixed table) takes its
//! scancode from the local keymap. QEMU's trace is the witness. One test
//! function: GTK lives on the thread that initialised it.

use std::time::Duration;

use gtk::gdk;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::Qemu;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::qemu::{CTRL_ALT_DEL, traced_keys};

#[test]
fn send_keys_reaches_qemu_by_scancode() {
    let q = Qemu::start_traced(&["vnc_key_event_ext", "vnc_key_event_map"]);
    let _local = start_gtk("640x480", &[]);
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    display.open_host("127.0.0.1", q.port());

    // Until QEMU has acknowledged extended key events, keys go as keysyms: send Shift alone
    // until one arrives as an extended event (Shift_L, 0x2A).
    let mut ticks = 0;
    run_until(
        "an extended key event from the widget",
        Duration::from_secs(30),
        || {
            ticks += 1;
            if ticks % 10 == 0 {
                display.send_keys(&[gdk::Key::Shift_L]);
            }
            traced_keys(&q.trace(), "vnc_key_event_ext")
                .iter()
                .any(|&(_, _, code)| code == 0x2a)
        },
    );
    let map0 = traced_keys(&q.trace(), "vnc_key_event_map").len();

    display.send_keys(&[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::Delete]);
    // A key outside the fixed table: its scancode comes from the local (US) keymap.
    display.send_keys(&[gdk::Key::a]);
    let sent = |trace: &str| -> Vec<(u32, u32, u32)> {
        traced_keys(trace, "vnc_key_event_ext")
            .into_iter()
            .filter(|&(_, _, code)| code != 0x2a)
            .collect()
    };
    let mut want = CTRL_ALT_DEL.to_vec();
    want.extend([(1, 0x61, 0x1e), (0, 0x61, 0x1e)]);
    run_until(
        "Ctrl+Alt+Del in QEMU's trace",
        Duration::from_secs(20),
        || sent(&q.trace()).len() >= want.len(),
    );
    let trace = q.trace();
    assert_eq!(sent(&trace), want, "extended key events:\n{trace}");
    assert_eq!(
        traced_keys(&trace, "vnc_key_event_map").len(),
        map0,
        "no key went as a keysym once scancodes were in use:\n{trace}"
    );
}
