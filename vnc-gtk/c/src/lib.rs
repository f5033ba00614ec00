//! libvncrs-0.1: the C ABI of vnc-gtk's [`VncDisplay`], declared in `include/vncrs.h`.
//!
//! The functions register and drive the same GObject type (`VncRsDisplay`) that Rust programs
//! get from vnc-gtk; there is no second implementation. `scripts/build-gir.sh` builds this
//! library with its header, pkg-config file and GObject Introspection data (namespace
//! `VncRs`, version 0.1), through which Python, Vala and JavaScript use the widget.
//!
//! Every exported function is a boundary: it checks its pointers as `g_return_if_fail` does
//! (a critical warning and a neutral result for `NULL` or a wrong type), and catches any
//! panic of the Rust code it calls, which then ends the connection with `vnc-error` (see
//! [`VncDisplay::call_guarded`]) instead of unwinding into C.
//!
//! Safety: the pointers the functions take are what the header says (a `VncRsDisplay`
//! instance or `NULL`, NUL-terminated strings, arrays of the given length); the functions are
//! called on the thread that runs the widget's main loop.

#![allow(clippy::missing_safety_doc)]

mod certificate;
mod connect;
mod grab_sequence;
mod properties;
mod settings;

use std::borrow::Cow;
use std::ffi::{CStr, c_char};

use gtk::glib::{self, gobject_ffi, translate::*};
use gtk::prelude::*;
use vnc_gtk::{CredentialFlags, Depth, DisplayCredential, KeyEvent, VncDisplay};

/// The C type of a display; opaque here, as in the header.
pub type VncRsDisplay = gtk::ffi::GtkWidget;

/// The `VncRsDisplayError` domain of the functions that take a `GError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, glib::Enum, glib::ErrorDomain)]
#[enum_type(name = "VncRsDisplayError")]
#[error_domain(name = "vnc-rs-display-error-quark")]
pub enum DisplayError {
    /// An argument is not valid.
    InvalidArgument = 0,
    /// A file could not be read or holds nothing usable.
    File = 1,
    /// A file descriptor is not a usable socket.
    Socket = 2,
    /// An internal error (a caught panic).
    Internal = 3,
}

/// The bounds of `vnc_core::Limits`, one by one (`VncRsDisplayLimit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "VncRsDisplayLimit")]
pub enum DisplayLimit {
    MaxWidth = 0,
    MaxHeight = 1,
    MaxFramebufferBytes = 2,
    MaxCutText = 3,
    MaxName = 4,
    MaxReason = 5,
    MaxCursorSize = 6,
    MaxRectsPerUpdate = 7,
    MaxAudioData = 8,
}

/// A critical warning for a call that cannot be done, as `g_return_if_fail` gives.
fn critical(func: &str, what: &str) {
    glib::g_critical!("VncRs", "{func}: {what}");
}

/// Runs `f` with the display behind `ptr`, or warns and returns `fallback` when `ptr` is not
/// one; a panic in `f` ends the connection with `vnc-error` and also returns `fallback`.
fn with_display<R>(
    ptr: *mut VncRsDisplay,
    func: &'static str,
    fallback: R,
    f: impl FnOnce(&VncDisplay) -> R,
) -> R {
    if ptr.is_null() {
        critical(func, "display is NULL");
        return fallback;
    }
    // SAFETY: the caller passes a GObject instance (the header's contract); its type is
    // checked before use.
    let obj: Borrowed<glib::Object> =
        unsafe { from_glib_borrow(ptr.cast::<gobject_ffi::GObject>()) };
    let Some(display) = obj.downcast_ref::<VncDisplay>() else {
        critical(func, "not a VncRsDisplay");
        return fallback;
    };
    display.call_guarded(func, f).unwrap_or(fallback)
}

/// A C string argument; `None` (with a critical warning) for `NULL`.
unsafe fn text<'a>(func: &str, name: &str, p: *const c_char) -> Option<Cow<'a, str>> {
    if p.is_null() {
        critical(func, &format!("{name} is NULL"));
        return None;
    }
    // SAFETY: a NUL-terminated string, as the header says.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy())
}

