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
}
