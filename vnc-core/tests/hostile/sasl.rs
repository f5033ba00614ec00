//! Hostile SASL servers (type 20): mechanism lists out of bounds or with nothing usable, data
//! lengths beyond the limit, data without its NUL, bad "complete" flags, garbage challenges
//! and a server that never finishes. Cyrus SASL runs the real DIGEST-MD5 client; each case
//! ends in its typed error, whatever the chunking.

use crate::support::assert_fails;
use vnc_core::testing::{Chunking, Script, play_into, play_with};
use vnc_core::{Config, Credential, Error, Event, ProtocolError, Session, Step};

/// Type 20 offered alone, then the mechanism list.
fn offer(mechlist: &[u8]) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[20])
        .raw(&(mechlist.len() as u32).to_be_bytes())
        .raw(mechlist)
}

/// A server turn: data with its trailing NUL, and the complete flag.
fn turn(s: Script, data: &[u8], complete: u8) -> Script {
    s.raw(&(data.len() as u32 + 1).to_be_bytes())
        .raw(data)
        .raw(&[0, complete])
}

/// A well-formed DIGEST-MD5 challenge (RFC 2831) asking for the confidentiality layer.
const CHALLENGE: &[u8] = b"realm=\"evil\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth-conf\",\
charset=utf-8,algorithm=md5-sess,cipher=\"rc4,3des\"";

/// Plays `bytes` with every chunking against a session that has a user name and password;
/// returns the error of the first chunking after checking that every other one ends in the
/// same variant. (DIGEST-MD5's client nonce is random, so what the client sends differs from
/// run to run and is not compared.)
fn error_with_credentials(bytes: &[u8]) -> Error {
    let errors: Vec<Error> = Chunking::ALL
        .iter()
        .map(|&c| {
            let mut s = Session::new(Config::default(), std::time::Instant::now());
            s.set_credential(Credential::Username, "alice");
            s.set_credential(Credential::Password, "wonderland");
            let run = play_with(s, bytes, c);
            run.error
                .unwrap_or_else(|| panic!("no error with {c:?}; events: {:?}", run.events))
        })
        .collect();
    for e in &errors[1..] {
        assert_eq!(
            std::mem::discriminant(e),
            std::mem::discriminant(&errors[0]),
            "{e:?} / {:?}",
            errors[0]
        );
    }
    errors.into_iter().next().unwrap()
}

#[test]
fn mechanism_lists_too_long_or_empty() {
    for n in [4097u32, 1 << 20, u32::MAX] {
        // Only the length: the error comes before the list would.
        let s = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[20])
            .raw(&n.to_be_bytes());
        assert_fails!(
            Config::default(),
            s.bytes(),
            Error::LimitExceeded {
                step: Step::Authentication,
                value,
                ..
            } if value == u64::from(n)
        );
    }
    assert_fails!(Config::default(), offer(b"").bytes(), Error::Sasl { .. });
}

#[test]
fn nothing_usable_in_the_mechanism_list() {
    // Unknown names, garbage, and PLAIN, which sends the password in the clear: refused
    // without TLS.
    for list in [
        &b"X-EVIL"[..],
        b"PLAIN",
        b"ANONYMOUS,PLAIN",
        b"\xff\xfe,,,",
        &[b','; 4096],
    ] {
        let e = assert_fails!(Config::default(), offer(list).bytes(), Error::Sasl { .. });
        assert!(e.to_string().contains("mechanism"), "{e}");
    }
}

#[test]
fn server_data_beyond_the_limit() {
    let limit = Config::default().limits.max_sasl_data;
    for n in [limit + 1, u32::MAX] {
        let s = offer(b"DIGEST-MD5").raw(&n.to_be_bytes());
        assert_fails!(
            Config::default(),
            s.bytes(),
            Error::LimitExceeded {
                step: Step::Authentication,
                value,
                ..
            } if value == u64::from(n)
        );
    }
}

#[test]
fn complete_flags_other_than_0_and_1() {
    for flag in [2u8, 0x80, 0xff] {
        let s = turn(offer(b"DIGEST-MD5"), CHALLENGE, flag);
        assert_fails!(
            Config::default(),
            s.bytes(),
            Error::Protocol {
                step: Step::Authentication,
                error: ProtocolError::InvalidSaslComplete(f),
            } if f == flag
        );
    }
}

#[test]
fn server_data_without_its_nul() {
    let s = offer(b"DIGEST-MD5")
        .raw(&3u32.to_be_bytes())
        .raw(b"abc")
        .raw(&[0]);
    assert_fails!(
        Config::default(),
        s.bytes(),
        Error::Protocol {
            step: Step::Authentication,
            error: ProtocolError::UnterminatedSaslData,
        }
    );
}

#[test]
fn garbage_challenges() {
    for data in [&b"\x00\x01\x02garbage"[..], b"nonce=", &[b'a'; 4096]] {
        let s = turn(offer(b"DIGEST-MD5"), data, 0);
        let e = error_with_credentials(s.bytes());
        assert!(matches!(e, Error::Sasl { .. }), "{data:?}: {e:?}");
    }
}

#[test]
fn a_server_that_never_finishes() {
    // A valid challenge, then turns of garbage that are never complete: Cyrus refuses the
    // first one it cannot check (the turn limit stands behind it for other mechanisms).
    let mut s = turn(offer(b"DIGEST-MD5"), CHALLENGE, 0);
    for _ in 0..40 {
        s = turn(s, b"rspauth=00000000000000000000000000000000", 0);
    }
    let e = error_with_credentials(s.bytes());
    assert!(matches!(e, Error::Sasl { .. }), "{e:?}");
}

#[test]
fn a_server_that_says_complete_before_the_mechanism_is_done() {
    // Complete at the challenge, when DIGEST-MD5 still has the server's proof to check: the
    // server would read nothing more, so the exchange can never finish.
    let s = turn(offer(b"DIGEST-MD5"), CHALLENGE, 1).security_result(0);
    let e = error_with_credentials(s.bytes());
    assert!(
        matches!(&e, Error::Sasl { message } if message.contains("before the DIGEST-MD5 mechanism finished")),
        "{e:?}"
    );
}

#[test]
fn credentials_asked_at_the_challenge_then_the_answer_goes_out() {
    // DIGEST-MD5 asks for the credentials only once it has checked the challenge: the
    // session waits (no error, no deadline) and answers when they are given.
    let s = turn(offer(b"DIGEST-MD5"), CHALLENGE, 0);
    for c in Chunking::ALL {
        let mut session = Session::new(Config::default(), std::time::Instant::now());
        let run = play_into(&mut session, s.bytes(), c);
        assert!(run.error.is_none(), "{:?}", run.error);
        assert!(
            matches!(run.events.last(), Some(Event::CredentialsRequired(n)) if n.username && n.password),
            "{:?}",
            run.events
        );
        session.set_credential(Credential::Username, "alice");
        session.set_credential(Credential::Password, "wonderland");
        let out = session.take_output();
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("username=\"alice\""), "{text}");
        assert!(!text.contains("wonderland"), "{text}");
    }
}
