//! The handshake (RFC 6143 §7.1-7.3), one file per step: [`version`], [`security`] (the
//! security type lists), [`vencrypt`], [`tls_step`], [`auth`] (VNC authentication, Plain and
//! the SecurityResult, with [`ard`] and [`ms_logon_ii`] for those key exchanges) and [`init`]. Each state holds only what its step needs and is moved by
//! value into the next; input that no state may take is rejected here, in one place.

pub(crate) mod ard;
pub(crate) mod auth;
pub(crate) mod init;
pub(crate) mod ms_logon_ii;
#[cfg(feature = "sasl")]
pub(crate) mod sasl;
pub(crate) mod security;
pub(crate) mod tls_step;
pub(crate) mod vencrypt;
pub mod version;
pub(crate) mod vnc_auth;

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;
use crate::session::{Context, State};

use self::auth::Auth;
use self::security::Security;
use self::tls_step::TlsStep;
use self::vencrypt::Vencrypt;

/// Bytes a server may send ahead while the session waits for the application's credentials
/// or trusted roots.
const AWAIT_READ_AHEAD: usize = 4096;

/// Where the handshake is.
pub(crate) enum Handshake {
    /// The server's ProtocolVersion.
    Version,
    /// The security type negotiation (and the one inside anonymous TLS).
    Security(Security),
    /// VeNCrypt's version and sub-type negotiation.
    Vencrypt(Vencrypt),
    /// The TLS handshake, and the application's decision on an unverified certificate.
    Tls(TlsStep),
    /// Authentication and the SecurityResult.
    Auth(Auth),
    /// The SASL exchange (then `Auth`'s SecurityResult).
    #[cfg(feature = "sasl")]
    Sasl(sasl::Sasl),
    /// ServerInit.
    ServerInit,
}

/// What a step returns: the session's next state, and whether the step consumed input or
/// moved on (false: it waits for more input, or for the application).
pub(crate) type Next = (State, bool);

/// Stays in `state`, waiting.
pub(crate) fn wait(state: impl Into<Handshake>) -> Result<Next, Error> {
    Ok((State::Handshake(state.into()), false))
}

/// Moves on to `state`.
pub(crate) fn go(state: impl Into<Handshake>) -> Result<Next, Error> {
    Ok((State::Handshake(state.into()), true))
}

impl From<Security> for Handshake {
    fn from(s: Security) -> Handshake {
        Handshake::Security(s)
    }
}

impl From<Vencrypt> for Handshake {
    fn from(s: Vencrypt) -> Handshake {
        Handshake::Vencrypt(s)
    }
}

impl From<TlsStep> for Handshake {
    fn from(s: TlsStep) -> Handshake {
        Handshake::Tls(s)
    }
}

impl From<Auth> for Handshake {
    fn from(s: Auth) -> Handshake {
        Handshake::Auth(s)
    }
}

impl Handshake {
    /// One step: reads what the state expects from `r`.
    pub(crate) fn advance(self, cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
        // The server must wait for our answer; a little read-ahead is tolerated, a stream of
        // bytes is not (it would pile up while the user types).
        if matches!(
            self,
            Handshake::Auth(Auth::AwaitCredentials(_)) | Handshake::Tls(TlsStep::AwaitRoots(_))
        ) && r.remaining() > AWAIT_READ_AHEAD
        {
            return Err(Error::protocol(
                self.step(),
                ProtocolError::UnexpectedData {
                    len: r.remaining() as u64,
                },
            ));
        }
        match self {
            Handshake::Version => version::advance(cx, r),
            Handshake::Security(s) => s.advance(cx, r),
            Handshake::Vencrypt(s) => s.advance(cx, r),
            Handshake::Tls(s) => s.advance(cx),
            Handshake::Auth(s) => s.advance(cx, r),
            #[cfg(feature = "sasl")]
            Handshake::Sasl(s) => s.advance(cx, r),
            Handshake::ServerInit => init::advance(cx, r),
        }
    }

    /// Which step the handshake is in, for errors.
    pub(crate) fn step(&self) -> Step {
        match self {
            Handshake::Version => Step::Version,
            Handshake::Security(_) | Handshake::Vencrypt(_) | Handshake::Tls(_) => Step::Security,
            Handshake::Auth(_) => Step::Authentication,
            #[cfg(feature = "sasl")]
            Handshake::Sasl(_) => Step::Authentication,
            Handshake::ServerInit => Step::Initialization,
        }
    }

    /// The error for the server closing the connection here (`tls`: TLS runs).
    pub(crate) fn eof_error(&self, tls: bool) -> Error {
        use Handshake as H;
        match self {
            // A server that answers bad credentials by hanging up (RFB 3.3 and 3.7 give no
            // reason) has rejected them.
            H::Auth(
                Auth::SecurityResult {
                    credentials_sent: true,
                }
                | Auth::FailureReason {
                    credentials_sent: true,
                },
            ) => Error::AuthenticationFailed { reason: None },
            // Hanging up right after the TLS handshake, before any credentials: TLS servers
            // that want a client certificate (QEMU's verify-peer) do that under TLS 1.3, where
            // the client learns only now that its certificate was missing or refused.
            H::Tls(TlsStep::Handshake(_))
            | H::Auth(Auth::VncChallenge | Auth::SecurityResult { .. })
            | H::Security(Security::TypeCount { .. } | Security::Type33 { .. })
                if tls =>
            {
                Error::Tls {
                    message: "the server closed the connection right after the TLS handshake; it may require a \
                              client certificate that it did not get or did not accept"
                        .into(),
                }
            }
            H::Auth(Auth::SecurityResult { .. } | Auth::FailureReason { .. }) => {
                Error::AuthenticationFailed { reason: None }
            }
            // QEMU answers a wrong password (a failed SASL step) by hanging up.
            #[cfg(feature = "sasl")]
            H::Sasl(
                sasl::Sasl::ServerLength(_)
                | sasl::Sasl::ServerData(..)
                | sasl::Sasl::Complete(..),
            ) => Error::AuthenticationFailed { reason: None },
            _ => Error::UnexpectedEof { step: self.step() },
        }
    }
}

/// Reads a length-prefixed failure reason once all of it has arrived (`Ok(None)`, with `r`
/// untouched, until then).
pub(crate) fn read_reason(
    r: &mut Reader,
    cx: &Context,
    step: Step,
) -> Result<Option<String>, Error> {
    let mut t = *r;
    let Some(len) = t.u32() else {
        return Ok(None);
    };
    let limit = cx.config.limits.max_reason;
    if len > limit {
        return Err(Error::LimitExceeded {
            step,
            what: "a failure reason length",
            value: len.into(),
            limit: limit.into(),
        });
    }
    let Some(text) = t.take(len as usize) else {
        return Ok(None);
    };
    *r = t;
    Ok(Some(init::decode_text(text)))
}
