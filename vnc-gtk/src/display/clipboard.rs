//! The widget's clipboard and the server's: local changes go out as client cut text (UTF-8
//! when the server speaks the Extended Clipboard), the server's text comes into the local
//! clipboard, both only while `clipboard-sharing` is on and, for the PRIMARY selection, while
//! `clipboard-primary` is on too. What the server itself sent is never echoed back.

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, gio};

use super::imp::VncDisplay;

impl VncDisplay {
    /// Sends local clipboard changes (CLIPBOARD, and PRIMARY when asked) to the server.
    pub(super) fn watch_local_clipboard(&self) {
        let obj = self.obj();
        for primary in [false, true] {
            let cb = if primary {
                obj.primary_clipboard()
            } else {
                obj.clipboard()
            };
            cb.connect_changed(clone!(
                #[weak(rename_to = this)]
                self,
                move |cb| this.on_local_clipboard(cb, primary)
            ));
        }
    }

    /// True when local text may go to the server from this selection.
    fn sends_from(&self, primary: bool) -> bool {
        !self.read_only.get()
            && self.clipboard_sharing.get()
            && (!primary || self.clipboard_primary.get())
    }

    fn on_local_clipboard(&self, cb: &gdk::Clipboard, primary: bool) {
        if !self.sends_from(primary) {
            return;
        }
        let obj = self.obj();
        cb.read_text_async(
            gio::Cancellable::NONE,
            clone!(
                #[weak]
                obj,
                move |r| {
                    let this = obj.imp();
                    // The switch may have turned off while the text was read.
                    if !this.sends_from(primary) {
                        return;
                    }
                    if let Ok(Some(text)) = r {
                        // What the server itself sent comes back here: do not echo it.
                        if this.last_server_text.borrow().as_deref() == Some(text.as_str()) {
                            return;
                        }
                        this.with_session(|s| {
                            let lost = s.client_cut_text(&text);
                            if lost > 0 {
                                tracing::warn!(
                                    lost,
                                    "the server takes Latin-1 clipboard text only; characters sent as '?'"
                                );
                            }
                        });
                    }
                }
            ),
        );
    }

    /// The server's clipboard text: into the local clipboard (and PRIMARY when asked), unless
    /// sharing is off or the widget is read-only.
    pub(super) fn server_cut_text(&self, text: &str) {
        if self.read_only.get() || !self.clipboard_sharing.get() {
            return;
        }
        let obj = self.obj();
        self.last_server_text.replace(Some(text.to_owned()));
        obj.clipboard().set_text(text);
        if self.clipboard_primary.get() {
            obj.primary_clipboard().set_text(text);
        }
    }
}
