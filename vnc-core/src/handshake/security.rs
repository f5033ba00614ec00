//! The security type negotiation (RFC 6143 §7.1.2): the server's list (RFB 3.7+) or its
//! choice (3.3), picked by the configured preferences, or its reason for refusing. It runs a
//! second time inside anonymous TLS (type 18), for the inner authentication.

use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::reader::Reader;
use crate::security::{self, Protection, SecurityType, TopChoice};
use crate::session::Context;

use super::auth;
use super::tls_step;
use super::vencrypt::Vencrypt;
use super::version::ProtocolVersion;
use super::{Handshake, Next, go, read_reason, wait};

/// Where the security type negotiation is. `inner`: this is the negotiation inside anonymous
/// TLS, where only None and VNC authentication are accepted.
pub(crate) enum Security {
    /// RFB 3.7+: the count of security types.
    TypeCount { inner: bool },
    /// RFB 3.7+: the list of `n` security types.
    TypeList { n: u8, inner: bool },
    /// RFB 3.3: the server's choice as a u32.
    Type33 { inner: bool },
    /// The server refused the connection: its reason follows, then the session fails.
    Refused,
}

impl Security {
    /// The negotiation as `version` runs it.
    pub(crate) fn start(version: ProtocolVersion, inner: bool) -> Security {
        match version {
            ProtocolVersion::V3_3 => Security::Type33 { inner },
            _ => Security::TypeCount { inner },
        }
    }

    pub(crate) fn advance(self, cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
        match self {
            Security::TypeCount { inner } => match r.u8() {
                None => wait(self),
                Some(0) => go(Security::Refused),
                Some(n) => go(Security::TypeList { n, inner }),
            },
            Security::TypeList { n, inner } => match r.take(n.into()) {
                None => wait(self),
                Some(offered) => go(on_security_types(cx, offered, inner)?),
            },
            Security::Type33 { inner } => match r.u32() {
                None => wait(self),
                Some(0) => go(Security::Refused),
                Some(t) => go(on_security_type_33(cx, t, inner)?),
            },
            Security::Refused => match read_reason(r, cx, Step::Security)? {
                None => wait(self),
                Some(reason) => Err(Error::ConnectionRefused { reason }),
            },
        }
    }
}

/// The preference list in force: without clear-text types when encryption is required
/// (inside anonymous TLS the inner types are fine), only None and VncAuth inside it.
pub(crate) fn preferences(cx: &Context, inner: bool) -> Vec<SecurityType> {
    cx.config
        .security_types
        .iter()
        .copied()
        .filter(|t| t.is_available())
        .filter(|t| {
            if inner {
                matches!(t, SecurityType::None | SecurityType::VncAuth)
            } else {
                !cx.config.require_encryption || t.protection() != Protection::Clear
            }
        })
        .collect()
}

/// The error for an offer with nothing we accept.
pub(crate) fn no_common_type(cx: &Context, offered: Vec<u32>, inner: bool) -> Error {
    // A list that can accept nothing is the user's mistake, whatever the server offers.
    if !inner {
        if let Err(e) =
            SecurityType::check_policy(&cx.config.security_types, cx.config.require_encryption)
        {
            return Error::SecurityPolicy(e);
        }
    }
    if cx.config.require_encryption && !inner {
        return Error::EncryptionRequired {
            offered: offered
                .iter()
                .map(|&t| format!("{}({t})", security::security_type_name(t)))
                .collect(),
        };
    }
    Error::NoCommonSecurityType {
        offered,
        accepted: preferences(cx, inner),
    }
}

fn on_security_types(cx: &mut Context, offered: &[u8], inner: bool) -> Result<Handshake, Error> {
    let names: Vec<String> = offered
        .iter()
        .map(|&t| format!("{}({t})", security::security_type_name(t.into())))
        .collect();
    tracing::debug!(offered = ?names, "server security types");
    match security::choose(&preferences(cx, inner), offered) {
        None => Err(no_common_type(
            cx,
            offered.iter().map(|&t| u32::from(t)).collect(),
            inner,
        )),
        Some(TopChoice::Vencrypt) => {
            cx.io.out.push(19);
            Ok(Vencrypt::start(inner).into())
        }
        Some(TopChoice::Direct(chosen)) => {
            cx.io.out.push(chosen.number() as u8);
            start_security(cx, chosen, inner)
        }
    }
}

fn on_security_type_33(cx: &mut Context, t: u32, inner: bool) -> Result<Handshake, Error> {
    match SecurityType::from_number(t) {
        Some(chosen) if !chosen.is_vencrypt() && preferences(cx, inner).contains(&chosen) => {
            start_security(cx, chosen, inner)
        }
        Some(chosen) if !chosen.is_vencrypt() => Err(no_common_type(cx, vec![t], inner)),
        // VeNCrypt sub-type numbers are not security types of their own.
        _ => Err(Error::protocol(
            Step::Security,
            ProtocolError::UnsupportedSecurityType(t),
        )),
    }
}

/// Logs the choice, and reports it unless it is the inner one.
pub(crate) fn note_security(cx: &mut Context, chosen: SecurityType, inner: bool) {
    let protection = match chosen.protection() {
        Protection::Clear => "not encrypted",
        Protection::EncryptedUnauthenticated => "encrypted, server not authenticated",
        Protection::Authenticated => "encrypted, server authenticated",
    };
    tracing::info!(security_type = %chosen, protection, "security type chosen");
    if !inner {
        cx.security = Some(chosen);
        cx.events.push_back(Event::SecurityNegotiated(chosen));
    }
}

fn start_security(cx: &mut Context, chosen: SecurityType, inner: bool) -> Result<Handshake, Error> {
    note_security(cx, chosen, inner);
    if chosen == SecurityType::AnonTls {
        return tls_step::start_tls(cx, chosen);
    }
    Ok(auth::start_inner(cx, chosen))
}
