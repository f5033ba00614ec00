//! The widget's own pixel memory under one GSK renderer (tests/gtk_memory*.rs): its tiles'
//! textures share the engine's framebuffer, so beside it the widget holds no copy of the
//! desktop with cairo and the renderer's one upload with GL, and draws it pixel for pixel; a
//! second without input frees the session's buffers.

use std::time::{Duration, Instant};

use gtk::prelude::*;
use vnc_gtk::{PixelMemory, VncDisplay};

use crate::gtk_support::{render, run_until, screenshot, start_gtk};
use crate::{Rgb, XServer, XvncOptions, assert_same};

/// What the widget holds beside the engine's framebuffer under a renderer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copy {
    /// Nothing: the renderer draws from the framebuffer's memory (cairo).
    None,
    /// The renderer's upload, in GPU textures (with llvmpipe, memory of this process too).
    OnGpu,
}

/// Shows an 800x600 Xvnc with `GSK_RENDERER=renderer` (whose class must be `class`) and checks
/// the widget's pixel memory after the first frame and after a change of the whole desktop:
/// no pixel buffer of its own in memory, and one framebuffer's worth on the GPU when `copy`
/// says so; that the session frees its buffers when idle; then that smooth scaling blends
/// pixels.
pub fn holds_one_copy(renderer: &str, class: &str, copy: Copy) {
    let server = XServer::xvnc(XvncOptions {
        geometry: Some("800x600"),
        ..Default::default()
    });
    let truth = server.settle();
    let _local = start_gtk("1600x1200", &[("GSK_RENDERER", renderer)]);
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    display.open_host("127.0.0.1", server.port);
    run_until("the first frame", Duration::from_secs(30), || {
        screenshot(&display).is_some_and(|s| s == truth)
    });
    let used = display
        .native()
        .and_then(|n| n.renderer())
        .map(|r| r.type_().name().to_owned());
    assert_eq!(used.as_deref(), Some(class), "GSK_RENDERER={renderer}");

    let framebuffer = 800 * 600 * 4;
    let want = match copy {
        Copy::None => "nothing in memory or on the GPU".to_owned(),
        Copy::OnGpu => format!("{framebuffer} bytes on the GPU, nothing in memory"),
    };
    let within = |m: PixelMemory| match copy {
        Copy::None => m.in_memory == 0 && m.on_gpu == 0,
        Copy::OnGpu => m.in_memory == 0 && m.on_gpu == framebuffer,
    };
    run_until("the widget's allocation", Duration::from_secs(10), || {
        WidgetExt::width(&display) == 800
    });
    let check = |what: &str, truth: &Rgb| {
        // Each frame drawn replaces the last frame's tiles (GTK holds those until then): draw
        // until the widget holds what is expected, for 10 s at most.
        let clock = display.frame_clock().expect("a mapped widget");
        let start = Instant::now();
        let held = loop {
            let frame = clock.frame_counter();
            display.queue_draw();
            run_until(&format!("{what}: a frame"), Duration::from_secs(10), || {
                clock.frame_counter() > frame
            });
            let held = display.pixel_memory();
            if within(held) || start.elapsed() > Duration::from_secs(10) {
                break held;
            }
        };
        assert!(
            within(held),
            "{what}: the widget holds {held:?}, expected {want} ({framebuffer} bytes is one \
             framebuffer)"
        );
        assert_same(&render(&display), truth, what);
    };
    check("the first frame", &truth);

    // A new root window background: nearly every tile changes.
    server.run("xsetroot", &["-solid", "#c04020"]);
    let truth = server.settle();
    run_until("the new desktop", Duration::from_secs(30), || {
        screenshot(&display).is_some_and(|s| s == truth)
    });
    check("the whole desktop changed", &truth);

    // A second without input frees what the session keeps only to go faster (its decoders'
    // windows), which the frame just decoded needed (read at once: the frame's last bytes
    // came in this main loop iteration).
    server.run("xsetroot", &["-solid", "#20c040"]);
    let truth = server.settle();
    run_until("the green desktop", Duration::from_secs(30), || {
        screenshot(&display).is_some_and(|s| s == truth)
    });
    let busy = display.session_buffer_bytes();
    assert!(
        busy > 0,
        "the session's buffers right after a frame: {busy} bytes"
    );
    run_until(
        "the idle session's buffers freed",
        Duration::from_secs(10),
        || display.session_buffer_bytes() == 0,
    );

    // Smooth scaling stays smooth (under GL, the tiles' GL textures must be filtered
    // linearly): at 150 % a checkerboard of red and blue pixels shows blends of the
    // two in most places, where nearest-neighbour scaling would show only red and blue.
    server.run(
        "xsetroot",
        &["-mod", "2", "2", "-fg", "#ff0000", "-bg", "#0000ff"],
    );
    let truth = server.settle();
    run_until("the checkerboard", Duration::from_secs(30), || {
        screenshot(&display).is_some_and(|s| s == truth)
    });
    display.set_zoom_level(150);
    run_until("the zoomed size", Duration::from_secs(10), || {
        WidgetExt::width(&display) == 1200
    });
    let zoomed = render(&display);
    let blended = (0..zoomed.height)
        .flat_map(|y| (0..zoomed.width).map(move |x| (x, y)))
        .filter(|&(x, y)| ![[255, 0, 0], [0, 0, 255]].contains(&zoomed.get(x, y)))
        .count();
    let all = (zoomed.width * zoomed.height) as usize;
    assert!(
        blended > all / 2,
        "smooth scaling at 150 %: {blended} of {all} pixels blend red and blue"
    );

    display.close();
    window.destroy();
}
