//! VNC authentication (RFC 6143 §7.2.2): DES-encrypt the server's 16-byte challenge with the
//! password as key, each key byte bit-reversed as the original VNC implementation did.

use des::Des;
use des::cipher::{BlockCipherEncrypt, KeyInit};
use zeroize::Zeroize;

/// The 16-byte response to `challenge`. Only the first 8 bytes of the password count.
pub(crate) fn response(password: &[u8], challenge: &[u8; 16]) -> [u8; 16] {
    let mut key = [0u8; 8];
    for (k, p) in key.iter_mut().zip(password) {
        *k = p.reverse_bits();
    }
    let cipher = Des::new(&key.into());
    key.zeroize();
    let mut out = *challenge;
    for block in out.chunks_exact_mut(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(block);
        let mut arr = b.into();
        cipher.encrypt_block(&mut arr);
        block.copy_from_slice(&arr);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // Computed independently with OpenSSL:
        // key = bit-reversed "password" = 0e86ceceeef64e26, plaintext 00..0f, DES-ECB.
        let challenge: [u8; 16] = core::array::from_fn(|i| i as u8);
        let r = response(b"password", &challenge);
        assert_eq!(r, KNOWN);
        // Only 8 characters count.
        assert_eq!(response(b"passwordEXTRA", &challenge), KNOWN);
        assert_ne!(response(b"passwore", &challenge), KNOWN);
    }

    const KNOWN: [u8; 16] = [
        0xb8, 0x66, 0x92, 0x41, 0x25, 0xc8, 0xee, 0xbb, 0x9d, 0xeb, 0xc1, 0xdb, 0x61, 0xc5, 0x38,
        0xe2,
    ];
}
