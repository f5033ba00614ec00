//! `vnc_gtk::keymap` with real X key events: keys typed (xdotool, XTEST) into a GTK window on
//! the test's own Xvfb reach GTK with keycodes that `qnum_from_keycode` turns into the key's
//! position, whatever the layout makes it type. With a German layout the key that types 'z' is
//! the one US keyboards label 'Y' (XT scan code 0x15); with XFree86 keycodes loaded instead of
//! evdev ones, `KeycodeSource::for_display` notices and the arrows still map to their codes.
//! One test function: GTK lives on the thread that initialised it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::gdk;
use gtk::prelude::*;
use vnc_gtk::keymap::{KeycodeSource, qnum_from_keycode};
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::{XServer, require};

/// A key press as GTK reported it: key value and hardware keycode.
type Press = (gdk::Key, u32);

/// Types `key` (an X keysym name, which xdotool finds in the current keymap) and returns
/// the press the window got.
fn press(local: &XServer, presses: &Rc<RefCell<Vec<Press>>>, key: &str) -> Press {
    presses.borrow_mut().clear();
    local.run("xdotool", &["key", key]);
    run_until(
        &format!("the press of {key}"),
        Duration::from_secs(10),
        || !presses.borrow().is_empty(),
    );
    presses.borrow()[0]
}

/// Runs `setxkbmap args` and waits until GTK has the new keymap, which puts `keyval` on
/// `keycode`.
fn set_keymap(local: &XServer, args: &[&str], keyval: gdk::Key, keycode: u32) {
    local.run("setxkbmap", args);
    let display = gdk::Display::default().unwrap();
    run_until(
        &format!("GTK to see the keymap of setxkbmap {args:?}"),
        Duration::from_secs(10),
        || {
            display
                .map_keyval(keyval)
                .unwrap_or_default()
                .iter()
                .any(|k| k.keycode() == keycode)
        },
    );
}

#[test]
fn keycodes_of_real_key_events_map_to_positions() {
    require("xdotool", "xdotool");
    require("setxkbmap", "x11-xkb-utils");
    let local = start_gtk("320x240", &[]);
    let display = gdk::Display::default().unwrap();

    let window = gtk::Window::new();
    window.set_title(Some("vnc-tests keymap"));
    window.set_default_size(200, 100);
    let presses: Rc<RefCell<Vec<Press>>> = Rc::default();
    let keys = gtk::EventControllerKey::new();
    keys.connect_key_pressed({
        let presses = presses.clone();
        move |_, key, code, _| {
            presses.borrow_mut().push((key, code));
            gtk::glib::Propagation::Stop
        }
    });
    window.add_controller(keys);
    window.present();
    run_until("the window to be shown", Duration::from_secs(10), || {
        window.is_mapped()
    });
    let wid = local.run(
        "xdotool",
        &["search", "--onlyvisible", "--name", "^vnc-tests keymap$"],
    );
    let wid = String::from_utf8_lossy(&wid.stdout);
    let wid = wid.lines().next().expect("the window's X id").to_owned();
    local.run("xdotool", &["windowfocus", "--sync", &wid]);
    run_until("the window to have focus", Duration::from_secs(10), || {
        window.is_active()
    });

    // Xvfb's default keymap: rules "evdev", US layout.
    let source = KeycodeSource::for_display(&display);
    assert_eq!(source, Some(KeycodeSource::X11Evdev));
    let source = source.unwrap();
    let qnum = |code| qnum_from_keycode(code, source);
    let (key, code) = press(&local, &presses, "z");
    assert_eq!((key, code), (gdk::Key::z, 52), "US: z is evdev KEY_Z + 8");
    assert_eq!(qnum(code), Some(0x2c), "US z: scan code of KEY_Z");

    // German layout: 'z' and 'y' swap places; the scan codes follow the places.
    set_keymap(&local, &["de"], gdk::Key::z, 29);
    let (key, code) = press(&local, &presses, "z");
    assert_eq!(key, gdk::Key::z);
    assert_eq!(
        qnum(code),
        Some(0x15),
        "German z: the scan code of the key US calls Y"
    );
    let (key, code) = press(&local, &presses, "y");
    assert_eq!(key, gdk::Key::y);
    assert_eq!(
        qnum(code),
        Some(0x2c),
        "German y: the scan code of the key US calls Z"
    );
    let (key, code) = press(&local, &presses, "odiaeresis");
    assert_eq!(key, gdk::Key::odiaeresis);
    assert_eq!(qnum(code), Some(0x27), "German ö: the scan code of US ';'");
    let (key, code) = press(&local, &presses, "less");
    assert_eq!(key, gdk::Key::less);
    assert_eq!(qnum(code), Some(0x56), "German <: the ISO key (KEY_102ND)");
    // (Not Right Ctrl: xdotool presses the first key of a modifier, Left Ctrl.)
    let (_, code) = press(&local, &presses, "KP_Enter");
    assert_eq!(qnum(code), Some(0x9c), "keypad Enter, an 0xe0 key");
    let (_, code) = press(&local, &presses, "Up");
    assert_eq!(qnum(code), Some(0xc8), "Up, an 0xe0 key");

    // The XFree86 keyboard driver's keycodes (rules "xorg"): other keycodes, same positions.
    set_keymap(
        &local,
        &["-rules", "xorg", "-layout", "us"],
        gdk::Key::Up,
        98,
    );
    let source = KeycodeSource::for_display(&display);
    assert_eq!(source, Some(KeycodeSource::X11Kbd));
    let qnum = |code| qnum_from_keycode(code, source.unwrap());
    let (key, code) = press(&local, &presses, "Up");
    assert_eq!((key, code), (gdk::Key::Up, 98));
    assert_eq!(qnum(code), Some(0xc8), "Up with XFree86 keycodes");
    let (key, code) = press(&local, &presses, "KP_Enter");
    assert_eq!((key, code), (gdk::Key::KP_Enter, 108));
    assert_eq!(qnum(code), Some(0x9c), "keypad Enter with XFree86 keycodes");
    let (_, code) = press(&local, &presses, "z");
    assert_eq!(qnum(code), Some(0x2c), "z with XFree86 keycodes");
}
