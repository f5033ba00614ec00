//! SASL (security type 20, and VeNCrypt's X509SASL and TLSSASL), as QEMU serves it and
//! gtk-vnc speaks it: the server's mechanism list, the client's choice with its first data,
//! then server data, a "complete" flag and client data in turn until both sides are done,
//! then the SecurityResult. Cyrus SASL (through `vnc-sasl`) runs the mechanism; without TLS
//! its security layer (strength 56 or more) is required and wraps the rest of the session
//! (under TLS, inside it, when the server asks for one).
//!
//! The wire format (QEMU's `ui/vnc-auth-sasl.c`): a u32 length and the comma-separated
//! mechanism list; the client sends a u32 length and the mechanism name, then a u32 length and
//! its first data followed by a NUL (0: no data); each server turn is a u32 length and data
//! with a trailing NUL (0: no data) and a u8 (1: the server is done); each client turn is a
//! u32 length and data with a NUL.

use vnc_sasl::{Client, Credentials, Progress, Settings};

use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::reader::Reader;
use crate::security::CredentialsNeeded;
use crate::session::Context;

use super::auth::{Auth, PendingAuth};
use super::{Handshake, Next, go, init, wait};

/// Longest mechanism list accepted: a Cyrus server with every plugin lists a few hundred
/// bytes.
pub(crate) const MAX_MECHLIST: u32 = 4096;
/// Most server turns: DIGEST-MD5 and SCRAM take two, GSSAPI a handful.
const MAX_TURNS: u8 = 32;
/// The smallest security-layer strength accepted without TLS (QEMU's and gtk-vnc's).
const MIN_SSF: u32 = 56;
/// The largest security-layer frame the server may send (gtk-vnc asks for 100000).
const MAX_FRAME: u32 = 100_000;

/// Where SASL is.
pub(crate) enum Sasl {
    /// The length of the mechanism list.
    MechlistLength,
    /// The mechanism list.
    Mechlist(u32),
    /// A server turn: its data's length.
    ServerLength(Box<Exchange>),
    /// A server turn: its data.
    ServerData(Box<Exchange>, u32),
    /// A server turn: the "complete" flag.
    Complete(Box<Exchange>, Option<Vec<u8>>),
}

/// A running exchange: the Cyrus client and how many server turns have come.
pub(crate) struct Exchange {
    client: Client,
    turns: u8,
    /// Cyrus finished on our side at the last step (`SASL_OK`).
    client_done: bool,
}

/// What waits for the application's credentials.
pub(crate) struct Pending {
    exchange: Exchange,
    at: PendingAt,
    needs: CredentialsNeeded,
}

enum PendingAt {
    /// The mechanism is being chosen from this list.
    Start(String),
    /// The answer to this server turn.
    Step {
        data: Option<Vec<u8>>,
        complete: bool,
    },
}

impl Pending {
    pub(crate) fn needs(&self) -> CredentialsNeeded {
        self.needs
    }
}

impl From<Sasl> for Handshake {
    fn from(s: Sasl) -> Handshake {
        Handshake::Sasl(s)
    }
}

fn too_long(what: &'static str, value: u32, limit: u32) -> Error {
    Error::LimitExceeded {
        step: Step::Authentication,
        what,
        value: value.into(),
        limit: limit.into(),
    }
}

fn sasl_error(e: vnc_sasl::Error) -> Error {
    Error::Sasl { message: e.message }
}

impl Sasl {
    pub(crate) fn advance(self, cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
        match self {
            Sasl::MechlistLength => match r.u32() {
                None => wait(self),
                Some(0) => Err(Error::Sasl {
                    message: "the server offers no SASL mechanism".into(),
                }),
                Some(n) if n > MAX_MECHLIST => {
                    Err(too_long("a SASL mechanism list", n, MAX_MECHLIST))
                }
                Some(n) => go(Sasl::Mechlist(n)),
            },
            Sasl::Mechlist(n) => match r.take(n as usize) {
                None => wait(self),
                Some(list) => {
                    let list = init::decode_text(list);
                    tracing::debug!(mechanisms = %list, "SASL mechanisms offered");
                    let exchange = Exchange {
                        client: new_client(cx)?,
                        turns: 0,
                        client_done: false,
                    };
                    go(run(cx, exchange, PendingAt::Start(list))?)
                }
            },
            Sasl::ServerLength(ex) => match r.u32() {
                None => wait(Sasl::ServerLength(ex)),
                Some(n) => {
                    let limit = cx.config.limits.max_sasl_data;
                    if n > limit {
                        return Err(too_long("a SASL data length", n, limit));
                    }
                    go(Sasl::ServerData(ex, n))
                }
            },
            Sasl::ServerData(ex, n) => match r.take(n as usize) {
                None => wait(Sasl::ServerData(ex, n)),
                // The server sends a NUL after its data, counted in the length.
                Some(data) => match data.split_last() {
                    None => go(Sasl::Complete(ex, None)),
                    Some((0, d)) => go(Sasl::Complete(ex, Some(d.to_vec()))),
                    Some(_) => Err(Error::protocol(
                        Step::Authentication,
                        ProtocolError::UnterminatedSaslData,
                    )),
                },
            },
            Sasl::Complete(mut ex, data) => match r.u8() {
                None => wait(Sasl::Complete(ex, data)),
                Some(flag @ 2..) => Err(Error::protocol(
                    Step::Authentication,
                    ProtocolError::InvalidSaslComplete(flag),
                )),
                Some(flag) => {
                    ex.turns += 1;
                    if ex.turns > MAX_TURNS {
                        return Err(Error::Sasl {
                            message: format!(
                                "the server is still not done after {MAX_TURNS} SASL turns"
                            ),
                        });
                    }
                    if flag == 1 && ex.client_done {
                        return go(finish(cx, ex.client)?);
                    }
                    let at = PendingAt::Step {
                        data,
                        complete: flag == 1,
                    };
                    go(run(cx, *ex, at)?)
                }
            },
        }
    }
}

