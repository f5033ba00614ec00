//! vncviewer's keyboard: its shortcuts (switched off while the keyboard is grabbed, so that
//! the remote machine gets those keys, as gvncviewer does) and the "Set grab keys" dialog
//! that records a new grab sequence from the keys a person holds down.

use std::cell::RefCell;
use std::rc::Rc;

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::{gdk, gio};
use vnc_gtk::{GrabSequence, VncDisplay};

/// vncviewer's shortcuts: action and accelerator.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("win.fullscreen", "F11"),
    ("win.screenshot", "<Control><Shift>s"),
    ("win.grab-keys", "<Control><Shift>g"),
];

/// Gives `app` the shortcuts, and takes them away while `display` has the keyboard grabbed.
pub fn shortcuts(app: &gtk::Application, display: &VncDisplay) {
    let set = clone!(
        #[weak]
        app,
        move |on: bool| {
            for (action, accel) in SHORTCUTS {
                let accels: &[&str] = if on { &[accel] } else { &[] };
                app.set_accels_for_action(action, accels);
            }
        }
    );
    set(!display.grab_keyboard());
    display.connect_keyboard_grab(move |_, grabbed| set(!grabbed));
}

/// Adds the `win.grab-keys` action to `window`: it opens the dialog that sets `display`'s
/// grab sequence.
pub fn grab_keys_action(window: &gtk::ApplicationWindow, display: &VncDisplay) {
    let action = gio::SimpleAction::new("grab-keys", None);
    action.connect_activate(clone!(
        #[weak]
        window,
        #[weak]
        display,
        move |_, _| grab_keys_dialog(&window, &display)
    ));
    window.add_action(&action);
}

/// The keys being recorded: those held now, and the sequence made of every key pressed since
/// the first went down, in order.
#[derive(Default)]
struct Recording {
    held: Vec<gdk::Key>,
    pressed: Vec<gdk::Key>,
}

impl Recording {
    fn press(&mut self, key: gdk::Key) {
        if self.held.is_empty() {
            // A new combination starts.
            self.pressed.clear();
        }
        if !self.held.contains(&key) {
            self.held.push(key);
        }
        if !self.pressed.contains(&key) && self.pressed.len() < vnc_gtk::MAX_GRAB_KEYS {
            self.pressed.push(key);
        }
    }

    fn release(&mut self, key: gdk::Key) {
        self.held.retain(|k| *k != key);
    }
}

/// The "Set grab keys" dialog: the person holds the new combination down and lets go; the
/// dialog shows it and Apply makes it the display's grab sequence.
pub fn grab_keys_dialog(window: &gtk::ApplicationWindow, display: &VncDisplay) {
    let (dialog, grid) = crate::dialog_with_grid(window, "Set grab keys");
    let current = display.grab_sequence();
    grid.attach(
        &gtk::Label::new(Some(
            "Hold down the keys that grab and release the keyboard and pointer, then let go.",
        )),
        0,
        0,
        2,
        1,
    );
    let shown = gtk::Label::new(Some(&current.label()));
    shown.add_css_class("title-2");
    grid.attach(&shown, 0, 1, 2, 1);
    let cancel = gtk::Button::with_label("Cancel");
    let apply = gtk::Button::with_label("Apply");
    apply.add_css_class("suggested-action");
    apply.set_sensitive(false);
    grid.attach(&cancel, 0, 2, 1, 1);
    grid.attach(&apply, 1, 2, 1, 1);

    let recording = Rc::new(RefCell::new(Recording::default()));
    let chosen: Rc<RefCell<Option<GrabSequence>>> = Rc::default();
    let finish = Rc::new(clone!(
        #[weak]
        dialog,
        #[weak]
        display,
        #[strong]
        chosen,
        move |apply: bool| {
            if apply && let Some(seq) = chosen.borrow().as_ref() {
                display.set_grab_sequence(seq);
            }
            dialog.close();
        }
    ));
    let keys = gtk::EventControllerKey::new();
    // Before the buttons see them: Return and space are keys of a combination here too.
    keys.set_propagation_phase(gtk::PropagationPhase::Capture);
    keys.connect_key_pressed(clone!(
        #[strong]
        recording,
        #[strong]
        chosen,
        #[strong]
        finish,
        #[weak]
        shown,
        #[upgrade_or]
        glib::Propagation::Proceed,
        move |_, key, _, _| {
            let mut r = recording.borrow_mut();
            // Return or Escape alone, once a combination is recorded: Apply or Cancel.
            if r.held.is_empty() && !r.pressed.is_empty() {
                if key == gdk::Key::Escape {
                    drop(r);
                    finish(false);
                    return glib::Propagation::Stop;
                }
                if key == gdk::Key::Return && chosen.borrow().is_some() {
                    drop(r);
                    finish(true);
                    return glib::Propagation::Stop;
                }
            }
            r.press(key.to_lower());
            shown.set_text(&label_of(&r.pressed));
            glib::Propagation::Stop
        }
    ));
    keys.connect_key_released(clone!(
        #[strong]
        recording,
        #[strong]
        chosen,
        #[weak]
        shown,
        #[weak]
        apply,
        move |_, key, _, _| {
            let mut r = recording.borrow_mut();
            r.release(key.to_lower());
            if !r.held.is_empty() || r.pressed.is_empty() {
                return;
            }
            match GrabSequence::new(&r.pressed) {
                Ok(seq) => {
                    shown.set_text(&format!("{} (Return applies, Escape cancels)", seq.label()));
                    chosen.replace(Some(seq));
                    apply.set_sensitive(true);
                }
                Err(why) => {
                    shown.set_text(&why.to_string());
                    chosen.replace(None);
                    apply.set_sensitive(false);
                }
            }
        }
    ));
    dialog.add_controller(keys);
    let f = finish.clone();
    cancel.connect_clicked(move |_| f(false));
    apply.connect_clicked(move |_| finish(true));
    dialog.present();
}

/// What the keys pressed so far look like, while some are still held.
fn label_of(keys: &[gdk::Key]) -> String {
    GrabSequence::new(keys)
        .map(|s| s.label())
        .unwrap_or_default()
}
