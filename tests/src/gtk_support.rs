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

/// Starts an Xvfb of `geometry` and GTK on it (X11 backend, cairo renderer unless
/// `VNC_TEST_GSK_RENDERER` names another, no
/// accessibility bus, this process's private session bus), with `env` set too (for example
/// `GDK_SCALE`). Call it once, first thing, from a test binary's only test: GTK stays on the
/// thread that started it, and the environment is changed before GTK's threads run.
pub fn start_gtk(geometry: &str, env: &[(&str, &str)]) -> GtkXServer {
    let local = XServer::xvfb(geometry);
    let bus = session_bus();
    // SAFETY: set before GTK starts; the other threads of the test binary (the harness's, the
    // process spawner's) read the environment only through std, which locks it.
    unsafe {
        std::env::set_var("DISPLAY", &local.display);
        std::env::set_var("GDK_BACKEND", "x11");
        // VNC_TEST_GSK_RENDERER=gl runs a test under GTK's GL renderer instead.
        let renderer = std::env::var("VNC_TEST_GSK_RENDERER");
        std::env::set_var("GSK_RENDERER", renderer.as_deref().unwrap_or("cairo"));
        std::env::set_var("GTK_A11Y", "none");
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", bus);
        std::env::remove_var("WAYLAND_DISPLAY");
        for (k, v) in env {
            std::env::set_var(k, v);
        }
    }
    gtk::init().expect("GTK on the test's Xvfb");
    GtkXServer(local)
}

/// The Xvfb that GTK runs on ([`start_gtk`]). Dropped, it first releases the GL context
/// current on the thread (under GTK's GL renderer): GDK would release it when the thread
/// ends, after the X server has gone, and the X I/O error would end the test process.
pub struct GtkXServer(XServer);

impl std::ops::Deref for GtkXServer {
    type Target = XServer;

    fn deref(&self) -> &XServer {
        &self.0
    }
}

impl Drop for GtkXServer {
    fn drop(&mut self) {
        gtk::gdk::GLContext::clear_current();
    }
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
    try_render(widget).expect("the widget drew something")
}

/// Renders the widget as GTK would draw it; `None` while it has nothing to draw (waiting
/// for its new size, for example).
pub fn try_render(widget: &VncDisplay) -> Option<Rgb> {
    // (`width()` is the remote desktop's width, a property as in gtk-vnc.)
    let (w, h) = (WidgetExt::width(widget), WidgetExt::height(widget));
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node()?;
    let renderer = widget
        .native()
        .expect("realized")
        .renderer()
        .expect("a renderer");
    Some(rgb_of(&renderer.render_texture(
        &node,
        Some(&graphene::Rect::new(0.0, 0.0, w as f32, h as f32)),
    )))
}

/// The value of `key` in the `KEY=value` lines that `xdotool ... --shell` prints
/// (`getmouselocation`, `getwindowgeometry`).
pub fn xdotool_value(out: &str, key: &str) -> Option<i32> {
    out.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .and_then(|v| v.parse().ok())
}

/// Waits until a viewer on the X server `local` shows `server`'s true screen 1:1 with none of
/// its black background beside it (the window fitted to the desktop, as viewers do once the
/// session is up), and returns where the desktop's top-left corner is on `local`.
///
/// The widget draws the server's cursor where the remote pointer is, which the server's own
/// screen does not show: the caller keeps the remote pointer in the top-left corner, and the
/// comparison starts below it (64 rows down).
pub fn wait_desktop_shown(local: &XServer, server: &XServer) -> (u32, u32) {
    let truth = server.settle();
    let (w, h) = (truth.width as i32, truth.height as i32);
    let below_cursor = crate::crop(&truth, (0, 64), (w, h - 64));
    let start = Instant::now();
    loop {
        let shot = local.screen();
        let at = crate::find_exact(&shot, &below_cursor)
            .filter(|&(_, y)| y >= 64)
            .map(|(x, y)| (x, y - 64));
        if let Some(p) = at.filter(|&p| !crate::letterboxed(&shot, &truth, p)) {
            return p;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let dir = std::env::temp_dir();
            let (got, want) = (dir.join("desktop-shown.png"), dir.join("desktop-truth.png"));
            shot.save_png(&got);
            truth.save_png(&want);
            panic!(
                "timed out after 30 s waiting for the desktop shown 1:1 in the fitted window \
                 (found at {at:?}); the local screen is in {}, the server's in {}",
                got.display(),
                want.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs xdotool on `display`.
pub fn run_xdotool(display: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("xdotool");
    cmd.args(args).env("DISPLAY", display);
    crate::process::output(cmd).expect("xdotool")
}

/// Runs xdotool on `display` and asserts success; returns its standard output.
pub fn xdotool(display: &str, args: &[&str]) -> String {
    let out = run_xdotool(display, args);
    assert!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The name (title) of X window `wid` on `local`.
pub fn window_name(local: &XServer, wid: &str) -> String {
    let out = local.run("xdotool", &["getwindowname", wid]);
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The pointer position on `display`.
pub fn pointer(display: &str) -> (i32, i32) {
    let out = xdotool(display, &["getmouselocation", "--shell"]);
    let get = |k| xdotool_value(&out, k).unwrap_or(-1);
    (get("X"), get("Y"))
}

/// Starts an xterm on `server` at (40, 200) to (~340, ~280), titled "sink", that writes what
/// is typed into it to `file`, and waits until it shows. The server has no window manager:
/// its keyboard focus follows the pointer, so typing reaches the xterm while the remote
/// pointer is over it (at (120, 240) for example).
pub fn spawn_typing_sink(server: &mut XServer, file: &std::path::Path) {
    crate::require("xdotool", "xdotool");
    server.spawn_client(
        "xterm",
        &[
            "-geometry",
            "50x6+40+200",
            "-fn",
            "fixed",
            "-T",
            "sink",
            "-e",
            "sh",
            "-c",
            &format!("cat > '{}'", file.display()),
        ],
    );
    crate::wait_for("the xterm", Duration::from_secs(20), || {
        run_xdotool(
            &server.display,
            &["search", "--onlyvisible", "--name", "sink"],
        )
        .status
        .success()
    });
}
