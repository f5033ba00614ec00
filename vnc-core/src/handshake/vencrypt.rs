//! VeNCrypt (security type 19): its version exchange and the sub-type list, from which one
//! TLS, x509 or plain sub-type is chosen. TLS sub-types are acknowledged by the server before
//! TLS starts; TigerVNC sends no acknowledgement for the others.

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;
use crate::security::{self, Protection, SecurityType};
use crate::session::Context;

use super::security::{no_common_type, note_security, preferences};
use super::{Handshake, Next, auth, go, tls_step, wait};

/// Where VeNCrypt is. `inner`: it was chosen inside anonymous TLS.
pub(crate) struct Vencrypt {
    inner: bool,
    at: At,
}

enum At {
    /// The server's version (2 bytes).
    Version,
    /// The server's answer to our version (0 = accepted).
    VersionAck,
    /// The count of sub-types.
    SubtypeCount,
    /// `n` sub-types (u32 each).
    SubtypeList(u8),
    /// The server's acceptance of a TLS sub-type (1 = accepted).
    SubtypeAck(SecurityType),
}

impl Vencrypt {
    pub(crate) fn start(inner: bool) -> Vencrypt {
        Vencrypt {
            inner,
            at: At::Version,
        }
    }

    fn at(&self, at: At) -> Vencrypt {
        Vencrypt {
            inner: self.inner,
            at,
        }
    }

    pub(crate) fn advance(self, cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
        let refused = |what| {
            Err(Error::protocol(
                Step::Security,
                ProtocolError::VencryptRefused(what),
            ))
        };
        match self.at {
            At::Version => match r.array::<2>() {
                None => wait(self),
                Some([0, minor]) if minor >= 2 => {
                    cx.io.out.extend_from_slice(&[0, 2]);
                    go(self.at(At::VersionAck))
                }
                Some([major, minor]) => Err(Error::protocol(
                    Step::Security,
                    ProtocolError::UnsupportedVencryptVersion { major, minor },
                )),
            },
            At::VersionAck => match r.u8() {
                None => wait(self),
                Some(0) => go(self.at(At::SubtypeCount)),
                Some(_) => refused("version 0.2"),
            },
            At::SubtypeCount => match r.u8() {
                None => wait(self),
                Some(0) => refused("sub-types: it offers none"),
                Some(n) => go(self.at(At::SubtypeList(n))),
            },
            At::SubtypeList(n) => match r.take(usize::from(n) * 4) {
                None => wait(self),
                Some(list) => go(self.on_subtypes(cx, list)?),
            },
            At::SubtypeAck(t) => match r.u8() {
                None => wait(self),
                Some(1) => go(tls_step::start_tls(cx, t)?),
                Some(_) => refused("the chosen sub-type"),
            },
        }
    }

    fn on_subtypes(&self, cx: &mut Context, list: &[u8]) -> Result<Handshake, Error> {
        let offered: Vec<u32> = list
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let names: Vec<String> = offered
            .iter()
            .map(|&t| format!("{}({t})", security::security_type_name(t)))
            .collect();
        tracing::debug!(offered = ?names, "VeNCrypt sub-types");
        let Some(chosen) = security::choose_subtype(&preferences(cx, self.inner), &offered) else {
            return Err(no_common_type(cx, offered, self.inner));
        };
        cx.io.out.extend_from_slice(&chosen.number().to_be_bytes());
        note_security(cx, chosen, self.inner);
        Ok(if chosen.protection() == Protection::Clear {
            // TigerVNC sends no acknowledgement for sub-types without TLS.
            auth::start_inner(cx, chosen)
        } else {
            self.at(At::SubtypeAck(chosen)).into()
        })
    }
}
