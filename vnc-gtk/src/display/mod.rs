//! The public side of [`VncDisplay`]: construction, connecting, commands and typed signal
//! helpers. The state and the GTK trait implementations are in `imp.rs`, the work in one
//! module per concern: `driver`, `events`, `input`, `locks`, `relative` (with `x11_grab`),
//! `layout`, `draw`, `cursor`, `clipboard`, `audio`.

mod audio;
mod clipboard;
mod cursor;
mod draw;
mod driver;
mod events;
mod imp;
mod input;
mod layout;
mod locks;
mod relative;
mod x11_grab;

use std::time::Duration;

use gtk::glib::{self, closure_local};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, gio};

use vnc_core::{
    Address, AddressError, CredentialsNeeded, Limits, PowerAction, Threading, TlsConfig,
};

glib::wrapper! {
    /// A widget showing a remote VNC desktop.
    ///
    /// Properties (gtk-vnc's names): `local-pointer`, `read-only`, `scaling`,
    /// `keep-aspect-ratio`, `smoothing`, `zoom-level` (10–400), `shared-flag`, `depth`,
    /// `grab-keyboard`, `grab-pointer`, `grab-keys`, `allow-resize`, `force-size`,
    /// `lossy-encoding` (JPEG through Tight; off by default, so every pixel is exact) with
    /// `jpeg-quality` (0–9, default 8 as TigerVNC's viewer), and the read-only `width`,
    /// `height`, `name`, and `caps-lock`, `num-lock`, `scroll-lock` (the server's lock keys,
    /// from QEMU's LED State; three booleans rather than a flags type, so that each can be
    /// bound and watched on its own), `is-pointer-absolute`, `pointer-confined`, and `audio`
    /// (off by default: play QEMU's audio stream when the server offers it, as signed 16-bit
    /// stereo at 44.1 kHz; only with vnc-gtk's `audio` feature, which plays it through
    /// PulseAudio's client library on the glib main loop, reaching PipeWire through
    /// pipewire-pulse).
    ///
    /// Relative pointer: with a server whose guest has only a relative mouse (QEMU without
    /// a tablet, `is-pointer-absolute` false), a click in the display grabs keyboard and
    /// pointer (`grab-pointer`, `vnc-pointer-grab`), the local pointer is hidden and its
    /// motion goes to the guest as deltas, and the grab keys (`grab-keys`, Ctrl+Alt by
    /// default) release it. On X11 the grab confines the pointer to the window and keeps it
    /// at the widget's centre (`pointer-confined` true); where that is not possible (Wayland:
    /// GTK 4.8 has no pointer grab nor constraints, or the X server refuses) `pointer-confined`
    /// stays false while grabbed, a warning is logged, and motion is still sent.
    ///
    /// Lock keys: with a server that sends LED State (QEMU), the widget keeps the guest's
    /// Caps Lock and Num Lock as the local keyboard has them, as gtk-vnc does: on gaining
    /// keyboard focus, and when the server reports a new state while focused, it taps each
    /// lock key that differs (once per key until the server's state for it changes).
    /// Signals: `vnc-connected`, `vnc-initialized`, `vnc-disconnected`, `vnc-error`,
    /// `vnc-auth-credential`, `vnc-auth-failure`, `vnc-auth-unsupported`,
    /// `vnc-certificate-verification`, `vnc-desktop-resize`, `vnc-desktop-rename`,
    /// `vnc-server-cut-text`, `vnc-bell`, `vnc-framebuffer-update`,
    /// `vnc-keyboard-grab`/`-ungrab`, `vnc-pointer-grab`/`-ungrab`,
    /// `vnc-power-control-initialized` (the server takes power-control requests, see
    /// [`power_control_shutdown`](VncDisplay::power_control_shutdown)) and
    /// `vnc-power-control-failed` (it could not do one).
    ///
    /// Size: until it knows the desktop the widget asks for nothing; then for the desktop at
    /// the zoom level, as its natural size and, with `force-size` and without `scaling`, as
    /// its minimum, which a window already shown grows to. With `scaling` the minimum is one
    /// pixel: an application that wants its window to fit the desktop then sizes it on
    /// `vnc-desktop-resize` (`set_default_size`) or shows it after `vnc-initialized`.
    pub struct VncDisplay(ObjectSubclass<imp::VncDisplay>)
        @extends gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget;
}

