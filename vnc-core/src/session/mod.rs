//! The session: the engine's public face, turning bytes from the server into events and
//! framebuffer changes, and the application's commands into bytes for the server. It owns no
//! socket, no clock and no executor; it holds the current state (a [`Handshake`] step or the
//! [`Running`] message loop) and the [`Context`] that lasts the whole connection.

mod audio;
mod clipboard;
mod input;
mod keyboard;
mod pointer;
mod power;
pub(crate) mod transport;

use std::collections::VecDeque;
use std::time::Instant;

use zeroize::Zeroizing;

use crate::config::{Config, PixelFormatRequest};
use crate::encoding::tight::TightStreams;
use crate::encoding::zlib::ZlibStreams;
use crate::encoding::zrle_inflate::ZrleInflate;
use crate::encoding::{DecodeContext, Encoding};
use crate::error::Error;
use crate::event::Event;
use crate::framebuffer::{Framebuffer, Rect};
use crate::handshake::Handshake;
use crate::handshake::auth::{self, Auth, Credentials};
use crate::handshake::tls_step::TlsStep;
use crate::handshake::version::ProtocolVersion;
use crate::jpeg::Jpeg;
use crate::messages::client;
use crate::pixel_format::{Converter, PixelFormat};
use crate::random::Random;
use crate::running::Running;
use crate::security::{Credential, CredentialsNeeded, SecurityType};
use crate::threading::Threading;

use self::audio::Audio;
use self::clipboard::Clipboard;
use self::keyboard::Keyboard;
use self::pointer::Pointer;
use self::power::Power;
pub use self::power::PowerAction;
use self::transport::Transport;

/// Where the session is.
pub(crate) enum State {
    Handshake(Handshake),
    Running(Running),
    /// Finished, by error or end of stream.
    Closed,
}

/// The handshake deadline. While the application is asked for credentials it is paused; after
/// that it is re-armed at the next [`Session::handle_timeout`].
#[derive(Clone, Copy)]
pub(crate) enum Deadline {
    None,
    At(Instant),
    Paused,
    Rearm,
}

impl Deadline {
    /// Stops the clock while the application is asked for something.
    pub(crate) fn pause(&mut self) {
        if matches!(self, Deadline::At(_)) {
            *self = Deadline::Paused;
        }
    }

    /// The application answered: the clock starts again at the next `handle_timeout`.
    pub(crate) fn resume(&mut self) {
        if matches!(self, Deadline::Paused) {
            *self = Deadline::Rearm;
        }
    }

    /// No deadline any more (the handshake is over).
    pub(crate) fn clear(&mut self) {
        *self = Deadline::None;
    }
}

/// What lasts the whole connection, whatever the state: the steps of the handshake and the
/// message loop work on it.
pub(crate) struct Context {
    pub(crate) config: Config,
    pub(crate) io: Transport,
    pub(crate) events: VecDeque<Event>,
    pub(crate) fb: Framebuffer,
    /// The pixel format rectangles are decoded in, and its converter.
    pub(crate) pixel_format: PixelFormat,
    pub(crate) conv: Converter,
    pub(crate) server_pixel_format: PixelFormat,
    /// ZRLE's zlib stream, inflated inline or on a helper thread.
    pub(crate) zrle: ZrleInflate,
    /// Tight's four zlib streams.
    pub(crate) tight: TightStreams,
    /// The Zlib and ZlibHex zlib streams.
    pub(crate) zlib: ZlibStreams,
    /// Rectangle headers read, per encoding (indexed as [`Encoding::ALL`]).
    pub(crate) rects_read: [u64; Encoding::ALL.len()],
    pub(crate) version: Option<ProtocolVersion>,
    pub(crate) security: Option<SecurityType>,
    pub(crate) name: String,
    pub(crate) credentials: Credentials,
    /// The application paused the automatic update requests.
    pub(crate) updates_paused: bool,
    /// ContinuousUpdates has been announced (ever: messages may still be in flight after
    /// an announcement without it), so EndOfContinuousUpdates is a message.
    pub(crate) announced_continuous_updates: bool,
    /// Fence has been announced (ever), so Fence is a message.
    pub(crate) announced_fence: bool,
    pub(crate) deadline: Deadline,
    /// Scancodes and lock keys.
    pub(crate) keyboard: Keyboard,
    /// The pointer mode and the last position sent.
    pub(crate) pointer: Pointer,
    /// Power control (xvp).
    pub(crate) power: Power,
    /// QEMU audio.
    pub(crate) audio: Audio,
    /// Clipboard text, plain and Extended.
    pub(crate) clipboard: Clipboard,
    /// Random bytes for key exchanges.
    pub(crate) random: Random,
}

