//! The widget's state and GTK glue: properties, signal list, `ObjectImpl`, `WidgetImpl`. The
//! sibling modules add `impl VncDisplay` blocks over this state; none holds a `RefCell` borrow
//! of it across a signal emission, so a handler may call back into the widget.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use gtk::glib;
use gtk::glib::subclass::Signal;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use vnc_core::{Config, Credential, Limits, Rect, SecurityType, Session, Threading, TlsConfig};

use super::Depth;
use super::driver::Conn;
use super::reconnect::Retry;
use crate::render::Tiles;

#[derive(glib::Properties)]
#[properties(wrapper_type = super::VncDisplay)]
pub struct VncDisplay {
    /// Show the local pointer instead of the server's cursor.
    #[property(get, set = Self::set_local_pointer)]
    pub(super) local_pointer: Cell<bool>,
    /// Send no input to the server.
    #[property(get, set)]
    pub(super) read_only: Cell<bool>,
    /// Scale the desktop to the widget's size.
    #[property(get, set = Self::set_redraw_bool::<0>)]
    pub(super) scaling: Cell<bool>,
    /// Keep the desktop's aspect ratio when scaling.
    #[property(get, set = Self::set_redraw_bool::<1>)]
    pub(super) keep_aspect_ratio: Cell<bool>,
    /// Smooth (linear) scaling.
    #[property(get, set = Self::set_redraw_bool::<2>)]
    pub(super) smoothing: Cell<bool>,
    /// Zoom in percent when not scaling.
    #[property(get, set = Self::set_zoom_level, minimum = 10, maximum = 400, default = 100)]
    pub(super) zoom_level: Cell<u32>,
    /// The desktop turned clockwise by 0, 90, 180 or 270 degrees (gtk-vnc's `rotation`), for
    /// a guest on a rotated monitor: drawing, pointer positions, the widget's size and the
    /// remote resize all follow it. Other values are refused (a warning; the old one stays).
    #[property(get, set = Self::set_rotation, maximum = 270)]
    pub(super) rotation: Cell<u32>,
    /// Share the clipboard with the server, both ways (UTF-8 text with servers that speak
    /// the Extended Clipboard, Latin-1 otherwise). Off, no local change goes out and the
    /// server's text stays out of the local clipboard (`vnc-server-cut-text` still tells the
    /// application); it switches at once, while connected.
    #[property(get, set, default = true)]
    pub(super) clipboard_sharing: Cell<bool>,
    /// Also share the PRIMARY selection (X11 and Wayland's select-to-copy): the server's text
    /// goes into it too, and its changes go to the server. Only with `clipboard-sharing`.
    #[property(get, set)]
    pub(super) clipboard_primary: Cell<bool>,
    /// Leave other clients connected.
    #[property(get, set, default = true)]
    pub(super) shared_flag: Cell<bool>,
    /// Colour depth asked of the server.
    #[property(get, set = Self::set_depth, builder(Depth::Full))]
    pub(super) depth: Cell<Depth>,
    /// Keyboard grabbed.
    #[property(get, set = Self::set_grab_keyboard)]
    pub(super) grab_keyboard: Cell<bool>,
    /// Pointer grabbed: the local pointer is hidden and, where the platform allows it,
    /// confined to the widget (`pointer-confined`).
    #[property(get, set = Self::set_grab_pointer)]
    pub(super) grab_pointer: Cell<bool>,
    /// Ask the server to resize its desktop to the widget's size (ExtendedDesktopSize servers).
    #[property(get, set = Self::set_allow_resize)]
    pub(super) allow_resize: Cell<bool>,
    /// Request the remote desktop's size (at the zoom level) as the widget's minimum size.
    #[property(get, set = Self::set_force_size, default = true)]
    pub(super) force_size: Cell<bool>,
    /// Let the server send JPEG (Tight at `jpeg-quality`): far less data for photos and
    /// video, at the price of inexact pixels. Changed while connected, it applies at once
    /// with a full update (exact again when turned off).
    #[property(get, set = Self::set_lossy_encoding)]
    pub(super) lossy_encoding: Cell<bool>,
    /// JPEG quality with `lossy-encoding`, 0 (smallest) to 9 (best).
    #[property(get, set = Self::set_jpeg_quality, minimum = 0, maximum = 9, default = 8)]
    pub(super) jpeg_quality: Cell<u32>,
    /// Play the server's audio (QEMU's audio extension) when it offers it; needs vnc-gtk's
    /// `audio` feature, without which the widget never asks for audio.
    #[property(get, set = Self::set_audio)]
    pub(super) audio: Cell<bool>,
    /// The security types allowed, most preferred first, as a list of names or numbers
    /// (`"x509vnc,tlsvnc,vnc"`, see `vnc_core::SecurityType::parse_list`); empty (the
    /// default) for the engine's default preference. Applies at the next connection. A list
    /// naming an unknown type is refused with a warning and the previous one kept.
    #[property(get, set = Self::set_security_types)]
    pub(super) security_types: RefCell<String>,
    /// Refuse security types that send the password or the screen in the clear (the
    /// connection fails with `vnc-auth-unsupported` and `vnc-error` when the server offers
    /// nothing else). Applies at the next connection.
    #[property(get, set)]
    pub(super) require_encryption: Cell<bool>,
    /// Reconnect after the connection drops (the server closed it, the network failed, the
    /// server stopped answering), with a backoff from 0.25 s doubling to 1 s (starting over
    /// only after a session that lasted 10 s), for as long as it takes; `vnc-reconnecting`
    /// tells each wait. Only for a connection the widget made (`open_host`, `open_address`;
    /// not `open_stream`, `listen` or `open_repeater`) and once its session was initialised;
    /// `close()`, authentication failures, no common security type and certificate failures
    /// are not retried. Meanwhile the widget keeps its size and shows the last picture, greyed, and
    /// `vnc-disconnected` waits until it gives up. Turned off while waiting, the widget stops.
    #[property(get, set = Self::set_reconnect)]
    pub(super) reconnect: Cell<bool>,
    /// Keep the credentials given during a session (in memory only, wiped when the widget
    /// stops or this is turned off) for its reconnections, so that they need no new answer
    /// to `vnc-auth-credential`. (Credentials set before opening are the application's own
    /// and given to every session the widget starts, with or without this.)
    #[property(get, set = Self::set_reconnect_keep_credentials)]
    pub(super) reconnect_keep_credentials: Cell<bool>,
    /// What reconnecting needs (see `reconnect.rs`).
    pub(super) retry: RefCell<Retry>,
    /// The minimum size for which the window's resize was queued again (see
    /// `check_below_minimum`): once per minimum, so that a window that cannot grow (a smaller
    /// screen) does not make the widget ask for ever.
    pub(super) resize_retried_for: Cell<Option<(i32, i32)>>,
    /// The key combination that grabs and releases keyboard and pointer, as GDK key names
    /// joined by `+` (the string form of [`GrabSequence`](crate::GrabSequence)).
    #[property(get = Self::grab_keys_string, set = Self::set_grab_keys, type = String)]
    pub(super) grab_keys: std::marker::PhantomData<String>,
    /// The server's Caps Lock (QEMU LED State; false until the server has sent one).
    #[property(get = Self::caps_lock_on, type = bool)]
    pub(super) caps_lock: std::marker::PhantomData<bool>,
    /// The server's Num Lock (QEMU LED State; false until the server has sent one).
    #[property(get = Self::num_lock_on, type = bool)]
    pub(super) num_lock: std::marker::PhantomData<bool>,
    /// The server's Scroll Lock (QEMU LED State; false until the server has sent one).
    #[property(get = Self::scroll_lock_on, type = bool)]
    pub(super) scroll_lock: std::marker::PhantomData<bool>,
    /// The server reads pointer positions as absolute (true, also until it says, as with
    /// servers that never do) or as relative motion (QEMU Pointer Motion Change). In relative
    /// mode a click grabs the pointer, the grab keys release it, and motion goes as deltas.
    #[property(name = "is-pointer-absolute", get, default = true)]
    pub(super) pointer_absolute: Cell<bool>,
    /// The pointer grab keeps the pointer in the widget (X11; in relative mode also at its
    /// centre). False when not grabbed, and when the platform cannot confine it (Wayland
    /// with GTK 4, or the X server refused the grab): input is then still sent, but the
    /// local pointer can leave.
    #[property(get)]
    pub(super) pointer_confined: Cell<bool>,
    /// Relative mode: the last pointer position (widget coordinates) motion is measured from.
    pub(super) rel_last: Cell<Option<(f64, f64)>>,
    /// Relative mode: the fraction of a framebuffer pixel not yet sent.
    pub(super) rel_rest: Cell<(f64, f64)>,
    /// Relative mode: where the pointer was warped to and its motion event not yet seen.
    pub(super) warped_to: Cell<Option<(f64, f64)>>,
    /// The server's cursor as last set, shown again when a grab ends.
    pub(super) remote_cursor: RefCell<Option<gtk::gdk::Cursor>>,
    /// Caps Lock and Num Lock tapped to follow the local keyboard, not yet answered by a
    /// changed LED State (see `locks.rs`).
    pub(super) lock_taps: Cell<(bool, bool)>,
    /// The LED State last handled, to tell which properties changed.
    pub(super) leds_seen: Cell<Option<vnc_core::LockState>>,