/// The colour depth asked of the server (the `depth` property).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "VncRsDisplayDepth")]
pub enum Depth {
    /// Full colour: the server's own format when it is 32-bit true colour with 8-bit channels
    /// (nothing for the server to convert), RGB888 otherwise.
    #[default]
    Full,
    /// 16-bit colour.
    Medium,
    /// 8-bit colour.
    Low,
}

/// Which credential [`VncDisplay::set_credential`] gives (gtk-vnc's `VncDisplayCredential`,
/// with the same values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "VncRsDisplayCredential")]
pub enum DisplayCredential {
    /// The password (VNC authentication, VeNCrypt Plain, ARD, SASL mechanisms such as
    /// DIGEST-MD5 and SCRAM).
    Password = 0,
    /// The user name (VeNCrypt Plain, ARD, SASL mechanisms such as DIGEST-MD5 and SCRAM).
    Username = 1,
    /// The client name some SASL mechanisms send; kept, but no security type this version
    /// speaks asks for it (its SASL asks for a user name and a password only).
    #[enum_value(name = "ClientName", nick = "clientname")]
    ClientName = 2,
}

/// How [`VncDisplay::send_keys_ex`] sends its keys (gtk-vnc's `VncDisplayKeyEvent`, with the
/// same values).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "VncRsDisplayKeyEvent")]
pub enum KeyEvent {
    /// Press every key, in order.
    Press = 1,
    /// Release every key, in reverse order.
    Release = 2,
    /// Press every key in order, then release them in reverse order.
    #[default]
    Click = 3,
}

impl Default for VncDisplay {
    fn default() -> Self {
        Self::new()
    }
}

impl VncDisplay {
    /// A display that is not connected yet.
    pub fn new() -> VncDisplay {
        glib::Object::new()
    }

    /// Connects to `host` and TCP `port` (every address of the name, IPv6 and IPv4, raced by
    /// gio's Happy Eyeballs).
    pub fn open_host(&self, host: &str, port: u16) {
        self.imp().open(Address::Tcp {
            host: host.to_owned(),
            port,
        });
    }

    /// Connects to an address in any form vnc-core parses (`host:display`, `host::port`,
    /// `[::1]:1`, `vnc://host`, a Unix socket path). A Unix socket has no host name to check
    /// an x509 certificate against: pin the certificate, or connect the socket yourself and
    /// use [`open_stream`](Self::open_stream) with the name.
    pub fn open_address(&self, address: &str) -> Result<(), AddressError> {
        self.imp().open(address.parse()?);
        Ok(())
    }

    /// Runs the session over a stream the caller already has (a connected socket, an SSH
    /// tunnel). `name` is what errors call the server. `hostname` is what an x509 TLS
    /// server's certificate is checked against (as gtk-vnc's `open_fd_with_hostname`); a
    /// stream has no host of its own, so without one x509 TLS fails unless the certificate is
    /// pinned.
    pub fn open_stream(
        &self,
        stream: &impl IsA<gio::IOStream>,
        name: &str,
        hostname: Option<&str>,
    ) {
        self.imp().open_stream(
            stream.as_ref().clone(),
            name.to_owned(),
            hostname.map(str::to_owned),
        );
    }

