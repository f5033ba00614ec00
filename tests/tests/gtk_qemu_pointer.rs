//! The widget in QEMU's relative pointer mode, on the test's Xvfb, with xdotool as the user:
//! QEMU's PS/2 mouse makes `is-pointer-absolute` false; a click in the display grabs the
//! pointer (`grab-pointer`), hides the local cursor and confines the pointer to the window
//! (`pointer-confined`: a move to the far corner of the screen stays in the window); relative
//! moves reach QEMU as the same motion (its trace, `input_event_rel`), also when GDK merges
//! the motion event of the widget's warp back to the centre into the next move; the grab keys
//! (Ctrl+Alt) release it and the pointer is free again. With the X pointer grab held by
//! another client, a grab leaves `pointer-confined` false. Closing the connection ends a
//! grab. Once the USB tablet is QEMU's active mouse, `is-pointer-absolute` turns true. One test function: GTK lives on the thread that
//! initialised it.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use gtk::glib;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, start_gtk, xdotool_value};
use vnc_tests::qemu_pointer::{activate_tablet, start_pointer_qemu, traced_motion};
use vnc_tests::x11_holder::PointerGrabHolder;
use vnc_tests::{XServer, require};

const TITLE: &str = "vnc-tests pointer";

/// The pointer's position on the screen.
fn pointer_at(local: &XServer) -> (i32, i32) {
    let out = local.run("xdotool", &["getmouselocation", "--shell"]);
    let out = String::from_utf8_lossy(&out.stdout);
    (
        xdotool_value(&out, "X").expect("X"),
        xdotool_value(&out, "Y").expect("Y"),
    )
}

/// The window's position and size on the screen.
fn geometry(local: &XServer, wid: &str) -> (i32, i32, i32, i32) {
    let out = local.run("xdotool", &["getwindowgeometry", "--shell", wid]);
    let out = String::from_utf8_lossy(&out.stdout);
    let v = |k: &str| xdotool_value(&out, k).unwrap_or_else(|| panic!("{k} in {out}"));
    (v("X"), v("Y"), v("WIDTH"), v("HEIGHT"))
}

