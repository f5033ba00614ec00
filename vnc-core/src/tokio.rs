//! The tokio adapter (feature `tokio`): resolve and connect with Happy Eyeballs, then drive a
//! [`Session`] over any async byte stream. It only moves bytes and time between the socket and
//! the engine; everything the protocol means lives in the engine.
//!
//! Unix sockets ([`Stream::Unix`], [`Address::Unix`]) and reading ahead
//! on a helper thread ([`ReadAhead`]) are Unix only; elsewhere a Unix address fails to connect
//! and the connection always reads on its own task. (`cargo check -p vnc-core
//! --no-default-features --features tokio --target x86_64-pc-windows-gnu` passes; the default
//! feature anon-tls needs an OpenSSL built for the target.)
//!
//! ```no_run
//! use vnc_core::{Address, Config, Event};
//! use vnc_core::tokio::{Connection, ConnectOptions};
//!
//! # async fn demo() -> Result<(), vnc_core::tokio::Error> {
//! let address: Address = "localhost:1".parse().unwrap();
//! let mut conn = Connection::connect(&address, Config::default(), &ConnectOptions::default()).await?;
//! while let Some(event) = conn.next_event().await? {
//!     if event == Event::FramebufferUpdateEnd {
//!         let fb = conn.session().framebuffer();
//!         println!("{}x{} frame", fb.width(), fb.height());
//!         break;
//!     }
//! }
//! # Ok(()) }
//! ```

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::future::Future;

mod command;
mod idle;
mod listen;
mod read_ahead;
pub use command::{Command, Handle};
use idle::{Idle, MIN_BUFFER, grown};
pub use listen::{LISTEN_PORT, Listener};
pub use read_ahead::ReadAhead;
use read_ahead::{BUFFER, Reader, Watch};

use ::tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use ::tokio::net::TcpStream;
#[cfg(unix)]
use ::tokio::net::UnixStream;
use ::tokio::sync::mpsc;
use ::tokio::task::JoinSet;
use ::tokio::time::{Instant, sleep, sleep_until, timeout};

use crate::address::{Address, CONNECTION_ATTEMPT_DELAY, happy_eyeballs_order};
use crate::burst_buffer::BurstBuffer;
use crate::repeater::{REPEATER_GREETING, Repeater, is_greeting};
use crate::{Config, Event, Session, Threading};

/// Errors of the tokio adapter: the transport's, and the engine's with the server named.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The host name did not resolve.
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        /// The name.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// No address accepted the connection.
    #[error("cannot connect to {server}: {source}")]
    Connect {
        /// The server as typed, with the address that failed last.
        server: String,
        /// The last connection error.
        source: io::Error,
    },
    /// Connecting took longer than [`ConnectOptions::connect_timeout`].
    #[error("connecting to {server} timed out after {timeout:?}")]
    ConnectTimeout {
        /// The server.
        server: String,
        /// The limit.
        timeout: Duration,
    },
    /// The address given as an UltraVNC repeater did not greet as one.
    #[error(
        "{server}: not an UltraVNC repeater: it sent {greeting:?} instead of \"RFB 000.000\\n\""
    )]
    NotRepeater {
        /// The repeater's address.
        server: String,
        /// Its first 12 bytes, as text.
        greeting: String,
    },
    /// Reading or writing the connection failed.
    #[error("{server}: connection error: {source}")]
    Io {
        /// The server.
        server: String,
        /// The error.
        source: io::Error,
    },
    /// The session failed (protocol, authentication, limits, handshake timeout).
    #[error("{server}: {source}")]
    Session {
        /// The server.
        server: String,
        /// The engine's error.
        source: crate::Error,
    },
}

