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
        self.show_cursor();
    }

    pub(super) fn set_remote_cursor(&self, c: &vnc_core::Cursor) {
        if c.width == 0 || c.height == 0 {
            self.remote_cursor
                .replace(gdk::Cursor::from_name("none", None));
        } else {
            self.remote_cursor.replace(Some(cursor_of(c)));
        }
        self.show_cursor();
    }

    /// Shows the cursor the state asks for: none while the pointer is grabbed, the local one
    /// with `local-pointer`, else the server's.
    pub(super) fn show_cursor(&self) {
        let obj = self.obj();
        if self.grab_pointer.get() {
            obj.set_cursor_from_name(Some("none"));
        } else if self.local_pointer.get() {
            obj.set_cursor(None);
        } else {
            obj.set_cursor(self.remote_cursor.borrow().as_ref());
        }
    }
}

fn cursor_of(c: &vnc_core::Cursor) -> gdk::Cursor {
    let tex = gdk::MemoryTexture::new(
        i32::from(c.width),
        i32::from(c.height),
        gdk::MemoryFormat::R8g8b8a8,
        &glib::Bytes::from(&c.rgba[..]),
        usize::from(c.width) * 4,
    );
    gdk::Cursor::from_texture(&tex, i32::from(c.hotspot_x), i32::from(c.hotspot_y), None)
}