    #[cfg(feature = "audio")]
    pub(super) player: RefCell<Option<crate::audio::Player>>,
    /// No player could be made for this stream: not tried again for each Audio Data.
    #[cfg(feature = "audio")]
    pub(super) player_failed: Cell<bool>,

    pub(super) session: RefCell<Option<Session>>,
    pub(super) conn: RefCell<Option<Conn>>,
    pub(super) tiles: RefCell<Option<Tiles>>,
    pub(super) tls: RefCell<TlsConfig>,
    pub(super) limits: RefCell<Limits>,
    pub(super) handshake_timeout: Cell<Option<Duration>>,
    pub(super) threading: Cell<Threading>,
    /// Credentials given before a session started: given to each session the widget starts
    /// (a reconnection's too), and wiped when the widget goes.
    pub(super) early_credentials: RefCell<Vec<(Credential, zeroize::Zeroizing<String>)>>,
    /// The client name given with `set_credential` (gtk-vnc's CLIENTNAME, for SASL): kept for
    /// the security types that will ask for it; none does yet.
    pub(super) client_name: RefCell<Option<String>>,
    pub(super) server: RefCell<String>,
    /// Hardware keycode -> the keysym the server saw pressed.
    pub(super) pressed: RefCell<HashMap<u32, u32>>,
    pub(super) buttons: Cell<u8>,
    pub(super) scroll: Cell<(f64, f64)>,
    pub(super) last_server_text: RefCell<Option<String>>,
    pub(super) disconnected_emitted: Cell<bool>,
    /// Counts connection attempts: a task of an earlier attempt (a connect, a write) that
    /// completes late finds a different number and does nothing.
    pub(super) attempt: Cell<u64>,
    /// What the update under way has drawn so far.
    pub(super) update_damage: Cell<Rect>,
    /// The grab sequence (`grab-keys`) and its keysyms.
    pub(super) grab_sequence: RefCell<(crate::GrabSequence, Vec<u32>)>,
    pub(super) resize_timer: RefCell<Option<glib::SourceId>>,
}

