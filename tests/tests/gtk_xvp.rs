//! The VncDisplay widget's power control against libvncserver ([`XvpServer`]): the requests
//! return false (and send nothing) until `vnc-power-control-initialized`, then true; the
//! Reset the server refuses comes back as `vnc-power-control-failed`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::xvp::XvpServer;

#[test]
fn widget_power_control_signals_and_requests() {
    let _local = start_gtk("320x240", &[]);
    let server = XvpServer::start();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    let ready = Rc::new(Cell::new(0));
    let failed = Rc::new(Cell::new(0));
    display.connect_power_control_initialized({
        let ready = ready.clone();
        move |_| ready.set(ready.get() + 1)
    });
    display.connect_power_control_failed({
        let failed = failed.clone();
        move |_| failed.set(failed.get() + 1)
    });

    // No session: nothing to send.
    assert!(!display.power_control_reboot());
    display.open_host("127.0.0.1", server.port);
    run_until(
        "vnc-power-control-initialized",
        Duration::from_secs(20),
        || ready.get() > 0,
    );
    assert!(display.power_control_reboot());
    assert!(display.power_control_reset());
    run_until("vnc-power-control-failed", Duration::from_secs(20), || {
        failed.get() > 0
    });
    assert_eq!(failed.get(), 1);
    assert_eq!(server.requests(), "xvp 1 3\nxvp 1 4\n");
    display.close();
    assert!(!display.power_control_shutdown());
}
