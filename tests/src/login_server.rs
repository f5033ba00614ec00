//! A scripted server for Apple Remote Desktop (type 30) and UltraVNC MS-Logon II (type 113)
//! logins, on loopback, one connection: it plays the server's side of the key exchange with
//! its own private key, decrypts the user name and password the client sent, accepts them
//! only if they are the expected ones (a SecurityResult with a reason otherwise), then sends
//! ServerInit and one frame of [`attacks::frame_picture`](crate::attacks::frame_picture).
//! Written from the protocol, independently of vnc-core's client side.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use aes::Aes128;
use aes::cipher::{BlockCipherDecrypt, KeyInit};
use des::Des;
use md5::{Digest, Md5};
use num_bigint::BigUint;

use crate::attacks::{frame, hello};

/// Which login the server asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// Apple Remote Desktop, with a 1024-bit modulus and generator 2 as macOS sends.
    Ard,
    /// MS-Logon II, with 64-bit numbers.
    MsLogonII,
}

/// What the server read from the client.
#[derive(Debug, Default)]
pub struct Seen {
    /// The security type the client chose (None if it hung up first).
    pub chosen: Option<u8>,
    /// The user name and password it decrypted.
    pub username: String,
    pub password: String,
}

/// The 1024-bit MODP group of RFC 2409 (Oakley group 2), generator 2.
const MODP_1024: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

/// The largest prime below 2^64.
const P64: u64 = 0xffff_ffff_ffff_ffc5;

/// Serves one login on 127.0.0.1; returns the port and the thread, which gives what it saw.
/// `offer` is the security type list; the server plays `login` whatever the client picks
/// among them, and stops if the client picks another.
pub fn serve_login(
    login: Login,
    offer: &[u8],
    username: &str,
    password: &str,
) -> (u16, std::thread::JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let offer = offer.to_vec();
    let (username, password) = (username.to_owned(), password.to_owned());
    let t = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut seen = Seen::default();
        let mut version = [0u8; 12];
        s.write_all(b"RFB 003.008\n").unwrap();
        if s.read_exact(&mut version).is_err() {
            return seen;
        }
        s.write_all(&[offer.len() as u8]).unwrap();
        s.write_all(&offer).unwrap();
        let mut chosen = [0u8];
        if s.read_exact(&mut chosen).is_err() {
            return seen;
        }
        seen.chosen = Some(chosen[0]);
        let wanted = match login {
            Login::Ard => 30,
            Login::MsLogonII => 113,
        };
        if chosen[0] != wanted {
            return seen;
        }
        let got = match login {
            Login::Ard => ard(&mut s),
            Login::MsLogonII => ms_logon_ii(&mut s),
        };
        let Some((user, pw)) = got else {
            return seen;
        };
        seen.username = user;
        seen.password = pw;
        if seen.username == username && seen.password == password {
            s.write_all(&0u32.to_be_bytes()).unwrap();
            let mut client_init = [0u8];
            if s.read_exact(&mut client_init).is_ok() {
                // The ServerInit and frame of the malicious-server suite's hello, without
                // its version and security (the first 12 + 2 + 4 bytes).
                let script = hello(64, 64).update(&[frame()]);
                let _ = s.write_all(&script.bytes()[18..]);
            }
        } else {
            let reason = b"wrong user name or password";
            s.write_all(&1u32.to_be_bytes()).unwrap();
            s.write_all(&(reason.len() as u32).to_be_bytes()).unwrap();
            s.write_all(reason).unwrap();
        }
        let mut sink = [0u8; 4096];
        while let Ok(n) = s.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
        seen
    });
    (port, t)
}

fn ard(s: &mut std::net::TcpStream) -> Option<(String, String)> {
    let p = BigUint::parse_bytes(MODP_1024.as_bytes(), 16).unwrap();
    let k = 128;
    let private = BigUint::from_bytes_be(&[0x5a; 40]);
    let public = BigUint::from(2u8).modpow(&private, &p);
    let mut msg = vec![0, 2];
    msg.extend_from_slice(&(k as u16).to_be_bytes());
    msg.extend_from_slice(&padded(&p, k));
    msg.extend_from_slice(&padded(&public, k));
    s.write_all(&msg).unwrap();
    let mut answer = vec![0u8; 128 + k];
    s.read_exact(&mut answer).ok()?;
    let client = BigUint::from_bytes_be(&answer[128..]);
    let shared = padded(&client.modpow(&private, &p), k);
    let key = Md5::digest(&shared);
    let cipher = Aes128::new(&key);
    let mut block = answer[..128].to_vec();
    for chunk in block.chunks_exact_mut(16) {
        let mut b: [u8; 16] = chunk.try_into().unwrap();
        let mut arr = b.into();
        cipher.decrypt_block(&mut arr);
        b.copy_from_slice(&arr);
        chunk.copy_from_slice(&b);
    }
    Some((c_string(&block[..64]), c_string(&block[64..])))
}

fn ms_logon_ii(s: &mut std::net::TcpStream) -> Option<(String, String)> {
    let (g, private) = (5u64, 0x1234_5678_9abc_def1u64);
    let public = mod_pow(g, private, P64);
    for v in [g, P64, public] {
        s.write_all(&v.to_be_bytes()).unwrap();
    }
    let mut answer = [0u8; 8 + 256 + 64];
    s.read_exact(&mut answer).ok()?;
    let client = u64::from_be_bytes(answer[..8].try_into().unwrap());
    let shared = mod_pow(client, private, P64).to_be_bytes();
    // DES with each key byte bit-reversed (the VNC convention), CBC with the secret as IV.
    let key: [u8; 8] = shared.map(u8::reverse_bits);
    let cipher = Des::new(&key.into());
    let user = des_cbc_decrypt(&cipher, shared, &answer[8..264]);
    let pw = des_cbc_decrypt(&cipher, shared, &answer[264..]);
    Some((c_string(&user), c_string(&pw)))
}

fn des_cbc_decrypt(cipher: &Des, iv: [u8; 8], data: &[u8]) -> Vec<u8> {
    let mut prev = iv;
    let mut out = Vec::with_capacity(data.len());
    for block in data.chunks_exact(8) {
        let c: [u8; 8] = block.try_into().unwrap();
        let mut arr = c.into();
        cipher.decrypt_block(&mut arr);
        let plain: [u8; 8] = arr.into();
        out.extend(plain.iter().zip(prev).map(|(a, b)| a ^ b));
        prev = c;
    }
    out
}

fn mod_pow(base: u64, mut e: u64, m: u64) -> u64 {
    let m = u128::from(m);
    let (mut r, mut b) = (1u128, u128::from(base) % m);
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % m;
        }
        b = b * b % m;
        e >>= 1;
    }
    r as u64
}

fn padded(n: &BigUint, k: usize) -> Vec<u8> {
    let b = n.to_bytes_be();
    let mut v = vec![0; k - b.len()];
    v.extend_from_slice(&b);
    v
}

/// The bytes up to the first NUL, which must be there.
fn c_string(b: &[u8]) -> String {
    let end = b
        .iter()
        .position(|&c| c == 0)
        .expect("a NUL-terminated field");
    String::from_utf8_lossy(&b[..end]).into_owned()
}