impl Error {
    /// What kind of failure this is: the engine's [`kind`](crate::Error::kind) for a session
    /// error, else [`Resolve`](crate::ErrorKind::Resolve),
    /// [`Connect`](crate::ErrorKind::Connect), [`Timeout`](crate::ErrorKind::Timeout) or
    /// [`Io`](crate::ErrorKind::Io).
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            Error::Resolve { .. } => crate::ErrorKind::Resolve,
            Error::Connect { .. } => crate::ErrorKind::Connect,
            Error::ConnectTimeout { .. } => crate::ErrorKind::Timeout,
            Error::Io { .. } => crate::ErrorKind::Io,
            Error::NotRepeater { .. } => crate::ErrorKind::NotVnc,
            Error::Session { source, .. } => source.kind(),
        }
    }

    /// The engine's error, if this is one.
    pub fn session_error(&self) -> Option<&crate::Error> {
        match self {
            Error::Session { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How to connect.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Limit for resolving and connecting, and with a [`repeater`](Self::repeater) for its
    /// greeting (not the handshake: see [`Config::handshake_timeout`]).
    pub connect_timeout: Duration,
    /// Reach the server through the UltraVNC repeater at the address given to
    /// [`Connection::connect`]: after its greeting the repeater is told this destination
    /// (`ID:nnnn` or `host:port`), then the server's RFB handshake follows as usual.
    pub repeater: Option<Repeater>,
    /// When to read the socket on a helper thread while the session decodes.
    pub read_ahead: ReadAhead,
    /// When the configuration's TLS has no root certificates, trust the operating system's
    /// ([`trust_store::system_roots`](crate::trust_store::system_roots)). The store is read
    /// only when an x509 server's certificate is to be verified
    /// ([`TlsConfig::system_roots_on_demand`](crate::TlsConfig)), not for sessions without
    /// x509 TLS. True by default.
    pub system_roots: bool,
    /// Which threads the session may start (ZRLE's inflate helper by default, on machines
    /// with more than one CPU).
    pub threading: Threading,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(15),
            repeater: None,
            read_ahead: ReadAhead::default(),
            system_roots: true,
            threading: Threading::default(),
        }
    }
}

