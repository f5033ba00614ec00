//! The session: the state machine that turns bytes from the server into events and
//! framebuffer changes, and the application's commands into bytes for the server. It owns no
//! socket, no clock and no executor.

use std::collections::VecDeque;
use std::mem;
use std::time::Instant;

use zeroize::Zeroizing;

use crate::config::{Config, PixelFormatRequest};
use crate::encoding::Encoding;
use crate::encoding::copy_rect;
use crate::encoding::cursor;
use crate::encoding::hextile::Hextile;
use crate::encoding::raw::Raw;
use crate::encoding::rre::Rre;
use crate::encoding::zrle::Zrle;
use crate::encoding::zrle_inflate::ZrleInflate;
use crate::error::{CertificateInfo, CertificateProblem};
use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::framebuffer::{Framebuffer, Rect};
use crate::handshake::init::{self, check_size, decode_text, latin1};
use crate::handshake::version::{self, ProtocolVersion};
use crate::handshake::vnc_auth;
use crate::messages::client;
use crate::pixel_format::{Converter, PixelFormat};
use crate::reader::Reader;
use crate::security::{
    self, Credential, CredentialsNeeded, Inner, Protection, SecurityType, TopChoice,
};
use crate::threading::Threading;
use crate::tls::TlsLayer;

/// Bytes a server may send ahead while the session waits for the application's credentials.
const AWAIT_READ_AHEAD: usize = 4096;

/// Where the session is. Each variant holds what that step needs and is moved into the next.
enum State {
    Version,
    /// RFB 3.7+: the count of security types.
    SecurityTypeCount,
    /// RFB 3.7+: the list of `n` security types.
    SecurityTypeList(u8),
    /// RFB 3.3: the server's choice as a u32.
    SecurityType33,
    /// A length-prefixed reason string, then the session fails.
    Reason(ReasonFor),
    /// VeNCrypt: the server's version (2 bytes).
    VencryptVersion,
    /// VeNCrypt: the server's answer to our version (0 = accepted).
    VencryptVersionAck,
    /// VeNCrypt: the count of sub-types.
    VencryptSubtypeCount,
    /// VeNCrypt: `n` sub-types (u32 each).
    VencryptSubtypeList(u8),
    /// VeNCrypt: the server's acceptance of a TLS sub-type (1 = accepted).
    VencryptSubtypeAck(SecurityType),
    /// TLS is running its handshake; then `SecurityType`'s inner authentication follows.
    TlsHandshake(SecurityType),
    /// The application decides about a certificate that failed verification.
    AwaitCertificate {
        security: SecurityType,
        info: Box<CertificateInfo>,
        problem: CertificateProblem,
    },
    VncAuthChallenge,
    /// Waiting for the application's credentials.
    AwaitCredentials {
        pending: PendingAuth,
    },
    SecurityResult,
    ServerInit,
    Running(Msg),
    /// Finished, by error or end of stream.
    Closed,
}

/// What the credentials are for.
#[derive(Clone, Copy)]
enum PendingAuth {
    Vnc([u8; 16]),
    Plain,
}

#[derive(Clone, Copy)]
enum ReasonFor {
    Refused,
    AuthFailed,
}

impl ReasonFor {
    /// The step a failure reason belongs to.
    fn step(self) -> Step {
        match self {
            ReasonFor::Refused => Step::Security,
            ReasonFor::AuthFailed => Step::Authentication,
        }
    }
}

/// Where the message parser is after initialisation.
enum Msg {
    /// Between messages.
    Idle,
    /// Inside a FramebufferUpdate, before a rectangle header.
    RectHeader,
    /// Inside a rectangle.
    Rect(RectDecoder),
    /// Dropping a ServerCutText that is above the limit.
    SkipCutText { left: u32 },
}

enum RectDecoder {
    Raw(Rect, Raw),
    CopyRect(Rect),
    Rre(Rect, Rre),
    Hextile(Rect, Hextile),
    Zrle(Rect, Zrle),
    /// ZRLE through the inflating thread; true until the rectangle is queued there.
    ZrleThreaded(Rect, bool),
    Cursor(Rect),
    DesktopName(Option<u32>),
    ExtendedDesktopSize(Rect),
}

/// The handshake deadline. While the application is asked for credentials it is paused; after
/// that it is re-armed at the next [`Session::handle_timeout`].
#[derive(Clone, Copy)]
enum Deadline {
    None,
    At(Instant),
    Paused,
    Rearm,
}

