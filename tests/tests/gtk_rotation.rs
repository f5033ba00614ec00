//! The widget's `rotation` (gtk-vnc's 0, 90, 180 and 270 degrees clockwise) against a real
//! Xvnc, in this process on an Xvfb of its own: at each angle the widget draws the server's
//! screen turned by that much, pixel for pixel, asks for the turned size, and a pointer moved
//! over a point of the turned picture (xdotool on the local Xvfb) lands on the matching pixel
//! of the remote screen. Screenshots stay unturned; an angle that is not a quarter turn is
//! refused. One test function: GTK lives on the thread that initialised it.

use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{pointer, run_until, screenshot, start_gtk, try_render};
use vnc_tests::{XServer, XvncOptions, find_exact, require};

/// The remote pixel under pixel (`u`, `v`) of a `w` by `h` screen turned by `degrees`.
fn unturned(degrees: u32, (w, h): (i32, i32), (u, v): (i32, i32)) -> (i32, i32) {
    match degrees {
        90 => (v, h - 1 - u),
        180 => (w - 1 - u, h - 1 - v),
        270 => (w - 1 - v, u),
        _ => (u, v),
    }
}

#[test]
fn rotation_turns_the_picture_the_size_and_the_pointer() {
    require("xdotool", "xdotool");
    let server = XServer::xvnc(XvncOptions::default());
    let truth = server.settle();
    let size = (truth.width as i32, truth.height as i32);
    let local = start_gtk("1024x768", &[]);
    let window = gtk::Window::new();
    // Room for the picture both ways, so that no angle needs the shown window to grow: GTK
    // 4.18 with its GL renderer on Xvfb renders a grown window into the old X window's size,
    // cutting the picture (the widget's size request at each angle is checked below).
    let side = size.0.max(size.1) + 40;
    window.set_default_size(side, side);
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    display.open_host("127.0.0.1", server.port);
    run_until("the remote screen", Duration::from_secs(30), || {
        screenshot(&display).as_ref() == Some(&truth)
    });

    for degrees in [90, 180, 270, 0] {
        display.set_rotation(degrees);
        assert_eq!(display.rotation(), degrees);
        let want = truth.rotated(degrees);
        let natural = (
            display.measure(gtk::Orientation::Horizontal, -1).1,
            display.measure(gtk::Orientation::Vertical, -1).1,
        );
        assert_eq!(
            natural,
            (want.width as i32, want.height as i32),
            "the size asked for at {degrees}°"
        );
        run_until(
            &format!("the picture turned {degrees}°"),
            Duration::from_secs(30),
            || try_render(&display).is_some_and(|r| find_exact(&r, &want).is_some()),
        );
        assert_eq!(
            screenshot(&display).as_ref(),
            Some(&truth),
            "screenshots are not turned"
        );
        // Where the turned picture is on the local screen, then points of it under the pointer.
        let mut at = None;
        run_until(
            &format!("the turned picture on the screen at {degrees}°"),
            Duration::from_secs(30),
            || {
                at = find_exact(&local.screen(), &want);
                at.is_some()
            },
        );
        let (ox, oy) = at.expect("found");
        for (u, v) in [
            (10, 20),
            (want.width as i32 - 30, 7),
            (50, want.height as i32 - 5),
        ] {
            let (x, y) = (ox as i32 + u, oy as i32 + v);
            local.run("xdotool", &["mousemove", &x.to_string(), &y.to_string()]);
            let expected = unturned(degrees, size, (u, v));
            run_until(
                &format!("the remote pointer at {expected:?} ({degrees}°, ({u}, {v}))"),
                Duration::from_secs(10),
                || pointer(&server.display) == expected,
            );
        }
    }

    display.set_rotation(45);
    assert_eq!(display.rotation(), 0, "45° is refused");
    display.close();
    window.destroy();
}
