//! The connection driver: the gio stream read and written from the glib main loop, the
//! engine's timer, the calls into the engine and the end of the connection. The session is
//! borrowed only around engine calls; its events are handled after the borrow ends.

use std::time::Instant;

use gtk::gio;
use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use vnc_core::{
    Address, Config, Credential, Error as VncError, Event, Jpeg, PixelFormatRequest, Session,
};

use super::Depth;
use super::imp::VncDisplay;

/// The open connection.
pub(super) struct Conn {
    stream: gio::IOStream,
    reader: Option<glib::JoinHandle<()>>,
    /// The task writing the session's output, while one runs.
    writer: Option<glib::JoinHandle<()>>,
    timer: Option<glib::SourceId>,
}

impl VncDisplay {
    pub(super) fn is_open(&self) -> bool {
        self.conn.borrow().is_some() || !self.disconnected_emitted.get()
    }

    pub(super) fn open(&self, address: Address) {
        self.disconnect(None);
        self.disconnected_emitted.set(false);
        self.server.replace(address.to_string());
        self.reconnect_target(Some(address.clone()));
        self.connect_to(&address);
    }

    /// Connects to `address` (a first connection, or a reconnection).
    pub(super) fn connect_to(&self, address: &Address) {
        let server = address.to_string();
        let connectable: gio::SocketConnectable = match address {
            Address::Tcp { host, port } => gio::NetworkAddress::new(host, *port).upcast(),
            Address::Unix(path) => gio::UnixSocketAddress::new(path).upcast(),
        };
        let host = match address {
            Address::Tcp { host, .. } => Some(host.clone()),
            Address::Unix(_) => None,
        };
        let obj = self.obj();
        let attempt = self.attempt.get();
        glib::spawn_future_local(clone!(
            #[weak]
            obj,
            async move {
                let client = gio::SocketClient::new();
                let res = client.connect_future(&connectable).await;
                if obj.imp().attempt.get() != attempt {
                    // Closed or opened again meanwhile.
                    return;
                }
                match res {
                    Ok(conn) => obj.imp().start(conn.upcast(), server, host),
                    Err(e) => obj
                        .imp()
                        .connection_lost(Some(format!("cannot connect to {server}: {e}"))),
                }
            }
        ));
    }

    pub(super) fn open_stream(&self, stream: gio::IOStream, name: String, host: Option<String>) {
        self.disconnect(None);
        self.disconnected_emitted.set(false);
        self.server.replace(name.clone());
        self.start(stream, name, host);
    }

    fn config(&self, host: Option<String>) -> Config {
        let mut config = Config::default();
        config.shared = self.shared_flag.get();
        config.security_types = self.security_preference();
        config.require_encryption = self.require_encryption.get();
        config.pixel_format = depth_format(self.depth.get());
        config.server_name = host;
        config.tls = self.tls.borrow().clone();
        if config.tls.root_certificates.is_empty() {
            // Read when an x509 step asks (see `handle_events`), not for every session.
            config.tls.system_roots_on_demand = true;
        }
        config.jpeg = self.jpeg_setting();
        config.limits = self.limits.borrow().clone();
        config.handshake_timeout = self.handshake_timeout.get();
        // The tiles' textures share the framebuffer's memory instead of copying it.
        config.pixel_allocator = Some(crate::sys::shared_pixels::SharedPixels::allocator());
        config
    }

    /// The `depth` property: asks the running session (if any) for the new format.
    pub(super) fn set_depth(&self, d: Depth) {
        self.depth.set(d);
        let req = depth_format(d);
        self.with_session(|s| s.set_pixel_format(req));
    }

    /// The JPEG setting that the `lossy-encoding` and `jpeg-quality` properties mean: none
    /// (lossless), or JPEG at the quality. The widget announces `Encoding::DEFAULT`, which
    /// starts with Tight, the encoding JPEG comes in.
    fn jpeg_setting(&self) -> Option<Jpeg> {
        if !self.lossy_encoding.get() {
            return None;
        }
        // The property's range (0 to 9) is checked by GObject.
        let quality = u8::try_from(self.jpeg_quality.get().min(9)).unwrap_or(9);
        Jpeg::new(quality).ok()
    }