    /// Runs `f` on the display, catching a panic in it: the connection then ends with
    /// `vnc-error` (naming `doing` and the panic's message) and `vnc-disconnected`, and
    /// `None` is returned. For bindings that call the widget from C (vnc-gtk-c), where a
    /// panic must not unwind.
    #[doc(hidden)]
    pub fn call_guarded<R>(&self, doing: &str, f: impl FnOnce(&Self) -> R) -> Option<R> {
        match driver::catch(|| f(self)) {
            Ok(r) => Some(r),
            Err(message) => {
                // Reporting runs signal handlers too: a second panic is only logged.
                if let Err(again) = driver::catch(|| self.imp().internal_error(doing, &message)) {
                    tracing::error!(doing, again, "panic while reporting a panic");
                }
                None
            }
        }
    }

    /// Closes the connection; `vnc-disconnected` follows.
    pub fn close(&self) {
        self.imp().disconnect(None);
    }

    /// True while connecting or connected.
    pub fn is_open(&self) -> bool {
        self.imp().is_open()
    }

    /// Sets the TLS settings used by the next connection. Settings without root certificates
    /// (such as the default) trust the operating system's store
    /// ([`vnc_core::trust_store::system_roots`]), read only when an x509 server's certificate
    /// is to be verified.
    pub fn set_tls_config(&self, tls: TlsConfig) {
        self.imp().tls.replace(tls);
    }

    /// The TLS settings the next connection will use (what
    /// [`set_tls_config`](Self::set_tls_config) set, or the default).
    pub fn tls_config(&self) -> TlsConfig {
        self.imp().tls.borrow().clone()
    }

    /// The bounds the next connection will use (what [`set_limits`](Self::set_limits) set,
    /// or [`Limits::default`]).
    pub fn limits(&self) -> Limits {
        self.imp().limits.borrow().clone()
    }

    /// Sets the bounds on what a server may make the next connection allocate (framebuffer
    /// size, cut text, cursor, desktop name, rectangles per update). See [`Limits`].
    ///
    /// ```no_run
    /// # let display = vnc_gtk::VncDisplay::new();
    /// let mut limits = vnc_core::Limits::default();
    /// limits.max_width = 4096;
    /// limits.max_height = 4096;
    /// display.set_limits(limits);
    /// ```
    pub fn set_limits(&self, limits: Limits) {
        self.imp().limits.replace(limits);
    }

    /// How long the next connection's handshake may take before it fails with a timeout
    /// (30 s by default; `None` waits forever). Time spent waiting for a password from the
    /// application does not count.
    pub fn set_handshake_timeout(&self, timeout: Option<Duration>) {
        self.imp().handshake_timeout.set(timeout);
    }

    /// Which threads the next connection's engine may use: [`Threading::SingleThreaded`]
    /// keeps all protocol work on the main loop's thread; the default
    /// ([`Threading::default`]) inflates ZRLE on a helper thread of the session's own when the
    /// machine has more than one CPU. Either way the widget's state is only touched from the
    /// main loop.
    ///
    /// ```no_run
    /// # gtk::init().unwrap();
    /// let display = vnc_gtk::VncDisplay::new();
    /// display.set_threading(vnc_core::Threading::SingleThreaded);
    /// ```
    pub fn set_threading(&self, threading: Threading) {
        self.imp().threading.set(threading);
    }

    /// Answers `vnc-auth-credential` (or sets it in advance) with one credential, as
    /// gtk-vnc's `vnc_display_set_credential`.
    pub fn set_credential(&self, kind: DisplayCredential, value: &str) {
        match kind {
            DisplayCredential::Password => self.set_password(value),
            DisplayCredential::Username => self.set_username(value),
            DisplayCredential::ClientName => {
                self.imp().client_name.replace(Some(value.to_owned()));
            }
        }
    }

    /// Answers `vnc-auth-credential` (or sets it in advance).
    pub fn set_password(&self, password: &str) {
        self.imp()
            .set_credential(vnc_core::Credential::Password, password);
    }

    /// Answers `vnc-auth-credential` (or sets it in advance).
    pub fn set_username(&self, username: &str) {
        self.imp()
            .set_credential(vnc_core::Credential::Username, username);
    }

