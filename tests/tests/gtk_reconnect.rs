//! The widget's `reconnect` property against real Xvnc servers killed and started again on
//! the same port: the new server's picture (a different screen, to tell the two apart) is
//! back, pixel for pixel, within 2 s of the server accepting connections, through one new
//! connection, with the size and the kept password; an authentication failure on a
//! reconnection is not retried, nor is a session the application closes; without
//! `reconnect-keep-credentials` the password is asked again; turning `reconnect` off while
//! waiting stops the widget; a widget dropped while waiting to reconnect is finalized and
//! makes no further attempt. One test function: GTK lives on
//! the thread that initialised it.

use std::cell::{Cell, RefCell};
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gtk::glib;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::{Rgb, XServer, XvncOptions};

/// What the widget signalled.
#[derive(Default)]
struct Seen {
    connected: Cell<u32>,
    initialized: Cell<u32>,
    disconnected: Cell<u32>,
    auth_asked: Cell<u32>,
    auth_failures: Cell<u32>,
    /// (attempt, delay) of each `vnc-reconnecting`.
    reconnecting: RefCell<Vec<(u32, Duration)>>,
    /// While reconnecting: the widget's picture and size were the last session's.
    kept_picture: Cell<bool>,
    /// The framebuffer after each update, with when it came.
    frames: RefCell<Vec<(Instant, Rgb)>>,
}

/// An Xvnc with VNC authentication on `port` (a free one if `None`); `bare` leaves the screen
/// as Xvnc starts it, unlike the first server's painted scene.
fn xvnc(port: Option<u16>, password: &'static str, bare: bool) -> XServer {
    XServer::xvnc(XvncOptions {
        security: Some("VncAuth"),
        password: Some(password),
        port,
        bare,
        ..Default::default()
    })
}

/// Starts a bare Xvnc on `port` on another thread (the main loop must keep running for the
/// widget meanwhile); it sends the server and its screen when ready.
fn start_in_background(port: u16, password: &'static str) -> mpsc::Receiver<(XServer, Rgb)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let server = xvnc(Some(port), password, true);
        let screen = server.settle();
        let _ = tx.send((server, screen));
    });
    rx
}

fn accepts(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(100),
    )
    .is_ok()
}

/// Runs the main loop for `time`: what the widget does on its own meanwhile (it must not
/// connect again) is checked afterwards.
fn run_for(time: Duration) {
    let end = Instant::now() + time;
    let ctx = glib::MainContext::default();
    while Instant::now() < end {
        let _tick = glib::timeout_add_local_once(Duration::from_millis(20), || {});
        ctx.iteration(true);
    }
}

