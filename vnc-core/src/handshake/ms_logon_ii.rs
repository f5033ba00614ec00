//! UltraVNC MS-Logon II (security type 113): a Diffie-Hellman exchange on 64-bit numbers,
//! whose secret is the DES key and IV (CBC) that encrypt the user name (256 bytes) and the
//! password (64 bytes), each NUL-terminated over random bytes. The numbers are far too small
//! to keep anything from an eavesdropper: the type is as weak as sending the password in the
//! clear, and the session is not encrypted.
//!
//! The server sends the generator, the modulus and its public key, each a big-endian u64;
//! the client answers with its public key (u64), then the encrypted user name and password,
//! and the server with a SecurityResult. As in VNC authentication, each byte of the DES key
//! is bit-reversed; the IV is the secret as it is (UltraVNC's `vncEncryptBytes2`, noVNC
//! `core/rfb.js` `_negotiateMSLogonIIAuth`, whose test vector is checked below).

use des::Des;
use des::cipher::{BlockCipherEncrypt, KeyInit};
use zeroize::Zeroizing;

use crate::error::{Error, ProtocolError, Step};
use crate::random::Random;
use crate::reader::Reader;

use super::ard::put_nul_terminated;

const USER_LEN: usize = 256;
const PASSWORD_LEN: usize = 64;

/// The exchange done, waiting for the credentials: the shared secret, the client's public
/// key and the random bytes the credentials are written over. Secrets are wiped when dropped.
pub(crate) struct Prepared {
    secret: Zeroizing<[u8; 8]>,
    public: u64,
    user: Zeroizing<[u8; USER_LEN]>,
    password: Zeroizing<[u8; PASSWORD_LEN]>,
}

/// Reads the server's 24 bytes once all have arrived (`Ok(None)`, `r` untouched, until then),
/// checks them, and makes the client's half of the exchange.
pub(crate) fn read_params(r: &mut Reader, random: &mut Random) -> Result<Option<Prepared>, Error> {
    let Some(bytes) = r.array::<24>() else {
        return Ok(None);
    };
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
        u64::from_be_bytes(w)
    };
    let (g, m, server) = (word(0), word(1), word(2));
    check_params(g, m, server)?;
    let mut private = Zeroizing::new([0u8; 8]);
    random.fill(&mut private[..])?;
    let x = Zeroizing::new(u64::from_be_bytes(*private));
    let mut user = Zeroizing::new([0u8; USER_LEN]);
    random.fill(&mut user[..])?;
    let mut password = Zeroizing::new([0u8; PASSWORD_LEN]);
    random.fill(&mut password[..])?;
    let shared = Zeroizing::new(mod_pow(server, *x, m));
    Ok(Some(Prepared {
        secret: Zeroizing::new(shared.to_be_bytes()),
        public: mod_pow(g, *x, m),
        user,
        password,
    }))
}

/// Refuses parameters that make the secret predictable.
fn check_params(g: u64, m: u64, server: u64) -> Result<(), Error> {
    let what = if m < 3 {
        Some("a modulus below 3")
    } else if m % 2 == 0 {
        Some("an even modulus")
    } else if g < 2 || g >= m {
        Some("a generator outside 2 to p-1")
    } else if server < 2 || server > m - 2 {
        Some("a server public key outside 2 to p-2")
    } else {
        None
    };
    match what {
        None => Ok(()),
        Some(what) => Err(Error::protocol(
            Step::Authentication,
            ProtocolError::DegenerateDiffieHellman {
                security: "MS-Logon II",
                what,
            },
        )),
    }
}

/// `base^exp mod m` (m > 0), through 128-bit products.
fn mod_pow(base: u64, exp: u64, m: u64) -> u64 {
    let m = u128::from(m);
    let mut result = 1 % m;
    let mut b = u128::from(base) % m;
    let mut e = exp;
    while e > 0 {
        if e & 1 == 1 {
            result = result * b % m;
        }
        b = b * b % m;
        e >>= 1;
    }
    result as u64
}

/// Writes the client's answer to `out`: its public key, the encrypted user name (cut to 255
/// bytes) and password (cut to 63).
pub(crate) fn send(prepared: &Prepared, username: &[u8], password: &[u8], out: &mut Vec<u8>) {
    let mut key = Zeroizing::new([0u8; 8]);
    for (k, s) in key.iter_mut().zip(prepared.secret.iter()) {
        *k = s.reverse_bits();
    }
    let cipher = Des::new(&(*key).into());
    let mut user = prepared.user.clone();
    put_nul_terminated(&mut user[..], username, "user name");
    let mut pw = prepared.password.clone();
    put_nul_terminated(&mut pw[..], password, "password");
    encrypt_cbc(&cipher, &prepared.secret, &mut user[..]);
    encrypt_cbc(&cipher, &prepared.secret, &mut pw[..]);
    out.extend_from_slice(&prepared.public.to_be_bytes());
    out.extend_from_slice(&user[..]);
    out.extend_from_slice(&pw[..]);
}