impl Default for VncDisplay {
    fn default() -> Self {
        VncDisplay {
            local_pointer: Cell::new(false),
            read_only: Cell::new(false),
            scaling: Cell::new(false),
            keep_aspect_ratio: Cell::new(true),
            smoothing: Cell::new(true),
            zoom_level: Cell::new(100),
            rotation: Cell::new(0),
            shared_flag: Cell::new(true),
            clipboard_sharing: Cell::new(true),
            clipboard_primary: Cell::new(false),
            depth: Cell::new(Depth::Full),
            grab_keyboard: Cell::new(false),
            grab_pointer: Cell::new(false),
            caps_lock: Default::default(),
            num_lock: Default::default(),
            scroll_lock: Default::default(),
            lock_taps: Cell::new((false, false)),
            pointer_absolute: Cell::new(true),
            pointer_confined: Cell::new(false),
            rel_last: Cell::new(None),
            rel_rest: Cell::new((0.0, 0.0)),
            warped_to: Cell::new(None),
            remote_cursor: RefCell::new(None),
            leds_seen: Cell::new(None),
            #[cfg(feature = "audio")]
            player: RefCell::new(None),
            #[cfg(feature = "audio")]
            player_failed: Cell::new(false),
            session: RefCell::new(None),
            conn: RefCell::new(None),
            tiles: RefCell::new(None),
            tls: RefCell::new(TlsConfig::default()),
            limits: RefCell::new(Limits::default()),
            handshake_timeout: Cell::new(Config::default().handshake_timeout),
            threading: Cell::new(Threading::default()),
            early_credentials: RefCell::new(Vec::new()),
            client_name: RefCell::new(None),
            server: RefCell::new(String::new()),
            pressed: RefCell::new(HashMap::new()),
            buttons: Cell::new(0),
            scroll: Cell::new((0.0, 0.0)),
            last_server_text: RefCell::new(None),
            disconnected_emitted: Cell::new(true),
            attempt: Cell::new(0),
            update_damage: Cell::new(Rect::default()),
            allow_resize: Cell::new(false),
            force_size: Cell::new(true),
            lossy_encoding: Cell::new(false),
            // TigerVNC's viewer's default: photos look right, text edges barely show.
            jpeg_quality: Cell::new(8),
            audio: Cell::new(false),
            security_types: RefCell::new(String::new()),
            require_encryption: Cell::new(false),
            reconnect: Cell::new(false),
            reconnect_keep_credentials: Cell::new(false),
            retry: RefCell::new(Retry::default()),
            resize_retried_for: Cell::new(None),
            grab_keys: std::marker::PhantomData,
            grab_sequence: RefCell::new({
                let seq = crate::GrabSequence::default();
                let syms = seq.keysyms();
                (seq, syms)
            }),
            resize_timer: RefCell::new(None),
        }
    }
}