    /// Answers `vnc-certificate-verification`.
    pub fn accept_certificate(&self, accept: bool) {
        self.imp().accept_certificate(accept);
    }

    /// Presses and then releases `keys` in order (releases in reverse order), as gtk-vnc's
    /// `vnc_display_send_keys`, for example `[Control_L, Alt_L, Delete]`.
    pub fn send_keys(&self, keys: &[gdk::Key]) {
        self.send_keys_ex(keys, KeyEvent::Click);
    }

    /// Presses `keys` in order, releases them in reverse order, or both
    /// ([`KeyEvent::Click`], what [`send_keys`](Self::send_keys) does), as gtk-vnc's
    /// `vnc_display_send_keys_ex`.
    ///
    /// ```no_run
    /// # let display = vnc_gtk::VncDisplay::new();
    /// use gtk::gdk::Key;
    /// // Hold Shift down while the user clicks, then let it go.
    /// display.send_keys_ex(&[Key::Shift_L], vnc_gtk::KeyEvent::Press);
    /// display.send_keys_ex(&[Key::Shift_L], vnc_gtk::KeyEvent::Release);
    /// ```
    pub fn send_keys_ex(&self, keys: &[gdk::Key], kind: KeyEvent) {
        if matches!(kind, KeyEvent::Press | KeyEvent::Click) {
            for k in keys {
                self.send_key(*k, true);
            }
        }
        if matches!(kind, KeyEvent::Release | KeyEvent::Click) {
            for k in keys.iter().rev() {
                self.send_key(*k, false);
            }
        }
    }

    /// Presses or releases one key. To a server that takes QEMU extended key events the key
    /// goes with its scancode too, so that the guest sees that key whatever its layout: from a
    /// fixed table for the keys that sit in the same place on every PC keyboard (modifiers,
    /// Delete, BackSpace, F1–F12, Print, arrows, ...), else from the local keymap's first
    /// key that types `key` (`gdk::Display::map_keyval`), as gtk-vnc does; as the keysym
    /// alone when neither knows it.
    pub fn send_key(&self, key: gdk::Key, down: bool) {
        let Some(sym) = crate::keys::keysym(key) else {
            return;
        };
        let scancode = crate::keys::fixed_qnum(sym).or_else(|| {
            let display = self.display();
            let source = crate::keymap::KeycodeSource::for_display(&display)?;
            let keys = display.map_keyval(key)?;
            let first = keys
                .iter()
                .find(|k| k.group() == 0 && k.level() == 0)
                .or(keys.first())?;
            crate::keymap::qnum_from_keycode(first.keycode(), source)
        });
        self.imp()
            .scancode_key_event(sym, scancode.map_or(0, u32::from), down);
    }

    /// Sends a pointer event in framebuffer coordinates.
    pub fn send_pointer(&self, x: u16, y: u16, buttons: u8) {
        self.imp().pointer_event(x, y, buttons);
    }

    /// Asks for a full update of the screen.
    pub fn request_update(&self) {
        self.imp().with_session(|s| s.request_update(false));
    }

    /// Sends text to the server's clipboard: UTF-8 when the server speaks the Extended
    /// Clipboard (TigerVNC does), Latin-1 otherwise. Returns how many characters the server
    /// will not get (Latin-1 sends those as `?`; see
    /// [`Session::client_cut_text`](vnc_core::Session::client_cut_text)); 0 when not
    /// connected.
    pub fn client_cut_text(&self, text: &str) -> usize {
        let mut lost = 0;
        self.imp().with_session(|s| lost = s.client_cut_text(text));
        lost
    }

    /// Asks the server to shut down the machine it shows (xvp). Sent only once the server has
    /// offered power control (`vnc-power-control-initialized`); false, with nothing sent,
    /// before that or when the connection is closed. True means sent, not done: a server that
    /// cannot do it emits `vnc-power-control-failed`.
    pub fn power_control_shutdown(&self) -> bool {
        self.power_control(PowerAction::Shutdown)
    }

