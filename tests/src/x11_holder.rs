//! Another X client holding the pointer grab, so that a widget's own grab is refused: its
//! own connection to the display, a grab of the root window, released when dropped.
#![allow(unsafe_code)]

use std::ffi::CString;

use gdk4_x11::x11::xlib;

/// An X connection holding an active pointer grab.
pub struct PointerGrabHolder {
    xlib: xlib::Xlib,
    display: *mut xlib::Display,
}

impl PointerGrabHolder {
    /// Connects to `display` (for example `":7"`) and grabs the pointer.
    pub fn grab(display: &str) -> PointerGrabHolder {
        let xlib = xlib::Xlib::open().expect("libX11");
        let name = CString::new(display).unwrap();
        // SAFETY: a fresh connection of our own, used on this thread only, closed in drop.
        unsafe {
            let d = (xlib.XOpenDisplay)(name.as_ptr());
            assert!(!d.is_null(), "cannot open X display {display}");
            let root = (xlib.XDefaultRootWindow)(d);
            let status = (xlib.XGrabPointer)(
                d,
                root,
                xlib::False,
                (xlib::ButtonPressMask | xlib::PointerMotionMask) as u32,
                xlib::GrabModeAsync,
                xlib::GrabModeAsync,
                0,
                0,
                xlib::CurrentTime,
            );
            assert_eq!(status, xlib::GrabSuccess, "the holder's grab");
            (xlib.XSync)(d, xlib::False);
            PointerGrabHolder { xlib, display: d }
        }
    }
}

impl Drop for PointerGrabHolder {
    fn drop(&mut self) {
        // SAFETY: the connection opened in `grab`, closed once here (which ends the grab).
        unsafe {
            (self.xlib.XCloseDisplay)(self.display);
        }
    }
}
