//! The public side of [`VncDisplay`]: construction, connecting, commands and typed signal
//! helpers. The state and the GTK trait implementations are in `imp.rs`, the work in one
//! module per concern: `driver`, `events`, `input`, `locks`, `relative` (with `sys::x11_grab`),
//! `layout`, `draw`, `cursor`, `clipboard`, `audio`, `listen` (reverse connections),
//! `repeater` (UltraVNC repeaters), `reconnect`.

mod audio;
mod clipboard;
mod cursor;
mod draw;
mod driver;
mod events;
mod imp;
mod input;
mod layout;
mod listen;
mod locks;
mod reconnect;
mod relative;
mod repeater;
mod security;

use std::time::Duration;

use gtk::glib::{self, closure_local};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, gio};

use vnc_core::{Address, AddressError, Limits, PowerAction, Threading, TlsConfig};

glib::wrapper! {
    /// A widget showing a remote VNC desktop.
    ///
    /// Properties (gtk-vnc's names): `local-pointer`, `read-only`, `scaling`,
    /// `keep-aspect-ratio`, `smoothing`, `zoom-level` (10–400), `rotation` (0, 90, 180 or 270
    /// degrees clockwise), `shared-flag`, `depth`,
    /// `grab-keyboard`, `grab-pointer`, `grab-keys`, `allow-resize`, `force-size`,
    /// `lossy-encoding` (JPEG through Tight; off by default, so every pixel is exact) with
    /// `jpeg-quality` (0–9, default 8 as TigerVNC's viewer), and the read-only `width`,
    /// `height`, `name` (Rust getters [`remote_width`](Self::remote_width),
    /// [`remote_height`](Self::remote_height), [`desktop_name`](Self::desktop_name), so that
    /// GTK's `width` and `height` are not hidden), and `caps-lock`, `num-lock`, `scroll-lock` (the server's lock keys,
    /// from QEMU's LED State; three booleans rather than a flags type, so that each can be
    /// bound and watched on its own), `is-pointer-absolute`, `pointer-confined`, and `audio`
    /// (off by default: play QEMU's audio stream when the server offers it, as signed 16-bit
    /// stereo at 44.1 kHz; only with vnc-gtk's `audio` feature, which plays it through
    /// PulseAudio's client library on the glib main loop, reaching PipeWire through
    /// pipewire-pulse).
    ///
    /// Reconnecting: with `reconnect` (off by default) a connection the widget made that
    /// drops after its session started is made again, waiting 0.25 s, then doubling up to 1 s
    /// between attempts (back to 0.25 s only after a session that lasted 10 s;
    /// `vnc-reconnecting` tells each wait), while the widget keeps its size
    /// and shows the last picture greyed; `vnc-connected` and `vnc-initialized` come again
    /// with the new session, and `vnc-disconnected` only when it stops: on
    /// [`close`](VncDisplay::close), or a failure that a new attempt would only repeat
    /// (authentication, security type, certificate, a server refusing or breaking the
    /// protocol). With `reconnect-keep-credentials` the credentials given during the session
    /// are kept in memory (wiped when the widget stops) and given to the next attempts. A
    /// stream from [`open_stream`](VncDisplay::open_stream), a server that connected to
    /// [`listen`](VncDisplay::listen) and a connection through
    /// [`open_repeater`](VncDisplay::open_repeater) are not made again: they end as without
    /// `reconnect`, and the application may open a new one.
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
    /// `vnc-keyboard-grab`/`-ungrab`, `vnc-pointer-grab`/`-ungrab`, `vnc-reconnecting`,
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

/// The colour depth asked of the server (the `depth` property), with gtk-vnc's
/// `VncDisplayDepthColor` values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "VncRsDisplayDepth")]
pub enum Depth {
    /// The server's own pixel format, whatever it is (nothing asked).
    Default = 0,
    /// Full colour: the server's own format when it is 32-bit true colour with 8-bit channels
    /// (nothing for the server to convert), RGB888 otherwise.
    #[default]
    Full = 1,
    /// 16-bit colour (RGB565).
    Medium = 2,
    /// 8-bit colour (BGR233, 256 colours).
    Low = 3,
    /// 8 bits per pixel with one bit per channel (RGB111, eight colours).
    UltraLow = 4,
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

/// Which credentials `vnc-auth-credential` asks for (a registered flags type, so that C,
/// Python and Vala test its bits by name).
#[glib::flags(name = "VncRsCredentialFlags")]
pub enum CredentialFlags {
    /// A user name ([`DisplayCredential::Username`]).
    #[flags_value(name = "USERNAME", nick = "username")]
    USERNAME = 1 << 0,
    /// A password ([`DisplayCredential::Password`]).
    #[flags_value(name = "PASSWORD", nick = "password")]
    PASSWORD = 1 << 1,
    /// A client name ([`DisplayCredential::ClientName`]; no security type of this version
    /// asks for it).
    #[flags_value(name = "CLIENTNAME", nick = "clientname")]
    CLIENTNAME = 1 << 2,
}

impl From<vnc_core::CredentialsNeeded> for CredentialFlags {
    fn from(needs: vnc_core::CredentialsNeeded) -> CredentialFlags {
        let mut wanted = CredentialFlags::empty();
        wanted.set(CredentialFlags::USERNAME, needs.username);
        wanted.set(CredentialFlags::PASSWORD, needs.password);
        wanted
    }
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

    /// The pixel memory the widget holds for the desktop beside its engine's framebuffer,
    /// for tests: at most one framebuffer's worth once a frame is drawn.
    #[doc(hidden)]
    pub fn pixel_memory(&self) -> crate::PixelMemory {
        self.imp()
            .tiles
            .borrow()
            .as_ref()
            .map(|t| t.memory())
            .unwrap_or_default()
    }

    /// The bytes the session's buffers hold now ([`vnc_core::Session::buffer_bytes`]), for
    /// tests: a connection without input for a second frees them.
    #[doc(hidden)]
    pub fn session_buffer_bytes(&self) -> usize {
        self.imp()
            .session
            .borrow()
            .as_ref()
            .map_or(0, |s| s.buffer_bytes())
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

    /// Closes the connection (or stops reconnecting); `vnc-disconnected` follows.
    pub fn close(&self) {
        self.imp().disconnect(None);
    }

    /// True while connecting, connected, or waiting to reconnect (see `reconnect`).
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

    /// The remote desktop's width (the `width` property; 0 until it is known). Not
    /// `width`, which is GTK's allocated width of the widget.
    pub fn remote_width(&self) -> i32 {
        self.imp().fb_width()
    }

    /// The remote desktop's height (the `height` property; 0 until it is known).
    pub fn remote_height(&self) -> i32 {
        self.imp().fb_height()
    }

    /// The remote desktop's name (the `name` property; empty until it is known).
    pub fn desktop_name(&self) -> String {
        self.imp().desktop_name()
    }

    /// The remote screen as a texture (None until the desktop is known), as the server has it:
    /// not turned by `rotation`.
    pub fn screenshot(&self) -> Option<gdk::Texture> {
        self.imp().screenshot()
    }

    /// Sets the key combination that grabs and releases keyboard and pointer (the
    /// `grab-keys` property, typed; gtk-vnc's `vnc_display_set_grab_keys`).
    ///
    /// ```no_run
    /// # let display = vnc_gtk::VncDisplay::new();
    /// use gtk::gdk;
    /// let seq = vnc_gtk::GrabSequence::new(&[gdk::Key::Control_R, gdk::Key::Shift_R]).unwrap();
    /// display.set_grab_sequence(&seq);
    /// assert_eq!(display.grab_keys(), "Control_R+Shift_R");
    /// ```
    pub fn set_grab_sequence(&self, seq: &crate::GrabSequence) {
        self.imp().set_grab_sequence(seq.clone());
    }

    /// The key combination that grabs and releases keyboard and pointer; its
    /// [`label`](crate::GrabSequence::label) tells a person which keys to press.
    pub fn grab_sequence(&self) -> crate::GrabSequence {
        self.imp().grab_sequence.borrow().0.clone()
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

    /// `vnc-auth-credential`: the credentials wanted, to answer with
    /// [`set_credential`](Self::set_credential) (or [`set_username`](Self::set_username) /
    /// [`set_password`](Self::set_password)), now or later (from a dialog).
    ///
    /// ```no_run
    /// # let display = vnc_gtk::VncDisplay::new();
    /// use vnc_gtk::CredentialFlags;
    /// display.connect_auth_credential(|d, wanted| {
    ///     if wanted.contains(CredentialFlags::USERNAME) {
    ///         d.set_username("alice");
    ///     }
    ///     d.set_password("secret");
    /// });
    /// ```
    pub fn connect_auth_credential<F: Fn(&Self, CredentialFlags) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-auth-credential",
            false,
            closure_local!(move |d: &Self, wanted: CredentialFlags| f(d, wanted)),
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

    /// `vnc-certificate-verification`: the server's certificate failed verification (with
    /// [`TlsConfig::ask_on_untrusted`]); the handler gets the certificate (with its validity
    /// dates) and why, and answers with [`accept_certificate`](Self::accept_certificate),
    /// now or later. The signal itself passes a [`Certificate`](crate::Certificate), a
    /// [`CertificateProblem`](crate::CertificateProblem) and the problem's message.
    pub fn connect_certificate_verification<
        F: Fn(&Self, &vnc_core::CertificateInfo, &vnc_core::CertificateProblem) + 'static,
    >(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-certificate-verification",
            false,
            closure_local!(move |d: &Self,
                                 certificate: &crate::Certificate,
                                 problem: crate::CertificateProblem,
                                 message: &str| {
                f(d, &certificate.info(), &problem.to_core(message))
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

    /// `vnc-reconnecting`: the connection dropped (or a new attempt failed) and, with the
    /// `reconnect` property, attempt number `attempt` (1 for the first) will be made after
    /// `delay`; `reason` says what happened, for a person. Calling [`close`](Self::close)
    /// stops it.
    ///
    /// ```no_run
    /// # let display = vnc_gtk::VncDisplay::new();
    /// display.set_reconnect(true);
    /// // The password given in answer to vnc-auth-credential serves the reconnections too.
    /// display.set_reconnect_keep_credentials(true);
    /// display.connect_reconnecting(|_, attempt, delay, reason| {
    ///     eprintln!("{reason}: attempt {attempt} in {delay:?}");
    /// });
    /// display.open_host("vm-host", 5901);
    /// ```
    pub fn connect_reconnecting<F: Fn(&Self, u32, Duration, &str) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_closure(
            "vnc-reconnecting",
            false,
            closure_local!(
                move |d: &Self, attempt: u32, delay_ms: u32, reason: &str| f(
                    d,
                    attempt,
                    Duration::from_millis(u64::from(delay_ms)),
                    reason
                )
            ),
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

    /// `vnc-pointer-grab` (true) and `vnc-pointer-ungrab` (false): the pointer was grabbed
    /// (hidden, and confined where the platform allows it: `pointer-confined`) or released.
    pub fn connect_pointer_grab<F: Fn(&Self, bool) + 'static>(
        &self,
        f: F,
    ) -> (glib::SignalHandlerId, glib::SignalHandlerId) {
        self.connect_grab_pair("vnc-pointer-grab", "vnc-pointer-ungrab", f)
    }

    /// Connects `f` to a grab signal (true) and its ungrab signal (false).
    fn connect_grab_pair<F: Fn(&Self, bool) + 'static>(
        &self,
        grab: &str,
        ungrab: &str,
        f: F,
    ) -> (glib::SignalHandlerId, glib::SignalHandlerId) {
        let f = std::rc::Rc::new(f);
        let g = f.clone();
        (
            self.connect_closure(grab, false, closure_local!(move |d: &Self| f(d, true))),
            self.connect_closure(ungrab, false, closure_local!(move |d: &Self| g(d, false))),
        )
    }

    /// `vnc-keyboard-grab` (true) and `vnc-keyboard-ungrab` (false).
    pub fn connect_keyboard_grab<F: Fn(&Self, bool) + 'static>(
        &self,
        f: F,
    ) -> (glib::SignalHandlerId, glib::SignalHandlerId) {
        self.connect_grab_pair("vnc-keyboard-grab", "vnc-keyboard-ungrab", f)
    }
}
