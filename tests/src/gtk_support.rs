//! What the GTK tests share: GTK started on an Xvfb of the test's own (in this process, or a
//! GTK program run as a child), a main loop run until a condition holds, and the widget's
//! pixels read back.

use std::process::Command;
use std::time::{Duration, Instant};

use gtk::glib;
use gtk::graphene;
use gtk::prelude::*;
use vnc_gtk::VncDisplay;

use crate::process::session_bus;
use crate::{Rgb, XServer};

/// Starts an Xvfb of `geometry` and GTK on it (X11 backend, cairo renderer, no
/// accessibility bus, this process's private session bus), with `env` set too (for example
/// `GDK_SCALE`). Call it once, first thing, from a test binary's only test: GTK stays on the
/// thread that started it, and the environment is changed before GTK's threads run.
pub fn start_gtk(geometry: &str, env: &[(&str, &str)]) -> XServer {
    let local = XServer::xvfb(geometry);
    let bus = session_bus();
    // SAFETY: set before GTK starts; the other threads of the test binary (the harness's, the
    // process spawner's) read the environment only through std, which locks it.
    unsafe {
        std::env::set_var("DISPLAY", &local.display);
        std::env::set_var("GDK_BACKEND", "x11");
        std::env::set_var("GSK_RENDERER", "cairo");
        std::env::set_var("GTK_A11Y", "none");
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", bus);
        std::env::remove_var("WAYLAND_DISPLAY");
        for (k, v) in env {
            std::env::set_var(k, v);
        }
    }
    gtk::init().expect("GTK on the test's Xvfb");
    local
}

/// Sets up `cmd`, a GTK program, for the X display `display` as [`start_gtk`] sets up GTK in
/// this process (X11 backend, no accessibility bus, this process's private session bus).
pub fn gtk_program(cmd: &mut Command, display: &str) {
    cmd.env("DISPLAY", display)
        .env("GDK_BACKEND", "x11")
        .env("GTK_A11Y", "none")
        .env("DBUS_SESSION_BUS_ADDRESS", session_bus())
        .env_remove("WAYLAND_DISPLAY");
}

/// Runs the main loop until `cond` holds (or fails after `limit`).
pub fn run_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let ctx = glib::MainContext::default();
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        // Wakes at least every 50 ms so that `cond` is checked even with no events.
        let _tick = glib::timeout_add_local_once(Duration::from_millis(50), || {});
        ctx.iteration(true);
    }
}

fn rgb_of(tex: &impl IsA<gtk::gdk::Texture>) -> Rgb {
    let tex = tex.as_ref();
    let (w, h) = (tex.width() as usize, tex.height() as usize);
    let mut bgra = vec![0u8; w * h * 4];
    tex.download(&mut bgra, w * 4);
    Rgb {
        width: w as u32,
        height: h as u32,
        data: bgra
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect(),
    }
}

/// The remote framebuffer as the widget holds it.
pub fn screenshot(widget: &VncDisplay) -> Option<Rgb> {
    widget.screenshot().map(|t| rgb_of(&t))
}

/// Renders the widget as GTK would draw it.
pub fn render(widget: &VncDisplay) -> Rgb {
    // (`width()` is the remote desktop's width, a property as in gtk-vnc.)
    let (w, h) = (WidgetExt::width(widget), WidgetExt::height(widget));
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("the widget drew something");
    let renderer = widget
        .native()
        .expect("realized")
        .renderer()
        .expect("a renderer");
    rgb_of(&renderer.render_texture(
        &node,
        Some(&graphene::Rect::new(0.0, 0.0, w as f32, h as f32)),
    ))
}

/// The value of `key` in the `KEY=value` lines that `xdotool ... --shell` prints
/// (`getmouselocation`, `getwindowgeometry`).
pub fn xdotool_value(out: &str, key: &str) -> Option<i32> {
    out.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .and_then(|v| v.parse().ok())
}
