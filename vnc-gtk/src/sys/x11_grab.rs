//! The X11 pointer grab of relative mode: GTK 4 has no pointer grab, so on X11 the widget
//! asks the X server itself (Xlib through x11-dl, the binding gdk4-x11 hands its display out
//! in) to grab the pointer for the widget's window, confined to it, and warps the pointer
//! back to the widget's centre so that motion never stops at a screen edge. Elsewhere
//! (Wayland) there is no such call and the caller is told so.

use std::cell::OnceCell;

use gdk4_x11::x11::xlib;
use gdk4_x11::{X11Display, X11Surface};
use gtk::prelude::*;
use gtk::{gdk, graphene};

/// Why the pointer could not be confined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unconfined {
    /// Not an X11 display (Wayland: GTK 4.8 has no pointer-constraints API).
    NotX11,
    /// The widget is not in a realized window.
    NoWindow,
    /// libX11 could not be loaded.
    NoXlib,
    /// The X server refused the grab (the status XGrabPointer returned: another client holds
    /// a grab, the window is not viewable, ...).
    Refused(i32),
}

impl std::fmt::Display for Unconfined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unconfined::NotX11 => {
                f.write_str("not an X11 display (GTK 4 cannot confine the pointer on Wayland)")
            }
            Unconfined::NoWindow => f.write_str("the widget has no window"),
            Unconfined::NoXlib => f.write_str("libX11 could not be loaded"),
            Unconfined::Refused(s) => {
                write!(f, "the X server refused the pointer grab (status {s})")
            }
        }
    }
}

thread_local! {
    /// Xlib, loaded once (GTK has loaded libX11 already on an X11 display). GTK objects live
    /// on the main thread, and so does this.
    static XLIB: OnceCell<Option<xlib::Xlib>> = const { OnceCell::new() };
}

fn with_xlib<T>(f: impl FnOnce(&xlib::Xlib) -> T) -> Option<T> {
    XLIB.with(|cell| cell.get_or_init(|| xlib::Xlib::open().ok()).as_ref().map(f))
}

/// The widget's X display and window, if it is on X11 and realized.
fn x11_window(widget: &gtk::Widget) -> Result<(X11Display, X11Surface), Unconfined> {
    let display = widget
        .display()
        .downcast::<X11Display>()
        .map_err(|_| Unconfined::NotX11)?;
    let surface = widget
        .native()
        .and_then(|n| n.surface())
        .and_then(|s| s.downcast::<X11Surface>().ok())
        .ok_or(Unconfined::NoWindow)?;
    Ok((display, surface))
}

/// Grabs the pointer for the widget's window, confined to it.
pub(crate) fn grab(widget: &gtk::Widget) -> Result<(), Unconfined> {
    let (display, surface) = x11_window(widget)?;
    let status = with_xlib(|x| {
        let mask = xlib::ButtonPressMask | xlib::ButtonReleaseMask | xlib::PointerMotionMask;
        // SAFETY: the display pointer is GDK's open connection, valid while `display` lives;
        // the window is the realized surface's; no cursor (0) keeps the window's (hidden)
        // cursor. Owner events on: GTK keeps receiving its events as before.
        unsafe {
            let xd = display.xdisplay();
            let w = surface.xid();
            let status = (x.XGrabPointer)(
                xd,
                w,
                xlib::True,
                mask as u32,
                xlib::GrabModeAsync,
                xlib::GrabModeAsync,
                w,
                0,
                xlib::CurrentTime,
            );
            (x.XFlush)(xd);
            status
        }
    })
    .ok_or(Unconfined::NoXlib)?;
    if status == xlib::GrabSuccess {
        Ok(())
    } else {
        Err(Unconfined::Refused(status))
    }
}

/// Releases the grab (nothing if there is none).
pub(crate) fn ungrab(widget: &gtk::Widget) {
    let Ok((display, _)) = x11_window(widget) else {
        return;
    };
    with_xlib(|x| {
        // SAFETY: GDK's open connection, as in `grab`.
        unsafe {
            let xd = display.xdisplay();
            (x.XUngrabPointer)(xd, xlib::CurrentTime);
            (x.XFlush)(xd);
        }
    });
}

/// Moves the pointer to (`x`, `y`) in the widget's coordinates; false if it could not be asked.
pub(crate) fn warp(widget: &gtk::Widget, x: f64, y: f64) -> bool {
    let Ok((display, surface)) = x11_window(widget) else {
        return false;
    };
    let Some(native) = widget.native() else {
        return false;
    };
    let Some(p) = widget.compute_point(&native, &graphene::Point::new(x as f32, y as f32)) else {
        return false;
    };
    let (nx, ny) = native.surface_transform();
    // X coordinates are device pixels.
    let scale = f64::from(gdk::prelude::SurfaceExt::scale_factor(&surface).max(1));
    let sx = ((f64::from(p.x()) + nx) * scale).round() as i32;
    let sy = ((f64::from(p.y()) + ny) * scale).round() as i32;
    with_xlib(|x| {
        // SAFETY: GDK's open connection and the realized surface's window, as in `grab`.
        unsafe {
            let xd = display.xdisplay();
            (x.XWarpPointer)(xd, 0, surface.xid(), 0, 0, 0, 0, sx, sy);
            (x.XFlush)(xd);
        }
    })
    .is_some()
}
