//! Connecting, credentials, input and the other commands of `vncrs.h`.

use std::ffi::{c_char, c_int, c_uint};

use gtk::glib::{self, translate::*};
use gtk::{gdk, gio, prelude::*};
use vnc_gtk::{DisplayCredential, KeyEvent, VncDisplay};

use crate::{
    DisplayError, VncRsDisplay, bool_arg, critical, enum_arg, nullable_text, text, with_display,
    with_display_error,
};

type GError = glib::ffi::GError;
type Gboolean = glib::ffi::gboolean;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_open_host(
    display: *mut VncRsDisplay,
    host: *const c_char,
    port: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_open_host";
    let (Some(host), Some(port)) = (unsafe { text(F, "host", host) }, unsafe {
        text(F, "port", port)
    }) else {
        return glib::ffi::GFALSE;
    };
    with_display_error(display, F, error, |d| {
        let port: u16 = port
            .trim()
            .parse()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| {
                glib::Error::new(
                    DisplayError::InvalidArgument,
                    &format!("{F}: port \"{port}\" is not a number from 1 to 65535"),
                )
            })?;
        d.open_host(&host, port);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_open_address(
    display: *mut VncRsDisplay,
    address: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_open_address";
    let Some(address) = (unsafe { text(F, "address", address) }) else {
        return glib::ffi::GFALSE;
    };
    with_display_error(display, F, error, |d| {
        d.open_address(&address).map_err(|e| {
            glib::Error::new(
                DisplayError::InvalidArgument,
                &format!("cannot connect to \"{address}\": {e}"),
            )
        })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_open_fd(
    display: *mut VncRsDisplay,
    fd: c_int,
    error: *mut *mut GError,
) -> Gboolean {
    unsafe { open_fd("vnc_rs_display_open_fd", display, fd, None, error) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_open_fd_with_hostname(
    display: *mut VncRsDisplay,
    fd: c_int,
    hostname: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    let hostname = unsafe { nullable_text(hostname) };
    unsafe {
        open_fd(
            "vnc_rs_display_open_fd_with_hostname",
            display,
            fd,
            hostname.as_deref(),
            error,
        )
    }
}

/// Wraps `fd` in a GSocket (which owns it from then on) and runs the session over it.
unsafe fn open_fd(
    func: &'static str,
    display: *mut VncRsDisplay,
    fd: c_int,
    hostname: Option<&str>,
    error: *mut *mut GError,
) -> Gboolean {
    with_display_error(display, func, error, |d| {
        if fd < 0 {
            return Err(glib::Error::new(
                DisplayError::InvalidArgument,
                &format!("{func}: {fd} is not a file descriptor"),
            ));
        }
        let mut err = std::ptr::null_mut();
        // SAFETY: GLib takes the descriptor only on success, as the header says.
        let socket = unsafe { gio::ffi::g_socket_new_from_fd(fd, &mut err) };
        if socket.is_null() {
            // SAFETY: g_socket_new_from_fd set the error it failed with.
            let e: glib::Error = unsafe { from_glib_full(err) };
            return Err(glib::Error::new(
                DisplayError::Socket,
                &format!("{func}: file descriptor {fd}: {}", e.message()),
            ));
        }
        // SAFETY: a new socket, ours.
        let socket: gio::Socket = unsafe { from_glib_full(socket) };
        let name = hostname
            .map(str::to_owned)
            .unwrap_or_else(|| peer_name(&socket, fd));
        let conn = socket.connection_factory_create_connection();
        d.open_stream(&conn, &name, hostname);
        Ok(())
    })
}

/// What errors call a server reached through a descriptor: its address when it has one.
fn peer_name(socket: &gio::Socket, fd: c_int) -> String {
    match socket.remote_address() {
        Ok(a) => match a.downcast::<gio::InetSocketAddress>() {
            Ok(inet) => format!("{}:{}", inet.address(), inet.port()),
            Err(_) => format!("file descriptor {fd}"),
        },
        Err(_) => format!("file descriptor {fd}"),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_open_stream(
    display: *mut VncRsDisplay,
    stream: *mut gio::ffi::GIOStream,
    name: *const c_char,
    hostname: *const c_char,
) {
    const F: &str = "vnc_rs_display_open_stream";
    if stream.is_null() {
        return critical(F, "stream is NULL");
    }
    let Some(name) = (unsafe { text(F, "name", name) }) else {
        return;
    };
    let hostname = unsafe { nullable_text(hostname) };
    // SAFETY: a GIOStream instance, borrowed for the call (the display takes its own ref).
    let stream: Borrowed<gio::IOStream> = unsafe { from_glib_borrow(stream) };
    with_display(display, F, (), |d| {
        d.open_stream(&*stream, &name, hostname.as_deref())
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_listen(
    display: *mut VncRsDisplay,
    address: *const c_char,
    port: u16,
    error: *mut *mut GError,
) -> u16 {
    const F: &str = "vnc_rs_display_listen";
    let address = unsafe { nullable_text(address) };
    let mut listened = 0;
    with_display_error(display, F, error, |d| {
        let ip = address
            .as_deref()
            .map(|a| {
                a.trim_matches(|c| c == '[' || c == ']')
                    .parse::<std::net::IpAddr>()
                    .map_err(|_| {
                        glib::Error::new(
                            DisplayError::InvalidArgument,
                            &format!("{F}: \"{a}\" is not an IP address"),
                        )
                    })
            })
            .transpose()?;
        listened = d.listen(ip, port)?;
        Ok(())
    });
    listened
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_open_repeater(
    display: *mut VncRsDisplay,
    address: *const c_char,
    destination: *const c_char,
    error: *mut *mut GError,
) -> Gboolean {
    const F: &str = "vnc_rs_display_open_repeater";
    let (Some(address), Some(destination)) = (unsafe { text(F, "address", address) }, unsafe {
        text(F, "destination", destination)
    }) else {
        return glib::ffi::GFALSE;
    };
    with_display_error(display, F, error, |d| {
        let invalid = |e: &dyn std::fmt::Display| {
            glib::Error::new(DisplayError::InvalidArgument, &format!("{F}: {e}"))
        };
        let repeater =
            vnc_core::repeater::Repeater::parse(&destination).map_err(|e| invalid(&e))?;
        d.open_repeater(&address, &repeater)
            .map_err(|e| invalid(&e))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_close(display: *mut VncRsDisplay) {
    with_display(display, "vnc_rs_display_close", (), VncDisplay::close)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_is_open(display: *mut VncRsDisplay) -> Gboolean {
    with_display(
        display,
        "vnc_rs_display_is_open",
        false,
        VncDisplay::is_open,
    )
    .into_glib()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_credential(
    display: *mut VncRsDisplay,
    kind: c_int,
    data: *const c_char,
) {
    const F: &str = "vnc_rs_display_set_credential";
    let Some(kind) = enum_arg::<DisplayCredential>(F, kind) else {
        return;
    };
    let Some(data) = (unsafe { text(F, "data", data) }) else {
        return;
    };
    with_display(display, F, (), |d| d.set_credential(kind, &data))
}

/// The keys of a `(array length=n)` argument.
unsafe fn keys(keyvals: *const c_uint, n: usize) -> Vec<gdk::Key> {
    if keyvals.is_null() || n == 0 {
        return Vec::new();
    }
    // SAFETY: an array of `n` key values, as the header says.
    let raw = unsafe { std::slice::from_raw_parts(keyvals, n) };
    // SAFETY: any number is a key value to GDK (unknown ones are sent as nothing).
    raw.iter()
        .map(|&k| unsafe { gdk::Key::from_glib(k) })
        .collect()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_send_keys(
    display: *mut VncRsDisplay,
    keyvals: *const c_uint,
    n_keyvals: usize,
) {
    let keys = unsafe { keys(keyvals, n_keyvals) };
    with_display(display, "vnc_rs_display_send_keys", (), |d| {
        d.send_keys(&keys)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_send_keys_ex(
    display: *mut VncRsDisplay,
    keyvals: *const c_uint,
    n_keyvals: usize,
    kind: c_int,
) {
    const F: &str = "vnc_rs_display_send_keys_ex";
    let Some(kind) = enum_arg::<KeyEvent>(F, kind) else {
        return;
    };
    let keys = unsafe { keys(keyvals, n_keyvals) };
    with_display(display, F, (), |d| d.send_keys_ex(&keys, kind))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_send_pointer(
    display: *mut VncRsDisplay,
    x: c_int,
    y: c_int,
    button_mask: c_int,
) {
    let clamp = |v: c_int| u16::try_from(v.max(0)).unwrap_or(u16::MAX);
    let buttons = u8::try_from(button_mask & 0xFF).unwrap_or(0);
    with_display(display, "vnc_rs_display_send_pointer", (), |d| {
        d.send_pointer(clamp(x), clamp(y), buttons)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_request_update(display: *mut VncRsDisplay) {
    with_display(
        display,
        "vnc_rs_display_request_update",
        (),
        VncDisplay::request_update,
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_screenshot(
    display: *mut VncRsDisplay,
) -> *mut gdk::ffi::GdkTexture {
    with_display(display, "vnc_rs_display_get_screenshot", None, |d| {
        d.screenshot()
    })
    .map_or(std::ptr::null_mut(), IntoGlibPtr::into_glib_ptr)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_client_cut_text(
    display: *mut VncRsDisplay,
    text_: *const c_char,
) -> usize {
    const F: &str = "vnc_rs_display_client_cut_text";
    let Some(t) = (unsafe { text(F, "text", text_) }) else {
        return 0;
    };
    with_display(display, F, 0, |d| d.client_cut_text(&t))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_force_grab(display: *mut VncRsDisplay, grab: Gboolean) {
    with_display(display, "vnc_rs_display_force_grab", (), |d| {
        d.force_grab(bool_arg(grab))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_power_control_shutdown(
    display: *mut VncRsDisplay,
) -> Gboolean {
    with_display(
        display,
        "vnc_rs_display_power_control_shutdown",
        false,
        VncDisplay::power_control_shutdown,
    )
    .into_glib()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_power_control_reboot(
    display: *mut VncRsDisplay,
) -> Gboolean {
    with_display(
        display,
        "vnc_rs_display_power_control_reboot",
        false,
        VncDisplay::power_control_reboot,
    )
    .into_glib()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_power_control_reset(
    display: *mut VncRsDisplay,
) -> Gboolean {
    with_display(
        display,
        "vnc_rs_display_power_control_reset",
        false,
        VncDisplay::power_control_reset,
    )
    .into_glib()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_security_type_name(
    display: *mut VncRsDisplay,
) -> *mut c_char {
    with_display(
        display,
        "vnc_rs_display_get_security_type_name",
        None,
        |d| d.security_type().map(|t| t.to_string()),
    )
    .map_or(std::ptr::null_mut(), |s| s.to_glib_full())
}
