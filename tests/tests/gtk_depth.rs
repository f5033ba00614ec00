//! The widget's `depth` property (gtk-vnc's five levels) against real Xvnc servers, in this
//! process on an Xvfb of its own: each level shows the server's screen at that level's
//! precision (Default keeps the server's own format: exact on a 24-bit server, 5-6-5 on a
//! 16-bit one). One test function: GTK lives on the thread that initialised it.

use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::{Depth, VncDisplay};
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::{XServer, XvncOptions, same_at_precision};

/// Opens a display at `depth` on `server` and waits for its picture to equal the server's
/// screen at `bits` of precision per channel; with `fewer`, the picture must also differ from
/// the screen (fewer bits than the server's really came).
fn shows_at(server: &XServer, depth: Depth, bits: [u32; 3], fewer: bool) {
    let truth = server.settle();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    display.set_depth(depth);
    window.set_child(Some(&display));
    window.present();
    display.open_host("127.0.0.1", server.port);
    run_until(
        &format!("the screen at {depth:?} ({bits:?} bits)"),
        Duration::from_secs(30),
        || screenshot(&display).is_some_and(|shot| same_at_precision(&shot, &truth, bits)),
    );
    if fewer {
        assert!(
            screenshot(&display).as_ref() != Some(&truth),
            "{depth:?}: the exact screen, not fewer bits"
        );
    }
    display.close();
    window.destroy();
}

#[test]
fn each_depth_shows_the_screen_at_its_precision() {
    let _local = start_gtk("1024x768", &[]);
    let server = XServer::xvnc(XvncOptions::default());
    shows_at(&server, Depth::Default, [8, 8, 8], false);
    shows_at(&server, Depth::Full, [8, 8, 8], false);
    shows_at(&server, Depth::Medium, [5, 6, 5], true);
    shows_at(&server, Depth::Low, [3, 3, 2], true);
    shows_at(&server, Depth::UltraLow, [1, 1, 1], true);
    let deep16 = XServer::xvnc(XvncOptions {
        depth: Some(16),
        ..Default::default()
    });
    // The server's own 16-bit format: its screen, exactly.
    shows_at(&deep16, Depth::Default, [8, 8, 8], false);
}
