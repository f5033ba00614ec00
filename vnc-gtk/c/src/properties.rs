//! The property accessors of `vncrs.h`: each reads or writes the GObject property of the same
//! name, so that C, bindings and Rust see one state and `notify` is emitted alike.

use std::ffi::{c_char, c_int, c_uint};

use gtk::glib::{self, translate::*};
use gtk::prelude::*;
use vnc_gtk::Depth;

use crate::{VncRsDisplay, bool_arg, critical, enum_arg, text, with_display};

type Gboolean = glib::ffi::gboolean;

/// A boolean property's getter and (optionally) setter.
macro_rules! boolean {
    ($prop:literal, $get:ident $(, $set:ident)?) => {
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $get(display: *mut VncRsDisplay) -> Gboolean {
            with_display(display, stringify!($get), false, |d| d.property::<bool>($prop))
                .into_glib()
        }
        $(
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $set(display: *mut VncRsDisplay, enable: Gboolean) {
                with_display(display, stringify!($set), (), |d| {
                    d.set_property($prop, bool_arg(enable))
                })
            }
        )?
    };
}

/// An unsigned property's getter and setter; GObject clamps nothing, so values outside the
/// property's range are brought into it, as a slider would.
macro_rules! unsigned {
    ($prop:literal, $get:ident, $set:ident) => {
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $get(display: *mut VncRsDisplay) -> c_uint {
            with_display(display, stringify!($get), 0, |d| d.property::<u32>($prop))
        }
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $set(display: *mut VncRsDisplay, value: c_uint) {
            with_display(display, stringify!($set), (), |d| {
                let spec = d
                    .find_property($prop)
                    .and_then(|p| p.downcast::<glib::ParamSpecUInt>().ok());
                let value = spec.map_or(value, |s| value.clamp(s.minimum(), s.maximum()));
                d.set_property($prop, value)
            })
        }
    };
}

boolean!(
    "local-pointer",
    vnc_rs_display_get_local_pointer,
    vnc_rs_display_set_local_pointer
);
boolean!(
    "read-only",
    vnc_rs_display_get_read_only,
    vnc_rs_display_set_read_only
);
boolean!(
    "scaling",
    vnc_rs_display_get_scaling,
    vnc_rs_display_set_scaling
);
boolean!(
    "keep-aspect-ratio",
    vnc_rs_display_get_keep_aspect_ratio,
    vnc_rs_display_set_keep_aspect_ratio
);
boolean!(
    "smoothing",
    vnc_rs_display_get_smoothing,
    vnc_rs_display_set_smoothing
);
boolean!(
    "clipboard-sharing",
    vnc_rs_display_get_clipboard_sharing,
    vnc_rs_display_set_clipboard_sharing
);
boolean!(
    "clipboard-primary",
    vnc_rs_display_get_clipboard_primary,
    vnc_rs_display_set_clipboard_primary
);
boolean!(
    "shared-flag",
    vnc_rs_display_get_shared_flag,
    vnc_rs_display_set_shared_flag
);
boolean!(
    "grab-keyboard",
    vnc_rs_display_get_grab_keyboard,
    vnc_rs_display_set_grab_keyboard
);
boolean!(
    "grab-pointer",
    vnc_rs_display_get_grab_pointer,
    vnc_rs_display_set_grab_pointer
);
boolean!(
    "allow-resize",
    vnc_rs_display_get_allow_resize,
    vnc_rs_display_set_allow_resize
);
boolean!(
    "force-size",
    vnc_rs_display_get_force_size,
    vnc_rs_display_set_force_size
);
boolean!(
    "lossy-encoding",
    vnc_rs_display_get_lossy_encoding,
    vnc_rs_display_set_lossy_encoding
);
boolean!("audio", vnc_rs_display_get_audio, vnc_rs_display_set_audio);
boolean!(
    "require-encryption",
    vnc_rs_display_get_require_encryption,
    vnc_rs_display_set_require_encryption
);
boolean!(
    "reconnect",
    vnc_rs_display_get_reconnect,
    vnc_rs_display_set_reconnect
);
boolean!(
    "reconnect-keep-credentials",
    vnc_rs_display_get_reconnect_keep_credentials,
    vnc_rs_display_set_reconnect_keep_credentials
);
boolean!("caps-lock", vnc_rs_display_get_caps_lock);
boolean!("num-lock", vnc_rs_display_get_num_lock);
boolean!("scroll-lock", vnc_rs_display_get_scroll_lock);
boolean!("is-pointer-absolute", vnc_rs_display_is_pointer_absolute);
boolean!("pointer-confined", vnc_rs_display_get_pointer_confined);

