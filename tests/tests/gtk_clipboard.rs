//! The VncDisplay widget's clipboard against a real Xvnc (Extended Clipboard), in this
//! process, on an Xvfb of its own: Unicode text crosses both ways exactly; with
//! `clipboard-sharing` off nothing crosses either way (each side keeps its old content after
//! the other's change has been processed); turned back on, a later change crosses; with
//! `clipboard-primary` the server's text lands in the PRIMARY selection too and PRIMARY
//! changes go to the server. One test function: GTK lives on the thread that initialised it.

use std::cell::RefCell;
use std::io::Read;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Duration;

use gtk::gdk;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, start_gtk};
use vnc_tests::{TempDir, XServer, XvncOptions, process, require};

const TEXT: &str = "Grüße, Ωμέγα, 日本語, 👋";
const LIMIT: Duration = Duration::from_secs(30);

/// `selection` ("clipboard" or "primary") of the server's display, if anything holds it.
/// The main loop runs while xclip waits: when the widget owns the server's selection, Xvnc
/// asks the widget for the text before it answers xclip.
fn server_selection(s: &XServer, selection: &str) -> Option<String> {
    let mut cmd = Command::new("xclip");
    cmd.args(["-o", "-selection", selection])
        .env("DISPLAY", &s.display)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = process::spawn(cmd).expect("run xclip");
    let mut status = None;
    run_until("xclip to read the selection", LIMIT, || {
        status = child.try_wait().expect("xclip's status");
        status.is_some()
    });
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    status
        .is_some_and(|s| s.success())
        .then(|| String::from_utf8_lossy(&out).into_owned())
}

/// Makes an xclip on the server's display own `selection` with `text` (`-quiet` keeps it in
/// the foreground, so the server's process list ends it).
fn set_server_selection(s: &mut XServer, dir: &TempDir, selection: &str, text: &str) {
    let file = dir.path().join(format!("{}.txt", text.len()));
    std::fs::write(&file, text).unwrap();
    let file = file.display().to_string();
    s.spawn_client("xclip", &["-quiet", "-selection", selection, "-i", &file]);
}

/// Reads `cb`'s text, running the main loop until it is there.
fn local_text(cb: &gdk::Clipboard) -> Option<String> {
    let got: Rc<RefCell<Option<Option<String>>>> = Rc::default();
    cb.read_text_async(gtk::gio::Cancellable::NONE, {
        let got = got.clone();
        move |r| *got.borrow_mut() = Some(r.ok().flatten().map(|s| s.to_string()))
    });
    run_until("the local clipboard's text", LIMIT, || {
        got.borrow().is_some()
    });
    got.take().flatten()
}

#[test]
fn widget_clipboard_against_xvnc() {
    require("xclip", "xclip");
    let mut server = XServer::xvnc(XvncOptions::default());
    let dir = TempDir::new("gtk-clip");
    let _local = start_gtk("800x600", &[]);

    let window = gtk::Window::new();
    let display = VncDisplay::new();
    assert!(display.clipboard_sharing(), "sharing is on by default");
    assert!(!display.clipboard_primary(), "PRIMARY is off by default");
    window.set_child(Some(&display));
    let from_server: Rc<RefCell<Vec<String>>> = Rc::default();
    display.connect_server_cut_text({
        let from_server = from_server.clone();
        move |_, t| from_server.borrow_mut().push(t.to_owned())
    });
    let frames = Rc::new(RefCell::new(0));
    display.connect_framebuffer_update({
        let frames = frames.clone();
        move |_, _| *frames.borrow_mut() += 1
    });
    window.present();
    display.open_host("127.0.0.1", server.port);
    run_until("the first frame", LIMIT, || *frames.borrow() > 0);

    // Widget to server, exactly.
    display.clipboard().set_text(TEXT);
    run_until("the text in the server's clipboard", LIMIT, || {
        server_selection(&server, "clipboard").as_deref() == Some(TEXT)
    });

    // Server to widget, exactly.
    let back = format!("{TEXT} ← back");
    set_server_selection(&mut server, &dir, "clipboard", &back);
    run_until("the server's text", LIMIT, || {
        from_server.borrow().last() == Some(&back)
    });
    assert_eq!(
        local_text(&display.clipboard()).as_deref(),
        Some(back.as_str())
    );

    // Sharing off: the server's change (which the widget still hears of, through
    // vnc-server-cut-text) stays out of the local clipboard, and a local change stays local:
    // the widget reads its own clipboard before this test's read of it completes, and would
    // have sent the text then, ahead of xclip's request to Xvnc.
    display.set_clipboard_sharing(false);
    set_server_selection(&mut server, &dir, "clipboard", "server while off");
    run_until("the server's change while off", LIMIT, || {
        from_server.borrow().last().map(String::as_str) == Some("server while off")
    });
    assert_eq!(
        local_text(&display.clipboard()).as_deref(),
        Some(back.as_str()),
        "the server's text stayed out"
    );
    display.clipboard().set_text("local while off");
    assert_eq!(
        local_text(&display.clipboard()).as_deref(),
        Some("local while off")
    );
    assert_eq!(
        server_selection(&server, "clipboard").as_deref(),
        Some("server while off"),
        "the local text stayed in"
    );

    // On again: the next change crosses, each way. The marker's arrival shows the widget
    // processed the change made while off before it, and did not send that one.
    display.set_clipboard_sharing(true);
    display.clipboard().set_text("marker from the widget");
    run_until("the marker in the server's clipboard", LIMIT, || {
        server_selection(&server, "clipboard").as_deref() == Some("marker from the widget")
    });
    set_server_selection(&mut server, &dir, "clipboard", "marker from the server");
    run_until("the server's marker", LIMIT, || {
        from_server.borrow().last().map(String::as_str) == Some("marker from the server")
    });
    assert_eq!(
        local_text(&display.clipboard()).as_deref(),
        Some("marker from the server")
    );

    // PRIMARY: Xvnc sends its PRIMARY changes too (-SendPrimary, on by default); with
    // clipboard-primary they land in the local PRIMARY as well, and local PRIMARY changes
    // go to the server.
    display.set_clipboard_primary(true);
    set_server_selection(&mut server, &dir, "primary", "selected on the server: Ω");
    run_until("the server's PRIMARY text", LIMIT, || {
        from_server.borrow().last().map(String::as_str) == Some("selected on the server: Ω")
    });
    assert_eq!(
        local_text(&display.primary_clipboard()).as_deref(),
        Some("selected on the server: Ω")
    );
    display
        .primary_clipboard()
        .set_text("selected in the widget: 日本");
    run_until("the widget's PRIMARY text on the server", LIMIT, || {
        server_selection(&server, "clipboard").as_deref() == Some("selected in the widget: 日本")
    });
    display.close();
}
