//! `VncRsCertificate`, the certificate `vnc-certificate-verification` passes, and its
//! problem enum.

use std::ffi::c_char;

use gtk::glib::{self, gobject_ffi, translate::*};
use gtk::prelude::*;
use vnc_gtk::{Certificate, CertificateProblem};

use crate::critical;

/// The C type of a certificate; opaque here, as in the header.
pub type VncRsCertificate = gobject_ffi::GObject;

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_certificate_get_type() -> glib::ffi::GType {
    Certificate::static_type().into_glib()
}

#[unsafe(no_mangle)]
pub extern "C" fn vnc_rs_certificate_problem_get_type() -> glib::ffi::GType {
    CertificateProblem::static_type().into_glib()
}

/// A string property of the certificate behind `ptr`, newly allocated; NULL (with a critical
/// warning) when `ptr` is not a certificate.
fn string_property(ptr: *mut VncRsCertificate, func: &str, name: &str) -> *mut c_char {
    if ptr.is_null() {
        critical(func, "certificate is NULL");
        return std::ptr::null_mut();
    }
    // SAFETY: a GObject instance (the header's contract), type-checked before use.
    let obj: Borrowed<glib::Object> = unsafe { from_glib_borrow(ptr) };
    match obj.downcast_ref::<Certificate>() {
        Some(c) => c.property::<String>(name).to_glib_full(),
        None => {
            critical(func, "not a VncRsCertificate");
            std::ptr::null_mut()
        }
    }
}

macro_rules! getter {
    ($func:ident, $prop:literal) => {
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $func(certificate: *mut VncRsCertificate) -> *mut c_char {
            string_property(certificate, stringify!($func), $prop)
        }
    };
}

getter!(vnc_rs_certificate_get_subject, "subject");
getter!(vnc_rs_certificate_get_issuer, "issuer");
getter!(vnc_rs_certificate_get_not_before, "not-before");
getter!(vnc_rs_certificate_get_not_after, "not-after");
getter!(vnc_rs_certificate_get_sha256, "sha256");