/// A connected byte stream: TCP or a Unix socket.
#[derive(Debug)]
pub enum Stream {
    /// TCP.
    Tcp(TcpStream),
    /// A Unix-domain socket (Unix only).
    #[cfg(unix)]
    Unix(UnixStream),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// Resolves `address` and connects, racing the resolved addresses with Happy Eyeballs.
pub async fn connect_stream(address: &Address, options: &ConnectOptions) -> Result<Stream, Error> {
    let server = address.to_string();
    let attempt = async {
        match address {
            #[cfg(unix)]
            Address::Unix(path) => {
                UnixStream::connect(path)
                    .await
                    .map(Stream::Unix)
                    .map_err(|source| Error::Connect {
                        server: server.clone(),
                        source,
                    })
            }
            #[cfg(not(unix))]
            Address::Unix(_) => Err(Error::Connect {
                server: server.clone(),
                source: io::Error::new(
                    io::ErrorKind::Unsupported,
                    "Unix sockets are not available on this system",
                ),
            }),
            Address::Tcp { host, port } => connect_tcp(host, *port).await.map(Stream::Tcp),
        }
    };
    match timeout(options.connect_timeout, attempt).await {
        Ok(r) => r,
        Err(_) => Err(Error::ConnectTimeout {
            server,
            timeout: options.connect_timeout,
        }),
    }
}

/// Connects to every address of `host` with Happy Eyeballs (RFC 8305): one attempt starts,
/// the next starts when it fails or after [`CONNECTION_ATTEMPT_DELAY`] without an answer; the
/// first to connect wins and the others are dropped (closed).
pub async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, Error> {
    let addrs: Vec<SocketAddr> = ::tokio::net::lookup_host((host, port))
        .await
        .map_err(|source| Error::Resolve {
            host: host.to_owned(),
            source,
        })?
        .collect();
    connect_addrs(&format!("{host} port {port}"), happy_eyeballs_order(addrs)).await
}

/// Races connections to `addrs`, in this order, with Happy Eyeballs timing (see
/// [`connect_tcp`]). `server` names them in errors.
pub async fn connect_addrs(server: &str, addrs: Vec<SocketAddr>) -> Result<TcpStream, Error> {
    tracing::debug!(server, addresses = ?addrs, "connecting");
    let mut attempts = JoinSet::new();
    let mut pending = addrs.iter().copied();
    let mut last_error = None;
    let mut start_next = true;
    loop {
        if start_next {
            if let Some(addr) = pending.next() {
                attempts.spawn(async move { (addr, TcpStream::connect(addr).await) });
            }
        }
        let more = pending.len() > 0;
        ::tokio::select! {
            done = attempts.join_next(), if !attempts.is_empty() => {
                match done {
                    Some(Ok((addr, Ok(stream)))) => {
                        tracing::debug!(%addr, "connected");
                        let _ = stream.set_nodelay(true);
                        return Ok(stream);
                    }
                    Some(Ok((addr, Err(e)))) => {
                        tracing::debug!(%addr, error = %e, "connection attempt failed");
                        last_error = Some((addr, e));
                        start_next = true;
                    }
                    // A panicked or cancelled attempt: treat like a failure.
                    Some(Err(_)) | None => start_next = true,
                }
            }
            _ = sleep(CONNECTION_ATTEMPT_DELAY), if more => start_next = true,
        }
        if attempts.is_empty() && pending.len() == 0 {
            let (server, source) = match last_error {
                Some((addr, e)) => (format!("{server} ({addr})"), e),
                None => (
                    server.to_owned(),
                    io::Error::new(io::ErrorKind::NotFound, "the name has no addresses"),
                ),
            };
            return Err(Error::Connect { server, source });
        }
    }
}

/// A session running over a stream: the adapter's loop, driven by [`next_event`](Self::next_event).
pub struct Connection<S = Stream> {
    stream: S,
    session: Session,
    server: String,
    /// The read buffer: [`MIN_BUFFER`] to [`BUFFER`] bytes (see [`idle`]).
    buf: BurstBuffer,
    ahead: Ahead<S>,
    idle: Idle,
}

/// Where the connection stands with reading ahead.
enum Ahead<S> {
    /// Reads on the connection's task for good.
    Off,
    /// Reads on the connection's task and watches whether decoding holds it back.
    Watching {
        start: fn(&S) -> io::Result<Reader>,
        watch: Watch,
    },
    /// A helper thread reads; with `start` when it was started by watching, to watch again
    /// once the connection is idle (and give its place to another connection).
    On {
        reader: Reader,
        start: Option<fn(&S) -> io::Result<Reader>>,
    },
}

impl Connection<Stream> {
    /// Connects to `address` and starts a session with `config`. The certificate of an x509
    /// TLS server is checked against [`Config::server_name`], or else the TCP address's host
    /// (a Unix socket has no host: give the name in the configuration).
    pub async fn connect(
        address: &Address,
        mut config: Config,
        options: &ConnectOptions,
    ) -> Result<Self, Error> {
        if let (None, Address::Tcp { host, .. }) = (&config.server_name, address) {
            // The server's certificate must be for what the user typed.
            config.server_name = Some(host.clone());
        }
        if options.system_roots && config.tls.root_certificates.is_empty() {
            // Read when an x509 step asks (next_event answers), not for every session.
            config.tls.system_roots_on_demand = true;
        }
        let mut stream = connect_stream(address, options).await?;
        if let Some(repeater) = &options.repeater {
            let server = address.to_string();
            match timeout(
                options.connect_timeout,
                repeater_preamble(&mut stream, repeater, &server),
            )
            .await
            {
                Ok(r) => r?,
                Err(_) => {
                    return Err(Error::ConnectTimeout {
                        server,
                        timeout: options.connect_timeout,
                    });
                }
            }
        }
        let session = Session::with_threading(config, options.threading, Instant::now().into_std());
        // Behind a repeater the server is the destination as reached through it.
        let name = match &options.repeater {
            Some(r) => format!("{address} ({r})"),
            None => address.to_string(),
        };
        let mut conn = Connection::new(stream, session, name);
        conn.set_read_ahead(options.read_ahead);
        Ok(conn)
    }