/// Keeps track of FramebufferUpdateRequests.
#[derive(Default)]
struct UpdateFlow {
    /// A request was sent and no FramebufferUpdate has begun since. Servers answer any
    /// number of pending requests with one update, so this is a flag, not a count.
    in_flight: bool,
    paused: bool,
    /// The next automatic request is a full one (after a resize or a pixel format change).
    want_full: bool,
    /// A pixel format to switch to once no update is in flight.
    pending_format: Option<PixelFormat>,
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
    config: Config,
    state: State,
    inbuf: Vec<u8>,
    /// Protocol bytes for the server, before TLS.
    out: Vec<u8>,
    /// Bytes for the socket (encrypted once TLS runs).
    wire: Vec<u8>,
    wire_pos: usize,
    tls: Option<TlsLayer>,
    plain_in: Vec<u8>,
    /// Inside anonymous TLS (type 18): the second security negotiation.
    inner_negotiation: bool,
    /// The server has sent ExtendedDesktopSize, so it takes SetDesktopSize.
    extended_desktop_size: bool,
    /// The last screen layout the server sent.
    screens: Vec<crate::Screen>,
    /// A password (VNC response or Plain) has been sent.
    credentials_sent: bool,
    events: VecDeque<Event>,
    fb: Framebuffer,
    pixel_format: PixelFormat,
    server_pixel_format: PixelFormat,
    conv: Converter,
    /// ZRLE's zlib stream, inline or on a helper thread.
    zrle: ZrleInflate,
    version: Option<ProtocolVersion>,
    security: Option<SecurityType>,
    username: Option<Zeroizing<String>>,
    password: Option<Zeroizing<String>>,
    name: String,
    rects_left: u16,
    /// Rectangle headers read in the current update.
    rects_seen: u32,
    updates: UpdateFlow,
    deadline: Deadline,
    last_now: Instant,
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
        Session {
            config,
            state: State::Version,
            inbuf: Vec::new(),
            out: Vec::new(),
            wire: Vec::new(),
            wire_pos: 0,
            tls: None,
            plain_in: Vec::new(),
            inner_negotiation: false,
            extended_desktop_size: false,
            screens: Vec::new(),
            credentials_sent: false,
            events: VecDeque::new(),
            fb: Framebuffer::new(0, 0),
            pixel_format: pf,
            server_pixel_format: pf,
            conv: Converter::new(&pf),
            zrle: ZrleInflate::new(threading),
            version: None,
            security: None,
            username: None,
            password: None,
            name: String::new(),
            rects_left: 0,
            rects_seen: 0,
            updates: UpdateFlow::default(),
            deadline,
            last_now: now,
        }
    }

    // ----- input -----

    /// Feeds bytes received from the server. Any length, split anywhere.
    ///
    /// After an error the session is closed and the transport should be closed too.
    pub fn feed(&mut self, data: &[u8]) -> Result<(), Error> {
        if matches!(self.state, State::Closed) {
            return Err(Error::Closed);
        }
        // What the protocol wrote before an error still goes out, as without the error.
        let result = self.feed_inner(data);
        let pumped = self.pump();
        self.zrle.output_sent();
        let result = result.and(pumped);
        if let Err(e) = &result {
            tracing::debug!(error = %e, "session failed");
            self.close();
        }
        result
    }

    fn feed_inner(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.tls.is_some() {
            return self.feed_tls(data);
        }
        if let Some(rest) = self.feed_plain(data)? {
            // TLS started in the middle of this input: the rest is TLS records.
            self.feed_tls(&rest)?;
        }
        Ok(())
    }

    fn feed_tls(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut plain = mem::take(&mut self.plain_in);
        plain.clear();
        let result = match self.tls.as_mut() {
            Some(tls) => tls.read_tls(data, &mut plain),
            None => Ok(()),
        };
        // The handshake may have ended with no plaintext yet: the state machine looks anyway.
        let result = result.and_then(|()| self.feed_plain(&plain).map(|_| ()));
        self.plain_in = plain;
        result
    }

    /// Feeds protocol bytes; returns what is left unparsed if TLS started on the way.
    fn feed_plain(&mut self, mut data: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let had_tls = self.tls.is_some();
        loop {
            if self.inbuf.is_empty() {
                // Common case: parse straight from the caller's slice, keep only the tail.
                let used = self.process(data)?;
                if !had_tls && self.tls.is_some() {
                    return Ok(Some(data[used..].to_vec()));
                }
                self.inbuf.extend_from_slice(&data[used..]);
                return Ok(None);
            }
            // A message began in earlier input. Add only a head of the new input (at least as
            // much as is pending, so a large message still grows geometrically): once the
            // pending bytes are consumed, the rest is parsed from the caller's slice again
            // instead of being copied.
            let old = self.inbuf.len();
            let head = data.len().min(old.max(64 << 10));
            self.inbuf.extend_from_slice(&data[..head]);
            let buf = mem::take(&mut self.inbuf);
            let result = self.process(&buf);
            self.inbuf = buf;
            let used = result?;
            if !had_tls && self.tls.is_some() {
                let mut rest = self.inbuf.split_off(used);
                rest.extend_from_slice(&data[head..]);
                self.inbuf.clear();
                return Ok(Some(rest));
            }
            if used >= old {
                self.inbuf.clear();
                data = &data[used - old..];
                continue;
            }
            self.inbuf.drain(..used);
            data = &data[head..];
            if data.is_empty() {
                return Ok(None);
            }
        }
    }

    /// Moves protocol output to the socket buffer, through TLS when it runs.
    fn pump(&mut self) -> Result<(), Error> {
        match self.tls.as_mut() {
            Some(tls) => {
                if !self.out.is_empty() {
                    tls.write_plain(&self.out)?;
                    self.out.clear();
                }
                tls.write_tls(&mut self.wire)
            }
            None => {
                if self.wire_pos == self.wire.len() {
                    self.wire.clear();
                    self.wire_pos = 0;
                    mem::swap(&mut self.wire, &mut self.out);
                } else {
                    self.wire.extend_from_slice(&self.out);
                    self.out.clear();
                }
                Ok(())
            }
        }
    }

    /// `pump` for commands, which return nothing: a TLS failure closes the session, and the
    /// next `feed` reports it as closed.
    fn pump_or_close(&mut self) {
        if let Err(e) = self.pump() {
            tracing::warn!(error = %e, "cannot send to the server");
            self.close();
        }
    }

    /// Tells the session that the server closed the connection. Before initialisation, or in
    /// the middle of a message, that is an error; between messages it ends the session with
    /// [`Event::Closed`].
    pub fn feed_eof(&mut self) -> Result<(), Error> {
        let step = match &self.state {
            State::Closed => return Err(Error::Closed),
            State::Running(Msg::Idle) if self.inbuf.is_empty() => None,
            // A server that answers bad credentials by hanging up (RFB 3.3 and 3.7 give no
            // reason) has rejected them.
            State::SecurityResult | State::Reason(ReasonFor::AuthFailed)
                if self.credentials_sent =>
            {
                self.close();
                return Err(Error::AuthenticationFailed { reason: None });
            }
            // Hanging up right after the TLS handshake, before any credentials: TLS servers
            // that want a client certificate (QEMU's verify-peer) do that under TLS 1.3, where
            // the client learns only now that its certificate was missing or refused.
            State::TlsHandshake(_)
            | State::VncAuthChallenge
            | State::SecurityResult
            | State::SecurityTypeCount
            | State::SecurityType33
                if self.tls.is_some() =>
            {
                self.close();
                return Err(Error::Tls {
                    message: "the server closed the connection right after the TLS handshake; it may require a \
                              client certificate that it did not get or did not accept"
                        .into(),
                });
            }
            State::SecurityResult | State::Reason(ReasonFor::AuthFailed) => {
                self.close();
                return Err(Error::AuthenticationFailed { reason: None });
            }
            _ => Some(self.step()),
        };
        self.close();
        match step {
            None => {
                self.events.push_back(Event::Closed);
                Ok(())
            }
            Some(step) => Err(Error::UnexpectedEof { step }),
        }
    }

    fn close(&mut self) {
        self.state = State::Closed;
        self.inbuf = Vec::new();
        self.zrle.stop();
        self.deadline = Deadline::None;
    }

    /// Which step the session is in, for errors.
    fn step(&self) -> Step {
        match &self.state {
            State::Version => Step::Version,
            State::SecurityTypeCount | State::SecurityTypeList(_) | State::SecurityType33 => {
                Step::Security
            }
            State::Reason(why) => why.step(),
            State::VencryptVersion
            | State::VencryptVersionAck
            | State::VencryptSubtypeCount
            | State::VencryptSubtypeList(_)
            | State::VencryptSubtypeAck(_)
            | State::TlsHandshake(_)
            | State::AwaitCertificate { .. } => Step::Security,
            State::VncAuthChallenge | State::AwaitCredentials { .. } | State::SecurityResult => {
                Step::Authentication
            }
            State::ServerInit => Step::Initialization,
            State::Running(Msg::RectHeader | Msg::Rect(_)) => Step::FramebufferUpdate,
            State::Running(_) | State::Closed => Step::ServerMessage,
        }
    }

    /// Runs the state machine over `input`; returns how many bytes it consumed.
    fn process(&mut self, input: &[u8]) -> Result<usize, Error> {
        self.zrle.begin_feed(input.len());
        let mut r = Reader::new(input);
        let had_tls = self.tls.is_some();
        loop {
            match self.advance(&mut r) {
                Ok(true) => {}
                Ok(false) => break,
                // A ZRLE rectangle that came before what failed, and fails itself, is the
                // error to report: it is the first in the stream.
                Err(e) => return Err(self.draw_zrle(true).err().unwrap_or(e)),
            }
            if !had_tls && self.tls.is_some() {
                // What follows is TLS, not protocol bytes.
                break;
            }
        }
        // The application sees every rectangle that has fully arrived drawn.
        self.draw_zrle(true)?;
        Ok(r.pos())
    }

    /// One step of the state machine. `Ok(false)` means: waiting for more input (or for the
    /// application). Every `Ok(true)` either consumed input or moved to another state, so the
    /// loop in `process` ends.
    fn advance(&mut self, r: &mut Reader) -> Result<bool, Error> {
        let state = mem::replace(&mut self.state, State::Closed);
        let (next, progressed) = match state {
            State::Version => match r.array::<12>() {
                None => (State::Version, false),
                Some(bytes) => (self.on_version(&bytes)?, true),
            },
            State::SecurityTypeCount => match r.u8() {
                None => (state, false),
                Some(0) => (State::Reason(ReasonFor::Refused), true),
                Some(n) => (State::SecurityTypeList(n), true),
            },
            State::SecurityTypeList(n) => match r.take(n.into()) {
                None => (state, false),
                Some(offered) => (self.on_security_types(offered)?, true),
            },
            State::SecurityType33 => match r.u32() {
                None => (state, false),
                Some(0) => (State::Reason(ReasonFor::Refused), true),
                Some(t) => (self.on_security_type_33(t)?, true),
            },
            State::Reason(why) => {
                let mut t = *r;
                let Some(len) = t.u32() else {
                    self.state = state;
                    return Ok(false);
                };
                let limit = self.config.limits.max_reason;
                if len > limit {
                    return Err(Error::LimitExceeded {
                        step: why.step(),
                        what: "a failure reason length",
                        value: len.into(),
                        limit: limit.into(),
                    });
                }
                let Some(text) = t.take(len as usize) else {
                    self.state = state;
                    return Ok(false);
                };
                *r = t;
                let reason = decode_text(text);
                return Err(match why {
                    ReasonFor::Refused => Error::ConnectionRefused { reason },
                    ReasonFor::AuthFailed => Error::AuthenticationFailed {
                        reason: Some(reason),
                    },
                });
            }
            State::VncAuthChallenge => match r.array::<16>() {
                None => (state, false),
                Some(challenge) => (self.on_vnc_challenge(challenge), true),
            },
            // The server must wait for our answer; a little read-ahead is tolerated, a stream
            // of bytes is not (it would pile up while the user types).
            State::AwaitCredentials { .. } if r.remaining() > AWAIT_READ_AHEAD => {
                return Err(Error::protocol(
                    Step::Authentication,
                    ProtocolError::UnexpectedData {
                        len: r.remaining() as u64,
                    },
                ));
            }
            State::AwaitCredentials { .. } | State::AwaitCertificate { .. } => (state, false),
            State::VencryptVersion => match r.array::<2>() {
                None => (state, false),
                Some([0, minor]) if minor >= 2 => {
                    self.out.extend_from_slice(&[0, 2]);
                    (State::VencryptVersionAck, true)
                }
                Some([major, minor]) => {
                    return Err(Error::protocol(
                        Step::Security,
                        ProtocolError::UnsupportedVencryptVersion { major, minor },
                    ));
                }
            },
            State::VencryptVersionAck => match r.u8() {
                None => (state, false),
                Some(0) => (State::VencryptSubtypeCount, true),
                Some(_) => {
                    return Err(Error::protocol(
                        Step::Security,
                        ProtocolError::VencryptRefused("version 0.2"),
                    ));
                }
            },
            State::VencryptSubtypeCount => match r.u8() {
                None => (state, false),
                Some(0) => {
                    return Err(Error::protocol(
                        Step::Security,
                        ProtocolError::VencryptRefused("sub-types: it offers none"),
                    ));
                }
                Some(n) => (State::VencryptSubtypeList(n), true),
            },
            State::VencryptSubtypeList(n) => match r.take(usize::from(n) * 4) {
                None => (state, false),
                Some(list) => (self.on_vencrypt_subtypes(list)?, true),
            },
            State::VencryptSubtypeAck(t) => match r.u8() {
                None => (state, false),
                Some(1) => (self.start_tls(t)?, true),
                Some(_) => {
                    return Err(Error::protocol(
                        Step::Security,
                        ProtocolError::VencryptRefused("the chosen sub-type"),
                    ));
                }
            },
            State::TlsHandshake(t) => {
                if self.tls.as_ref().is_some_and(|tls| tls.is_handshaking()) {
                    (state, false)
                } else {
                    (self.after_tls_handshake(t), true)
                }
            }

            State::SecurityResult => match r.u32() {
                None => (state, false),
                Some(0) => {
                    tracing::debug!("security handshake succeeded");
                    self.out.push(self.config.shared as u8);
                    (State::ServerInit, true)
                }
                Some(code) => {
                    tracing::debug!(code, "server rejected authentication");
                    if self.version == Some(ProtocolVersion::V3_8) {
                        (State::Reason(ReasonFor::AuthFailed), true)
                    } else {
                        return Err(Error::AuthenticationFailed {
                            reason: (code == 2)
                                .then(|| "too many authentication failures".to_owned()),
                        });
                    }
                }
            },
            State::ServerInit => match init::parse_server_init(r, &self.config.limits)? {
                None => (state, false),
                Some(si) => {
                    self.on_server_init(si)?;
                    (State::Running(Msg::Idle), true)
                }
            },
            State::Running(msg) => {
                let (msg, progressed) = self.on_message(r, msg)?;
                (State::Running(msg), progressed)
            }
            State::Closed => return Err(Error::Closed),
        };
        self.state = next;
        Ok(progressed)
    }

    // ----- handshake -----

    fn on_version(&mut self, bytes: &[u8; 12]) -> Result<State, Error> {
        let v = version::negotiate(bytes)?;
        tracing::debug!(server = %bytes.escape_ascii(), chosen = %v, "protocol version");
        self.version = Some(v);
        self.out.extend_from_slice(v.wire());
        self.events.push_back(Event::VersionNegotiated(v));
        Ok(match v {
            ProtocolVersion::V3_3 => State::SecurityType33,
            _ => State::SecurityTypeCount,
        })
    }

    /// The preference list in force: without clear-text types when encryption is required
    /// (inside anonymous TLS the inner types are fine), only None and VncAuth inside it.
    fn preferences(&self) -> Vec<SecurityType> {
        self.config
            .security_types
            .iter()
            .copied()
            .filter(|t| {
                if self.inner_negotiation {
                    matches!(t, SecurityType::None | SecurityType::VncAuth)
                } else {
                    !self.config.require_encryption || t.protection() != Protection::Clear
                }
            })
            .collect()
    }

    fn no_common_type(&self, offered: Vec<u32>) -> Error {
        if self.config.require_encryption && !self.inner_negotiation {
            return Error::EncryptionRequired {
                offered: offered
                    .iter()
                    .map(|&t| format!("{}({t})", security::security_type_name(t)))
                    .collect(),
            };
        }
        Error::NoCommonSecurityType {
            offered,
            accepted: self.preferences(),
        }
    }

    fn on_security_types(&mut self, offered: &[u8]) -> Result<State, Error> {
        let names: Vec<String> = offered
            .iter()
            .map(|&t| format!("{}({t})", security::security_type_name(t.into())))
            .collect();
        tracing::debug!(offered = ?names, "server security types");
        match security::choose(&self.preferences(), offered) {
            None => Err(self.no_common_type(offered.iter().map(|&t| u32::from(t)).collect())),
            Some(TopChoice::Vencrypt) => {
                self.out.push(19);
                Ok(State::VencryptVersion)
            }
            Some(TopChoice::Direct(chosen)) => {
                self.out.push(chosen.number() as u8);
                self.start_security(chosen)
            }
        }
    }

    fn on_security_type_33(&mut self, t: u32) -> Result<State, Error> {
        match SecurityType::from_number(t) {
            Some(chosen) if !chosen.is_vencrypt() && self.preferences().contains(&chosen) => {
                self.start_security(chosen)
            }
            Some(chosen) if !chosen.is_vencrypt() => Err(self.no_common_type(vec![t])),
            // VeNCrypt sub-type numbers are not security types of their own.
            _ => Err(Error::protocol(
                Step::Security,
                ProtocolError::UnsupportedSecurityType(t),
            )),
        }
    }

    fn on_vencrypt_subtypes(&mut self, list: &[u8]) -> Result<State, Error> {
        let offered: Vec<u32> = list
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let names: Vec<String> = offered
            .iter()
            .map(|&t| format!("{}({t})", security::security_type_name(t)))
            .collect();
        tracing::debug!(offered = ?names, "VeNCrypt sub-types");
        let Some(chosen) = security::choose_subtype(&self.preferences(), &offered) else {
            return Err(self.no_common_type(offered));
        };
        self.out.extend_from_slice(&chosen.number().to_be_bytes());
        self.note_security(chosen);
        Ok(if chosen.protection() == Protection::Clear {
            // TigerVNC sends no acknowledgement for sub-types without TLS.
            self.start_inner(chosen)
        } else {
            State::VencryptSubtypeAck(chosen)
        })
    }

    fn note_security(&mut self, chosen: SecurityType) {
        let protection = match chosen.protection() {
            Protection::Clear => "not encrypted",
            Protection::EncryptedUnauthenticated => "encrypted, server not authenticated",
            Protection::Authenticated => "encrypted, server authenticated",
        };
        tracing::info!(security_type = %chosen, protection, "security type chosen");
        if !self.inner_negotiation {
            self.security = Some(chosen);
            self.events.push_back(Event::SecurityNegotiated(chosen));
        }
    }

    fn start_security(&mut self, chosen: SecurityType) -> Result<State, Error> {
        self.note_security(chosen);
        if chosen == SecurityType::AnonTls {
            return self.start_tls(chosen);
        }
        Ok(self.start_inner(chosen))
    }

    /// Wraps the rest of the stream in TLS.
    fn start_tls(&mut self, t: SecurityType) -> Result<State, Error> {
        let layer = match t.protection() {
            Protection::Authenticated => {
                let name = self
                    .config
                    .server_name
                    .clone()
                    .unwrap_or_else(|| "localhost".to_owned());
                TlsLayer::x509(&self.config.tls, &name)?
            }
            _ => TlsLayer::anonymous()?,
        };
        // What was written before goes out in the clear (the sub-type choice).
        self.pump()?;
        self.tls = Some(layer);
        Ok(State::TlsHandshake(t))
    }

    fn after_tls_handshake(&mut self, t: SecurityType) -> State {
        let Some(tls) = self.tls.as_mut() else {
            return self.start_inner(t);
        };
        tracing::info!(tls = %tls.describe_session(), "TLS established");
        match tls.take_unverified() {
            Some((info, problem)) => {
                self.events.push_back(Event::CertificateUnverified {
                    certificate: info.clone(),
                    problem: problem.clone(),
                });
                if matches!(self.deadline, Deadline::At(_)) {
                    self.deadline = Deadline::Paused;
                }
                State::AwaitCertificate {
                    security: t,
                    info: Box::new(info),
                    problem,
                }
            }
            None => self.start_inner(t),
        }
    }

    /// The authentication that runs after the security type (and TLS, if any).
    fn start_inner(&mut self, t: SecurityType) -> State {
        match t.inner() {
            Inner::None => {
                // RFB 3.3 and 3.7 send no SecurityResult after the plain None type.
                if self.version == Some(ProtocolVersion::V3_8) || t != SecurityType::None {
                    State::SecurityResult
                } else {
                    self.out.push(self.config.shared as u8);
                    State::ServerInit
                }
            }
            Inner::Vnc => State::VncAuthChallenge,
            Inner::Plain => self.send_plain(),
            Inner::Negotiate => {
                self.inner_negotiation = true;
                match self.version {
                    Some(ProtocolVersion::V3_3) => State::SecurityType33,
                    _ => State::SecurityTypeCount,
                }
            }
        }
    }

    fn send_plain(&mut self) -> State {
        match (&self.username, self.password.take()) {
            (Some(user), Some(pw)) => {
                let (u, p) = (user.as_bytes(), pw.as_bytes());
                self.out.extend_from_slice(&(u.len() as u32).to_be_bytes());
                self.out.extend_from_slice(&(p.len() as u32).to_be_bytes());
                self.out.extend_from_slice(u);
                self.out.extend_from_slice(p);
                self.credentials_sent = true;
                State::SecurityResult
            }
            (_, pw) => {
                self.password = pw;
                let needs = self.missing_credentials_for(SecurityType::Plain);
                self.events.push_back(Event::CredentialsRequired(needs));
                if matches!(self.deadline, Deadline::At(_)) {
                    self.deadline = Deadline::Paused;
                }
                State::AwaitCredentials {
                    pending: PendingAuth::Plain,
                }
            }
        }
    }

    fn on_vnc_challenge(&mut self, challenge: [u8; 16]) -> State {
        // The password is used once and then wiped; a retry makes a new session.
        match self.password.take() {
            Some(pw) => {
                let resp = vnc_auth::response(pw.as_bytes(), &challenge);
                self.out.extend_from_slice(&resp);
                self.credentials_sent = true;
                State::SecurityResult
            }
            None => {
                self.events
                    .push_back(Event::CredentialsRequired(SecurityType::VncAuth.needs()));
                if matches!(self.deadline, Deadline::At(_)) {
                    self.deadline = Deadline::Paused;
                }
                State::AwaitCredentials {
                    pending: PendingAuth::Vnc(challenge),
                }
            }
        }
    }

    fn missing_credentials(&self) -> CredentialsNeeded {
        let t = match self.state {
            State::AwaitCredentials {
                pending: PendingAuth::Plain,
            } => SecurityType::Plain,
            _ => SecurityType::VncAuth,
        };
        self.missing_credentials_for(t)
    }

    fn missing_credentials_for(&self, t: SecurityType) -> CredentialsNeeded {
        let needs = t.needs();
        CredentialsNeeded {
            username: needs.username && self.username.is_none(),
            password: needs.password && self.password.is_none(),
        }
    }

    fn on_server_init(&mut self, si: init::ServerInit) -> Result<(), Error> {
        tracing::debug!(width = si.width, height = si.height, pixel_format = ?si.pixel_format, name = %si.name, "ServerInit");
        self.fb.resize(si.width, si.height);
        self.server_pixel_format = si.pixel_format;
        self.name = si.name.clone();
        // The server's own format matters only if rectangles will come in it.
        let (wanted, native) = self.config.pixel_format.resolve(si.pixel_format);
        let pf = if native {
            wanted
                .validate()
                .map_err(|e| Error::protocol(Step::Initialization, e))?;
            wanted
        } else {
            let pf = if let Err(e) = wanted.validate() {
                tracing::warn!(pixel_format = ?wanted, error = %e, "the configured pixel format cannot be decoded; using RGB888");
                PixelFormat::RGB888
            } else {
                wanted
            };
            client::set_pixel_format(&mut self.out, &pf);
            pf
        };
        self.use_pixel_format(pf);
        client::set_encodings(&mut self.out, &self.config.encodings);
        self.deadline = Deadline::None;
        self.events.push_back(Event::Initialized {
            width: si.width,
            height: si.height,
            name: si.name,
            server_pixel_format: si.pixel_format,
        });
        self.send_request(false, self.full_rect());
        Ok(())
    }

    fn use_pixel_format(&mut self, pf: PixelFormat) {
        self.pixel_format = pf;
        self.conv = Converter::new(&pf);
    }

    // ----- messages after initialisation -----

    fn on_message(&mut self, r: &mut Reader, msg: Msg) -> Result<(Msg, bool), Error> {
        let fail_update = |e| Error::protocol(Step::FramebufferUpdate, e);
        match msg {
            Msg::Idle => {
                let mut t = *r;
                let Some(kind) = t.u8() else {
                    return Ok((Msg::Idle, false));
                };
                if kind != 0 {
                    // Other messages' events come after the updates before them.
                    self.draw_zrle(true)?;
                }
                match kind {
                    0 => {
                        let (Some(_), Some(n)) = (t.u8(), t.u16()) else {
                            return Ok((Msg::Idle, false));
                        };
                        *r = t;
                        self.updates.in_flight = false;
                        self.rects_left = n;
                        self.rects_seen = 0;
                        // Ask for the next update at once, so that the server prepares it
                        // while this one is decoded (as TigerVNC's viewer does); not while
                        // a pixel format change or a full update after a resize waits.
                        if n > 0
                            && self.config.continuous_updates
                            && !self.updates.paused
                            && self.updates.pending_format.is_none()
                            && !self.updates.want_full
                        {
                            self.send_next_request();
                        }
                        if n == 0 {
                            if self.updates.pending_format.is_some() {
                                // The switch below needs earlier ZRLE rectangles drawn.
                                self.draw_zrle(true)?;
                            }
                            self.end_update();
                            return Ok((Msg::Idle, true));
                        }
                        Ok((Msg::RectHeader, true))
                    }
                    1 => {
                        let (Some(_), Some(first), Some(n)) = (t.u8(), t.u16(), t.u16()) else {
                            return Ok((Msg::Idle, false));
                        };
                        let fail = |e| Error::protocol(Step::ServerMessage, e);
                        if self.pixel_format.true_colour {
                            return Err(fail(ProtocolError::ColourMapInTrueColour));
                        }
                        let end = u32::from(first) + u32::from(n);
                        if end > 256 {
                            return Err(fail(ProtocolError::ColourMapOutOfRange { first, end }));
                        }
                        let Some(rgb) = t.take(usize::from(n) * 6) else {
                            return Ok((Msg::Idle, false));
                        };
                        *r = t;
                        self.conv.set_colour_map(first.into(), rgb);
                        Ok((Msg::Idle, true))
                    }
                    2 => {
                        *r = t;
                        self.events.push_back(Event::Bell);
                        Ok((Msg::Idle, true))
                    }
                    3 => {
                        let (Some(_), Some(len)) = (t.array::<3>(), t.u32()) else {
                            return Ok((Msg::Idle, false));
                        };
                        if len > self.config.limits.max_cut_text {
                            tracing::warn!(
                                len,
                                limit = self.config.limits.max_cut_text,
                                "ServerCutText above the limit; dropping it"
                            );
                            *r = t;
                            return Ok((Msg::SkipCutText { left: len }, true));
                        }
                        let Some(text) = t.take(len as usize) else {
                            return Ok((Msg::Idle, false));
                        };
                        *r = t;
                        self.events.push_back(Event::ServerCutText(latin1(text)));
                        Ok((Msg::Idle, true))
                    }
                    other => Err(Error::protocol(
                        Step::ServerMessage,
                        ProtocolError::UnknownMessageType(other),
                    )),
                }
            }
            Msg::SkipCutText { left } => {
                let n = r.take_up_to(left as usize).len() as u32;
                match left - n {
                    0 => Ok((Msg::Idle, true)),
                    left => Ok((Msg::SkipCutText { left }, n > 0)),
                }
            }
            Msg::RectHeader => {
                let mut t = *r;
                let (Some(x), Some(y), Some(w), Some(h), Some(enc)) =
                    (t.u16(), t.u16(), t.u16(), t.u16(), t.i32())
                else {
                    return Ok((Msg::RectHeader, false));
                };
                *r = t;
                self.rects_seen += 1;
                let limit = self.config.limits.max_rects_per_update;
                if self.rects_seen > limit {
                    return Err(Error::LimitExceeded {
                        step: Step::FramebufferUpdate,
                        what: "a number of rectangles in one update",
                        value: self.rects_seen.into(),
                        limit: limit.into(),
                    });
                }
                let rect = Rect::new(x, y, w, h);
                let encoding = Encoding::from_number(enc);
                let threaded = encoding == Some(Encoding::Zrle) && self.zrle.wants_thread(r);
                if !threaded {
                    // Other rectangles draw over (or copy from) what ZRLE drew before them,
                    // and ZRLE inflated here continues the helper's zlib stream.
                    self.draw_zrle(true)?;
                }
                if encoding.is_some_and(|e| !e.is_pseudo())
                    && !rect.fits_in(self.fb.width(), self.fb.height())
                {
                    return Err(fail_update(ProtocolError::RectOutOfBounds {
                        rect,
                        fb_width: self.fb.width(),
                        fb_height: self.fb.height(),
                    }));
                }
                let dec = match encoding {
                    Some(Encoding::Raw) => RectDecoder::Raw(rect, Raw::new(rect)),
                    Some(Encoding::CopyRect) => RectDecoder::CopyRect(rect),
                    Some(Encoding::Rre) => RectDecoder::Rre(rect, Rre::new(rect)),
                    Some(Encoding::Hextile) => RectDecoder::Hextile(rect, Hextile::new(rect)),
                    Some(Encoding::Zrle) if threaded => RectDecoder::ZrleThreaded(rect, true),
                    Some(Encoding::Zrle) => RectDecoder::Zrle(rect, Zrle::new(rect)),
                    Some(Encoding::Cursor) => RectDecoder::Cursor(rect),
                    Some(Encoding::DesktopName) => RectDecoder::DesktopName(None),
                    Some(Encoding::ExtendedDesktopSize) => RectDecoder::ExtendedDesktopSize(rect),
                    Some(Encoding::DesktopSize) => {
                        check_size(w, h, &self.config.limits, Step::FramebufferUpdate)?;
                        tracing::debug!(w, h, "DesktopSize");
                        self.fb.resize(w, h);
                        self.updates.want_full = true;
                        self.events.push_back(Event::DesktopResized {
                            width: w,
                            height: h,
                        });
                        return Ok((self.rect_done(), true));
                    }
                    Some(Encoding::LastRect) => {
                        self.rects_left = 1;
                        return Ok((self.rect_done(), true));
                    }
                    None => {
                        return Err(fail_update(ProtocolError::UnsupportedEncoding {
                            encoding: enc,
                            rect,
                        }));
                    }
                };
                Ok((Msg::Rect(dec), true))
            }
            Msg::Rect(dec) => self.on_rect_data(r, dec),
        }
    }

    fn on_rect_data(&mut self, r: &mut Reader, mut dec: RectDecoder) -> Result<(Msg, bool), Error> {
        let fail = |e| Error::protocol(Step::FramebufferUpdate, e);
        let before = r.pos();
        let fb = &mut self.fb;
        let conv = &self.conv;
        let done = match &mut dec {
            RectDecoder::Raw(_, d) => d.decode(r, fb, conv),
            RectDecoder::CopyRect(rect) => copy_rect::decode(r, *rect, fb).map_err(fail)?,
            RectDecoder::Rre(_, d) => d.decode(r, fb, conv).map_err(fail)?,
            RectDecoder::Hextile(_, d) => d.decode(r, fb, conv).map_err(fail)?,
            RectDecoder::Zrle(_, d) => self.zrle.decode_inline(d, r, fb, conv).map_err(fail)?,
            RectDecoder::ZrleThreaded(rect, new) => {
                let out_mark = self.out.len();
                let new = mem::take(new).then_some((*rect, out_mark));
                match self.zrle.take_input(r, new) {
                    Some(true) => {
                        // A new pixel format applies after the update: draw it all first.
                        let switch = self.rects_left == 1 && self.updates.pending_format.is_some();
                        self.draw_zrle(switch)?;
                        return Ok((self.rect_done(), true));
                    }
                    _ => false,
                }
            }
            RectDecoder::Cursor(rect) => {
                match cursor::parse(r, *rect, conv, self.config.limits.max_cursor_size)? {
                    None => false,
                    Some(c) => {
                        self.events.push_back(Event::CursorChanged(c));
                        true
                    }
                }
            }
            RectDecoder::ExtendedDesktopSize(rect) => {
                match crate::encoding::desktop_size::parse_screens(r) {
                    None => false,
                    Some(screens) => {
                        self.on_extended_desktop_size(*rect, screens)?;
                        true
                    }
                }
            }
            RectDecoder::DesktopName(len) => {
                let n = match *len {
                    Some(n) => n,
                    None => match r.u32() {
                        None => return Ok((Msg::Rect(dec), false)),
                        Some(n) if n > self.config.limits.max_name => {
                            return Err(Error::LimitExceeded {
                                step: Step::FramebufferUpdate,
                                what: "a desktop name length",
                                value: n.into(),
                                limit: self.config.limits.max_name.into(),
                            });
                        }
                        Some(n) => n,
                    },
                };
                *len = Some(n);
                match r.take(n as usize) {
                    None => false,
                    Some(name) => {
                        let name = decode_text(name);
                        self.name = name.clone();
                        self.events.push_back(Event::DesktopRenamed(name));
                        true
                    }
                }
            }
        };
        if !done {
            let progressed = r.pos() != before;
            return Ok((Msg::Rect(dec), progressed));
        }
        match dec {
            RectDecoder::Raw(rect, _)
            | RectDecoder::CopyRect(rect)
            | RectDecoder::Rre(rect, _)
            | RectDecoder::Hextile(rect, _)
            | RectDecoder::Zrle(rect, _) => {
                if rect.area() > 0 {
                    self.events.push_back(Event::FramebufferUpdated(rect));
                }
            }
            RectDecoder::ZrleThreaded(..)
            | RectDecoder::Cursor(_)
            | RectDecoder::DesktopName(_)
            | RectDecoder::ExtendedDesktopSize(_) => {}
        }
        Ok((self.rect_done(), true))
    }

    fn on_extended_desktop_size(
        &mut self,
        rect: Rect,
        screens: Vec<crate::Screen>,
    ) -> Result<(), Error> {
        let reason = crate::ResizeReason::from_wire(rect.x);
        let status = crate::ResizeStatus::from_wire(rect.y);
        self.screens = screens.clone();
        self.extended_desktop_size = true;
        let ok = status == crate::ResizeStatus::Ok;
        if ok && (rect.width != self.fb.width() || rect.height != self.fb.height()) {
            check_size(
                rect.width,
                rect.height,
                &self.config.limits,
                Step::FramebufferUpdate,
            )?;
            tracing::debug!(
                w = rect.width,
                h = rect.height,
                ?reason,
                "ExtendedDesktopSize"
            );
            self.fb.resize(rect.width, rect.height);
            self.updates.want_full = true;
            self.events.push_back(Event::DesktopResized {
                width: rect.width,
                height: rect.height,
            });
        }
        self.events.push_back(Event::DesktopLayout {
            reason,
            status,
            screens,
        });
        Ok(())
    }

    /// Draws the ZRLE rectangles whose bytes are back from the helper; with `settle`, waits
    /// for all whose input is complete.
    fn draw_zrle(&mut self, settle: bool) -> Result<(), Error> {
        self.zrle.draw(
            &mut self.fb,
            &self.conv,
            settle,
            &mut self.events,
            &mut self.out,
        )
    }

    /// One rectangle finished; returns the parser's next state.
    fn rect_done(&mut self) -> Msg {
        self.rects_left = self.rects_left.saturating_sub(1);
        if self.rects_left == 0 {
            self.end_update();
            Msg::Idle
        } else {
            Msg::RectHeader
        }
    }

    fn end_update(&mut self) {
        // With ZRLE rectangles still being inflated, the end is reported after them.
        let deferred = self.zrle.end_update_after_last();
        if !deferred {
            self.events.push_back(Event::FramebufferUpdateEnd);
        }
        let automatic = self.config.continuous_updates && !self.updates.paused;
        if !self.updates.in_flight {
            self.apply_pending_format();
            if automatic {
                self.send_next_request();
            }
        } else if automatic && self.updates.want_full {
            // The desktop was resized during this update, after the early (incremental)
            // request went out: ask for all of it.
            self.send_next_request();
        }
    }

    /// True between a FramebufferUpdate's header and its last rectangle.
    fn receiving_update(&self) -> bool {
        self.rects_left > 0
    }

    fn apply_pending_format(&mut self) {
        if let Some(pf) = self.updates.pending_format.take() {
            tracing::debug!(pixel_format = ?pf, "switching pixel format");
            client::set_pixel_format(&mut self.out, &pf);
            self.use_pixel_format(pf);
            self.updates.want_full = true;
        }
    }

    fn send_next_request(&mut self) {
        let full = mem::take(&mut self.updates.want_full);
        self.send_request(!full, self.full_rect());
    }

    fn send_request(&mut self, incremental: bool, rect: Rect) {
        client::framebuffer_update_request(&mut self.out, incremental, rect);
        self.updates.in_flight = true;
    }

    fn full_rect(&self) -> Rect {
        Rect::new(0, 0, self.fb.width(), self.fb.height())
    }

    fn running(&self) -> bool {
        matches!(self.state, State::Running(_))
    }

    // ----- output -----

    /// True when there are bytes to send to the server.
    pub fn wants_write(&self) -> bool {
        self.wire_pos < self.wire.len()
    }

    /// The bytes waiting to be sent. Call [`consume_output`](Self::consume_output) with how
    /// many were written.
    pub fn pending_output(&self) -> &[u8] {
        &self.wire[self.wire_pos..]
    }

    /// Marks `n` bytes of [`pending_output`](Self::pending_output) as sent.
    pub fn consume_output(&mut self, n: usize) {
        self.wire_pos = (self.wire_pos + n).min(self.wire.len());
        if self.wire_pos == self.wire.len() {
            self.wire.clear();
            self.wire_pos = 0;
        }
    }

    /// Takes all pending output at once.
    pub fn take_output(&mut self) -> Vec<u8> {
        let v = self.wire.split_off(self.wire_pos);
        self.wire.clear();
        self.wire_pos = 0;
        v
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    // ----- time -----

    /// When [`handle_timeout`](Self::handle_timeout) should be called next, if at all.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.deadline {
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
        match self.deadline {
            Deadline::At(t) if now >= t => {
                let step = self.step();
                self.close();
                Err(Error::Timeout { step })
            }
            Deadline::Rearm => {
                self.deadline = match self.config.handshake_timeout {
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
            Credential::Username => self.username = v,
            Credential::Password => self.password = v,
        }
        if let State::AwaitCredentials { pending } = self.state {
            let missing = self.missing_credentials();
            if !missing.username && !missing.password {
                self.state = match pending {
                    PendingAuth::Vnc(challenge) => self.on_vnc_challenge(challenge),
                    PendingAuth::Plain => self.send_plain(),
                };
                if matches!(self.deadline, Deadline::Paused) {
                    self.deadline = Deadline::Rearm;
                }
                self.pump_or_close();
            }
        }
    }

    /// Answers [`Event::CertificateUnverified`]: trust the certificate for this session, or
    /// refuse it (the session closes with [`Error::CertificateRefused`]).
    pub fn accept_certificate(&mut self, accept: bool) -> Result<(), Error> {
        let State::AwaitCertificate { security, .. } = self.state else {
            return Ok(());
        };
        if !accept {
            let State::AwaitCertificate { info, problem, .. } =
                mem::replace(&mut self.state, State::Closed)
            else {
                unreachable!("checked above")
            };
            self.close();
            return Err(Error::CertificateRefused {
                problem,
                certificate: info,
            });
        }
        tracing::info!("the application accepted the server's certificate");
        self.state = self.start_inner(security);
        if matches!(self.deadline, Deadline::Paused) {
            self.deadline = Deadline::Rearm;
        }
        // Protocol bytes may have arrived meanwhile.
        let r = self.feed_plain(&[]).and_then(|_| self.pump());
        if let Err(e) = &r {
            self.close();
            return Err(e.clone());
        }
        Ok(())
    }

    /// Sends a key press or release (`keysym` as in X11 keysymdef.h). Ignored before
    /// initialisation.
    pub fn key_event(&mut self, keysym: u32, down: bool) {
        if self.running() {
            client::key_event(&mut self.out, down, keysym);
        }
        self.pump_or_close();
    }

    /// Sends the pointer position and button mask (bit 0 = left, 1 = middle, 2 = right,
    /// 3/4 = wheel up/down, 5/6 = wheel left/right). Coordinates are clamped to the
    /// framebuffer. Ignored before initialisation.
    pub fn pointer_event(&mut self, x: u16, y: u16, buttons: u8) {
        if self.running() {
            let x = x.min(self.fb.width().saturating_sub(1));
            let y = y.min(self.fb.height().saturating_sub(1));
            client::pointer_event(&mut self.out, buttons, x, y);
        }
        self.pump_or_close();
    }

    /// Sends the local clipboard text (ClientCutText). Plain RFB carries Latin-1 only:
    /// characters outside it are sent as `?`, and CR LF becomes LF. Ignored before
    /// initialisation.
    pub fn client_cut_text(&mut self, text: &str) {
        if self.running() {
            client::client_cut_text(&mut self.out, text);
        }
        self.pump_or_close();
    }

    /// Asks for an update of the whole framebuffer, incremental (only what changed) or full.
    pub fn request_update(&mut self, incremental: bool) {
        self.request_update_region(self.full_rect(), incremental);
    }

    /// Asks for an update of `rect` (clipped to the framebuffer).
    pub fn request_update_region(&mut self, rect: Rect, incremental: bool) {
        if !self.running() {
            return;
        }
        let x = rect.x.min(self.fb.width());
        let y = rect.y.min(self.fb.height());
        let w = rect.width.min(self.fb.width() - x);
        let h = rect.height.min(self.fb.height() - y);
        self.send_request(incremental, Rect::new(x, y, w, h));
        self.pump_or_close();
    }

    /// Pauses or resumes the automatic update requests (for a hidden window). Resuming asks
    /// for an incremental update at once if none is in flight.
    pub fn set_updates_paused(&mut self, paused: bool) {
        let was = mem::replace(&mut self.updates.paused, paused);
        if was
            && !paused
            && self.running()
            && !self.updates.in_flight
            && !self.receiving_update()
            && self.config.continuous_updates
        {
            self.apply_pending_format();
            self.send_next_request();
        }
        self.pump_or_close();
    }

    /// Changes the announced encodings; sent at once when initialised.
    pub fn set_encodings(&mut self, encodings: &[Encoding]) {
        self.config.encodings = encodings.to_vec();
        if self.running() {
            client::set_encodings(&mut self.out, encodings);
        }
        self.pump_or_close();
    }

    /// Changes the pixel format to ask for. After initialisation the switch happens between
    /// updates (when no request is in flight), followed by a full update, so no rectangle is
    /// ever decoded in the wrong format.
    pub fn set_pixel_format(&mut self, request: PixelFormatRequest) {
        self.config.pixel_format = request;
        if !self.running() {
            return;
        }
        let (pf, _) = request.resolve(self.server_pixel_format);
        if let Err(e) = pf.validate() {
            tracing::warn!(pixel_format = ?pf, error = %e, "ignoring a pixel format that cannot be decoded");
            return;
        }
        self.updates.pending_format = Some(pf);
        // Never in the middle of an update: its remaining rectangles are in the old format.
        if !self.updates.in_flight && !self.receiving_update() {
            self.apply_pending_format();
            if self.config.continuous_updates && !self.updates.paused {
                self.send_next_request();
            }
        }
        self.pump_or_close();
    }

    /// True once the server has shown it supports ExtendedDesktopSize, so that
    /// [`set_desktop_size`](Self::set_desktop_size) can work.
    pub fn can_resize_desktop(&self) -> bool {
        self.extended_desktop_size
    }

    /// Asks the server to resize the desktop (SetDesktopSize) to one screen of `width` x
    /// `height`, keeping the id of the server's first screen. Ignored if the server does not
    /// support it; the answer comes as [`Event::DesktopLayout`] with
    /// [`ResizeReason::ThisClient`](crate::ResizeReason).
    pub fn set_desktop_size(&mut self, width: u16, height: u16) {
        if !self.running() || !self.extended_desktop_size || width == 0 || height == 0 {
            return;
        }
        let id = self.screens.first().map_or(0, |s| s.id);
        let flags = self.screens.first().map_or(0, |s| s.flags);
        let screen = crate::Screen {
            id,
            x: 0,
            y: 0,
            width,
            height,
            flags,
        };
        client::set_desktop_size(&mut self.out, width, height, &[screen]);
        self.pump_or_close();
    }

    // ----- state -----

    /// The framebuffer (black and 0x0 before ServerInit).
    pub fn framebuffer(&self) -> &Framebuffer {
        &self.fb
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
        self.fb
    }

    /// True once ServerInit has been received and until the session closes.
    pub fn is_initialized(&self) -> bool {
        self.running()
    }

    /// True once the session has ended, by error or end of stream.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.version
    }

    /// The chosen security type.
    pub fn security_type(&self) -> Option<SecurityType> {
        self.security
    }

    /// The desktop name.
    pub fn desktop_name(&self) -> &str {
        &self.name
    }

    /// The pixel format rectangles are currently decoded in.
    pub fn pixel_format(&self) -> &PixelFormat {
        &self.pixel_format
    }

    /// The server's native pixel format from ServerInit.
    pub fn server_pixel_format(&self) -> &PixelFormat {
        &self.server_pixel_format
    }

    /// The configuration (with any changes made by commands since).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// True when the session waits for [`set_credential`](Self::set_credential).
    pub fn credentials_needed(&self) -> Option<CredentialsNeeded> {
        match self.state {
            State::AwaitCredentials { .. } => Some(self.missing_credentials()),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("version", &self.version)
            .field("security", &self.security)
            .field("framebuffer", &self.fb)
            .finish_non_exhaustive()
    }
}