impl Context {
    /// Draws the ZRLE rectangles whose bytes are back from the helper; with `settle`, waits
    /// for all whose input is complete.
    pub(crate) fn draw_zrle(&mut self, settle: bool) -> Result<(), Error> {
        let Context {
            zrle,
            fb,
            conv,
            events,
            io,
            ..
        } = self;
        zrle.draw(fb, conv, settle, events, &mut io.out)
    }

    /// What a decoder may use.
    pub(crate) fn decode_context(&mut self) -> DecodeContext<'_> {
        DecodeContext {
            fb: &mut self.fb,
            conv: &self.conv,
            limits: &self.config.limits,
            zrle: &mut self.zrle,
            tight: &mut self.tight,
            zlib: &mut self.zlib,
            out_len: self.io.out.len(),
        }
    }

    pub(crate) fn use_pixel_format(&mut self, pf: PixelFormat) {
        self.pixel_format = pf;
        self.conv = Converter::new(&pf);
    }

    /// Sends SetEncodings: the configured encodings, then the JPEG pseudo-encodings if lossy
    /// compression is on.
    pub(crate) fn send_encodings(&mut self) {
        let jpeg: Vec<i32> = self
            .config
            .jpeg
            .iter()
            .flat_map(|j| j.pseudo_encodings())
            .collect();
        if !jpeg.is_empty() && !self.config.encodings.contains(&Encoding::Tight) {
            tracing::warn!(
                "JPEG is asked for but Tight is not announced: the server has no encoding to send JPEG in, so every pixel stays exact"
            );
        }
        client::set_encodings(&mut self.io.out, &self.config.encodings, &jpeg);
        let announced = |e| self.config.encodings.contains(&e);
        self.announced_continuous_updates |= announced(Encoding::ContinuousUpdates);
        self.announced_fence |= announced(Encoding::Fence);
        if self.config.encodings.contains(&Encoding::QemuAudio) {
            self.audio.acknowledgement_due();
        }
    }

    pub(crate) fn full_rect(&self) -> Rect {
        Rect::new(0, 0, self.fb.width(), self.fb.height())
    }

    /// `pump` for commands, which return nothing: a TLS failure is logged, and the caller
    /// closes the session.
    fn pump(&mut self) -> bool {
        match self.io.pump() {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "cannot send to the server");
                false
            }
        }
    }
}

/// An RFB client session.
///
/// Feed it what the server sends with [`feed`](Self::feed), send what
/// [`pending_output`](Self::pending_output) holds to the server, handle
/// [`poll_event`](Self::poll_event)'s events, and call
/// [`handle_timeout`](Self::handle_timeout) when [`poll_timeout`](Self::poll_timeout)'s instant
/// has passed. Input may be split anywhere: the result is the same whether the stream arrives
/// whole or one byte at a time.
///
/// ```
/// use std::time::Instant;
/// use vnc_core::{Config, Event, Session};
///
/// let mut session = Session::new(Config::default(), Instant::now());
/// // Nothing is sent before the server's version string.
/// assert!(!session.wants_write());
/// session.feed(b"RFB 003.008\n").unwrap();
/// assert_eq!(session.take_output(), b"RFB 003.008\n");
/// // The server offers security type None.
/// session.feed(&[1, 1]).unwrap();
/// assert_eq!(session.take_output(), [1]);
/// assert!(matches!(session.poll_event(), Some(Event::VersionNegotiated(_))));
/// ```
pub struct Session {
    state: State,
    cx: Context,
    last_now: Instant,
    /// An error found by a command that returns nothing, reported by `handle_timeout`.
    failed: Option<Error>,
}

impl Session {
    /// A new session, ready for the server's first bytes, with the default [`Threading`].
    /// `now` starts the handshake timer.
    pub fn new(config: Config, now: Instant) -> Session {
        Session::with_threading(config, Threading::default(), now)
    }

