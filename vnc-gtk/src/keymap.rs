//! GDK's hardware keycodes to QEMU's "qnum" key numbers: the key's position on the keyboard,
//! whatever the local layout makes it type, as QEMU's extended key event wants it.
//!
//! qnum is the PC XT scan code (set 1) of the key, with the `0xe0` prefix of the extended
//! keys folded into bit 7: `A` is `0x1e`, Right Ctrl (`e0 1d`) is `0x9d`, keypad Enter
//! `0x9c`, Up `0xc8`. The tables are generated from QEMU's keycodemapdb by
//! `vnc-gtk/tools/gen-keymap.py`; `keymap/table.rs` names the commit they come from.

use gtk::gdk;
use gtk::prelude::*;

#[rustfmt::skip]
mod table;

/// What numbering GDK's hardware keycodes are in, which depends on the windowing system and,
/// on X11, on the server's keyboard driver.
///
/// Every current system gives Linux evdev codes plus 8: Xorg with the evdev or libinput
/// driver, Xvfb and Xvnc (their default XKB rules are "evdev"), XWayland, and GDK's Wayland
/// backend (an XKB keycode, which is the evdev code plus 8). Only the old XFree86 keyboard
/// driver (xf86-input-keyboard, XKB keycodes "xfree86") numbers keys differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeycodeSource {
    /// X11 with evdev keycodes (evdev code + 8): Xorg with evdev or libinput, XWayland, Xvfb.
    X11Evdev,
    /// X11 with the XFree86 keyboard driver's keycodes (XKB keycodes "xfree86").
    X11Kbd,
    /// Wayland: GDK reports XKB keycodes, the evdev code + 8.
    Wayland,
}

impl KeycodeSource {
    /// The numbering of `display`'s hardware keycodes, or `None` on a GDK backend with no
    /// table here (macOS, Windows, Broadway), where only keysyms can be sent.
    ///
    /// On X11 GDK does not expose the XKB keycodes name that gtk-vnc reads through Xlib, so
    /// this looks at where the keymap puts the Up arrow instead: evdev keycode 111 or
    /// XFree86 keycode 98 (evdev if neither, as on every server of the last decade).
    pub fn for_display(display: &gdk::Display) -> Option<KeycodeSource> {
        match display.type_().name() {
            "GdkWaylandDisplay" => Some(KeycodeSource::Wayland),
            "GdkX11Display" => {
                let up: Vec<u32> = display
                    .map_keyval(gdk::Key::Up)
                    .unwrap_or_default()
                    .iter()
                    .map(|k| k.keycode())
                    .collect();
                if !up.contains(&EVDEV_UP) && up.contains(&XKBD_UP) {
                    Some(KeycodeSource::X11Kbd)
                } else {
                    Some(KeycodeSource::X11Evdev)
                }
            }
            _ => None,
        }
    }
}

/// The X11 keycodes of the Up arrow with evdev keycodes (KEY_UP 103 + 8) and with the
/// XFree86 driver's (its XT code 0x5a + 8).
const EVDEV_UP: u32 = 111;
const XKBD_UP: u32 = 98;