    /// Sets when this connection reads the socket on a helper thread (see [`ReadAhead`];
    /// [`connect`](Self::connect) sets it from [`ConnectOptions::read_ahead`]). Streams made
    /// with [`new`](Connection::new) read on the connection's task until this is called.
    /// While a helper runs this does nothing. With [`ReadAhead::Always`] a helper that the
    /// process's bound (one per CPU) left out is not asked for again.
    pub fn set_read_ahead(&mut self, policy: ReadAhead) {
        if matches!(self.ahead, Ahead::On { .. }) {
            return;
        }
        let parallel = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        self.ahead = match policy {
            ReadAhead::Never => Ahead::Off,
            ReadAhead::WhenDecodeBound if !parallel => Ahead::Off,
            ReadAhead::WhenDecodeBound => Ahead::Watching {
                start: Reader::start,
                watch: Watch::default(),
            },
            ReadAhead::Always => match Reader::start(&self.stream) {
                Ok(reader) => Ahead::On {
                    reader,
                    start: None,
                },
                Err(e) => {
                    tracing::debug!(error = %e, "cannot read ahead; reading on the task");
                    Ahead::Off
                }
            },
        };
    }

    /// True while a helper thread reads the socket.
    pub fn is_reading_ahead(&self) -> bool {
        matches!(self.ahead, Ahead::On { .. })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Runs `session` over a stream the caller already has (an accepted socket, an SSH
    /// tunnel's pipe...). `server` names the peer in errors. An x509 TLS server's certificate
    /// is checked against the session's [`Config::server_name`], which a stream cannot supply:
    /// give it in the configuration (or pin the certificate), else the handshake fails with
    /// [`crate::Error::ServerNameMissing`].
    pub fn new(stream: S, session: Session, server: impl Into<String>) -> Self {
        Connection {
            stream,
            session,
            server: server.into(),
            buf: BurstBuffer::new(MIN_BUFFER),
            ahead: Ahead::Off,
            idle: Idle::default(),
        }
    }

    /// The session, for its framebuffer and state.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, for commands (key, pointer, credentials...). What they queue is sent by
    /// the next [`next_event`](Self::next_event) or [`flush`](Self::flush).
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The server's name, as used in errors.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Gives back the session and the stream. Bytes a read-ahead thread took from the
    /// stream are fed to the session first, so none are lost.
    pub fn into_parts(mut self) -> (S, Session) {
        if let Ahead::On { reader, .. } = std::mem::replace(&mut self.ahead, Ahead::Off) {
            for chunk in reader.stop() {
                let Ok((buf, n)) = chunk else { break };
                // A failure is the session's state now, as after any feed.
                let _ = feed_read(&mut self.session, &buf[..n]);
            }
        }
        (self.stream, self.session)
    }

    fn session_error(&self, source: crate::Error) -> Error {
        Error::Session {
            server: self.server.clone(),
            source,
        }
    }

    fn io_error(&self, source: io::Error) -> Error {
        Error::Io {
            server: self.server.clone(),
            source,
        }
    }

    /// Writes everything the session has queued.
    pub async fn flush(&mut self) -> Result<(), Error> {
        while self.session.wants_write() {
            match self.stream.write(self.session.pending_output()).await {
                Ok(0) => return Err(self.io_error(io::ErrorKind::WriteZero.into())),
                Ok(n) => self.session.consume_output(n),
                Err(e) => return Err(self.io_error(e)),
            }
        }
        self.stream.flush().await.map_err(|e| self.io_error(e))
    }

    /// Moves bytes until the session has an event; `Ok(None)` once the session has ended
    /// cleanly (the server closed the connection between messages).
    /// [`Event::RootCertificatesRequired`] is answered here with
    /// [`trust_store::system_roots`](crate::trust_store::system_roots) and never returned.
    pub async fn next_event(&mut self) -> Result<Option<Event>, Error> {
        loop {
            match self.session.poll_event() {
                Some(Event::RootCertificatesRequired) => {
                    // The adapter's own question (see `ConnectOptions::system_roots`).
                    let roots = crate::trust_store::system_roots();
                    self.session
                        .set_root_certificates(roots)
                        .map_err(|e| self.session_error(e))?;
                    continue;
                }
                Some(ev) => return Ok(Some(ev)),
                None => {}
            }
            if self.session.is_closed() {
                return Ok(None);
            }
            let deadline = self.session.poll_timeout().map(Instant::from_std);
            let mut sleep = deadline.map(|d| Box::pin(sleep_until(d)));
            // Poll the write and the read side of the one stream together, so that a server
            // that is busy writing to us never deadlocks with our own pending output.
            let ready = std::future::poll_fn(|cx| {
                if self.session.wants_write() {
                    if let Poll::Ready(r) =
                        Pin::new(&mut self.stream).poll_write(cx, self.session.pending_output())
                    {
                        return Poll::Ready(Ready::Wrote(r));
                    }
                }
                if let Ahead::On { reader, .. } = &mut self.ahead {
                    if let Poll::Ready(c) = reader.poll_chunk(cx) {
                        return Poll::Ready(Ready::Chunk(c));
                    }
                } else {
                    // Reads are timed only while the read-ahead policy watches them.
                    let t0 =
                        matches!(self.ahead, Ahead::Watching { .. }).then(std::time::Instant::now);
                    let mut rb = ReadBuf::new(&mut self.buf);
                    if let Poll::Ready(r) = Pin::new(&mut self.stream).poll_read(cx, &mut rb) {
                        let n = r.map(|()| rb.filled().len());
                        return Poll::Ready(Ready::Read(n, t0.map(|t| t.elapsed())));
                    }
                }
                if let Some(s) = sleep.as_mut() {
                    if s.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Ready::Timeout);
                    }
                }
                if self.idle.poll(cx).is_ready() {
                    return Poll::Ready(Ready::Idle);
                }
                Poll::Pending
            })
            .await;
            if matches!(ready, Ready::Read(Ok(_), _) | Ready::Chunk(Ok(_))) {
                self.idle.input();
            }
            let result = match ready {
                Ready::Read(Ok(n), None) => {
                    let r = feed_read(&mut self.session, &self.buf[..n]);
                    self.grow_buffer(n);
                    r
                }
                Ready::Read(Ok(n), Some(took)) => {
                    let fed_from = std::time::Instant::now();
                    let r = feed_read(&mut self.session, &self.buf[..n]);
                    if let Ahead::Watching { start, watch } = &mut self.ahead {
                        let feed = fed_from.elapsed();
                        // Only reads of the largest buffer tell that input is backlogged.
                        if n == BUFFER && watch.full_read(took, feed) {
                            let start = *start;
                            match start(&self.stream) {
                                Ok(reader) => {
                                    self.ahead = Ahead::On {
                                        reader,
                                        start: Some(start),
                                    }
                                }
                                // As many run as the process has CPUs: ask again later.
                                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                                Err(e) => {
                                    tracing::debug!(error = %e, "cannot read ahead");
                                    self.ahead = Ahead::Off;
                                }
                            }
                        }
                    }
                    self.grow_buffer(n);
                    r
                }
                Ready::Chunk(Ok((buf, n))) => {
                    let r = feed_read(&mut self.session, &buf[..n]);
                    if let Ahead::On { reader, .. } = &self.ahead {
                        reader.recycle(buf);
                    }
                    r
                }
                Ready::Idle => {
                    self.release_buffers()?;
                    continue;
                }
                Ready::Wrote(Ok(0)) => return Err(self.io_error(io::ErrorKind::WriteZero.into())),
                Ready::Wrote(Ok(n)) => {
                    self.session.consume_output(n);
                    Ok(())
                }
                Ready::Read(Err(e), _) | Ready::Chunk(Err(e)) | Ready::Wrote(Err(e)) => {
                    return Err(self.io_error(e));
                }
                Ready::Timeout => self.session.handle_timeout(Instant::now().into_std()),
            };
            result.map_err(|e| self.session_error(e))?;
        }
    }

