//! Apple Remote Desktop authentication (security type 30, macOS Screen Sharing): an anonymous
//! Diffie-Hellman exchange on the server's modulus and generator, whose secret's MD5 is the
//! AES-128 key that encrypts the user name and password (ECB). Only the credentials are
//! encrypted; the session itself is not.
//!
//! The server sends a u16 generator, a u16 key length K, then K bytes of modulus and K bytes
//! of its public key. The client answers with the 128 encrypted bytes (user name and password,
//! each NUL-terminated in a 64-byte half filled with random bytes) and its own K-byte public
//! key, and the server answers with a SecurityResult. (rfbproto "Apple Remote Desktop
//! authentication"; noVNC `core/rfb.js` `_negotiateARDAuth` sends the same.)

use aes::Aes128;
use aes::cipher::{BlockCipherEncrypt, KeyInit};
use md5::{Digest, Md5};
use num_bigint::BigUint;
use zeroize::Zeroizing;

use crate::error::{Error, ProtocolError, Step};
use crate::random::Random;
use crate::reader::Reader;

/// The largest key length accepted: 4096 bits (macOS uses 1024).
pub(crate) const MAX_KEY_LENGTH: u16 = 512;

/// Bytes of each half (user name, password) of the credentials block; at most one less is
/// sent of each, for the NUL.
const HALF: usize = 64;

/// The exchange done, waiting for the credentials: the AES key, the client's public key and
/// the random bytes the credentials are written over. Secrets are wiped when dropped.
pub(crate) struct Prepared {
    key: Zeroizing<[u8; 16]>,
    block: Zeroizing<[u8; 2 * HALF]>,
    public: Vec<u8>,
}

/// Reads the server's parameters once all of them have arrived (`Ok(None)`, `r` untouched,
/// until then), checks them, and makes the key exchange's half of the client.
pub(crate) fn read_params(r: &mut Reader, random: &mut Random) -> Result<Option<Prepared>, Error> {
    let mut t = *r;
    let (Some(generator), Some(k)) = (t.u16(), t.u16()) else {
        return Ok(None);
    };
    // Checked before waiting for 2K bytes, so a huge K is refused at once.
    if k == 0 || k > MAX_KEY_LENGTH {
        return Err(Error::protocol(
            Step::Authentication,
            ProtocolError::ArdKeyLength(k),
        ));
    }
    let (Some(modulus), Some(server_public)) = (t.take(k.into()), t.take(k.into())) else {
        return Ok(None);
    };
    *r = t;
    let p = BigUint::from_bytes_be(modulus);
    let g = BigUint::from(generator);
    let server = BigUint::from_bytes_be(server_public);
    check_params(&p, &g, &server)?;
    let mut private = Zeroizing::new(vec![0u8; k.into()]);
    random.fill(&mut private)?;
    let mut block = Zeroizing::new([0u8; 2 * HALF]);
    random.fill(&mut block[..])?;
    Ok(Some(exchange(&p, &g, &server, &private, k.into(), block)))
}

/// Refuses parameters that make the secret predictable (1, or p-1 and 1 only).
fn check_params(p: &BigUint, g: &BigUint, server: &BigUint) -> Result<(), Error> {
    let two = BigUint::from(2u8);
    let what = if *p < BigUint::from(3u8) {
        Some("a modulus below 3")
    } else if !p.bit(0) {
        Some("an even modulus")
    } else if *g < two || g >= p {
        Some("a generator outside 2 to p-1")
    } else if *server < two || *server > p - &two {
        Some("a server public key outside 2 to p-2")
    } else {
        None
    };
    match what {
        None => Ok(()),
        Some(what) => Err(Error::protocol(
            Step::Authentication,
            ProtocolError::DegenerateDiffieHellman {
                security: "ARD",
                what,
            },
        )),
    }
}

/// The client's half of the exchange with `private` (K bytes, big-endian) as exponent, and
/// the AES key from the shared secret. `block`: the random filling of the credentials.
fn exchange(
    p: &BigUint,
    g: &BigUint,
    server: &BigUint,
    private: &[u8],
    k: usize,
    block: Zeroizing<[u8; 2 * HALF]>,
) -> Prepared {
    // num-bigint's temporaries are not wiped (it has no zeroize support); the byte forms of
    // the secrets are.
    let x = BigUint::from_bytes_be(private);
    let public = be_padded(&g.modpow(&x, p), k);
    let shared = be_padded(&server.modpow(&x, p), k);
    let mut key = Zeroizing::new([0u8; 16]);
    key.copy_from_slice(&Md5::digest(&shared[..]));
    Prepared {
        key,
        block,
        public: public.to_vec(),
    }
}