/// The qnum (QEMU's key number: XT scan code set 1, `0xe0`-prefixed keys as `0x80 | code`)
/// of the key with GDK hardware keycode `keycode` (what [`gdk::KeyEvent::keycode`] and
/// `gtk::EventControllerKey`'s signals give) in the numbering `source`, or `None` for a
/// keycode that has no scan code (or is no key at all).
///
/// ```
/// use vnc_gtk::keymap::{qnum_from_keycode, KeycodeSource};
///
/// // The key right of Tab: 'q' in QWERTY, 'a' in AZERTY, always XT scan code 0x10.
/// assert_eq!(qnum_from_keycode(24, KeycodeSource::X11Evdev), Some(0x10));
/// // Right Ctrl is an extended key (e0 1d).
/// assert_eq!(qnum_from_keycode(105, KeycodeSource::Wayland), Some(0x9d));
/// assert_eq!(qnum_from_keycode(109, KeycodeSource::X11Kbd), Some(0x9d));
/// ```
pub fn qnum_from_keycode(keycode: u32, source: KeycodeSource) -> Option<u16> {
    let (table, index): (&[u16], _) = match source {
        KeycodeSource::X11Evdev | KeycodeSource::Wayland => {
            (&table::EVDEV_TO_QNUM, keycode.checked_sub(8)?)
        }
        KeycodeSource::X11Kbd => (&table::XKBD_TO_QNUM, keycode),
    };
    let q = *table.get(usize::try_from(index).ok()?)?;
    (q != 0).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const EVDEV: KeycodeSource = KeycodeSource::X11Evdev;

    /// The qnum of Linux evdev code `code`.
    fn evdev(code: u32) -> Option<u16> {
        qnum_from_keycode(code + 8, EVDEV)
    }

    #[test]
    fn known_keys() {
        assert_eq!(evdev(1), Some(0x01), "Esc");
        assert_eq!(evdev(30), Some(0x1e), "KEY_A");
        assert_eq!(qnum_from_keycode(38, EVDEV), Some(0x1e), "X11 keycode of A");
        assert_eq!(evdev(21), Some(0x15), "KEY_Y (z on a German keyboard)");
        assert_eq!(evdev(86), Some(0x56), "KEY_102ND, the ISO key left of Z");
        assert_eq!(evdev(97), Some(0x9d), "KEY_RIGHTCTRL");
        assert_eq!(evdev(96), Some(0x9c), "KEY_KPENTER");
        assert_eq!(evdev(100), Some(0xb8), "KEY_RIGHTALT (AltGr)");
        assert_eq!(evdev(103), Some(0xc8), "KEY_UP");
        assert_eq!(evdev(125), Some(0xdb), "KEY_LEFTMETA");
        assert_eq!(evdev(99), Some(0x54), "KEY_SYSRQ");
        assert_eq!(
            evdev(122),
            Some(0x72),
            "KEY_HANGEUL keeps its historical 0x72"
        );
        assert_eq!(evdev(123), Some(0x71), "KEY_HANJA");
    }

    #[test]
    fn wayland_numbers_keys_as_x11_evdev() {
        for code in 0..400 {
            assert_eq!(
                qnum_from_keycode(code, KeycodeSource::Wayland),
                qnum_from_keycode(code, EVDEV)
            );
        }
    }

    #[test]
    fn xfree86_keycodes() {
        let kbd = |k| qnum_from_keycode(k, KeycodeSource::X11Kbd);
        assert_eq!(kbd(9), Some(0x01), "Esc");
        assert_eq!(kbd(38), Some(0x1e), "A");
        assert_eq!(kbd(94), Some(0x56), "the ISO key");
        assert_eq!(kbd(108), Some(0x9c), "keypad Enter");
        assert_eq!(kbd(104), Some(0xd0), "Down");
        assert_eq!(kbd(XKBD_UP), Some(0xc8), "Up");
        assert_eq!(qnum_from_keycode(EVDEV_UP, EVDEV), Some(0xc8), "Up");
    }

    #[test]
    fn unknown_keycodes() {
        for source in [EVDEV, KeycodeSource::Wayland, KeycodeSource::X11Kbd] {
            for code in [0, 1, 7, 255, 256, 0x2ff + 8, u32::MAX] {
                assert_eq!(qnum_from_keycode(code, source), None, "{source:?} {code}");
            }
        }
        assert_eq!(qnum_from_keycode(8, EVDEV), None, "KEY_RESERVED");
        assert_eq!(evdev(240), None, "KEY_UNKNOWN");
        assert_eq!(evdev(0x160), None, "KEY_OK, no PC scan code");
    }

    /// Every qnum belongs to one key only, apart from those keycodemapdb gives to several.
    #[test]
    fn qnums_are_unique() {
        for (name, table, shared) in [
            ("evdev", &table::EVDEV_TO_QNUM[..], table::EVDEV_SHARED),
            ("xfree86", &table::XKBD_TO_QNUM[..], table::XKBD_SHARED),
        ] {
            let mut owner: HashMap<u16, usize> = HashMap::new();
            for (code, &q) in table.iter().enumerate().filter(|(_, q)| **q != 0) {
                assert!(q <= 0xff, "{name} {code}: qnum {q:#x} is more than a byte");
                if let Some(first) = owner.insert(q, code) {
                    assert!(
                        shared.contains(&q),
                        "{name} keycodes {first} and {code} both give qnum {q:#x}"
                    );
                }
            }
            assert!(owner.len() > 100, "{name}: a full keyboard's worth of keys");
        }
        assert_eq!(table::EVDEV_SHARED, [0x54], "KEY_SYSRQ and evdev code 84");
    }
}