    /// The `lossy-encoding` and `jpeg-quality` properties: a running session switches at
    /// once, and is then sent a full update in the new setting.
    pub(super) fn apply_lossy(&self) {
        let jpeg = self.jpeg_setting();
        self.with_session(|s| s.set_jpeg(jpeg));
    }

    fn start(&self, stream: gio::IOStream, server: String, host: Option<String>) {
        let mut session =
            Session::with_threading(self.config(host), self.threading.get(), Instant::now());
        for (kind, value) in self.early_credentials.borrow().iter() {
            session.set_credential(*kind, value);
        }
        self.audio_for_new(&mut session);
        let old = self.session.take();
        self.session_starting(&mut session, old);
        self.session.replace(Some(session));
        // The new session has sent no LED State: the lock properties read false again.
        if let Some(old) = self.leds_seen.take() {
            self.lock_state_arrived(Some(old), vnc_core::LockState::default());
        }
        self.lock_taps.set((false, false));
        if !self.reconnecting() {
            // While reconnecting the last picture stays, and so does the widget's size.
            self.tiles.replace(None);
        }
        self.update_damage.take();
        let input = stream.input_stream();
        let obj = self.obj();
        let attempt = self.attempt.get();
        let reader = glib::spawn_future_local(clone!(
            #[weak]
            obj,
            async move {
                let mut buf = vec![0u8; 256 << 10];
                loop {
                    // A read that waits a second frees the session's buffers, once: an idle
                    // widget then arms no timer until input comes.
                    let read = input.read_future(buf, glib::Priority::DEFAULT);
                    let res = read_or_idle(read, || obj.imp().release_idle_buffers(attempt)).await;
                    let this = obj.imp();
                    if this.attempt.get() != attempt {
                        break;
                    }
                    match res {
                        Ok((b, 0)) => {
                            drop(b);
                            this.on_eof();
                            break;
                        }
                        Ok((b, n)) => {
                            buf = b;
                            if !this.on_data(&buf[..n]) {
                                break;
                            }
                        }
                        Err((_, e)) => {
                            let server = this.server.borrow().clone();
                            this.connection_lost(Some(format!("{server}: connection error: {e}")));
                            break;
                        }
                    }
                }
            }
        ));
        self.conn.replace(Some(Conn {
            stream,
            reader: Some(reader),
            writer: None,
            timer: None,
        }));
        tracing::debug!(server, "connected");
        self.obj().emit_by_name::<()>("vnc-connected", &[]);
        self.after_engine_call(Vec::new(), Ok(()));
    }

    /// The connection has had no input for [`IDLE`]: the session frees what it keeps only
    /// to go faster (decoders' windows, an idle ZRLE helper thread, emptied buffers).
    fn release_idle_buffers(&self, attempt: u64) {
        if self.attempt.get() == attempt
            && let Some(s) = self.session.borrow_mut().as_mut()
        {
            s.release_buffers();
        }
    }

    /// Ends the connection (with an error message, or quietly) and emits `vnc-disconnected`
    /// once. Nothing is retried after it.
    pub(super) fn disconnect(&self, error: Option<String>) {
        self.end_reconnect();
        self.teardown();
        let obj = self.obj();
        if let Some(msg) = error {
            tracing::debug!(error = %msg, "disconnecting");
            obj.emit_by_name::<()>("vnc-error", &[&msg]);
        }
        if !self.disconnected_emitted.replace(true) {
            obj.emit_by_name::<()>("vnc-disconnected", &[]);
        }
    }

    /// Closes the connection's stream and ends its tasks, emitting nothing.
    pub(super) fn teardown(&self) {
        self.attempt.set(self.attempt.get() + 1);
        if let Some(conn) = self.conn.take() {
            for task in [conn.reader, conn.writer].into_iter().flatten() {
                task.abort();
            }
            if let Some(t) = conn.timer {
                t.remove();
            }
            // Closing an already-closed stream only reports that again.
            let _ = conn.stream.close(gio::Cancellable::NONE);
        }
        self.release_all_keys_local();
        // The next server has said nothing yet: absolute, and a relative-mode grab ends.
        self.pointer_mode_changed(true);
        self.stop_audio();
    }