#[test]
fn the_widget_reconnects_to_a_restarted_server() {
    let first = xvnc(None, "first-pw", false);
    let port = first.port;
    let truth1 = first.settle();
    let _local = start_gtk("1024x768", &[]);

    let seen = Rc::new(Seen::default());
    let password = Rc::new(RefCell::new("first-pw".to_owned()));
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    display.set_reconnect(true);
    display.set_reconnect_keep_credentials(true);
    window.set_child(Some(&display));
    connect_signals(&display, &seen, &password, truth1.clone());
    window.present();
    display.open_host("127.0.0.1", port);
    run_until(
        "the first server's picture",
        Duration::from_secs(30),
        || screenshot(&display).is_some_and(|s| s == truth1),
    );
    assert_eq!((seen.connected.get(), seen.auth_asked.get()), (1, 1));
    run_until(
        "the widget to be allocated",
        Duration::from_secs(10),
        || WidgetExt::width(&display) == 400,
    );

    // The server is killed and another one started on its port.
    drop(first);
    let started = start_in_background(port, "first-pw");
    let ctx = glib::MainContext::default();
    let mut up = None;
    let mut second = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    while second.is_none() {
        assert!(Instant::now() < deadline, "the second Xvnc did not start");
        if up.is_none() && accepts(port) {
            up = Some(Instant::now());
        }
        if let Ok(s) = started.try_recv() {
            second = Some(s);
        }
        // Short ticks: `up` is when the port first accepted, to a few milliseconds.
        let _tick = glib::timeout_add_local_once(Duration::from_millis(5), || {});
        ctx.iteration(true);
    }
    let (second, truth2) = second.unwrap();
    let up = up.expect("the port accepted before Xvnc was ready");
    assert_ne!(truth1, truth2, "the two servers' screens differ");
    run_until(
        "the second server's picture",
        Duration::from_secs(10),
        || seen.frames.borrow().iter().any(|(_, f)| *f == truth2),
    );
    let back = seen
        .frames
        .borrow()
        .iter()
        .find(|(_, f)| *f == truth2)
        .map(|(t, _)| *t)
        .unwrap();
    let took = back.saturating_duration_since(up);
    eprintln!("picture back {took:?} after the new server accepted connections");
    assert!(took < Duration::from_secs(2), "picture back after {took:?}");
    assert!(
        !seen.reconnecting.borrow().is_empty(),
        "vnc-reconnecting told the waits"
    );
    assert!(
        seen.kept_picture.get(),
        "the last picture and size stayed while reconnecting"
    );
    assert!(
        seen.reconnecting
            .borrow()
            .iter()
            .all(|(_, d)| *d <= Duration::from_secs(1))
    );
    // One new connection, and no other attempt later: no task of the old one left over.
    run_for(Duration::from_millis(1500));
    assert_eq!(
        (
            seen.connected.get(),
            seen.initialized.get(),
            seen.disconnected.get()
        ),
        (2, 2, 0)
    );
    assert_eq!(seen.auth_asked.get(), 1, "the kept password was used");
    assert!(display.is_open());

    // A server with another password: the kept one fails, and that is not retried.
    let attempts = seen.reconnecting.borrow().len();
    drop(second);
    let (third, _) = start_in_background(port, "third-pw")
        .recv_timeout(Duration::from_secs(30))
        .expect("the third Xvnc");
    run_until(
        "the authentication failure",
        Duration::from_secs(10),
        || seen.disconnected.get() == 1,
    );
    assert_eq!(seen.auth_failures.get(), 1);
    let retries = seen.reconnecting.borrow().len();
    run_for(Duration::from_millis(1500));
    assert_eq!(
        seen.reconnecting.borrow().len(),
        retries,
        "no retry after it"
    );
    assert!(retries > attempts);
    assert!(!display.is_open());
    assert_eq!(
        screenshot(&display).as_ref(),
        Some(&truth2),
        "the last picture stays"
    );

    // The failure ended the session and wiped the kept password: a new one is asked for.
    // Without reconnect-keep-credentials a reconnection asks again too.
    display.set_reconnect_keep_credentials(false);
    password.replace("third-pw".to_owned());
    display.open_host("127.0.0.1", port);
    run_until("the third session", Duration::from_secs(10), || {
        seen.initialized.get() == 3
    });
    assert_eq!(seen.auth_asked.get(), 2, "the kept password was wiped");
    drop(third);
    let (fourth, truth4) = start_in_background(port, "third-pw")
        .recv_timeout(Duration::from_secs(30))
        .expect("the fourth Xvnc");
    run_until("the fourth session", Duration::from_secs(10), || {
        seen.initialized.get() == 4 && screenshot(&display).is_some_and(|s| s == truth4)
    });
    assert_eq!(
        seen.auth_asked.get(),
        3,
        "the password was not kept without reconnect-keep-credentials"
    );

    // A session the application closes is not reconnected.
    let connected = seen.connected.get();
    let retries = seen.reconnecting.borrow().len();
    display.close();
    assert_eq!(seen.disconnected.get(), 2);
    assert!(!display.is_open());
    drop(fourth);
    let (fifth, _) = start_in_background(port, "third-pw")
        .recv_timeout(Duration::from_secs(30))
        .expect("the fifth Xvnc");
    run_for(Duration::from_millis(1500));
    assert_eq!(seen.connected.get(), connected);
    assert_eq!(seen.reconnecting.borrow().len(), retries);
    assert!(!display.is_open());

    // Turning reconnect off while the widget waits stops it (vnc-disconnected); turning it on
    // again does not restart a stopped widget.
    display.open_host("127.0.0.1", port);
    run_until("the fifth session", Duration::from_secs(10), || {
        seen.initialized.get() == 5
    });
    drop(fifth);
    run_until("a wait to reconnect", Duration::from_secs(10), || {
        seen.reconnecting.borrow().len() > retries
    });
    display.set_reconnect(false);
    assert_eq!(seen.disconnected.get(), 3);
    assert!(!display.is_open());
    display.set_reconnect(true);
    let connected = seen.connected.get();
    let retries = seen.reconnecting.borrow().len();
    let (sixth, _) = start_in_background(port, "third-pw")
        .recv_timeout(Duration::from_secs(30))
        .expect("the sixth Xvnc");
    run_for(Duration::from_millis(1500));
    assert_eq!(
        (seen.connected.get(), seen.reconnecting.borrow().len()),
        (connected, retries)
    );

    // A widget dropped while it waits to reconnect is finalized, and its pending attempt
    // goes with it: no connection after that.
    display.open_host("127.0.0.1", port);
    run_until("the sixth session", Duration::from_secs(10), || {
        seen.initialized.get() == 6
    });
    drop(sixth);
    run_until("a wait to reconnect", Duration::from_secs(10), || {
        seen.reconnecting.borrow().len() > retries
    });
    let connected = seen.connected.get();
    let weak = display.downgrade();
    window.destroy();
    drop((window, display));
    run_until("the widget finalized", Duration::from_secs(10), || {
        weak.upgrade().is_none()
    });
    let (seventh, _) = start_in_background(port, "third-pw")
        .recv_timeout(Duration::from_secs(30))
        .expect("the seventh Xvnc");
    let retries = seen.reconnecting.borrow().len();
    run_for(Duration::from_millis(1500));
    assert_eq!(
        (seen.connected.get(), seen.reconnecting.borrow().len()),
        (connected, retries),
        "nothing left of the finalized widget"
    );
    drop(seventh);
}