/// Cyrus's client for this session. Without TLS a security layer is required and mechanisms
/// that send the password in the clear are refused. Under TLS a layer is optional: QEMU still
/// insists on one under anonymous TLS (TLSSASL), and then it runs inside TLS.
fn new_client(cx: &Context) -> Result<Client, Error> {
    let tls = cx.io.tls.is_some();
    let host = cx.config.server_name.as_deref().unwrap_or("localhost");
    let settings = Settings {
        service: "vnc",
        host,
        min_ssf: if tls { 0 } else { MIN_SSF },
        max_ssf: 100_000,
        max_buffer: MAX_FRAME,
        no_plaintext: !tls,
        external_ssf: None,
    };
    Client::new(&settings).map_err(sasl_error)
}

/// Goes on once the application has supplied the credentials the mechanism asked for.
pub(crate) fn resume(cx: &mut Context, pending: Pending) -> Result<Handshake, Error> {
    run(cx, pending.exchange, pending.at)
}

/// Runs Cyrus's start or step, and sends what it made, or asks for credentials.
fn run(cx: &mut Context, mut ex: Exchange, at: PendingAt) -> Result<Handshake, Error> {
    let creds = Credentials {
        username: cx.credentials.username.as_deref().map(String::as_str),
        password: cx.credentials.password.as_deref().map(String::as_str),
    };
    let progress = match &at {
        PendingAt::Start(list) => ex.client.start(list, creds),
        PendingAt::Step { data, .. } => ex.client.step(data.as_deref(), creds),
    }
    .map_err(sasl_error)?;
    let (mechanism, data, done) = match progress {
        Progress::NeedCredentials(needs) => {
            let needs = CredentialsNeeded {
                username: needs.username,
                password: needs.password,
            };
            let missing = cx.credentials.missing_for(needs);
            cx.events.push_back(Event::CredentialsRequired(missing));
            cx.deadline.pause();
            let pending = Pending {
                exchange: ex,
                at,
                needs,
            };
            return Ok(Auth::AwaitCredentials(PendingAuth::Sasl(Box::new(pending))).into());
        }
        Progress::Output {
            mechanism,
            data,
            complete,
        } => (mechanism, data, complete),
    };
    match at {
        PendingAt::Start(_) => {
            let name = mechanism.unwrap_or_default();
            tracing::info!(mechanism = %name, "SASL mechanism chosen");
            let out = &mut cx.io.out;
            out.extend_from_slice(&(name.len() as u32).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
        }
        // Both sides are done: the server's SecurityResult follows.
        PendingAt::Step { complete: true, .. } if done => return finish(cx, ex.client),
        // The server will read nothing more, so the mechanism can never finish.
        PendingAt::Step { complete: true, .. } => {
            return Err(Error::Sasl {
                message: format!(
                    "the server ended the exchange before the {} mechanism finished",
                    ex.client.mechanism().unwrap_or("SASL")
                ),
            });
        }
        PendingAt::Step { .. } => {}
    }
    ex.client_done = done;
    // The data goes with a NUL, counted in the length; no data is a zero length.
    let out = &mut cx.io.out;
    match data {
        Some(d) => {
            out.extend_from_slice(&(d.len() as u32 + 1).to_be_bytes());
            out.extend_from_slice(&d);
            out.push(0);
        }
        None => out.extend_from_slice(&0u32.to_be_bytes()),
    }
    Ok(Sasl::ServerLength(Box::new(ex)).into())
}

/// Checks the security layer and arms it for after the SecurityResult, which QEMU sends
/// before its layer starts (as gtk-vnc reads it).
fn finish(cx: &mut Context, mut client: Client) -> Result<Handshake, Error> {
    let ssf = client.ssf().map_err(sasl_error)?;
    let tls = cx.io.tls.is_some();
    tracing::info!(ssf, "SASL authentication complete");
    if !tls && ssf < MIN_SSF {
        return Err(Error::Sasl {
            message: format!(
                "the negotiated SASL security layer is too weak (strength {ssf}; {MIN_SSF} is needed without TLS)"
            ),
        });
    }
    if ssf > 0 {
        cx.io.sasl_pending = Some(client);
    }
    Ok(Auth::SecurityResult {
        credentials_sent: true,
    }
    .into())
}