    fn on_eof(&self) {
        let result = self
            .session
            .borrow_mut()
            .as_mut()
            .map(|s| catch(|| s.feed_eof()));
        let result = match result.transpose() {
            Ok(r) => r,
            Err(message) => return self.internal_error("reading the end of the stream", &message),
        };
        match result {
            Some(Err(e)) => {
                let events = self.take_events();
                self.handle_events(events);
                self.fail(e);
            }
            // The server closed the connection: dropped, as far as the user is concerned.
            _ => self.connection_lost(None),
        }
    }

    /// Feeds server bytes; false once the connection is over.
    fn on_data(&self, data: &[u8]) -> bool {
        let result = match self.session.borrow_mut().as_mut() {
            Some(s) => catch(|| s.feed(data)),
            None => return false,
        };
        let result = match result {
            Ok(r) => r,
            Err(message) => {
                self.internal_error("reading the server's data", &message);
                return false;
            }
        };
        let events = self.take_events();
        self.after_engine_call(events, result)
    }

    /// Ends the connection after a panic (a bug: every input has a typed error) caught at
    /// the engine's or an API's boundary, with `vnc-error` naming what was being done.
    pub(super) fn internal_error(&self, doing: &str, message: &str) {
        let server = self.server.borrow().clone();
        tracing::error!(server, doing, message, "internal error");
        self.disconnect(Some(format!(
            "{server}: internal error while {doing} (please report it): {message}"
        )));
    }

    fn take_events(&self) -> Vec<Event> {
        match self.session.borrow_mut().as_mut() {
            Some(s) => std::iter::from_fn(|| s.poll_event()).collect(),
            None => Vec::new(),
        }
    }

    /// After any engine call: signals for its events, output to the socket, the next timer.
    fn after_engine_call(&self, events: Vec<Event>, result: Result<(), VncError>) -> bool {
        self.handle_events(events);
        if let Err(e) = result {
            self.fail(e);
            return false;
        }
        self.flush();
        self.schedule_timer();
        self.conn.borrow().is_some()
    }

    fn fail(&self, e: VncError) {
        let server = self.server.borrow().clone();
        if e.is_authentication_failure() {
            let reason = match &e {
                VncError::AuthenticationFailed { reason: Some(r) } => r.clone(),
                _ => String::new(),
            };
            self.obj()
                .emit_by_name::<()>("vnc-auth-failure", &[&reason]);
        }
        // No security type both sides accept (or one this build cannot do): gtk-vnc's
        // auth-unsupported, with the first type the server offered (0 if unknown).
        let unsupported = match &e {
            VncError::NoCommonSecurityType { offered, .. } => {
                Some(offered.first().copied().unwrap_or(0))
            }
            VncError::EncryptionRequired { .. } | VncError::SecurityPolicy(_) => Some(0),
            VncError::AnonTlsUnavailable => Some(18),
            _ => None,
        };
        if let Some(t) = unsupported {
            self.obj().emit_by_name::<()>("vnc-auth-unsupported", &[&t]);
        }
        let msg = format!("{server}: {e}");
        if super::reconnect::is_retryable(&e) {
            self.connection_lost(Some(msg));
        } else {
            self.disconnect(Some(msg));
        }
    }

    /// Runs an engine command and sends what it produced.
    pub(super) fn with_session(&self, f: impl FnOnce(&mut Session)) {
        let done = match self.session.borrow_mut().as_mut() {
            Some(s) => {
                f(s);
                true
            }
            None => false,
        };
        if done {
            let events = self.take_events();
            self.after_engine_call(events, Ok(()));
        }
    }

    pub(super) fn set_credential(&self, kind: Credential, value: &str) {
        if self.session.borrow().is_some() {
            self.keep_credential(kind, value);
            self.with_session(|s| s.set_credential(kind, value));
        } else {
            self.early_credentials
                .borrow_mut()
                .push((kind, zeroize::Zeroizing::new(value.to_owned())));
        }
    }

    pub(super) fn accept_certificate(&self, accept: bool) {
        let result = match self.session.borrow_mut().as_mut() {
            Some(s) => s.accept_certificate(accept),
            None => return,
        };
        let events = self.take_events();
        self.after_engine_call(events, result);
    }

