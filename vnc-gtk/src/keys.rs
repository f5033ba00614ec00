//! GDK key values to X11 keysyms. GDK's key values are X11 keysyms for every key a keyboard
//! has, so the mapping is the identity except for the few values GDK invents itself.

use gtk::gdk;
use gtk::glib::translate::IntoGlib;

/// The keysym to send for `key`, or `None` for keys with no X11 meaning.
pub(crate) fn keysym(key: gdk::Key) -> Option<u32> {
    let v = key.into_glib();
    match v {
        0 | 0xFFFFFF => None,
        // ISO_Left_Tab is what GDK reports for Shift+Tab; servers expect Tab with Shift held.
        0xFE20 => Some(0xFF09),
        _ => Some(v),
    }
}

/// The QEMU "qnum" scancode of a key that sits in the same place on every PC keyboard
/// layout (modifiers, editing and function keys), for keys sent by keysym alone
/// ([`VncDisplay::send_keys`](crate::VncDisplay::send_keys)). A fixed table: these keys do not
/// move with the layout, so no keymap needs asking. `None` for the keys that do move.
pub(crate) fn fixed_qnum(keysym: u32) -> Option<u16> {
    Some(match keysym {
        0xFF08 => 0x0E, // BackSpace
        0xFF09 => 0x0F, // Tab
        0xFF0D => 0x1C, // Return
        0xFF13 => 0xC6, // Pause
        0xFF14 => 0x46, // Scroll_Lock
        0xFF1B => 0x01, // Escape
        0xFF50 => 0xC7, // Home
        0xFF51 => 0xCB, // Left
        0xFF52 => 0xC8, // Up
        0xFF53 => 0xCD, // Right
        0xFF54 => 0xD0, // Down
        0xFF55 => 0xC9, // Page_Up
        0xFF56 => 0xD1, // Page_Down
        0xFF57 => 0xCF, // End
        0xFF61 => 0x54, // Print: SysRq's code, as rfbproto asks (not 0xE0 0x37)
        0xFF63 => 0xD2, // Insert
        0xFF67 => 0xDD, // Menu
        0xFF7F => 0x45, // Num_Lock
        // F1 to F10: consecutive in both numberings.
        0xFFBE..=0xFFC7 => 0x3B + (keysym - 0xFFBE) as u16,
        0xFFC8 => 0x57, // F11
        0xFFC9 => 0x58, // F12
        0xFFE1 => 0x2A, // Shift_L
        0xFFE2 => 0x36, // Shift_R
        0xFFE3 => 0x1D, // Control_L
        0xFFE4 => 0x9D, // Control_R
        0xFFE5 => 0x3A, // Caps_Lock
        0xFFE9 => 0x38, // Alt_L
        0xFFEA => 0xB8, // Alt_R
        0xFFEB => 0xDB, // Super_L
        0xFFEC => 0xDC, // Super_R
        0xFFFF => 0xD3, // Delete
        0x0020 => 0x39, // space
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_keys() {
        assert_eq!(keysym(gdk::Key::a), Some(0x61));
        assert_eq!(keysym(gdk::Key::Return), Some(0xFF0D));
        assert_eq!(keysym(gdk::Key::Control_L), Some(0xFFE3));
        assert_eq!(keysym(gdk::Key::ISO_Left_Tab), Some(0xFF09));
        assert_eq!(keysym(gdk::Key::VoidSymbol), None);
    }

    #[test]
    fn fixed_scancodes() {
        let q = |k| keysym(k).and_then(fixed_qnum);
        assert_eq!(q(gdk::Key::Control_L), Some(0x1D));
        assert_eq!(q(gdk::Key::Alt_L), Some(0x38));
        assert_eq!(q(gdk::Key::Delete), Some(0xD3));
        assert_eq!(q(gdk::Key::BackSpace), Some(0x0E));
        assert_eq!(q(gdk::Key::F1), Some(0x3B));
        assert_eq!(q(gdk::Key::F8), Some(0x42));
        assert_eq!(q(gdk::Key::F10), Some(0x44));
        assert_eq!(q(gdk::Key::F11), Some(0x57));
        assert_eq!(q(gdk::Key::F12), Some(0x58));
        assert_eq!(q(gdk::Key::Print), Some(0x54));
        assert_eq!(q(gdk::Key::a), None, "letters move with the layout");
    }
}
