//! Hostile Apple Remote Desktop (type 30) and MS-Logon II (type 113) servers: key lengths out
//! of bounds, degenerate Diffie-Hellman values, truncated parameters and a server that streams
//! while the credentials are asked for. Each is refused with its typed error before the user
//! is asked anything, whatever the chunking.

use crate::support::assert_fails;
use vnc_core::testing::Script;
use vnc_core::{Config, Error, Event, ProtocolError, SecurityType, Session, Step};

fn offer(t: u8) -> Script {
    Script::new().version("RFB 003.008\n").security_types(&[t])
}

fn ard(generator: u16, modulus: &[u8], server_public: &[u8]) -> Vec<u8> {
    offer(30)
        .raw(&generator.to_be_bytes())
        .raw(&(modulus.len() as u16).to_be_bytes())
        .raw(modulus)
        .raw(server_public)
        .bytes()
        .to_vec()
}

fn ms_logon_ii(g: u64, m: u64, server: u64) -> Vec<u8> {
    let mut s = offer(113);
    for v in [g, m, server] {
        s = s.raw(&v.to_be_bytes());
    }
    s.bytes().to_vec()
}

fn ms_config() -> Config {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::MsLogonII];
    config
}

#[test]
fn ard_key_lengths_of_0_and_above_512_bytes() {
    for k in [0u16, 513, 0x8000, u16::MAX] {
        // Only the header: the error comes before the 2K bytes would.
        let bytes = offer(30).raw(&[0, 2]).raw(&k.to_be_bytes());
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::Authentication,
                error: ProtocolError::ArdKeyLength(n),
            } if n == k
        );
    }
}

#[test]
fn degenerate_ard_parameters() {
    let p = [0xff, 0xfb]; // 65531, odd
    for (bytes, what) in [
        (ard(2, &[0, 1], &[0, 0]), "a modulus below 3"),
        (ard(2, &[0, 0], &[0, 0]), "a modulus below 3"),
        (ard(2, &[0xff, 0xfa], &[0, 5]), "an even modulus"),
        (ard(0, &p, &[0, 5]), "a generator outside 2 to p-1"),
        (ard(1, &p, &[0, 5]), "a generator outside 2 to p-1"),
        (ard(0xfffb, &p, &[0, 5]), "a generator outside 2 to p-1"),
        (ard(0xffff, &p, &[0, 5]), "a generator outside 2 to p-1"),
        (ard(2, &p, &[0, 0]), "a server public key outside 2 to p-2"),
        (ard(2, &p, &[0, 1]), "a server public key outside 2 to p-2"),
        (
            ard(2, &p, &[0xff, 0xfa]),
            "a server public key outside 2 to p-2",
        ),
        (
            ard(2, &p, &[0xff, 0xff]),
            "a server public key outside 2 to p-2",
        ),
    ] {
        assert_fails!(
            Config::default(),
            &bytes,
            Error::Protocol {
                step: Step::Authentication,
                error: ProtocolError::DegenerateDiffieHellman { security: "ARD", what: w },
            } if w == what
        );
    }
}

#[test]
fn degenerate_ms_logon_ii_parameters() {
    let p = 0xffff_ffff_ffff_ffc5; // 2^64 - 59
    for (bytes, what) in [
        (ms_logon_ii(2, 0, 2), "a modulus below 3"),
        (ms_logon_ii(2, 1, 2), "a modulus below 3"),
        (ms_logon_ii(2, u64::MAX - 1, 5), "an even modulus"),
        (ms_logon_ii(1, p, 5), "a generator outside 2 to p-1"),
        (ms_logon_ii(p, p, 5), "a generator outside 2 to p-1"),
        (ms_logon_ii(u64::MAX, p, 5), "a generator outside 2 to p-1"),
        (ms_logon_ii(5, p, 1), "a server public key outside 2 to p-2"),
        (
            ms_logon_ii(5, p, p - 1),
            "a server public key outside 2 to p-2",
        ),
        (
            ms_logon_ii(5, p, u64::MAX),
            "a server public key outside 2 to p-2",
        ),
    ] {
        assert_fails!(
            ms_config(),
            &bytes,
            Error::Protocol {
                step: Step::Authentication,
                error: ProtocolError::DegenerateDiffieHellman { security: "MS-Logon II", what: w },
            } if w == what
        );
    }
}

#[test]
fn truncated_parameters_wait_then_fail_at_the_end_of_the_stream() {
    let cases = [
        (Config::default(), ard(2, &[0, 23], &[0, 5])),
        (ms_config(), ms_logon_ii(5, 23, 7)),
    ];
    for (config, whole) in cases {
        let start = whole.len() - if whole.len() > 40 { 24 } else { 6 };
        for cut in start..whole.len() {
            let mut s = Session::new(config.clone(), std::time::Instant::now());
            s.feed(&whole[..cut]).unwrap();
            let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
            assert!(
                !events
                    .iter()
                    .any(|e| matches!(e, Event::CredentialsRequired(_))),
                "{cut}"
            );
            let e = s.feed_eof().unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::UnexpectedEof {
                        step: Step::Authentication
                    }
                ),
                "{cut}: {e:?}"
            );
        }
        // Whole, the user is asked.
        let mut s = Session::new(config, std::time::Instant::now());
        s.feed(&whole).unwrap();
        assert!(s.credentials_needed().is_some());
    }
}

#[test]
fn a_server_that_streams_while_the_credentials_are_asked_is_stopped() {
    let cases = [
        (Config::default(), ard(2, &[0, 23], &[0, 5])),
        (ms_config(), ms_logon_ii(5, 23, 7)),
    ];
    for (config, params) in cases {
        let mut bytes = params;
        bytes.extend(std::iter::repeat_n(0u8, 8192));
        // How many bytes were waiting depends on the chunking (whole or one at a time), the
        // error does not.
        for piece in [bytes.len(), 1] {
            let mut s = Session::new(config.clone(), std::time::Instant::now());
            let e = bytes
                .chunks(piece)
                .find_map(|c| s.feed(c).err())
                .expect("an error");
            assert!(
                matches!(
                    e,
                    Error::Protocol {
                        step: Step::Authentication,
                        error: ProtocolError::UnexpectedData { .. },
                    }
                ),
                "{e:?}"
            );
        }
    }
}

#[test]
fn the_largest_ard_key_is_taken() {
    // 512 bytes (4096 bits): a modulus of all ones but the last bit, a small server key.
    let mut p = vec![0xff; 512];
    p[511] = 0xfd;
    let mut server = vec![0; 512];
    server[511] = 7;
    let bytes = ard(2, &p, &server);
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(&bytes).unwrap();
    assert!(s.credentials_needed().is_some());
}
