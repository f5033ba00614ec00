//! The widget's own pixel memory under one GSK renderer (tests/gtk_memory*.rs): beside its
//! engine's framebuffer it holds one copy of the desktop at most, the tiles' memory textures
//! with cairo or the renderer's GL textures with GL, and draws it pixel for pixel.

use std::time::{Duration, Instant};

use gtk::prelude::*;
use vnc_gtk::{PixelMemory, VncDisplay};

use crate::gtk_support::{render, run_until, screenshot, start_gtk};
use crate::{Rgb, XServer, XvncOptions, assert_same};

/// Where the widget's one copy lives under a renderer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copy {
    /// In process memory (memory textures).
    InMemory,
    /// In GPU textures (with llvmpipe, memory of this process too).
    OnGpu,
}

/// Shows an 800x600 Xvnc with `GSK_RENDERER=renderer` (whose class must be `class`) and checks
/// the widget's pixel memory after the first frame and after a change of the whole desktop:
/// exactly one framebuffer's worth, all of it where `copy` says; then that smooth scaling
/// blends pixels.
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
    // GTK 4.8's GL renderer draws a texture of 128x128 pixels or less from an atlas that
    // keeps the texture until it goes unused for a while: a corner tile's memory texture may
    // live on there (at most 64 KiB).
    let atlas = 128 * 128 * 4;
    let want = match copy {
        Copy::InMemory => format!("{framebuffer} bytes in memory, none on the GPU"),
        Copy::OnGpu => format!("{framebuffer} bytes on the GPU, at most {atlas} in memory"),
    };
    let within = |m: PixelMemory| match copy {
        Copy::InMemory => m.in_memory == framebuffer && m.on_gpu == 0,
        // (The renderer's upload of an atlas tile's memory texture counts on the GPU too.)
        Copy::OnGpu => {
            m.in_memory <= atlas && (framebuffer..=framebuffer + atlas).contains(&m.on_gpu)
        }
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

    // Smooth scaling stays smooth (with GL, the widget's GL textures would be drawn by
    // nearest neighbour): at 150 % a checkerboard of red and blue pixels shows blends of the
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