/// DES-CBC in place over whole 8-byte blocks.
fn encrypt_cbc(cipher: &Des, iv: &[u8; 8], data: &mut [u8]) {
    let mut chain = Zeroizing::new(*iv);
    for block in data.chunks_exact_mut(8) {
        for (c, b) in chain.iter_mut().zip(block.iter()) {
            *c ^= b;
        }
        let mut arr = (*chain).into();
        cipher.encrypt_block(&mut arr);
        chain.copy_from_slice(&arr);
        block.copy_from_slice(&arr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The random bytes of noVNC's test: the private key 0x0000000005060708 and zeros for
    /// the credentials' filling.
    fn novnc_random() -> Random {
        Random {
            fixed: Some(Box::new(|buf: &mut [u8]| {
                if buf.len() == 8 {
                    buf.copy_from_slice(&[0, 0, 0, 0, 5, 6, 7, 8]);
                } else {
                    buf.fill(0);
                }
            })),
        }
    }

    fn params(g: u64, m: u64, server: u64) -> Vec<u8> {
        [g, m, server]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect()
    }

    /// noVNC's `tests/test.rfb.js`, "MSLogonII authentication (type 113) handler", "should
    /// send public value and encrypted credentials": generator 65537, modulus 0x25182617,
    /// server key 0x0e12d0f5, user "username", password "password123456". Checked
    /// independently: Python's `pow()` gives the public key 0x0abc7cfd and the secret
    /// 0x10c1ecf2, and `openssl enc -des-cbc -nopad -provider legacy -provider default
    /// -K <secret, each byte bit-reversed> -iv 0000000010c1ecf2` the encrypted blocks.
    #[test]
    fn novnc_known_answer() {
        let bytes = params(0x10001, 0x2518_2617, 0x0e12_d0f5);
        let mut r = Reader::new(&bytes);
        let prepared = read_params(&mut r, &mut novnc_random()).unwrap().unwrap();
        let mut out = Vec::new();
        send(&prepared, b"username", b"password123456", &mut out);
        assert_eq!(out.len(), 8 + 256 + 64);
        assert_eq!(out, NOVNC_EXPECTED);
    }

    /// noVNC's `expected`: the public key, the user name's 256 bytes, the password's 64.
    const NOVNC_EXPECTED: [u8; 328] = [
        0x00, 0x00, 0x00, 0x00, 0x0a, 0xbc, 0x7c, 0xfd, 0x58, 0x34, 0xd2, 0x24, 0x44, 0x60, 0xf0,
        0xd1, 0xa3, 0x73, 0x32, 0x02, 0x07, 0xce, 0xc1, 0x3f, 0x10, 0x53, 0xf1, 0xdd, 0x99, 0xad,
        0x44, 0x18, 0xa1, 0xc4, 0xac, 0xc1, 0x1c, 0x13, 0x11, 0x85, 0x3a, 0x6f, 0xcb, 0xc6, 0xb1,
        0x6c, 0x68, 0x47, 0x85, 0x01, 0xbb, 0xfa, 0x23, 0x8c, 0x59, 0x47, 0x67, 0x47, 0x56, 0x6e,
        0x6f, 0x9f, 0x07, 0x76, 0x2e, 0x90, 0x1e, 0xdc, 0x80, 0xc4, 0x4b, 0x72, 0xd2, 0xd5, 0xcd,
        0x4b, 0x14, 0xff, 0x05, 0x8b, 0x8d, 0xf1, 0x9b, 0xe0, 0xff, 0xa5, 0x3b, 0x56, 0xb9, 0x6f,
        0x84, 0x3e, 0x15, 0x84, 0x31, 0x4e, 0x10, 0x0b, 0x56, 0xf4, 0x10, 0x05, 0x02, 0xc7, 0x05,
        0x0b, 0xc9, 0x66, 0x75, 0x32, 0xd3, 0x74, 0xfc, 0x8c, 0xcf, 0xbd, 0x2d, 0x53, 0xd7, 0xa7,
        0xca, 0x82, 0x12, 0xce, 0xbb, 0x33, 0x09, 0x3f, 0xff, 0x76, 0x7c, 0xdf, 0x2c, 0x2f, 0x4d,
        0x95, 0x86, 0xe4, 0x10, 0x07, 0x75, 0x1a, 0x6d, 0xdb, 0x05, 0x91, 0x70, 0x34, 0x5c, 0x12,
        0xbc, 0x4e, 0x5e, 0xd0, 0x21, 0x39, 0x25, 0x2b, 0x62, 0x19, 0x29, 0xa5, 0xe6, 0x93, 0x7b,
        0xf8, 0x3f, 0xcf, 0xd7, 0x3f, 0x0c, 0xd2, 0x68, 0x2d, 0x1e, 0x01, 0x1a, 0x31, 0xc1, 0x59,
        0x04, 0x06, 0xf6, 0x3b, 0xec, 0x38, 0xef, 0x1b, 0x5b, 0x39, 0x88, 0xd3, 0xe0, 0x5b, 0xb9,
        0xef, 0xc3, 0x82, 0xfa, 0xdf, 0x04, 0xf7, 0x65, 0x56, 0x82, 0x77, 0xfd, 0x63, 0x10, 0xd7,
        0xab, 0x0b, 0x5e, 0xd9, 0x07, 0x81, 0x9d, 0xce, 0x26, 0xfb, 0x5d, 0xa8, 0x59, 0x2a, 0xd9,
        0xb8, 0xac, 0xcd, 0x6e, 0x61, 0x07, 0x39, 0x9f, 0x8d, 0xdf, 0x53, 0x44, 0xab, 0x28, 0x01,
        0x86, 0x4d, 0x07, 0x8a, 0x5b, 0xdd, 0xc1, 0x18, 0x29, 0xaa, 0xa2, 0xbe, 0xe2, 0x9c, 0x9e,
        0xb0, 0xb3, 0x2b, 0x2c, 0x93, 0x3e, 0x82, 0x07, 0xa6, 0xef, 0x21, 0x2c, 0xa7, 0xf0, 0x65,
        0xba, 0xda, 0x13, 0xe4, 0x41, 0x87, 0x36, 0x1c, 0xa5, 0x81, 0xae, 0xf3, 0x3e, 0xda, 0x03,
        0x09, 0x63, 0x4b, 0xb5, 0x29, 0x49, 0xfa, 0xbb, 0xa6, 0x31, 0x3c, 0xc8, 0x15, 0xfb, 0xfc,
        0xd6, 0xff, 0x04, 0x92, 0x56, 0xbc, 0x66, 0xf1, 0x78, 0xfb, 0x14, 0x79, 0x48, 0xd2, 0xcf,
        0x87, 0x60, 0x23, 0xcf, 0xdb, 0x1b, 0xad, 0x42, 0x32, 0x4e, 0x6d, 0x1f, 0x49,
    ];

    #[test]
    fn degenerate_parameters_are_refused() {
        let what =
            |g, m, s| match read_params(&mut Reader::new(&params(g, m, s)), &mut novnc_random()) {
                Err(Error::Protocol {
                    error: ProtocolError::DegenerateDiffieHellman { what, .. },
                    ..
                }) => what,
                other => panic!("{:?}", other.err()),
            };
        assert_eq!(what(2, 0, 2), "a modulus below 3");
        assert_eq!(what(2, 2, 2), "a modulus below 3");
        assert_eq!(what(2, 1 << 40, 5), "an even modulus");
        assert!(what(0, 23, 5).starts_with("a generator"));
        assert!(what(1, 23, 5).starts_with("a generator"));
        assert!(what(u64::MAX, 23, 5).starts_with("a generator"));
        for s in [0, 1, 22, 23, u64::MAX] {
            assert!(what(5, 23, s).starts_with("a server public key"));
        }
        // The largest modulus works without overflow.
        let m = u64::MAX;
        assert!(read_params(&mut Reader::new(&params(3, m, m - 2)), &mut novnc_random()).is_ok());
        assert!(
            read_params(
                &mut Reader::new(&params(3, 23, 5)[..23]),
                &mut novnc_random()
            )
            .unwrap()
            .is_none()
        );
    }

    #[test]
    fn mod_pow_agrees_with_small_cases() {
        assert_eq!(mod_pow(4, 13, 497), 445);
        assert_eq!(mod_pow(0x10001, 0x0506_0708, 0x2518_2617), 0x0abc_7cfd);
        assert_eq!(mod_pow(u64::MAX - 1, 2, u64::MAX), 1);
        assert_eq!(mod_pow(7, 0, 13), 1);
    }
}