#[glib::object_subclass]
impl ObjectSubclass for VncDisplay {
    const NAME: &'static str = "VncRsDisplay";
    type Type = super::VncDisplay;
    type ParentType = gtk::Widget;
}
/// The read-only `width`, `height` and `name` properties (gtk-vnc's names), defined by hand:
/// the derive would name their Rust getters `width`, `height` and `name`, hiding
/// `WidgetExt::width` and `height`; the wrapper's getters are `remote_width`,
/// `remote_height` and `desktop_name`.
fn desktop_properties() -> [glib::ParamSpec; 3] {
    [
        glib::ParamSpecInt::builder("width")
            .blurb("Remote desktop width, 0 until it is known")
            .minimum(0)
            .read_only()
            .build(),
        glib::ParamSpecInt::builder("height")
            .blurb("Remote desktop height, 0 until it is known")
            .minimum(0)
            .read_only()
            .build(),
        // As gtk-vnc's, it hides GtkWidget's `name` (the CSS name, which GTK's
        // `widget_name` methods still reach).
        glib::ParamSpecString::builder("name")
            .blurb("Remote desktop name")
            .read_only()
            .build(),
    ]
}

impl ObjectImpl for VncDisplay {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: OnceLock<Vec<glib::ParamSpec>> = OnceLock::new();
        PROPERTIES.get_or_init(|| {
            let mut all = Self::derived_properties().to_vec();
            all.extend(desktop_properties());
            all
        })
    }

    fn property(&self, id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        match pspec.name() {
            "width" => self.fb_width().to_value(),
            "height" => self.fb_height().to_value(),
            "name" => self.desktop_name().to_value(),
            _ => self.derived_property(id, pspec),
        }
    }

    fn set_property(&self, id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        self.derived_set_property(id, value, pspec)
    }

    fn signals() -> &'static [Signal] {
        static SIGNALS: OnceLock<Vec<Signal>> = OnceLock::new();
        SIGNALS.get_or_init(|| {
            let s = String::static_type();
            vec![
                Signal::builder("vnc-connected").build(),
                Signal::builder("vnc-initialized").build(),
                Signal::builder("vnc-disconnected").build(),
                Signal::builder("vnc-error").param_types([s]).build(),
                Signal::builder("vnc-auth-credential")
                    .param_types([super::CredentialFlags::static_type()])
                    .build(),
                Signal::builder("vnc-auth-failure").param_types([s]).build(),
                Signal::builder("vnc-auth-unsupported")
                    .param_types([u32::static_type()])
                    .build(),
                Signal::builder("vnc-certificate-verification")
                    .param_types([
                        crate::Certificate::static_type(),
                        crate::CertificateProblem::static_type(),
                        s,
                    ])
                    .build(),
                Signal::builder("vnc-desktop-resize")
                    .param_types([i32::static_type(), i32::static_type()])
                    .build(),
                Signal::builder("vnc-desktop-rename")
                    .param_types([s])
                    .build(),
                Signal::builder("vnc-server-cut-text")
                    .param_types([s])
                    .build(),
                Signal::builder("vnc-bell").build(),
                Signal::builder("vnc-power-control-initialized").build(),
                Signal::builder("vnc-power-control-failed").build(),
                Signal::builder("vnc-framebuffer-update")
                    .param_types([i32::static_type(); 4])
                    .build(),
                Signal::builder("vnc-keyboard-grab").build(),
                Signal::builder("vnc-keyboard-ungrab").build(),
                Signal::builder("vnc-pointer-grab").build(),
                Signal::builder("vnc-pointer-ungrab").build(),
                Signal::builder("vnc-reconnecting")
                    .param_types([u32::static_type(), u32::static_type(), s])
                    .build(),
            ]
        })
    }

    fn constructed(&self) {
        self.parent_constructed();
        let obj = self.obj();
        obj.set_focusable(true);
        obj.set_can_focus(true);
        obj.set_overflow(gtk::Overflow::Hidden);

        self.add_input_controllers();
        self.watch_local_clipboard();
    }

    fn dispose(&self) {
        if let Some(t) = self.resize_timer.take() {
            t.remove();
        }
        self.disconnect(None);
    }
}

