//! Attacks through SASL (type 20, which the front ends offer by default): mechanism lists out
//! of bounds, empty or with nothing usable, server data beyond the limit, a bad "complete"
//! flag and a list that never ends. Each is refused before the user is asked for anything;
//! vnc-core's hostile tests and `qemu_sasl.rs` (altered security-layer frames) cover the
//! rest.

use vnc_core::testing::Script;
use vnc_core::{Error, ProtocolError, Step};

use super::{Attack, PROTOCOL, TIMEOUT, error};

/// The exit code of a security failure (vnccapture's TLS code).
const SECURITY: i32 = 5;

/// SASL offered alone, then a mechanism list of `len` bytes of which `list` is sent.
fn offer(len: u32, list: &[u8]) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[20])
        .raw(&len.to_be_bytes())
        .raw(list)
}

fn list(l: &[u8]) -> Script {
    offer(l.len() as u32, l)
}

fn limit(e: &Error) -> bool {
    matches!(
        e,
        Error::LimitExceeded {
            step: Step::Authentication,
            ..
        }
    )
}

fn sasl(e: &Error) -> bool {
    matches!(e, Error::Sasl { .. })
}

pub(super) fn attacks() -> Vec<Attack> {
    let attacks = [
        (
            "a SASL mechanism list of 4 GiB",
            offer(u32::MAX, &[b'A'; 1024]),
            error(limit, PROTOCOL),
        ),
        (
            "an empty SASL mechanism list",
            list(b""),
            error(sasl, SECURITY),
        ),
        (
            "a SASL mechanism list with nothing usable",
            list(b"X-EVIL,PLAIN,\xff\xfe"),
            error(sasl, SECURITY),
        ),
        (
            "SASL server data of 4 GiB",
            list(b"DIGEST-MD5").raw(&u32::MAX.to_be_bytes()),
            error(limit, PROTOCOL),
        ),
        (
            "a SASL complete flag of 255",
            list(b"DIGEST-MD5").raw(&[0, 0, 0, 2, b'x', 0, 0xff]),
            error(
                |e| {
                    matches!(
                        e,
                        Error::Protocol {
                            step: Step::Authentication,
                            error: ProtocolError::InvalidSaslComplete(0xff),
                        }
                    )
                },
                PROTOCOL,
            ),
        ),
        (
            "a SASL mechanism list that never ends",
            offer(4096, b"DIGEST-MD5,"),
            error(|e| matches!(e, Error::Timeout { .. }), TIMEOUT),
        ),
    ];
    attacks
        .into_iter()
        .map(|(name, script, expect)| Attack {
            name,
            script: script.bytes().to_vec(),
            trickle: None,
            expect,
        })
        .collect()
}
