//! vncviewer's window title and header subtitle: the desktop's name, and while the pointer is
//! grabbed in relative mode how to release it (as virt-viewer says it), with a note when the
//! pointer could not be confined to the window.

use gtk::glib::{self, clone};
use gtk::prelude::*;
use vnc_gtk::VncDisplay;

/// What the title adds while the pointer is grabbed in relative mode.
pub const RELEASE_HINT: &str = "(Press Ctrl+Alt to release pointer)";
/// The subtitle's note when the pointer is grabbed but not confined.
pub const UNCONFINED_NOTE: &str = "Pointer not confined (Wayland or grab refused): it can leave the window. Press Ctrl+Alt to release";

/// The window title for desktop `name` and the display's pointer state.
pub fn title_for(name: &str, display: &VncDisplay) -> String {
    if display.grab_pointer() && !display.is_pointer_absolute() {
        format!("{name} {RELEASE_HINT} - vncviewer")
    } else {
        format!("{name} - vncviewer")
    }
}

/// The subtitle: the release hint while the keyboard is grabbed, the note while the pointer
/// is grabbed in relative mode without confinement.
pub fn subtitle_for(display: &VncDisplay) -> &'static str {
    if display.grab_pointer() && !display.is_pointer_absolute() && !display.pointer_confined() {
        UNCONFINED_NOTE
    } else if display.grab_keyboard() {
        "Press Ctrl+Alt to release"
    } else {
        ""
    }
}

/// Keeps `window`'s title and the `title` and `hint` labels in step with `display`.
pub fn follow(
    window: &gtk::ApplicationWindow,
    title: &gtk::Label,
    hint: &gtk::Label,
    display: &VncDisplay,
) {
    let update = clone!(
        #[weak]
        window,
        #[weak]
        title,
        #[weak]
        hint,
        move |d: &VncDisplay| {
            let name = d.desktop_name();
            let name = if name.is_empty() {
                title.text().to_string()
            } else {
                name
            };
            title.set_text(&name);
            window.set_title(Some(&title_for(&name, d)));
            hint.set_text(subtitle_for(d));
        }
    );
    for prop in [
        "name",
        "grab-pointer",
        "grab-keyboard",
        "is-pointer-absolute",
        "pointer-confined",
    ] {
        let update = update.clone();
        display.connect_notify_local(Some(prop), move |d, _| update(d));
    }
}