    /// A new session that may start the threads `threading` allows.
    pub fn with_threading(config: Config, threading: Threading, now: Instant) -> Session {
        let deadline = match config.handshake_timeout {
            Some(d) => Deadline::At(now + d),
            None => Deadline::None,
        };
        let pf = PixelFormat::RGB888;
        let fb = match &config.pixel_allocator {
            Some(a) => Framebuffer::new_in(0, 0, a.clone()),
            None => Framebuffer::new(0, 0),
        };
        Session {
            state: State::Handshake(Handshake::Version),
            cx: Context {
                config,
                io: Transport::default(),
                events: VecDeque::new(),
                fb,
                pixel_format: pf,
                conv: Converter::new(&pf),
                server_pixel_format: pf,
                zrle: ZrleInflate::new(threading),
                tight: TightStreams::new(),
                zlib: ZlibStreams::default(),
                rects_read: [0; Encoding::ALL.len()],
                version: None,
                security: None,
                name: String::new(),
                credentials: Credentials::default(),
                updates_paused: false,
                announced_continuous_updates: false,
                announced_fence: false,
                deadline,
                keyboard: Keyboard::default(),
                pointer: Pointer::default(),
                power: Power::default(),
                audio: Audio::default(),
                clipboard: Clipboard::default(),
                random: Random::default(),
            },
            last_now: now,
            failed: None,
        }
    }

    /// Sends what commands wrote; a TLS failure closes the session, and the next `feed`
    /// reports it as closed.
    fn pump_or_close(&mut self) {
        if !self.cx.pump() {
            self.close();
        }
    }

    // ----- output -----

    /// True when there are bytes to send to the server.
    pub fn wants_write(&self) -> bool {
        self.cx.io.wants_write()
    }

    /// The bytes waiting to be sent. Call [`consume_output`](Self::consume_output) with how
    /// many were written.
    pub fn pending_output(&self) -> &[u8] {
        self.cx.io.pending_output()
    }

    /// Marks `n` bytes of [`pending_output`](Self::pending_output) as sent.
    pub fn consume_output(&mut self, n: usize) {
        self.cx.io.consume_output(n);
    }