    /// After a read of `n` bytes: a larger buffer if it filled this one.
    fn grow_buffer(&mut self, n: usize) {
        if let Some(len) = grown(self.buf.len(), n) {
            self.buf = BurstBuffer::new(len);
        }
    }

    /// The connection has been idle: frees the session's buffers, shrinks the read buffer,
    /// and ends a read-ahead thread that watching started (watching again).
    fn release_buffers(&mut self) -> Result<(), Error> {
        self.session.release_buffers();
        if self.buf.len() > MIN_BUFFER {
            self.buf = BurstBuffer::new(MIN_BUFFER);
        }
        let Ahead::On {
            start: Some(start), ..
        } = self.ahead
        else {
            return Ok(());
        };
        let watching = Ahead::Watching {
            start,
            watch: Watch::default(),
        };
        if let Ahead::On { reader, .. } = std::mem::replace(&mut self.ahead, watching) {
            // What it read since the last feed (if anything came at the last moment).
            for chunk in reader.stop() {
                let (buf, n) = chunk.map_err(|e| self.io_error(e))?;
                feed_read(&mut self.session, &buf[..n]).map_err(|e| self.session_error(e))?;
            }
        }
        Ok(())
    }

    /// Spawns the loop on the current tokio runtime: commands go in through the returned
    /// [`Handle`], events come out of the receiver, and the task ends with the session's
    /// result when the server closes, an error happens, or every handle is dropped.
    pub fn spawn(
        mut self,
    ) -> (
        Handle,
        mpsc::UnboundedReceiver<Event>,
        ::tokio::task::JoinHandle<Result<Session, Error>>,
    )
    where
        S: Send + 'static,
    {
        let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel::<Command>();
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        let task = ::tokio::spawn(async move {
            loop {
                ::tokio::select! {
                    ev = self.next_event() => match ev? {
                        Some(ev) => { let _ = ev_tx.send(ev); }
                        None => return Ok(self.session),
                    },
                    cmd = cmd_rx.recv() => match cmd {
                        Some(Command::Close) | None => {
                            let _ = self.flush().await;
                            return Ok(self.session);
                        }
                        Some(cmd) => cmd.apply(&mut self.session),
                    },
                }
            }
        });
        (Handle { commands: cmd_tx }, ev_rx, task)
    }
}

/// Reads a repeater's greeting and names the destination (see [`crate::repeater`]).
async fn repeater_preamble(
    stream: &mut Stream,
    repeater: &Repeater,
    server: &str,
) -> Result<(), Error> {
    let io_error = |source| Error::Io {
        server: server.to_owned(),
        source,
    };
    let mut greeting = [0u8; REPEATER_GREETING.len()];
    stream.read_exact(&mut greeting).await.map_err(io_error)?;
    if !is_greeting(&greeting) {
        return Err(Error::NotRepeater {
            server: server.to_owned(),
            greeting: String::from_utf8_lossy(&greeting).into_owned(),
        });
    }
    tracing::debug!(server, destination = %repeater, "repeater greeted");
    stream
        .write_all(&repeater.block())
        .await
        .map_err(io_error)?;
    stream.flush().await.map_err(io_error)
}

/// Gives the session what one read returned: bytes, or the end of the stream when empty.
fn feed_read(session: &mut Session, data: &[u8]) -> Result<(), crate::Error> {
    if data.is_empty() {
        session.feed_eof()
    } else {
        session.feed(data)
    }
}

enum Ready {
    /// Bytes read on the task, and how long the read took when the read-ahead policy watches.
    Read(io::Result<usize>, Option<Duration>),
    /// Bytes the read-ahead thread read.
    Chunk(io::Result<(Vec<u8>, usize)>),
    Wrote(io::Result<usize>),
    Timeout,
    /// No input for [`idle::IDLE`].
    Idle,
}