#[test]
fn widget_grabs_and_sends_motion_in_qemu_relative_mode() {
    require("xdotool", "xdotool");
    let q = start_pointer_qemu(true);
    let local = start_gtk("1024x768", &[]);
    let window = gtk::Window::new();
    window.set_title(Some(TITLE));
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    run_until("the window to be shown", Duration::from_secs(10), || {
        window.is_mapped()
    });
    let wid = local.run("xdotool", &["search", "--onlyvisible", "--name", TITLE]);
    let wid = String::from_utf8_lossy(&wid.stdout);
    let wid = wid.lines().next().expect("the window's X id").to_owned();
    let mode_notified = Rc::new(Cell::new(0));
    display.connect_notify_local(Some("is-pointer-absolute"), {
        let n = mode_notified.clone();
        move |_, _| n.set(n.get() + 1)
    });
    assert!(display.is_pointer_absolute(), "absolute until told");

    display.open_host("127.0.0.1", q.port());
    run_until("relative mode", Duration::from_secs(30), || {
        !display.is_pointer_absolute()
    });
    assert_eq!(mode_notified.get(), 1);
    run_until("the desktop's size", Duration::from_secs(30), || {
        display.remote_width() > 0 && display.width() >= display.remote_width()
    });
    assert!(!display.grab_pointer());

    // A click in the display grabs.
    local.run(
        "xdotool",
        &["mousemove", "--window", &wid, "100", "100", "click", "1"],
    );
    run_until("the pointer grab", Duration::from_secs(10), || {
        display.grab_pointer()
    });
    assert!(display.grab_keyboard());
    assert!(
        display.pointer_confined(),
        "the X server grants the confining grab"
    );
    let hidden = display.cursor().and_then(|c| c.name());
    assert_eq!(
        hidden.as_deref(),
        Some("none"),
        "the local cursor is hidden"
    );

    // Confined: the far corner of the screen is outside the window, the pointer stays in it.
    let (wx, wy, ww, wh) = geometry(&local, &wid);
    assert!(wx + ww < 1023 && wy + wh < 767, "{wx},{wy} {ww}x{wh}");
    local.run("xdotool", &["mousemove", "1023", "767"]);
    let (px, py) = pointer_at(&local);
    assert!(
        (wx..wx + ww).contains(&px) && (wy..wy + wh).contains(&py),
        "pointer at {px},{py}, window {wx},{wy} {ww}x{wh}"
    );

    // Relative moves arrive as the same motion. The first until it shows (the widget may
    // still be re-centring the pointer after the corner), then each on its own.
    let motions = || traced_motion(&q.trace());
    let mut anchored = false;
    for _ in 0..20 {
        let before = motions().len();
        local.run("xdotool", &["mousemove_relative", "--", "5", "-3"]);
        run_until("the move in QEMU's trace", Duration::from_secs(10), || {
            motions().len() > before
        });
        if motions().last() == Some(&(5, -3)) {
            anchored = true;
            break;
        }
    }
    assert!(anchored, "no (5, -3) motion:\n{}", q.trace());
    let start = motions().len();
    let moves = [(-7, 4), (3, 3), (0, -6), (12, 0)];
    for (dx, dy) in moves {
        let before = motions().len();
        local.run(
            "xdotool",
            &["mousemove_relative", "--", &dx.to_string(), &dy.to_string()],
        );
        run_until("the move in QEMU's trace", Duration::from_secs(10), || {
            motions().len() > before
        });
    }
    assert_eq!(motions()[start..], moves, "{}", q.trace());

    // Far from the centre the widget warps the pointer back to it. GDK merges motion events
    // that wait in its queue, so the warp's own motion event can come merged into the next
    // one: that motion counts from the centre, not from where the pointer was before the
    // warp. Dispatched one event at a time until the warp, so that the warp's event is still
    // unread when the next move comes.
    let sent = motions().len();
    local.run(
        "xdotool",
        &[
            "mousemove",
            "--window",
            &wid,
            &(ww - 20).to_string(),
            &(wh / 2).to_string(),
        ],
    );
    let far = pointer_at(&local);
    let context = glib::MainContext::default();
    let deadline = Instant::now() + Duration::from_secs(10);
    while pointer_at(&local) == far {
        assert!(Instant::now() < deadline, "no warp back from {far:?}");
        context.iteration(false);
    }
    local.run("xdotool", &["mousemove_relative", "--", "4", "-2"]);
    // Two motions: out to the far point, then the move.
    run_until("the move after the warp", Duration::from_secs(10), || {
        motions().len() >= sent + 2
    });
    assert_eq!(
        motions()[sent + 1..],
        [(4, -2)],
        "the move after a warp:\n{}",
        q.trace()
    );

    // The grab keys release, and the pointer goes where it is moved.
    local.run("xdotool", &["key", "ctrl+alt"]);
    run_until("the release", Duration::from_secs(10), || {
        !display.grab_pointer()
    });
    assert!(!display.pointer_confined() && !display.grab_keyboard());
    local.run("xdotool", &["mousemove", "1023", "767"]);
    assert_eq!(pointer_at(&local), (1023, 767));
    // Ungrabbed, motion over the display moves nothing in the guest. A click grabs again,
    // which the widget sees after the motion (X delivers in order): by then any motion
    // would have been sent. Only the grab's own, empty motion (no position to measure from
    // yet, the buttons alone) may follow.
    let before = motions().len();
    local.run("xdotool", &["mousemove", "--window", &wid, "50", "50"]);
    local.run("xdotool", &["mousemove_relative", "--", "4", "4"]);
    local.run("xdotool", &["click", "1"]);
    run_until("the second grab", Duration::from_secs(10), || {
        display.grab_pointer()
    });
    let trace = q.trace();
    assert!(
        traced_motion(&trace)[before..].iter().all(|&m| m == (0, 0)),
        "{trace}"
    );
    local.run("xdotool", &["key", "ctrl+alt"]);
    run_until("the second release", Duration::from_secs(10), || {
        !display.grab_pointer()
    });

    // Where the pointer cannot be confined (here: another client holds the X pointer grab),
    // the grab still happens and says so: pointer-confined stays false.
    {
        let _holder = PointerGrabHolder::grab(&local.display);
        display.set_grab_pointer(true);
        assert!(display.grab_pointer() && !display.pointer_confined());
        display.set_grab_pointer(false);
    }

    // Closing the connection while grabbed ends the grab and frees the pointer; the widget
    // is absolute again until the next server says otherwise.
    local.run(
        "xdotool",
        &["mousemove", "--window", &wid, "100", "100", "click", "1"],
    );
    run_until("the third grab", Duration::from_secs(10), || {
        display.pointer_confined()
    });
    display.close();
    assert!(!display.grab_pointer() && !display.pointer_confined());
    assert!(display.is_pointer_absolute());
    assert_eq!(mode_notified.get(), 2);
    local.run("xdotool", &["mousemove", "1023", "767"]);
    assert_eq!(pointer_at(&local), (1023, 767));

    // Connected again, then the tablet as QEMU's active mouse: absolute.
    display.open_host("127.0.0.1", q.port());
    run_until("relative mode again", Duration::from_secs(30), || {
        !display.is_pointer_absolute()
    });
    activate_tablet(&q);
    run_until("absolute mode", Duration::from_secs(30), || {
        display.is_pointer_absolute()
    });
    assert_eq!(mode_notified.get(), 4);
}
