//! Attacks through Apple Remote Desktop's key exchange (type 30, in the default list):
//! key lengths out of bounds, degenerate Diffie-Hellman values and parameters that never
//! end. Each is refused before the user is asked for anything. (MS-Logon II, which the front
//! ends use only when allowed, meets the same checks in vnc-core's hostile tests.)

use vnc_core::testing::Script;
use vnc_core::{Error, ProtocolError, Step};

use super::{Attack, PROTOCOL, TIMEOUT, error};

/// ARD offered alone, then its parameters: generator, key length, modulus, server key.
fn ard(generator: u16, k: u16, modulus: &[u8], server_public: &[u8]) -> Vec<u8> {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[30])
        .raw(&generator.to_be_bytes())
        .raw(&k.to_be_bytes())
        .raw(modulus)
        .raw(server_public)
        .bytes()
        .to_vec()
}

fn key_length(e: &Error) -> bool {
    matches!(
        e,
        Error::Protocol {
            step: Step::Authentication,
            error: ProtocolError::ArdKeyLength(_),
        }
    )
}

fn degenerate(e: &Error) -> bool {
    matches!(
        e,
        Error::Protocol {
            step: Step::Authentication,
            error: ProtocolError::DegenerateDiffieHellman { .. },
        }
    )
}

pub(super) fn attacks() -> Vec<Attack> {
    // 2^127 - 1, a prime of 16 bytes.
    let mut p = vec![0xff; 16];
    p[0] = 0x7f;
    let mut p_minus_1 = p.clone();
    p_minus_1[15] = 0xfe;
    let small = |v: u8| {
        let mut k = vec![0; 16];
        k[15] = v;
        k
    };
    let list = [
        (
            "an ARD key length of 0",
            ard(2, 0, &[], &[]),
            error(key_length, PROTOCOL),
        ),
        (
            "an ARD key length of 65535, with all its 128 KiB",
            ard(2, u16::MAX, &vec![0xff; 65535], &vec![0x11; 65535]),
            error(key_length, PROTOCOL),
        ),
        (
            "an ARD modulus of 1",
            ard(2, 16, &small(1), &small(1)),
            error(degenerate, PROTOCOL),
        ),
        (
            "an ARD generator of 1",
            ard(1, 16, &p, &small(5)),
            error(degenerate, PROTOCOL),
        ),
        (
            "an ARD server key of p-1",
            ard(2, 16, &p, &p_minus_1),
            error(degenerate, PROTOCOL),
        ),
        (
            "an ARD server key of 0",
            ard(2, 16, &p, &small(0)),
            error(degenerate, PROTOCOL),
        ),
        (
            "ARD parameters that never end",
            ard(2, 512, &[0xff; 300], &[]),
            error(|e| matches!(e, Error::Timeout { .. }), TIMEOUT),
        ),
    ];
    list.into_iter()
        .map(|(name, script, expect)| Attack {
            name,
            script,
            trickle: None,
            expect,
        })
        .collect()
}
