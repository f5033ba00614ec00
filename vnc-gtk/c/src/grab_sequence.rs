//! `VncRsGrabSequence`: the typed grab-key combination (gtk-vnc's `VncGrabSequence`), a boxed
//! type whose C pointer is the `vnc_gtk::GrabSequence` it boxes.

use std::ffi::{c_char, c_uint};

use gtk::gdk;
use gtk::glib::{self, translate::*};
use gtk::prelude::*;
use vnc_gtk::GrabSequence;

use crate::{VncRsDisplay, critical, text, with_display};

/// A boxed grab sequence made in Rust, for C (freed by `g_boxed_free` or
/// `vnc_rs_grab_sequence_free`, which take it back as the `Box` it was).
fn boxed(seq: GrabSequence) -> *mut GrabSequence {
    Box::into_raw(Box::new(seq))
}

/// The grab sequence behind `p`, or a critical warning for NULL.
unsafe fn borrowed<'a>(func: &str, p: *const GrabSequence) -> Option<&'a GrabSequence> {
    if p.is_null() {
        critical(func, "sequence is NULL");
        return None;
    }
    // SAFETY: a VncRsGrabSequence from this library (the header's contract).
    Some(unsafe { &*p })
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_grab_sequence_get_type() -> glib::ffi::GType {
    GrabSequence::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_new(
    n_keysyms: c_uint,
    keysyms: *const c_uint,
) -> *mut GrabSequence {
    const F: &str = "vnc_rs_grab_sequence_new";
    if keysyms.is_null() && n_keysyms > 0 {
        critical(F, "keysyms is NULL");
        return std::ptr::null_mut();
    }
    let raw = if n_keysyms == 0 {
        &[][..]
    } else {
        // SAFETY: an array of `n_keysyms` values, as the header says.
        unsafe { std::slice::from_raw_parts(keysyms, n_keysyms as usize) }
    };
    // SAFETY: any number is a key value to GDK; GrabSequence refuses the void ones.
    let keys: Vec<gdk::Key> = raw
        .iter()
        .map(|&k| unsafe { gdk::Key::from_glib(k) })
        .collect();
    match GrabSequence::new(&keys) {
        Ok(seq) => boxed(seq),
        Err(why) => {
            critical(F, &why.to_string());
            std::ptr::null_mut()
        }
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_new_from_string(
    keys: *const c_char,
) -> *mut GrabSequence {
    const F: &str = "vnc_rs_grab_sequence_new_from_string";
    let Some(keys) = (unsafe { text(F, "keys", keys) }) else {
        return std::ptr::null_mut();
    };
    match keys.parse::<GrabSequence>() {
        Ok(seq) => boxed(seq),
        Err(why) => {
            critical(F, &why.to_string());
            std::ptr::null_mut()
        }
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_copy(seq: *const GrabSequence) -> *mut GrabSequence {
    match unsafe { borrowed("vnc_rs_grab_sequence_copy", seq) } {
        Some(seq) => boxed(seq.clone()),
        None => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_free(seq: *mut GrabSequence) {
    if !seq.is_null() {
        // SAFETY: made by `boxed` (every constructor here, and the boxed type's copy).
        drop(unsafe { Box::from_raw(seq) });
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_as_string(seq: *const GrabSequence) -> *mut c_char {
    unsafe { borrowed("vnc_rs_grab_sequence_as_string", seq) }
        .map(|s| s.to_string())
        .to_glib_full()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_get_label(seq: *const GrabSequence) -> *mut c_char {
    unsafe { borrowed("vnc_rs_grab_sequence_get_label", seq) }
        .map(|s| s.label())
        .to_glib_full()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_grab_sequence_get_keysyms(
    seq: *const GrabSequence,
    n_keysyms: *mut c_uint,
) -> *mut c_uint {
    let syms = unsafe { borrowed("vnc_rs_grab_sequence_get_keysyms", seq) }
        .map(GrabSequence::keysyms)
        .unwrap_or_default();
    if !n_keysyms.is_null() {
        // SAFETY: a return location, as the header says.
        unsafe { *n_keysyms = syms.len() as c_uint };
    }
    if syms.is_empty() {
        return std::ptr::null_mut();
    }
    // SAFETY: g_malloc'd room for the keysyms, freed by the caller with g_free.
    unsafe {
        let out = glib::ffi::g_malloc_n(syms.len(), size_of::<c_uint>()).cast::<c_uint>();
        std::ptr::copy_nonoverlapping(syms.as_ptr(), out, syms.len());
        out
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_grab_sequence(
    display: *mut VncRsDisplay,
    seq: *const GrabSequence,
) {
    const F: &str = "vnc_rs_display_set_grab_sequence";
    let Some(seq) = (unsafe { borrowed(F, seq) }) else {
        return;
    };
    with_display(display, F, (), |d| d.set_grab_sequence(seq))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_grab_sequence(
    display: *mut VncRsDisplay,
) -> *mut GrabSequence {
    boxed(with_display(
        display,
        "vnc_rs_display_get_grab_sequence",
        GrabSequence::default(),
        |d| d.grab_sequence(),
    ))
}
