//! Authentication after the security type (and TLS, if any): VNC authentication's challenge
//! and response, Plain's user name and password, the key exchanges of ARD and MS-Logon II
//! (in [`ard`](super::ard) and [`ms_logon_ii`](super::ms_logon_ii)), waiting for the
//! application's credentials, and the SecurityResult with its failure reason.

use zeroize::Zeroizing;

use crate::error::{Error, Step};
use crate::event::Event;
use crate::reader::Reader;
use crate::security::{CredentialsNeeded, Inner, SecurityType};
use crate::session::Context;

use super::security::Security;
use super::version::ProtocolVersion;
use super::{Handshake, Next, ard, go, ms_logon_ii, read_reason, vnc_auth, wait};

/// Credentials the application supplied, kept until used. They are wiped from memory when
/// dropped; the password is used once.
#[derive(Default)]
pub(crate) struct Credentials {
    pub(crate) username: Option<Zeroizing<String>>,
    pub(crate) password: Option<Zeroizing<String>>,
}

impl Credentials {
    /// What of `needs` has not been supplied.
    pub(crate) fn missing_for(&self, needs: CredentialsNeeded) -> CredentialsNeeded {
        CredentialsNeeded {
            username: needs.username && self.username.is_none(),
            password: needs.password && self.password.is_none(),
        }
    }
}

/// Where authentication is.
pub(crate) enum Auth {
    /// VNC authentication: the server's 16-byte challenge.
    VncChallenge,
    /// Apple Remote Desktop: the server's Diffie-Hellman parameters.
    ArdParams,
    /// MS-Logon II: the server's Diffie-Hellman parameters.
    MsLogonIIParams,
    /// Waiting for the application's credentials.
    AwaitCredentials(PendingAuth),
    /// The server's verdict; `credentials_sent`: a password went out.
    SecurityResult { credentials_sent: bool },
    /// RFB 3.8: the reason for a failed SecurityResult, then the session fails.
    FailureReason { credentials_sent: bool },
}

/// What the awaited credentials are for.
pub(crate) enum PendingAuth {
    Vnc([u8; 16]),
    Plain,
    Ard(Box<ard::Prepared>),
    MsLogonII(Box<ms_logon_ii::Prepared>),
    /// A SASL mechanism's prompt.
    #[cfg(feature = "sasl")]
    Sasl(Box<super::sasl::Pending>),
}

impl PendingAuth {
    pub(crate) fn security_type(&self) -> SecurityType {
        match self {
            PendingAuth::Vnc(_) => SecurityType::VncAuth,
            PendingAuth::Plain => SecurityType::Plain,
            PendingAuth::Ard(_) => SecurityType::Ard,
            PendingAuth::MsLogonII(_) => SecurityType::MsLogonII,
            #[cfg(feature = "sasl")]
            PendingAuth::Sasl(_) => SecurityType::Sasl,
        }
    }

    /// The credentials it waits for.
    pub(crate) fn needs(&self) -> CredentialsNeeded {
        match self {
            #[cfg(feature = "sasl")]
            PendingAuth::Sasl(p) => p.needs(),
            other => other.security_type().needs(),
        }
    }
}

impl Auth {
    pub(crate) fn advance(self, cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
        match self {
            Auth::VncChallenge => match r.array::<16>() {
                None => wait(self),
                Some(challenge) => go(vnc_challenge(cx, challenge)),
            },
            Auth::ArdParams => match ard::read_params(r, &mut cx.random)? {
                None => wait(self),
                Some(p) => go(send_login(cx, PendingAuth::Ard(Box::new(p)))),
            },
            Auth::MsLogonIIParams => match ms_logon_ii::read_params(r, &mut cx.random)? {
                None => wait(self),
                Some(p) => go(send_login(cx, PendingAuth::MsLogonII(Box::new(p)))),
            },
            Auth::AwaitCredentials(_) => wait(self),
            Auth::SecurityResult { credentials_sent } => match r.u32() {
                None => wait(self),
                Some(0) => {
                    tracing::debug!("security handshake succeeded");
                    // SASL's security layer wraps everything after the SecurityResult.
                    #[cfg(feature = "sasl")]
                    if let Some(client) = cx.io.sasl_pending.take() {
                        cx.io.start_sasl(client)?;
                    }
                    cx.io.out.push(cx.config.shared as u8);
                    go(Handshake::ServerInit)
                }
                Some(code) => {
                    tracing::debug!(code, "server rejected authentication");
                    if cx.version == Some(ProtocolVersion::V3_8) {
                        go(Auth::FailureReason { credentials_sent })
                    } else {
                        Err(Error::AuthenticationFailed {
                            reason: (code == 2)
                                .then(|| "too many authentication failures".to_owned()),
                        })
                    }
                }
            },
            Auth::FailureReason { .. } => match read_reason(r, cx, Step::Authentication)? {
                None => wait(self),
                Some(reason) => Err(Error::AuthenticationFailed {
                    reason: Some(reason),
                }),
            },
        }
    }
}

