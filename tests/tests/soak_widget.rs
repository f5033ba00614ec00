//! Soak test of the GTK widget (not in the default suite): a VncDisplay in a window on an
//! Xvfb of its own, connected to a real Xvnc whose screen changes all the time, drawing every
//! frame, for SOAK_MINUTES (default 2). It reports updates per second and resident memory,
//! and fails on any error, on a disconnection, or if memory keeps growing after warm-up.
//!
//!     SOAK_MINUTES=10 cargo test --release -p vnc-tests --test soak_widget -- --ignored --nocapture

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use gtk::glib;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::start_gtk;
use vnc_tests::soak::{Meter, busy_xvnc};

#[test]
#[ignore = "runs for minutes; see the module documentation"]
fn soak_widget_against_a_busy_xvnc() {
    let server = busy_xvnc();
    let _local = start_gtk("1280x1024", &[]);
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    let meter = Rc::new(RefCell::new(Meter::new()));
    let last_update = Rc::new(Cell::new(Instant::now()));
    let problem: Rc<RefCell<Option<String>>> = Rc::default();
    display.connect_framebuffer_update({
        let (meter, last_update) = (meter.clone(), last_update.clone());
        move |_, _| {
            meter.borrow_mut().update();
            last_update.set(Instant::now());
        }
    });
    display.connect_error({
        let problem = problem.clone();
        move |_, m| *problem.borrow_mut() = Some(format!("error: {m}"))
    });
    display.connect_disconnected({
        let problem = problem.clone();
        move |_| {
            problem
                .borrow_mut()
                .get_or_insert_with(|| "disconnected".to_owned());
        }
    });
    display.open_host("127.0.0.1", server.port);
    let ctx = glib::MainContext::default();
    while meter.borrow().running() {
        // Wakes at least every 100 ms so that the meter reports on time.
        let _tick = glib::timeout_add_local_once(Duration::from_millis(100), || {});
        ctx.iteration(true);
        if let Some(p) = problem.borrow().as_ref() {
            panic!("{p} after {:?}", meter.borrow().elapsed());
        }
        assert!(
            last_update.get().elapsed() < Duration::from_secs(10),
            "no update for 10 s"
        );
        meter.borrow_mut().tick();
    }
    meter.borrow().finish();
    display.close();
    window.destroy();
}