/// `n` as `k` big-endian bytes, left-padded with zeros (`n` < p < 2^(8k)); the unpadded
/// copy is wiped, as `n` may be the shared secret.
fn be_padded(n: &BigUint, k: usize) -> Zeroizing<Vec<u8>> {
    let bytes = Zeroizing::new(n.to_bytes_be());
    let mut out = Zeroizing::new(Vec::with_capacity(k));
    out.resize(k.saturating_sub(bytes.len()), 0);
    out.extend_from_slice(&bytes[bytes.len().saturating_sub(k)..]);
    out
}

/// Writes the client's answer to `out`: the encrypted credentials, then the public key. A
/// user name or password longer than 63 bytes is cut there, as noVNC does.
pub(crate) fn send(prepared: &Prepared, username: &[u8], password: &[u8], out: &mut Vec<u8>) {
    let mut block = prepared.block.clone();
    put_nul_terminated(&mut block[..HALF], username, "user name");
    put_nul_terminated(&mut block[HALF..], password, "password");
    let cipher = Aes128::new(&(*prepared.key).into());
    for chunk in block.chunks_exact_mut(16) {
        let mut b = Zeroizing::new([0u8; 16]);
        b.copy_from_slice(chunk);
        let mut arr = (*b).into();
        cipher.encrypt_block(&mut arr);
        chunk.copy_from_slice(&arr);
    }
    out.extend_from_slice(&block[..]);
    out.extend_from_slice(&prepared.public);
}