    /// Asks the server to reboot the machine (xvp); as
    /// [`power_control_shutdown`](Self::power_control_shutdown).
    pub fn power_control_reboot(&self) -> bool {
        self.power_control(PowerAction::Reboot)
    }

    /// Asks the server to reset the machine at once (xvp); as
    /// [`power_control_shutdown`](Self::power_control_shutdown).
    pub fn power_control_reset(&self) -> bool {
        self.power_control(PowerAction::Reset)
    }

    fn power_control(&self, action: PowerAction) -> bool {
        // The session outlives its connection (for screenshots): a closed one sends nothing.
        if !self.is_open() {
            return false;
        }
        let mut sent = false;
        self.imp().with_session(|s| sent = s.power_control(action));
        sent
    }

    /// How far the sound heard lags the audio received (feature `audio`): what waits in the
    /// widget (at most 100 ms) plus the playback stream's latency as the sound server
    /// reports it (its buffer, 50 ms at most with PulseAudio, and the device's). `None` while
    /// nothing plays.
    #[cfg(feature = "audio")]
    pub fn audio_latency(&self) -> Option<Duration> {
        self.imp().player.borrow().as_ref()?.latency()
    }

    /// Bytes of audio dropped so far by the playing stream (feature `audio`) because they
    /// came faster than they played, more than 100 ms ahead: how the widget keeps latency
    /// bounded when the server's clock runs ahead of the sound card's.
    #[cfg(feature = "audio")]
    pub fn audio_dropped(&self) -> u64 {
        self.imp()
            .player
            .borrow()
            .as_ref()
            .map_or(0, |p| p.dropped())
    }

    /// The remote screen as a texture (None until the desktop is known).
    pub fn screenshot(&self) -> Option<gdk::Texture> {
        self.imp().screenshot()
    }

    /// Grabs (or releases) keyboard and pointer as the grab sequence does.
    pub fn force_grab(&self, grab: bool) {
        self.imp().set_grab(grab);
    }

    /// The desktop's protection, for a status display ("encrypted, server not
    /// authenticated"...), once negotiated.
    pub fn security_type(&self) -> Option<vnc_core::SecurityType> {
        self.imp().security_type()
    }

