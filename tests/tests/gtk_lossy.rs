//! The widget's `lossy-encoding` and `jpeg-quality` properties against a real Xvnc, in this
//! process on an Xvfb of its own: lossless by default (the picture is exact), JPEG at once
//! when turned on while connected, and exact again when turned off. One test function: GTK
//! lives on the thread that initialised it.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::{XServer, XvncOptions, psnr};

#[test]
fn lossy_encoding_switches_a_connected_widget_to_jpeg_and_back() {
    let server = XServer::xvnc(XvncOptions::default());
    let truth = server.settle();
    let _local = start_gtk("1024x768", &[]);

    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    assert!(!display.lossy_encoding(), "lossless by default");
    assert_eq!(display.jpeg_quality(), 8, "TigerVNC's default quality");
    assert_eq!(display.property::<u32>("jpeg-quality"), 8);
    let notified = Rc::new(Cell::new(0));
    display.connect_notify_local(Some("lossy-encoding"), {
        let notified = notified.clone();
        move |_, _| notified.set(notified.get() + 1)
    });

    // At each update's end: whether the picture was exact, and the lowest PSNR seen. Xvnc
    // later refreshes lossy areas losslessly, so a JPEG picture may last one update only.
    let exact = Rc::new(Cell::new(false));
    let worst_db = Rc::new(Cell::new(f64::INFINITY));
    display.connect_framebuffer_update({
        let (exact, worst_db, truth) = (exact.clone(), worst_db.clone(), truth.clone());
        move |d, _| {
            if let Some(shot) = screenshot(d) {
                exact.set(shot == truth);
                worst_db.set(worst_db.get().min(psnr(&shot, &truth)));
            }
        }
    });
    window.present();
    display.open_host("127.0.0.1", server.port);
    run_until("the exact first frame", Duration::from_secs(30), || {
        exact.get()
    });
    assert_eq!(
        worst_db.get(),
        f64::INFINITY,
        "lossless: never an inexact picture"
    );

    // On while connected: the full update that follows comes as JPEG.
    display.set_jpeg_quality(1);
    display.set_lossy_encoding(true);
    assert_eq!(notified.get(), 1);
    run_until("a JPEG picture", Duration::from_secs(30), || {
        worst_db.get().is_finite()
    });
    let db = worst_db.get();
    println!("lossy-encoding at jpeg-quality 1: PSNR {db:.2} dB against the screen");
    assert!(
        db > 15.0,
        "the JPEG picture is {db:.2} dB from the screen: not the screen"
    );

    // Off again: exact once more.
    display.set_lossy_encoding(false);
    run_until("an exact picture again", Duration::from_secs(30), || {
        exact.get()
    });
    assert_eq!(screenshot(&display).as_ref(), Some(&truth));
    display.close();
}