/// Copies `value` into `field` followed by a NUL, cut to fit; the rest of `field` keeps its
/// random bytes.
pub(crate) fn put_nul_terminated(field: &mut [u8], value: &[u8], what: &str) {
    let n = value.len().min(field.len() - 1);
    if n < value.len() {
        tracing::warn!(
            "the {what} is longer than the {} bytes this security type carries; it is cut",
            field.len() - 1
        );
    }
    field[..n].copy_from_slice(&value[..n]);
    field[n] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that gives every buffer of 128 bytes the bytes 0 to 127, as noVNC's test stubs
    /// `crypto.getRandomValues`.
    fn novnc_random() -> Random {
        Random {
            fixed: Some(Box::new(|buf: &mut [u8]| {
                if buf.len() == 128 {
                    for (i, b) in buf.iter_mut().enumerate() {
                        *b = i as u8;
                    }
                }
            })),
        }
    }

    fn params(generator: u16, modulus: &[u8], server_public: &[u8]) -> Vec<u8> {
        let mut v = generator.to_be_bytes().to_vec();
        v.extend_from_slice(&(modulus.len() as u16).to_be_bytes());
        v.extend_from_slice(modulus);
        v.extend_from_slice(server_public);
        v
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// noVNC's `tests/test.rfb.js`, "ARD authentication (type 30) handler", "should return
    /// properly encrypted credentials and public key": generator 0x7fff, modulus and both
    /// private keys the bytes 0 to 127, user "user", password "password", random filling
    /// 0 to 127. The server's public key (0x7fff^priv mod p), which the test computes at run
    /// time, was computed independently with Python's `pow(0x7fff, priv, p)`; Python and
    /// `openssl enc -aes-128-ecb -nopad -K <md5 of the shared secret>` also give the 128
    /// encrypted bytes below. Both sides have the same private key, so the client's public
    /// key is the server's.
    #[test]
    fn novnc_known_answer() {
        let modulus: Vec<u8> = (0..128u8).collect();
        let server_public = hex(concat!(
            "0000ec059c14df5cd71f0be0adb98b90f5d95ec92932b9bb445cd298e4940033",
            "e79cf1e361ef9ac1a9fded6fde1043f46936bf538eeb0a21cff08253714447e8",
            "c407862c0cb666f8aeef52a063b7c80120cc30329654e5b5c827a204f0f04144",
            "f54230d515720c09d1b73dcd8aa428508578945dd674f878796571dce1056bed",
        ));
        let bytes = params(0x7fff, &modulus, &server_public);
        let mut r = Reader::new(&bytes);
        let prepared = read_params(&mut r, &mut novnc_random()).unwrap().unwrap();
        assert_eq!(r.remaining(), 0);
        let mut out = Vec::new();
        send(&prepared, b"user", b"password", &mut out);
        assert_eq!(out.len(), 256);
        assert_eq!(out[..128], NOVNC_ENCRYPTED);
        assert_eq!(out[128..], server_public[..]);
    }

    const NOVNC_ENCRYPTED: [u8; 128] = [
        199, 39, 204, 95, 190, 70, 127, 66, 5, 106, 153, 228, 123, 236, 150, 206, 62, 107, 11, 4,
        21, 242, 92, 184, 9, 81, 35, 125, 56, 167, 1, 215, 182, 145, 183, 75, 245, 197, 47, 19,
        122, 94, 64, 76, 77, 163, 222, 143, 186, 174, 84, 39, 244, 179, 227, 114, 83, 231, 42, 106,
        205, 43, 159, 110, 209, 240, 157, 246, 237, 206, 134, 153, 195, 112, 92, 60, 28, 234, 91,
        66, 131, 38, 187, 195, 110, 167, 212, 241, 32, 250, 212, 213, 202, 89, 180, 21, 71, 217,
        209, 81, 42, 61, 118, 248, 65, 123, 98, 78, 139, 111, 202, 137, 50, 185, 37, 173, 58, 99,
        187, 53, 42, 125, 13, 165, 232, 163, 151, 42,
    ];

    fn degenerate(bytes: &[u8]) -> &'static str {
        match read_params(&mut Reader::new(bytes), &mut novnc_random()) {
            Err(Error::Protocol {
                step: Step::Authentication,
                error: ProtocolError::DegenerateDiffieHellman { what, .. },
            }) => what,
            Err(e) => panic!("{e:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn degenerate_parameters_are_refused() {
        assert_eq!(
            degenerate(&params(2, &[0, 2], &[0, 1])),
            "a modulus below 3"
        );
        assert_eq!(degenerate(&params(2, &[0x10], &[3])), "an even modulus");
        assert!(degenerate(&params(1, &[23], &[5])).starts_with("a generator"));
        assert!(degenerate(&params(23, &[23], &[5])).starts_with("a generator"));
        assert!(degenerate(&params(300, &[0, 23], &[0, 5])).starts_with("a generator"));
        for server in [0, 1, 22, 23, 255] {
            assert!(degenerate(&params(5, &[23], &[server])).starts_with("a server public key"));
        }
        // The smallest that passes.
        let ok = params(2, &[23], &[21]);
        assert!(read_params(&mut Reader::new(&ok), &mut novnc_random()).is_ok());
    }

    #[test]
    fn key_length_is_bounded_and_parameters_are_awaited_whole() {
        for k in [0u16, 513, u16::MAX] {
            let mut bytes = vec![0, 2];
            bytes.extend_from_slice(&k.to_be_bytes());
            let e = read_params(&mut Reader::new(&bytes), &mut novnc_random());
            assert!(
                matches!(
                    e,
                    Err(Error::Protocol {
                        error: ProtocolError::ArdKeyLength(n),
                        ..
                    }) if n == k
                ),
                "{k}: {:?}",
                e.err()
            );
        }
        let whole = params(2, &[23], &[21]);
        for n in 0..whole.len() {
            let mut r = Reader::new(&whole[..n]);
            assert!(read_params(&mut r, &mut novnc_random()).unwrap().is_none());
            assert_eq!(r.remaining(), n, "nothing consumed from a partial message");
        }
    }

    #[test]
    fn long_credentials_are_cut_to_63_bytes_with_their_nul() {
        let mut field = [0xaau8; 64];
        put_nul_terminated(&mut field, &[b'x'; 100], "password");
        assert_eq!(field[..63], [b'x'; 63]);
        assert_eq!(field[63], 0);
        let mut field = [0xaau8; 8];
        put_nul_terminated(&mut field, b"ab", "user name");
        assert_eq!(field, [b'a', b'b', 0, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
    }
}