    /// `vnc-connected`: the socket is connected.
    pub fn connect_connected<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_closure("vnc-connected", false, closure_local!(move |d: &Self| f(d)))
    }

    /// `vnc-initialized`: the handshake is done and the desktop is known.
    pub fn connect_initialized<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-initialized",
            false,
            closure_local!(move |d: &Self| f(d)),
        )
    }

    /// `vnc-disconnected`: the connection ended (emitted once per connection).
    pub fn connect_disconnected<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-disconnected",
            false,
            closure_local!(move |d: &Self| f(d)),
        )
    }

    /// `vnc-error`: a message a person can act on, before `vnc-disconnected`.
    pub fn connect_error<F: Fn(&Self, &str) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-error",
            false,
            closure_local!(move |d: &Self, m: &str| f(d, m)),
        )
    }

    /// `vnc-auth-credential`: answer with [`set_username`](Self::set_username) /
    /// [`set_password`](Self::set_password), now or later (from a dialog).
    pub fn connect_auth_credential<F: Fn(&Self, CredentialsNeeded) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-auth-credential",
            false,
            closure_local!(move |d: &Self, username: bool, password: bool| f(
                d,
                CredentialsNeeded { username, password }
            )),
        )
    }

    /// `vnc-auth-failure`: the server rejected the credentials (with its reason).
    pub fn connect_auth_failure<F: Fn(&Self, &str) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-auth-failure",
            false,
            closure_local!(move |d: &Self, m: &str| f(d, m)),
        )
    }

    /// `vnc-auth-unsupported`: no security type both sides accept (the first type the server
    /// offered, or 0).
    pub fn connect_auth_unsupported<F: Fn(&Self, u32) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-auth-unsupported",
            false,
            closure_local!(move |d: &Self, t: u32| f(d, t)),
        )
    }

    /// `vnc-certificate-verification`: (subject, issuer, SHA-256, problem); answer with
    /// [`accept_certificate`](Self::accept_certificate).
    pub fn connect_certificate_verification<
        F: Fn(&Self, &vnc_core::CertificateInfo, &str) + 'static,
    >(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-certificate-verification",
            false,
            closure_local!(move |d: &Self,
                                 subject: &str,
                                 issuer: &str,
                                 fp: &str,
                                 problem: &str| {
                let info = vnc_core::CertificateInfo {
                    subject: subject.to_owned(),
                    issuer: issuer.to_owned(),
                    not_before: String::new(),
                    not_after: String::new(),
                    sha256: vnc_core::parse_sha256_fingerprint(fp).unwrap_or([0; 32]),
                };
                f(d, &info, problem)
            }),
        )
    }

    /// `vnc-desktop-resize`: the remote desktop has a new size.
    pub fn connect_desktop_resize<F: Fn(&Self, i32, i32) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-desktop-resize",
            false,
            closure_local!(move |d: &Self, w: i32, h: i32| f(d, w, h)),
        )
    }

    /// `vnc-desktop-rename`: the desktop has a new name.
    pub fn connect_desktop_rename<F: Fn(&Self, &str) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-desktop-rename",
            false,
            closure_local!(move |d: &Self, n: &str| f(d, n)),
        )
    }

    /// `vnc-server-cut-text`: the server's clipboard changed.
    pub fn connect_server_cut_text<F: Fn(&Self, &str) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-server-cut-text",
            false,
            closure_local!(move |d: &Self, t: &str| f(d, t)),
        )
    }

    /// `vnc-framebuffer-update`: an update from the server has ended; the arguments are the
    /// x, y, width and height of the area it changed (updates that change no pixels, such as
    /// a cursor shape alone, emit nothing). The widget redraws on its own; this is for
    /// applications that record or wait for the screen.
    pub fn connect_framebuffer_update<F: Fn(&Self, vnc_core::Rect) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-framebuffer-update",
            false,
            closure_local!(move |d: &Self, x: i32, y: i32, w: i32, h: i32| {
                let c = |v: i32| u16::try_from(v).unwrap_or(0);
                f(d, vnc_core::Rect::new(c(x), c(y), c(w), c(h)))
            }),
        )
    }

    /// `vnc-bell`.
    pub fn connect_bell<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_closure("vnc-bell", false, closure_local!(move |d: &Self| f(d)))
    }

    /// `vnc-power-control-initialized`: power-control requests can be sent from now on.
    pub fn connect_power_control_initialized<F: Fn(&Self) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-power-control-initialized",
            false,
            closure_local!(move |d: &Self| f(d)),
        )
    }

    /// `vnc-power-control-failed`: the server could not do a power-control request.
    pub fn connect_power_control_failed<F: Fn(&Self) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-power-control-failed",
            false,
            closure_local!(move |d: &Self| f(d)),
        )
    }

    /// `vnc-keyboard-grab` (true) and `vnc-keyboard-ungrab` (false).
    pub fn connect_keyboard_grab<F: Fn(&Self, bool) + 'static>(
        &self,
        f: F,
    ) -> (glib::SignalHandlerId, glib::SignalHandlerId) {
        let f = std::rc::Rc::new(f);
        let g = f.clone();
        (
            self.connect_closure(
                "vnc-keyboard-grab",
                false,
                closure_local!(move |d: &Self| f(d, true)),
            ),
            self.connect_closure(
                "vnc-keyboard-ungrab",
                false,
                closure_local!(move |d: &Self| g(d, false)),
            ),
        )
    }
}