    /// Takes all pending output at once.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.cx.io.take_output()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.cx.events.pop_front()
    }

    // ----- time -----

    /// When [`handle_timeout`](Self::handle_timeout) should be called next, if at all.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.failed.is_some() {
            return Some(self.last_now);
        }
        if matches!(&self.state, State::Running(r) if r.flow.wants_time()) {
            // A round-trip measurement needs the current time.
            return Some(self.last_now);
        }
        match self.cx.deadline {
            Deadline::At(t) => Some(t),
            // Re-arming needs the current time: ask to be called right away.
            Deadline::Rearm => Some(self.last_now),
            Deadline::None | Deadline::Paused => None,
        }
    }

    /// Tells the session what time it is. Fails with [`Error::Timeout`] when the handshake
    /// deadline has passed.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Error> {
        self.last_now = now;
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if let State::Running(running) = &mut self.state {
            running.flow.tick(&mut self.cx, now);
            self.pump_or_close();
        }
        match self.cx.deadline {
            Deadline::At(t) if now >= t => {
                let step = self.step();
                self.close();
                Err(Error::Timeout { step })
            }
            Deadline::Rearm => {
                self.cx.deadline = match self.cx.config.handshake_timeout {
                    Some(d) => Deadline::At(now + d),
                    None => Deadline::None,
                };
                Ok(())
            }
            _ => Ok(()),
        }
    }

    // ----- commands -----

    /// Supplies a credential, before the session asks for it or in answer to
    /// [`Event::CredentialsRequired`]. The value is wiped from memory when no longer needed.
    pub fn set_credential(&mut self, kind: Credential, value: &str) {
        let v = Some(Zeroizing::new(value.to_owned()));
        match kind {
            Credential::Username => self.cx.credentials.username = v,
            Credential::Password => self.cx.credentials.password = v,
        }
        if let State::Handshake(Handshake::Auth(Auth::AwaitCredentials(pending))) = &self.state {
            let missing = self.cx.credentials.missing_for(pending.needs());
            if !missing.username && !missing.password {
                let State::Handshake(Handshake::Auth(Auth::AwaitCredentials(pending))) =
                    std::mem::replace(&mut self.state, State::Closed)
                else {
                    unreachable!("checked above")
                };
                self.cx.deadline.resume();
                match auth::resume(&mut self.cx, pending) {
                    Ok(next) => {
                        self.state = State::Handshake(next);
                        self.pump_or_close();
                    }
                    // A SASL mechanism can fail on the credentials: the error comes at the
                    // next `handle_timeout`, which `poll_timeout` asks for at once.
                    Err(e) => {
                        self.close();
                        self.failed = Some(e);
                    }
                }
            }
        }
    }

    /// Makes the session's random bytes (the private keys and fillings of ARD and MS-Logon II)
    /// come from `source`, which fills each buffer it is handed: for tests with known-answer
    /// vectors and transcripts that must not change from run to run. Never in real use.
    #[cfg(any(test, feature = "testing"))]
    pub fn set_random_source(&mut self, source: impl FnMut(&mut [u8]) + Send + Sync + 'static) {
        self.cx.random.fixed = Some(Box::new(source));
    }

    /// Answers [`Event::CertificateUnverified`]: trust the certificate for this session, or
    /// refuse it (the session closes with [`Error::CertificateRefused`]).
    pub fn accept_certificate(&mut self, accept: bool) -> Result<(), Error> {
        if !matches!(
            self.state,
            State::Handshake(Handshake::Tls(TlsStep::AwaitCertificate { .. }))
        ) {
            return Ok(());
        }
        let State::Handshake(Handshake::Tls(step)) =
            std::mem::replace(&mut self.state, State::Closed)
        else {
            unreachable!("checked above")
        };
        let r = step.decide(&mut self.cx, accept).and_then(|next| {
            self.state = State::Handshake(next);
            // Protocol bytes may have arrived meanwhile.
            self.feed_plain(&[])?;
            self.cx.io.pump()
        });
        if let Err(e) = &r {
            self.close();
            return Err(e.clone());
        }
        Ok(())
    }

    /// Answers [`Event::RootCertificatesRequired`] with the trusted CA certificates, each in
    /// DER (usually [`trust_store::system_roots`](crate::trust_store::system_roots)): TLS
    /// starts with them. An empty list is an answer too: the certificate is then verified as
    /// without roots (pins, known certificates or the application's decision). Given before
    /// the session asks, they are used for the x509 step to come and the session does not
    /// ask. Either way they become [`TlsConfig::root_certificates`](crate::TlsConfig). An
    /// error starting TLS closes the session.
    pub fn set_root_certificates(&mut self, roots: Vec<Vec<u8>>) -> Result<(), Error> {
        let tls = &mut self.cx.config.tls;
        tls.root_certificates = roots;
        tls.system_roots_on_demand = false;
        if !matches!(
            self.state,
            State::Handshake(Handshake::Tls(TlsStep::AwaitRoots(_)))
        ) {
            return Ok(());
        }
        let State::Handshake(Handshake::Tls(step)) =
            std::mem::replace(&mut self.state, State::Closed)
        else {
            unreachable!("checked above")
        };
        let r = step.roots_given(&mut self.cx).and_then(|next| {
            self.state = State::Handshake(next);
            // What the server sent meanwhile came after the sub-type's acknowledgement, so
            // it is TLS.
            let early = std::mem::take(&mut self.cx.io.inbuf);
            self.feed_layer(&early)?;
            self.cx.io.pump()
        });
        if let Err(e) = &r {
            self.close();
            return Err(e.clone());
        }
        Ok(())
    }

    /// Asks for an update of the whole framebuffer, incremental (only what changed) or full.
    pub fn request_update(&mut self, incremental: bool) {
        self.request_update_region(self.cx.full_rect(), incremental);
    }

    /// Asks for an update of `rect` (clipped to the framebuffer).
    pub fn request_update_region(&mut self, rect: Rect, incremental: bool) {
        let State::Running(running) = &mut self.state else {
            return;
        };
        let fb = &self.cx.fb;
        let x = rect.x.min(fb.width());
        let y = rect.y.min(fb.height());
        let w = rect.width.min(fb.width() - x);
        let h = rect.height.min(fb.height() - y);
        running
            .flow
            .send_request(&mut self.cx, incremental, Rect::new(x, y, w, h));
        self.pump_or_close();
    }

    /// Pauses or resumes the automatic updates (for a hidden window). Pausing disables
    /// continuous updates if they are on; resuming enables them again, or asks for an
    /// incremental update at once if none is in flight.
    pub fn set_updates_paused(&mut self, paused: bool) {
        let was = std::mem::replace(&mut self.cx.updates_paused, paused);
        if !was && paused {
            if let State::Running(running) = &mut self.state {
                running.flow.pause(&mut self.cx);
            }
        }
        if was && !paused {
            if let State::Running(running) = &mut self.state {
                let receiving = running.receiving_update();
                running.flow.resume(&mut self.cx, receiving);
            }
        }
        self.pump_or_close();
    }

    /// Changes the announced encodings; sent at once when initialised (followed by the JPEG
    /// pseudo-encodings of [`Config::jpeg`], which stays as it is).
    pub fn set_encodings(&mut self, encodings: &[Encoding]) {
        self.cx.config.encodings = encodings.to_vec();
        self.cx.keyboard.encodings_changed(encodings);
        self.cx.pointer.encodings_changed(encodings);
        self.cx.power.encodings_changed(encodings);
        self.cx.clipboard.encodings_changed(encodings);
        self.cx
            .audio
            .encodings_changed(encodings, &mut self.cx.events, &mut self.cx.io.out);
        if self.is_initialized() {
            self.cx.send_encodings();
        }
        self.pump_or_close();
    }

    /// Turns lossy compression on (`Some`) or off, or changes its settings: see
    /// [`Config::jpeg`]. When initialised and the setting changes, SetEncodings goes out at
    /// once with the new pseudo-encodings, followed by a request for a full (non-incremental)
    /// update, so that the whole picture shows the new setting at once: back to lossless,
    /// every pixel is exact again after that update. Nothing lossy happens unless
    /// [`Encoding::Tight`] is announced too.
    ///
    /// ```
    /// use vnc_core::{Config, Encoding, Jpeg, Session};
    /// let mut config = Config::default();
    /// config.encodings.insert(0, Encoding::Tight);
    /// let mut session = Session::new(config, std::time::Instant::now());
    /// session.set_jpeg(Some(Jpeg::new(8).unwrap()));
    /// assert_eq!(session.config().jpeg.map(|j| j.quality()), Some(8));
    /// ```
    pub fn set_jpeg(&mut self, jpeg: Option<Jpeg>) {
        if std::mem::replace(&mut self.cx.config.jpeg, jpeg) == jpeg {
            return;
        }
        let State::Running(running) = &mut self.state else {
            return;
        };
        self.cx.send_encodings();
        let all = self.cx.full_rect();
        running.flow.send_request(&mut self.cx, false, all);
        self.pump_or_close();
    }

    /// Changes the pixel format to ask for. After initialisation the switch happens between
    /// updates (when no request is in flight), followed by a full update, so no rectangle is
    /// ever decoded in the wrong format.
    pub fn set_pixel_format(&mut self, request: PixelFormatRequest) {
        self.cx.config.pixel_format = request;
        let State::Running(running) = &mut self.state else {
            return;
        };
        let (pf, _) = request.resolve(self.cx.server_pixel_format);
        if let Err(e) = pf.validate() {
            tracing::warn!(pixel_format = ?pf, error = %e, "ignoring a pixel format that cannot be decoded");
            return;
        }
        let receiving = running.receiving_update();
        running.flow.set_pixel_format(&mut self.cx, pf, receiving);
        self.pump_or_close();
    }

    /// True once the server has shown it supports ExtendedDesktopSize, so that
    /// [`set_desktop_size`](Self::set_desktop_size) can work.
    pub fn can_resize_desktop(&self) -> bool {
        matches!(&self.state, State::Running(r) if r.layout.is_some())
    }

    /// Asks the server to resize the desktop (SetDesktopSize) to `width` x `height`, keeping
    /// the server's screens and their ids: one screen takes the whole new size; of several,
    /// each keeps its place and is clipped to the new size, and those left entirely outside
    /// are dropped (the first is kept, clipped or shrunk, so the layout never empties), as
    /// TigerVNC's viewer does when its window is resized. Ignored if the server does not
    /// support it; the answer comes as [`Event::DesktopLayout`] with
    /// [`ResizeReason::ThisClient`](crate::ResizeReason).
    pub fn set_desktop_size(&mut self, width: u16, height: u16) {
        let Some(screens) = self.desktop_layout() else {
            return;
        };
        if width == 0 || height == 0 {
            return;
        }
        let layout = resized_layout(screens, width, height);
        self.set_desktop_layout(width, height, &layout);
    }

    /// Asks the server for a desktop of `width` x `height` made of `screens` (SetDesktopSize
    /// with a multi-screen layout). Ids of the server's screens keep those screens; a new id
    /// asks for a new screen. Ignored if the server does not support it or the layout is not
    /// one a server could take: no screen, more than 255, or a screen empty or reaching past
    /// the desktop. The answer, with the server's result code, comes as
    /// [`Event::DesktopLayout`] with [`ResizeReason::ThisClient`](crate::ResizeReason).
    ///
    /// ```
    /// # use vnc_core::{Config, Screen, Session};
    /// # let mut session = Session::new(Config::default(), std::time::Instant::now());
    /// // Two side-by-side screens of 1280x1024.
    /// let left = Screen { id: 1, x: 0, y: 0, width: 1280, height: 1024, flags: 0 };
    /// let right = Screen { id: 2, x: 1280, ..left };
    /// session.set_desktop_layout(2560, 1024, &[left, right]);
    /// ```
    pub fn set_desktop_layout(&mut self, width: u16, height: u16, screens: &[crate::Screen]) {
        if !self.can_resize_desktop() {
            return;
        }
        let fits = |s: &crate::Screen| {
            s.width > 0
                && s.height > 0
                && u32::from(s.x) + u32::from(s.width) <= u32::from(width)
                && u32::from(s.y) + u32::from(s.height) <= u32::from(height)
        };
        if width == 0 || height == 0 || screens.is_empty() || screens.len() > 255 {
            return;
        }
        if !screens.iter().all(fits) {
            tracing::warn!("SetDesktopSize not sent: a screen lies outside {width}x{height}");
            return;
        }
        client::set_desktop_size(&mut self.cx.io.out, width, height, screens);
        self.pump_or_close();
    }

    /// The screen layout the server sent last (ExtendedDesktopSize), with the servers' ids;
    /// `None` until it has sent one.
    pub fn desktop_layout(&self) -> Option<&[crate::Screen]> {
        match &self.state {
            State::Running(r) => r.layout.as_deref(),
            _ => None,
        }
    }

    // ----- state -----

    /// The framebuffer (black and 0x0 before ServerInit).
    pub fn framebuffer(&self) -> &Framebuffer {
        &self.cx.fb
    }

    /// How many rectangles (pseudo-rectangles included) of `encoding` the server has sent so
    /// far: which encodings a server actually uses among those announced.
    pub fn rectangles_read(&self, encoding: Encoding) -> u64 {
        self.cx.rects_read[encoding.index()]
    }

    /// Ends the session and keeps its framebuffer, without copying it (a screenshot tool's
    /// last step).
    ///
    /// ```
    /// # use vnc_core::{Config, Session};
    /// let session = Session::new(Config::default(), std::time::Instant::now());
    /// let fb = session.into_framebuffer();
    /// assert_eq!((fb.width(), fb.height()), (0, 0));
    /// ```
    pub fn into_framebuffer(self) -> Framebuffer {
        self.cx.fb
    }

    /// True while continuous updates are on: the server pushes updates without requests
    /// (see [`Config::continuous_updates`]). [`Event::ContinuousUpdates`] says when this
    /// changes.
    pub fn continuous_updates_enabled(&self) -> bool {
        matches!(&self.state, State::Running(r) if r.flow.continuous())
    }

    /// True once the server has sent a Fence request ([`Encoding::Fence`] announced): pixel
    /// format changes under continuous updates then go behind fences.
    pub fn fences_supported(&self) -> bool {
        matches!(&self.state, State::Running(r) if r.flow.fences())
    }

    /// Measures the round trip to the server with a fence, if the server supports them
    /// ([`fences_supported`](Self::fences_supported)) and no measurement is under way: the
    /// result comes as [`Event::RoundTrip`]. The engine has no clock, so it asks for
    /// [`handle_timeout`](Self::handle_timeout) at once to send the fence, and again when the
    /// answer arrives; adapters that follow [`poll_timeout`](Self::poll_timeout) do that.
    pub fn measure_round_trip(&mut self) {
        if let State::Running(running) = &mut self.state {
            running.flow.measure();
        }
    }

    /// The last round trip measured with a fence (see [`Event::RoundTrip`]).
    pub fn round_trip_time(&self) -> Option<std::time::Duration> {
        match &self.state {
            State::Running(r) => r.flow.rtt,
            _ => None,
        }
    }

    /// True once ServerInit has been received and until the session closes.
    pub fn is_initialized(&self) -> bool {
        matches!(self.state, State::Running(_))
    }

    /// True once the session has ended, by error or end of stream.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.cx.version
    }

    /// The chosen security type.
    pub fn security_type(&self) -> Option<SecurityType> {
        self.cx.security
    }

    /// The desktop name.
    pub fn desktop_name(&self) -> &str {
        &self.cx.name
    }

    /// The pixel format rectangles are currently decoded in.
    pub fn pixel_format(&self) -> &PixelFormat {
        &self.cx.pixel_format
    }

    /// The server's native pixel format from ServerInit.
    pub fn server_pixel_format(&self) -> &PixelFormat {
        &self.cx.server_pixel_format
    }

    /// The configuration (with any changes made by commands since).
    pub fn config(&self) -> &Config {
        &self.cx.config
    }

    /// True when the session waits for [`set_credential`](Self::set_credential).
    pub fn credentials_needed(&self) -> Option<CredentialsNeeded> {
        match &self.state {
            State::Handshake(Handshake::Auth(Auth::AwaitCredentials(pending))) => {
                Some(self.cx.credentials.missing_for(pending.needs()))
            }
            _ => None,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("version", &self.cx.version)
            .field("security", &self.cx.security)
            .field("framebuffer", &self.cx.fb)
            .finish_non_exhaustive()
    }
}

