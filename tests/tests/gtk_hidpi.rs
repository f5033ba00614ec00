//! On a monitor with scale 2 (GDK_SCALE=2 on an Xvfb), the widget at 100 % shows one remote
//! pixel per device pixel: it asks for half the remote size in logical pixels. (gtk-vnc
//! doubles it instead, and the picture is blurred.) A process of its own: GDK_SCALE is read
//! when GTK starts.

use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::{XServer, XvncOptions};

#[test]
fn one_remote_pixel_per_device_pixel_at_scale_2() {
    let server = XServer::xvnc(XvncOptions::default());
    server.settle();
    let _local = start_gtk("1024x768", &[("GDK_SCALE", "2")]);
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    display.open_host("127.0.0.1", server.port);
    run_until("the widget's size", Duration::from_secs(30), || {
        display.remote_width() == 400 && display.width() == 200
    });
    assert_eq!(display.scale_factor(), 2);
    assert_eq!(
        (display.remote_width(), display.remote_height()),
        (400, 300),
        "the remote desktop"
    );
    let (_, natural_w, _, _) = display.measure(gtk::Orientation::Horizontal, -1);
    let (_, natural_h, _, _) = display.measure(gtk::Orientation::Vertical, -1);
    assert_eq!(
        (natural_w, natural_h),
        (200, 150),
        "logical pixels: half, so device pixels match"
    );
    // At 200 % zoom it is the remote size in logical pixels.
    display.set_zoom_level(200);
    run_until("the zoomed size", Duration::from_secs(30), || {
        display.measure(gtk::Orientation::Horizontal, -1).1 == 400
    });
    display.close();
    window.destroy();
}
