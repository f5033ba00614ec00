//! vncviewer's window title and header subtitle: the desktop's name, and while the pointer is
//! grabbed in relative mode how to release it (as virt-viewer says it, naming the grab keys), with a note when the
//! pointer could not be confined to the window.

use gtk::glib::{self, clone};
use gtk::prelude::*;
use vnc_gtk::VncDisplay;

/// What the title adds while the pointer is grabbed in relative mode, for grab keys `keys`
/// (a [`GrabSequence::label`](vnc_gtk::GrabSequence::label), such as "Ctrl+Alt").
pub fn release_hint(keys: &str) -> String {
    format!("(Press {keys} to release pointer)")
}

/// The subtitle's note when the pointer is grabbed but not confined, for grab keys `keys`.
pub fn unconfined_note(keys: &str) -> String {
    format!(
        "Pointer not confined (Wayland or grab refused): it can leave the window. Press {keys} to release"
    )
}

/// The window title for desktop `name` and the display's pointer state, naming the display's
/// grab keys.
pub fn title_for(name: &str, display: &VncDisplay) -> String {
    if display.grab_pointer() && !display.is_pointer_absolute() {
        let hint = release_hint(&display.grab_sequence().label());
        format!("{name} {hint} - vncviewer")
    } else {
        format!("{name} - vncviewer")
    }
}

/// The subtitle: the release hint while the keyboard is grabbed, the note while the pointer
/// is grabbed in relative mode without confinement.
pub fn subtitle_for(display: &VncDisplay) -> String {
    let keys = display.grab_sequence().label();
    if display.grab_pointer() && !display.is_pointer_absolute() && !display.pointer_confined() {
        unconfined_note(&keys)
    } else if display.grab_keyboard() {
        format!("Press {keys} to release")
    } else {
        String::new()
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
            hint.set_text(&subtitle_for(d));
        }
    );
    for prop in [
        "name",
        "grab-pointer",
        "grab-keyboard",
        "is-pointer-absolute",
        "pointer-confined",
        "grab-keys",
    ] {
        let update = update.clone();
        display.connect_notify_local(Some(prop), move |d, _| update(d));
    }
}