fn connect_signals(
    display: &VncDisplay,
    seen: &Rc<Seen>,
    password: &Rc<RefCell<String>>,
    truth1: Rgb,
) {
    let count = |name: &str, field: fn(&Seen) -> &Cell<u32>| {
        let seen = seen.clone();
        display.connect_local(name, false, move |_| {
            let c = field(&seen);
            c.set(c.get() + 1);
            None
        });
    };
    count("vnc-connected", |s| &s.connected);
    count("vnc-initialized", |s| &s.initialized);
    count("vnc-disconnected", |s| &s.disconnected);
    count("vnc-auth-failure", |s| &s.auth_failures);
    display.connect_auth_credential({
        let (seen, password) = (seen.clone(), password.clone());
        move |d, _| {
            seen.auth_asked.set(seen.auth_asked.get() + 1);
            d.set_password(&password.borrow());
        }
    });
    display.connect_reconnecting({
        let seen = seen.clone();
        move |d, attempt, delay, _reason| {
            seen.reconnecting.borrow_mut().push((attempt, delay));
            if attempt == 1 && seen.initialized.get() == 1 {
                seen.kept_picture.set(
                    screenshot(d).is_some_and(|s| s == truth1)
                        && (d.remote_width(), d.remote_height()) == (400, 300)
                        && d.measure(gtk::Orientation::Horizontal, -1).0 == 400
                        && WidgetExt::width(d) == 400,
                );
            }
        }
    });
    display.connect_framebuffer_update({
        let seen = seen.clone();
        move |d, _| {
            if let Some(s) = screenshot(d) {
                seen.frames.borrow_mut().push((Instant::now(), s));
            }
        }
    });
}
