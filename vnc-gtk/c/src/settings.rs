//! TLS settings, limits and the handshake timeout of `vncrs.h`: each applies to the next
//! connection, as the Rust setters do.

use std::ffi::{c_char, c_int, c_uint};
use std::time::Duration;

use gtk::glib;
use vnc_core::{Limits, TlsConfig};
use vnc_gtk::VncDisplay;

use crate::{
    DisplayError, DisplayLimit, VncRsDisplay, bool_arg, enum_arg, text, with_display,
    with_display_error,
};

type GError = glib::ffi::GError;
type Gboolean = glib::ffi::gboolean;

/// Reads a file for a TLS setting, with an error that names it.
fn read(func: &str, what: &str, path: &str) -> Result<Vec<u8>, glib::Error> {
    std::fs::read(path).map_err(|e| {
        glib::Error::new(
            DisplayError::File,
            &format!("{func}: cannot read the {what} {path}: {e}"),
        )
    })
}

/// Changes the display's TLS settings with `f`.
fn tls(
    display: *mut VncRsDisplay,
    func: &'static str,
    error: *mut *mut GError,
    f: impl FnOnce(&mut TlsConfig) -> Result<(), glib::Error>,
) -> Gboolean {
    with_display_error(display, func, error, |d| {
        let mut tls = d.tls_config();
        f(&mut tls)?;
        d.set_tls_config(tls);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_add_ca_file(
    display: *mut VncRsDisplay,
    path: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_add_ca_file";
    let Some(path) = (unsafe { text(F, "path", path) }) else {
        return glib::ffi::GFALSE;
    };
    tls(display, F, error, |tls| {
        let pem = read(F, "CA file", &path)?;
        tls.add_root_certificates_pem(&pem)
            .map(drop)
            .map_err(|e| glib::Error::new(DisplayError::File, &format!("{F}: {path}: {e}")))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_add_crl_file(
    display: *mut VncRsDisplay,
    path: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_add_crl_file";
    let Some(path) = (unsafe { text(F, "path", path) }) else {
        return glib::ffi::GFALSE;
    };
    tls(display, F, error, |tls| {
        let pem = read(F, "revocation list", &path)?;
        tls.crls_pem.extend_from_slice(&pem);
        tls.crls_pem.push(b'\n');
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_client_certificate(
    display: *mut VncRsDisplay,
    certificate_path: *const c_char,
    key_path: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_set_client_certificate";
    let (Some(cert), Some(key)) = (
        unsafe { text(F, "certificate_path", certificate_path) },
        unsafe { text(F, "key_path", key_path) },
    ) else {
        return glib::ffi::GFALSE;
    };
    tls(display, F, error, |tls| {
        let chain = read(F, "client certificate", &cert)?;
        let key = read(F, "client key", &key)?;
        tls.client_cert_pem = Some((chain, key));
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_pin_certificate(
    display: *mut VncRsDisplay,
    sha256: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_pin_certificate";
    let Some(sha256) = (unsafe { text(F, "sha256", sha256) }) else {
        return glib::ffi::GFALSE;
    };
    tls(display, F, error, |tls| {
        let fp = vnc_core::parse_sha256_fingerprint(&sha256).ok_or_else(|| {
            glib::Error::new(
                DisplayError::InvalidArgument,
                &format!("{F}: \"{sha256}\" is not a SHA-256 fingerprint (64 hex digits)"),
            )
        })?;
        tls.pinned_sha256.push(fp);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_ask_on_untrusted(
    display: *mut VncRsDisplay,
    ask: Gboolean,
) {
    tls(
        display,
        "vnc_rs_display_set_ask_on_untrusted",
        std::ptr::null_mut(),
        |tls| {
            tls.ask_on_untrusted = bool_arg(ask);
            Ok(())
        },
    );
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_accept_certificate(
    display: *mut VncRsDisplay,
    accept: Gboolean,
) {
    with_display(display, "vnc_rs_display_accept_certificate", (), |d| {
        d.accept_certificate(bool_arg(accept))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_reset_tls_settings(display: *mut VncRsDisplay) {
    with_display(display, "vnc_rs_display_reset_tls_settings", (), |d| {
        d.set_tls_config(TlsConfig::default())
    })
}

/// A bound's value, widened.
fn get(limits: &Limits, which: DisplayLimit) -> u64 {
    use DisplayLimit::*;
    match which {
        MaxWidth => limits.max_width.into(),
        MaxHeight => limits.max_height.into(),
        MaxFramebufferBytes => u64::try_from(limits.max_framebuffer_bytes).unwrap_or(u64::MAX),
        MaxCutText => limits.max_cut_text.into(),
        MaxName => limits.max_name.into(),
        MaxReason => limits.max_reason.into(),
        MaxCursorSize => limits.max_cursor_size.into(),
        MaxRectsPerUpdate => limits.max_rects_per_update.into(),
        MaxAudioData => limits.max_audio_data.into(),
    }
}

/// Sets a bound, saturating `value` to the field's range.
fn set(limits: &mut Limits, which: DisplayLimit, value: u64) {
    use DisplayLimit::*;
    fn fit<T: TryFrom<u64> + Bounded>(v: u64) -> T {
        T::try_from(v).unwrap_or(T::MAX)
    }
    match which {
        MaxWidth => limits.max_width = fit(value),
        MaxHeight => limits.max_height = fit(value),
        MaxFramebufferBytes => limits.max_framebuffer_bytes = fit(value),
        MaxCutText => limits.max_cut_text = fit(value),
        MaxName => limits.max_name = fit(value),
        MaxReason => limits.max_reason = fit(value),
        MaxCursorSize => limits.max_cursor_size = fit(value),
        MaxRectsPerUpdate => limits.max_rects_per_update = fit(value),
        MaxAudioData => limits.max_audio_data = fit(value),
    }
}

/// The largest value of a bound's integer type.
trait Bounded {
    const MAX: Self;
}
impl Bounded for u16 {
    const MAX: Self = u16::MAX;
}
impl Bounded for u32 {
    const MAX: Self = u32::MAX;
}
impl Bounded for usize {
    const MAX: Self = usize::MAX;
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_limit(
    display: *mut VncRsDisplay,
    limit: c_int,
    value: u64,
) {
    const F: &str = "vnc_rs_display_set_limit";
    let Some(which) = enum_arg::<DisplayLimit>(F, limit) else {
        return;
    };
    with_display(display, F, (), |d| {
        let mut limits = d.limits();
        set(&mut limits, which, value);
        d.set_limits(limits);
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_limit(display: *mut VncRsDisplay, limit: c_int) -> u64 {
    const F: &str = "vnc_rs_display_get_limit";
    let Some(which) = enum_arg::<DisplayLimit>(F, limit) else {
        return 0;
    };
    with_display(display, F, 0, |d| get(&d.limits(), which))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_handshake_timeout(
    display: *mut VncRsDisplay,
    milliseconds: c_uint,
) {
    let timeout = (milliseconds != 0).then(|| Duration::from_millis(milliseconds.into()));
    with_display(
        display,
        "vnc_rs_display_set_handshake_timeout",
        (),
        |d: &VncDisplay| d.set_handshake_timeout(timeout),
    )
}