/// The authentication that runs after the security type (and TLS, if any).
pub(crate) fn start_inner(cx: &mut Context, t: SecurityType) -> Handshake {
    match t.inner() {
        Inner::None => {
            // RFB 3.3 and 3.7 send no SecurityResult after the plain None type.
            if cx.version == Some(ProtocolVersion::V3_8) || t != SecurityType::None {
                Auth::SecurityResult {
                    credentials_sent: false,
                }
                .into()
            } else {
                cx.io.out.push(cx.config.shared as u8);
                Handshake::ServerInit
            }
        }
        Inner::Vnc => Auth::VncChallenge.into(),
        Inner::Plain => send_login(cx, PendingAuth::Plain),
        Inner::Ard => Auth::ArdParams.into(),
        Inner::MsLogonII => Auth::MsLogonIIParams.into(),
        #[cfg(feature = "sasl")]
        Inner::Sasl => super::sasl::Sasl::MechlistLength.into(),
        // Never chosen: without the feature the preferences leave the SASL types out.
        #[cfg(not(feature = "sasl"))]
        Inner::Sasl => Auth::SecurityResult {
            credentials_sent: false,
        }
        .into(),
        Inner::Negotiate => match cx.version {
            Some(v) => Security::start(v, true).into(),
            None => Security::TypeCount { inner: true }.into(),
        },
    }
}

/// Goes on once the application has supplied what `pending` needs.
pub(crate) fn resume(cx: &mut Context, pending: PendingAuth) -> Result<Handshake, Error> {
    Ok(match pending {
        PendingAuth::Vnc(challenge) => vnc_challenge(cx, challenge),
        #[cfg(feature = "sasl")]
        PendingAuth::Sasl(p) => super::sasl::resume(cx, *p)?,
        login => send_login(cx, login),
    })
}

/// Sends a user name and password (Plain, ARD, MS-Logon II) once both are there, or asks
/// for what is missing.
fn send_login(cx: &mut Context, pending: PendingAuth) -> Handshake {
    let creds = &mut cx.credentials;
    match (&creds.username, creds.password.take()) {
        (Some(user), Some(pw)) => {
            let (u, p) = (user.as_bytes(), pw.as_bytes());
            let out = &mut cx.io.out;
            match &pending {
                PendingAuth::Ard(prepared) => ard::send(prepared, u, p, out),
                PendingAuth::MsLogonII(prepared) => ms_logon_ii::send(prepared, u, p, out),
                #[cfg(feature = "sasl")]
                PendingAuth::Sasl(_) => {}
                PendingAuth::Plain | PendingAuth::Vnc(_) => {
                    out.extend_from_slice(&(u.len() as u32).to_be_bytes());
                    out.extend_from_slice(&(p.len() as u32).to_be_bytes());
                    out.extend_from_slice(u);
                    out.extend_from_slice(p);
                }
            }
            Auth::SecurityResult {
                credentials_sent: true,
            }
            .into()
        }
        (_, pw) => {
            creds.password = pw;
            let needs = creds.missing_for(pending.needs());
            cx.events.push_back(Event::CredentialsRequired(needs));
            cx.deadline.pause();
            Auth::AwaitCredentials(pending).into()
        }
    }
}

fn vnc_challenge(cx: &mut Context, challenge: [u8; 16]) -> Handshake {
    // The password is used once and then wiped; a retry makes a new session.
    match cx.credentials.password.take() {
        Some(pw) => {
            let resp = vnc_auth::response(pw.as_bytes(), &challenge);
            cx.io.out.extend_from_slice(&resp);
            Auth::SecurityResult {
                credentials_sent: true,
            }
            .into()
        }
        None => {
            cx.events
                .push_back(Event::CredentialsRequired(SecurityType::VncAuth.needs()));
            cx.deadline.pause();
            Auth::AwaitCredentials(PendingAuth::Vnc(challenge)).into()
        }
    }
}