/// The server's `screens` fitted to a `width` x `height` desktop: see
/// [`Session::set_desktop_size`].
fn resized_layout(screens: &[crate::Screen], width: u16, height: u16) -> Vec<crate::Screen> {
    if let [only] = screens {
        return vec![crate::Screen {
            x: 0,
            y: 0,
            width,
            height,
            ..*only
        }];
    }
    let mut out: Vec<crate::Screen> = screens
        .iter()
        .filter(|s| s.x < width && s.y < height)
        .map(|s| crate::Screen {
            width: s.width.min(width - s.x),
            height: s.height.min(height - s.y),
            ..*s
        })
        .filter(|s| s.width > 0 && s.height > 0)
        .collect();
    if out.is_empty() {
        let first = screens.first().copied().unwrap_or_default();
        out.push(crate::Screen {
            x: 0,
            y: 0,
            width,
            height,
            ..first
        });
    }
    out
}

#[cfg(test)]
mod layout_tests {
    use super::resized_layout;
    use crate::Screen;

    fn screen(id: u32, x: u16, y: u16, width: u16, height: u16) -> Screen {
        Screen {
            id,
            x,
            y,
            width,
            height,
            flags: 0,
        }
    }

    #[test]
    fn one_screen_takes_the_new_size_and_keeps_its_id() {
        assert_eq!(
            resized_layout(&[screen(7, 10, 10, 100, 100)], 640, 480),
            [screen(7, 0, 0, 640, 480)]
        );
    }

    #[test]
    fn several_screens_are_clipped_and_those_outside_dropped() {
        let two = [screen(1, 0, 0, 400, 300), screen(2, 400, 0, 400, 300)];
        assert_eq!(
            resized_layout(&two, 600, 200),
            [screen(1, 0, 0, 400, 200), screen(2, 400, 0, 200, 200)]
        );
        assert_eq!(resized_layout(&two, 300, 300), [screen(1, 0, 0, 300, 300)]);
        let right_only = [screen(2, 400, 0, 400, 300), screen(1, 0, 0, 0, 0)];
        assert_eq!(
            resized_layout(&right_only, 300, 300),
            [screen(2, 0, 0, 300, 300)]
        );
    }
}