    /// Answers [`Event::RootCertificatesRequired`](vnc_core::Event) with the system store.
    pub(super) fn give_system_roots(&self) {
        let roots = vnc_core::trust_store::system_roots();
        let result = match self.session.borrow_mut().as_mut() {
            Some(s) => s.set_root_certificates(roots),
            None => return,
        };
        let events = self.take_events();
        self.after_engine_call(events, result);
    }

    /// Writes what the session has for the server; one write task at a time.
    fn flush(&self) {
        let stream = {
            let conn = self.conn.borrow();
            let Some(conn) = conn.as_ref() else { return };
            if conn.writer.is_some() {
                return;
            }
            conn.stream.output_stream()
        };
        let obj = self.obj();
        let attempt = self.attempt.get();
        let writer = glib::spawn_future_local(clone!(
            #[weak]
            obj,
            async move {
                loop {
                    let this = obj.imp();
                    if this.attempt.get() != attempt {
                        // The connection this task wrote for is over.
                        return;
                    }
                    let bytes = this
                        .session
                        .borrow_mut()
                        .as_mut()
                        .map(|s| s.take_output())
                        .unwrap_or_default();
                    if bytes.is_empty() {
                        if let Some(c) = this.conn.borrow_mut().as_mut() {
                            c.writer = None;
                        }
                        return;
                    }
                    let res = stream
                        .write_all_future(bytes, glib::Priority::DEFAULT)
                        .await;
                    if let Err((_, e)) = res
                        && this.attempt.get() == attempt
                    {
                        let server = this.server.borrow().clone();
                        this.connection_lost(Some(format!("{server}: connection error: {e}")));
                        return;
                    }
                }
            }
        ));
        if let Some(c) = self.conn.borrow_mut().as_mut() {
            c.writer = Some(writer);
        }
    }

    fn schedule_timer(&self) {
        let deadline = self
            .session
            .borrow()
            .as_ref()
            .and_then(|s| s.poll_timeout());
        let mut conn = self.conn.borrow_mut();
        let Some(conn) = conn.as_mut() else { return };
        if let Some(t) = conn.timer.take() {
            t.remove();
        }
        let Some(deadline) = deadline else { return };
        let wait = deadline.saturating_duration_since(Instant::now());
        let obj = self.obj();
        conn.timer = Some(glib::timeout_add_local_once(
            wait,
            clone!(
                #[weak]
                obj,
                move || {
                    let this = obj.imp();
                    if let Some(c) = this.conn.borrow_mut().as_mut() {
                        c.timer = None;
                    }
                    let result = match this.session.borrow_mut().as_mut() {
                        Some(s) => s.handle_timeout(Instant::now()),
                        None => return,
                    };
                    let events = this.take_events();
                    this.after_engine_call(events, result);
                }
            ),
        ));
    }
}

fn depth_format(d: Depth) -> PixelFormatRequest {
    match d {
        Depth::Default => PixelFormatRequest::ServerNative,
        Depth::Full => PixelFormatRequest::Full32,
        Depth::Medium => PixelFormatRequest::MEDIUM,
        Depth::Low => PixelFormatRequest::LOW,
        Depth::UltraLow => PixelFormatRequest::ULTRA_LOW,
    }
}

/// Runs `f`, turning a panic into its message. The widget's work runs in callbacks from GTK's
/// C code, where an unwinding panic would abort the process.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

/// How long without input before the session frees its buffers.
const IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// Awaits `read`; should it take longer than [`IDLE`], calls `idle` once and goes on waiting
/// (the read is never cancelled: no byte is lost).
async fn read_or_idle<T>(read: impl std::future::Future<Output = T>, idle: impl FnOnce()) -> T {
    let mut read = std::pin::pin!(read);
    let mut timer = std::pin::pin!(glib::timeout_future(IDLE));
    let mut idle = Some(idle);
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(r) = read.as_mut().poll(cx) {
            return std::task::Poll::Ready(r);
        }
        if idle.is_some() && timer.as_mut().poll(cx).is_ready() {
            if let Some(f) = idle.take() {
                f();
            }
        }
        std::task::Poll::Pending
    })
    .await
}
