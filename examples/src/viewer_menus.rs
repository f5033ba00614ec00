//! vncviewer's header-bar menus that act on the remote machine: Send Keys (key combinations
//! the local desktop would take) and Power (xvp shutdown, reboot and reset).

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::{gdk, gio};
use vnc_gtk::VncDisplay;

/// The key combinations of the Send Keys menu.
const COMBOS: &[(&str, &[gdk::Key])] = &[
    (
        "Ctrl+Alt+Del",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::Delete],
    ),
    (
        "Ctrl+Alt+Backspace",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::BackSpace],
    ),
    (
        "Ctrl+Alt+F1",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F1],
    ),
    (
        "Ctrl+Alt+F2",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F2],
    ),
    (
        "Ctrl+Alt+F3",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F3],
    ),
    (
        "Ctrl+Alt+F4",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F4],
    ),
    (
        "Ctrl+Alt+F5",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F5],
    ),
    (
        "Ctrl+Alt+F6",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F6],
    ),
    (
        "Ctrl+Alt+F7",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F7],
    ),
    (
        "Ctrl+Alt+F8",
        &[gdk::Key::Control_L, gdk::Key::Alt_L, gdk::Key::F8],
    ),
];

/// The Send Keys menu button; its actions (`win.send-keys-N`) go on `window`.
pub fn send_keys(window: &gtk::ApplicationWindow, display: &VncDisplay) -> gtk::MenuButton {
    let keys = gio::Menu::new();
    for (i, (label, seq)) in COMBOS.iter().enumerate() {
        let name = format!("send-keys-{i}");
        let action = gio::SimpleAction::new(&name, None);
        action.connect_activate(clone!(
            #[weak]
            display,
            move |_, _| display.send_keys(seq)
        ));
        window.add_action(&action);
        keys.append(Some(label), Some(&format!("win.{name}")));
    }
    let button = gtk::MenuButton::new();
    button.set_label("Send Keys");
    button.set_menu_model(Some(&keys));
    button
}

/// A power-control request of [`VncDisplay`]: true when it was sent.
type Request = fn(&VncDisplay) -> bool;

/// The Power menu button: Shutdown, Reboot and Reset (actions `win.power-shutdown`,
/// `win.power-reboot`, `win.power-reset` on `window`). The button is hidden and the actions
/// disabled until the server offers power control (`vnc-power-control-initialized`), and
/// again once the connection ends; a request the server could not do is reported on
/// standard error.
pub fn power(window: &gtk::ApplicationWindow, display: &VncDisplay) -> gtk::MenuButton {
    let menu = gio::Menu::new();
    let items: [(&str, &str, Request); 3] = [
        (
            "power-shutdown",
            "Shutdown",
            VncDisplay::power_control_shutdown,
        ),
        ("power-reboot", "Reboot", VncDisplay::power_control_reboot),
        ("power-reset", "Reset", VncDisplay::power_control_reset),
    ];
    let mut actions = Vec::new();
    for (name, label, request) in items {
        let action = gio::SimpleAction::new(name, None);
        action.set_enabled(false);
        action.connect_activate(clone!(
            #[weak]
            display,
            move |_, _| {
                if !request(&display) {
                    eprintln!("vncviewer: the server does not offer power control");
                }
            }
        ));
        window.add_action(&action);
        menu.append(Some(label), Some(&format!("win.{name}")));
        actions.push(action);
    }
    let button = gtk::MenuButton::new();
    button.set_label("Power");
    button.set_menu_model(Some(&menu));
    // Few servers offer power control: the button takes room in the header bar (which sets
    // the window's least width) only while the server does.
    button.set_visible(false);
    let enable = clone!(
        #[weak]
        button,
        move |on: bool| {
            for a in &actions {
                a.set_enabled(on);
            }
            button.set_visible(on);
        }
    );
    let enable = std::rc::Rc::new(enable);
    let on = enable.clone();
    display.connect_power_control_initialized(move |_| on(true));
    display.connect_disconnected(move |_| enable(false));
    display.connect_power_control_failed(|_| {
        eprintln!("vncviewer: the server could not do the power-control request");
    });
    button
}