/// A nullable C string argument.
unsafe fn nullable_text<'a>(p: *const c_char) -> Option<Cow<'a, str>> {
    // SAFETY: NULL or a NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy())
}

/// Stores `e` in `error` (which may be NULL) and returns FALSE.
unsafe fn fail(error: *mut *mut glib::ffi::GError, e: glib::Error) -> glib::ffi::gboolean {
    if !error.is_null() {
        // SAFETY: a GError return location, NULL or pointing to NULL as GLib requires.
        unsafe { *error = e.into_glib_ptr() };
    }
    glib::ffi::GFALSE
}

/// Runs a fallible call on the display; a panic is also reported through `error`.
fn with_display_error(
    ptr: *mut VncRsDisplay,
    func: &'static str,
    error: *mut *mut glib::ffi::GError,
    f: impl FnOnce(&VncDisplay) -> Result<(), glib::Error>,
) -> glib::ffi::gboolean {
    let internal = || {
        glib::Error::new(
            DisplayError::Internal,
            &format!("{func}: internal error (see the vnc-error signal)"),
        )
    };
    let result = with_display(ptr, func, Err(internal()), f);
    match result {
        Ok(()) => glib::ffi::GTRUE,
        // SAFETY: `error` is the caller's GError return location.
        Err(e) => unsafe { fail(error, e) },
    }
}

fn bool_arg(b: glib::ffi::gboolean) -> bool {
    b != glib::ffi::GFALSE
}

/// An enum argument checked against its GType's values.
fn enum_arg<T: StaticType + FromGlib<i32>>(func: &str, v: i32) -> Option<T> {
    let class = glib::EnumClass::with_type(T::static_type())?;
    if class.value(v).is_none() {
        critical(func, &format!("{v} is not a {}", T::static_type().name()));
        return None;
    }
    // SAFETY: a value the enum type has.
    Some(unsafe { T::from_glib(v) })
}

/// `VNC_RS_TYPE_DISPLAY`: registers the widget's type (the Rust one) on first use.
#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_get_type() -> glib::ffi::GType {
    VncDisplay::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_depth_get_type() -> glib::ffi::GType {
    Depth::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_credential_get_type() -> glib::ffi::GType {
    DisplayCredential::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_credential_flags_get_type() -> glib::ffi::GType {
    CredentialFlags::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_key_event_get_type() -> glib::ffi::GType {
    KeyEvent::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_limit_get_type() -> glib::ffi::GType {
    DisplayLimit::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_error_get_type() -> glib::ffi::GType {
    DisplayError::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_error_quark() -> glib::ffi::GQuark {
    <DisplayError as glib::error::ErrorDomain>::domain().into_glib()
}

/// `vnc_rs_display_new`: a floating reference, as GTK's constructors return.
#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_display_new() -> *mut gtk::ffi::GtkWidget {
    // SAFETY: a plain query.
    if unsafe { gtk::ffi::gtk_is_initialized() } == glib::ffi::GFALSE {
        critical(
            "vnc_rs_display_new",
            "GTK is not initialized on this thread (call gtk_init first)",
        );
        return std::ptr::null_mut();
    }
    match std::panic::catch_unwind(VncDisplay::new) {
        Ok(display) => {
            let ptr: *mut gtk::ffi::GtkWidget = display.upcast::<gtk::Widget>().into_glib_ptr();
            // SAFETY: the one reference, handed to the caller as GTK's floating one.
            unsafe { gobject_ffi::g_object_force_floating(ptr.cast()) };
            ptr
        }
        Err(_) => {
            critical("vnc_rs_display_new", "internal error making the widget");
            std::ptr::null_mut()
        }
    }
}

/// Not in the header: makes the boundary catch a panic, for the tests of the C ABI (a real
/// panic has no known trigger). Emits `vnc-error` like any caught panic.
#[doc(hidden)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_test_panic(display: *mut VncRsDisplay) {
    with_display(display, "vnc_rs_display_test_panic", (), |_| {
        panic!("a panic on purpose, to test the C boundary")
    })
}
