//! The local clipboard to the server's: changes of the widget's clipboard sent as client cut
//! text, except what the server itself sent. (Server cut text is handled in `events`.)

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, gio};

use super::imp::VncDisplay;

impl VncDisplay {
    /// Sends local clipboard changes to the server (not in read-only mode).
    pub(super) fn watch_local_clipboard(&self) {
        let obj = self.obj();
        obj.clipboard().connect_changed(clone!(
            #[weak(rename_to = this)]
            self,
            move |cb| this.on_local_clipboard(cb)
        ));
    }

    fn on_local_clipboard(&self, cb: &gdk::Clipboard) {
        if self.read_only.get() {
            return;
        }
        let obj = self.obj();
        cb.read_text_async(
            gio::Cancellable::NONE,
            clone!(
                #[weak]
                obj,
                move |r| {
                    if let Ok(Some(text)) = r {
                        let this = obj.imp();
                        // What the server itself sent comes back here: do not echo it.
                        if this.last_server_text.borrow().as_deref() == Some(text.as_str()) {
                            return;
                        }
                        this.with_session(|s| s.client_cut_text(&text));
                    }
                }
            ),
        );
    }
}
