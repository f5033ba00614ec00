//! The VncDisplay widget in listen mode, in this process on an Xvfb of its own: closing while
//! it waits closes the port with one `vnc-disconnected`; then x11vnc `-connect`s to it and
//! what the widget holds is the server's screen pixel for pixel, with `vnc-connected` and
//! `vnc-initialized` and no `vnc-disconnected` between waiting and the session. One test
//! function: GTK lives on the thread that initialised it.

use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::XServer;
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};

const LOOPBACK: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));

#[test]
fn vnc_display_listens_for_x11vnc() {
    let _local = start_gtk("800x600", &[]);
    let log: Rc<RefCell<Vec<String>>> = Rc::default();
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    for name in ["vnc-connected", "vnc-initialized", "vnc-disconnected"] {
        let log = log.clone();
        display.connect_local(name, false, move |_| {
            log.borrow_mut().push(name.to_owned());
            None
        });
    }
    window.present();

    // Waiting counts as open; close() ends it and frees the port.
    let port = display.listen(LOOPBACK, 0).unwrap();
    assert_ne!(port, 0);
    assert!(display.is_open());
    display.close();
    assert_eq!(*log.borrow(), ["vnc-disconnected"]);
    run_until("the port to close", Duration::from_secs(10), || {
        TcpStream::connect(("127.0.0.1", port)).is_err()
    });
    log.borrow_mut().clear();

    let port = display.listen(LOOPBACK, 0).unwrap();
    let connect = format!("127.0.0.1:{port}");
    let server = XServer::x11vnc_with(None, &["-connect", &connect], &[]);
    let truth = server.settle();
    run_until("x11vnc's screen", Duration::from_secs(30), || {
        screenshot(&display).is_some_and(|s| s == truth)
    });
    assert_eq!(*log.borrow(), ["vnc-connected", "vnc-initialized"]);
    // The port was for one server.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    display.close();
    assert_eq!(
        *log.borrow(),
        ["vnc-connected", "vnc-initialized", "vnc-disconnected"]
    );
}