impl WidgetImpl for VncDisplay {
    fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
        self.measure_desktop(orientation)
    }

    fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
        self.parent_size_allocate(width, height, baseline);
        if self.allow_resize.get() {
            self.schedule_remote_resize();
        }
        self.check_below_minimum(width, height);
    }

    fn snapshot(&self, snapshot: &gtk::Snapshot) {
        self.draw(snapshot);
    }
}

impl VncDisplay {
    pub(super) fn fb_width(&self) -> i32 {
        self.tiles
            .borrow()
            .as_ref()
            .map_or(0, |t| i32::from(t.size().0))
    }

    pub(super) fn fb_height(&self) -> i32 {
        self.tiles
            .borrow()
            .as_ref()
            .map_or(0, |t| i32::from(t.size().1))
    }

    pub(super) fn desktop_name(&self) -> String {
        // While reconnecting, the last session's, as for its picture.
        self.with_picture(|s| s.desktop_name().to_owned())
            .unwrap_or_default()
    }

    fn set_lossy_encoding(&self, on: bool) {
        self.lossy_encoding.set(on);
        self.apply_lossy();
    }

    fn set_jpeg_quality(&self, quality: u32) {
        self.jpeg_quality.set(quality);
        self.apply_lossy();
    }

    pub(super) fn security_type(&self) -> Option<SecurityType> {
        self.session
            .borrow()
            .as_ref()
            .and_then(|s| s.security_type())
    }
}
