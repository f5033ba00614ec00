//! The VncDisplay widget in listen mode, in this process on an Xvfb of its own: closing while
//! it waits closes the port with one `vnc-disconnected`; then x11vnc `-connect`s to it and
//! what the widget holds is the server's screen pixel for pixel, with `vnc-connected` and
//! `vnc-initialized` and no `vnc-disconnected` between waiting and the session. Through a
//! scripted UltraVNC repeater that x11vnc reaches by ID, the same; a server posing as a
//! repeater is refused with `vnc-error`. One test function: GTK lives on the thread that
//! initialised it.

use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_core::repeater::Repeater;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::reverse::ScriptedRepeater;
use vnc_tests::{XServer, serve_once};

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
    drop(server);
    log.borrow_mut().clear();

    // Through a repeater, by ID.
    let errors: Rc<RefCell<Vec<String>>> = Rc::default();
    display.connect_error({
        let errors = errors.clone();
        move |_, msg| errors.borrow_mut().push(msg.to_owned())
    });
    let repeater = ScriptedRepeater::start("ID:5678");
    let id: Repeater = "ID:5678".parse().unwrap();
    let viewers = format!("127.0.0.1::{}", repeater.viewer_port);
    display.open_repeater(&viewers, &id).unwrap();
    let connect = format!("repeater=ID:5678+127.0.0.1:{}", repeater.server_port);
    let server = XServer::x11vnc_with(None, &["-connect", &connect], &[]);
    let truth = server.settle();
    run_until(
        "x11vnc's screen through the repeater",
        Duration::from_secs(30),
        // The widget still holds the last session's picture (the same scene) until the new
        // one is initialized.
        || {
            log.borrow().iter().any(|e| e == "vnc-initialized")
                && screenshot(&display).is_some_and(|s| s == truth)
        },
    );
    assert_eq!(*log.borrow(), ["vnc-connected", "vnc-initialized"]);
    assert!(errors.borrow().is_empty(), "{:?}", errors.borrow());
    display.close();
    drop(server);
    repeater.finish().unwrap();

    // A VNC server where the repeater should be: refused before any RFB.
    log.borrow_mut().clear();
    let (port, fake) = serve_once(b"RFB 003.008\n".to_vec(), None);
    display
        .open_repeater(&format!("127.0.0.1::{port}"), &id)
        .unwrap();
    run_until("the refusal", Duration::from_secs(10), || {
        !log.borrow().is_empty()
    });
    assert_eq!(*log.borrow(), ["vnc-disconnected"]);
    let errors = errors.borrow();
    assert!(
        errors.len() == 1 && errors[0].contains("not an UltraVNC repeater"),
        "{errors:?}"
    );
    drop(fake);
}
