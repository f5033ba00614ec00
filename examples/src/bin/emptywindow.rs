//! emptywindow: the baseline of benches/widget-memory.sh. A GTK 4 window laid out like
//! vncviewer's (a header bar over one widget of the desktop's size) whose widget draws one
//! colour, so that a viewer's memory minus this window's is what the VNC widget itself costs;
//! or (`--texture`) a picture of the desktop's size, for what GTK's drawing of any changing
//! image of that size costs.

use std::cell::Cell;

use gtk::glib;
use gtk::prelude::*;

const HELP: &str = "\
emptywindow: an empty GTK 4 window of a desktop's size, the baseline of widget-memory.sh

Usage: emptywindow [--redraw] [--texture] WIDTH HEIGHT

  --redraw   draw a new colour every frame (the renderer at work, as in a viewer whose
             desktop keeps changing); without it the window is drawn once
  --texture  show a picture of WIDTH x HEIGHT pixels instead of a colour (with --redraw, a
             new texture over the same pixels every frame: GTK draws it anew each time)

Prints 'emptywindow: renderer NAME' on stderr once the window is drawn.
";

fn main() -> glib::ExitCode {
    let mut redraw = false;
    let mut texture = false;
    let mut size = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--redraw" => redraw = true,
            "--texture" => texture = true,
            "-h" | "--help" => {
                print!("{HELP}");
                return glib::ExitCode::SUCCESS;
            }
            _ => match a.parse::<i32>() {
                Ok(n) if n > 0 => size.push(n),
                _ => {
                    eprint!("emptywindow: not a size: {a}\n\n{HELP}");
                    return glib::ExitCode::FAILURE;
                }
            },
        }
    }
    let [width, height] = size[..] else {
        eprint!("{HELP}");
        return glib::ExitCode::FAILURE;
    };
    let app = gtk::Application::builder()
        .application_id("rs.vnc.EmptyWindow")
        .flags(gtk::gio::ApplicationFlags::NON_UNIQUE)
        .build();
    app.connect_activate(move |app| {
        let window = gtk::ApplicationWindow::new(app);
        window.set_titlebar(Some(&gtk::HeaderBar::new()));
        if texture {
            window.set_child(Some(&picture(width, height, redraw)));
            window.present();
            return;
        }
        // A plain box filled by CSS: a colour node, no surface of its own (a DrawingArea's
        // cairo node would add a surface of the window's size to the baseline).
        let area = gtk::Box::new(gtk::Orientation::Vertical, 0);
        area.set_size_request(width, height);
        let css = gtk::CssProvider::new();
        css.load_from_data(".even { background: #204080; } .odd { background: #806020; }");
        gtk::style_context_add_provider_for_display(
            &gtk::prelude::WidgetExt::display(&window),
            &css,
            gtk::STYLE_PROVIDER_PRIORITY_APPLICATION,
        );
        area.add_css_class("even");
        let frame = Cell::new(0u32);
        let reported = Cell::new(false);
        area.add_tick_callback(move |area, _| {
            report_renderer(area, &reported);
            if redraw {
                let n = frame.get().wrapping_add(1);
                frame.set(n);
                let (on, off) = if n % 2 == 0 {
                    ("even", "odd")
                } else {
                    ("odd", "even")
                };
                area.remove_css_class(off);
                area.add_css_class(on);
            }
            glib::ControlFlow::Continue
        });
        window.set_child(Some(&area));
        window.present();
    });
    app.run_with_args::<&str>(&[])
}

/// A picture of `width` x `height` opaque pixels (a gradient), made again every frame over
/// the same pixels when `redraw`: one copy of the pixels, drawn anew each frame.
fn picture(width: i32, height: i32, redraw: bool) -> gtk::Picture {
    let (w, h) = (width as usize, height as usize);
    let mut pixels = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        for x in 0..w {
            pixels.extend_from_slice(&[
                (x % 256) as u8,
                (y % 256) as u8,
                ((x + y) % 256) as u8,
                255,
            ]);
        }
    }
    let bytes = glib::Bytes::from_owned(pixels);
    let texture = move || {
        gtk::gdk::MemoryTexture::new(
            width,
            height,
            gtk::gdk::MemoryFormat::B8g8r8a8Premultiplied,
            &bytes,
            w * 4,
        )
    };
    let picture = gtk::Picture::for_paintable(&texture());
    picture.set_can_shrink(false);
    picture.set_size_request(width, height);
    let reported = Cell::new(false);
    picture.add_tick_callback(move |picture, _| {
        report_renderer(picture, &reported);
        if redraw {
            picture.set_paintable(Some(&texture()));
        }
        glib::ControlFlow::Continue
    });
    picture
}

/// Prints the renderer that draws `widget` on stderr, once (`reported` remembers).
fn report_renderer(widget: &impl IsA<gtk::Widget>, reported: &Cell<bool>) {
    if reported.replace(true) {
        return;
    }
    if let Some(r) = widget.native().and_then(|n| n.renderer()) {
        eprintln!("emptywindow: renderer {}", r.type_().name());
    }
}
