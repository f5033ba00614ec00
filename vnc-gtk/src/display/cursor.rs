//! The pointer's look: the server's cursor shape as the widget's cursor, unless the local
//! pointer is asked for or the pointer is grabbed.

use gtk::gdk;
use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp::VncDisplay;

impl VncDisplay {
    pub(super) fn set_local_pointer(&self, v: bool) {
        self.local_pointer.set(v);
        if v {
            self.obj().set_cursor(None);
        }
    }

    pub(super) fn set_remote_cursor(&self, c: &vnc_core::Cursor) {
        if self.local_pointer.get() || self.grab_pointer.get() {
            return;
        }
        let obj = self.obj();
        if c.width == 0 || c.height == 0 {
            obj.set_cursor_from_name(Some("none"));
            return;
        }
        let tex = gdk::MemoryTexture::new(
            i32::from(c.width),
            i32::from(c.height),
            gdk::MemoryFormat::R8g8b8a8,
            &glib::Bytes::from(&c.rgba[..]),
            usize::from(c.width) * 4,
        );
        let cursor =
            gdk::Cursor::from_texture(&tex, i32::from(c.hotspot_x), i32::from(c.hotspot_y), None);
        obj.set_cursor(Some(&cursor));
    }
}