unsigned!(
    "zoom-level",
    vnc_rs_display_get_zoom_level,
    vnc_rs_display_set_zoom_level
);

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_rotation(display: *mut VncRsDisplay) -> c_uint {
    with_display(display, "vnc_rs_display_get_rotation", 0, |d| {
        d.property::<u32>("rotation")
    })
}

/// Not clamped as the other unsigned setters are: 300 degrees is not 270, so every value but
/// the four quarter turns is refused, with a critical warning as GLib's argument checks give.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_rotation(display: *mut VncRsDisplay, degrees: c_uint) {
    const F: &str = "vnc_rs_display_set_rotation";
    if !matches!(degrees, 0 | 90 | 180 | 270) {
        return critical(
            F,
            &format!("{degrees} is not a rotation (0, 90, 180 or 270 degrees)"),
        );
    }
    with_display(display, F, (), |d| d.set_property("rotation", degrees))
}
unsigned!(
    "jpeg-quality",
    vnc_rs_display_get_jpeg_quality,
    vnc_rs_display_set_jpeg_quality
);

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_remote_width(display: *mut VncRsDisplay) -> c_int {
    with_display(display, "vnc_rs_display_get_remote_width", 0, |d| {
        d.property::<i32>("width")
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_remote_height(display: *mut VncRsDisplay) -> c_int {
    with_display(display, "vnc_rs_display_get_remote_height", 0, |d| {
        d.property::<i32>("height")
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_desktop_name(
    display: *mut VncRsDisplay,
) -> *mut c_char {
    with_display(
        display,
        "vnc_rs_display_get_desktop_name",
        String::new(),
        |d| d.property::<String>("name"),
    )
    .to_glib_full()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_grab_keys(display: *mut VncRsDisplay) -> *mut c_char {
    with_display(
        display,
        "vnc_rs_display_get_grab_keys",
        String::new(),
        |d| d.property::<String>("grab-keys"),
    )
    .to_glib_full()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_grab_keys(
    display: *mut VncRsDisplay,
    keys: *const c_char,
) {
    const F: &str = "vnc_rs_display_set_grab_keys";
    let Some(keys) = (unsafe { text(F, "keys", keys) }) else {
        return;
    };
    with_display(display, F, (), |d| d.set_property("grab-keys", &*keys))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_depth(display: *mut VncRsDisplay) -> c_int {
    with_display(display, "vnc_rs_display_get_depth", Depth::Full, |d| {
        d.property::<Depth>("depth")
    })
    .into_glib()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_depth(display: *mut VncRsDisplay, depth: c_int) {
    const F: &str = "vnc_rs_display_set_depth";
    let Some(depth) = enum_arg::<Depth>(F, depth) else {
        return;
    };
    with_display(display, F, (), |d| d.set_property("depth", depth))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_get_security_types(
    display: *mut VncRsDisplay,
) -> *mut c_char {
    with_display(
        display,
        "vnc_rs_display_get_security_types",
        String::new(),
        |d| d.property::<String>("security-types"),
    )
    .to_glib_full()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn vnc_rs_display_set_security_types(
    display: *mut VncRsDisplay,
    types: *const c_char,
) {
    const F: &str = "vnc_rs_display_set_security_types";
    let Some(types) = (unsafe { text(F, "types", types) }) else {
        return;
    };
    with_display(display, F, (), |d| {
        d.set_property("security-types", &*types)
    })
}
