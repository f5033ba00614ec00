//! VeNCrypt up to TLS: Plain and VNC authentication inside it, refusals and bad versions, the
//! X509 settings checked before TLS starts, and the trusted roots asked for on demand.

use crate::support::{CHALLENGE, RESPONSE, play_all};
use vnc_core::testing::{Chunking, Script, play_with};
use vnc_core::{
    Config, Credential, CredentialsNeeded, Error, Event, PixelFormat, SecurityType,
    SecurityTypesError, Session,
};

#[test]
fn vencrypt_plain_sends_user_and_password_without_an_ack() {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::Plain];
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2]) // VeNCrypt 0.2
        .raw(&[0]) // version accepted
        .raw(&[2, 0, 0, 1, 0, 0, 0, 1, 7]) // sub-types Plain (256), X509SASL (263)
        .security_result(0)
        .server_init(2, 2, &PixelFormat::RGB888, "plain");
    for c in Chunking::ALL {
        let mut s = Session::new(config.clone(), std::time::Instant::now());
        s.set_credential(Credential::Username, "ann");
        s.set_credential(Credential::Password, "pw");
        let run = play_with(s, script.bytes(), c);
        assert!(run.error.is_none(), "{:?}", run.error);
        let mut want = b"RFB 003.008\n".to_vec();
        want.push(19);
        want.extend_from_slice(&[0, 2]);
        want.extend_from_slice(&256u32.to_be_bytes());
        want.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 2]);
        want.extend_from_slice(b"annpw");
        want.push(1); // ClientInit
        assert_eq!(&run.output[..want.len()], &want[..]);
        assert!(
            run.events
                .contains(&Event::SecurityNegotiated(SecurityType::Plain))
        );
    }
}

#[test]
fn vencrypt_plain_asks_for_user_and_password() {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::Plain];
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[19])
            .raw(&[0, 2, 0, 1, 0, 0, 1, 0])
            .bytes(),
    )
    .unwrap();
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert_eq!(
        events.last(),
        Some(&Event::CredentialsRequired(CredentialsNeeded {
            username: true,
            password: true
        }))
    );
    s.take_output();
    s.set_credential(Credential::Username, "u");
    assert!(!s.wants_write());
    s.set_credential(Credential::Password, "p");
    assert_eq!(s.take_output(), [0, 0, 0, 1, 0, 0, 0, 1, b'u', b'p']);
}

#[test]
fn vencrypt_refusals_and_bad_versions() {
    use vnc_core::ProtocolError as P;
    let base = || Script::new().version("RFB 003.008\n").security_types(&[19]);
    type Check = fn(&Error) -> bool;
    let cases: Vec<(Script, Check)> = vec![
        (base().raw(&[0, 1]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::UnsupportedVencryptVersion { major: 0, minor: 1 },
                    ..
                }
            )
        }),
        (base().raw(&[0, 2, 1]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::VencryptRefused(_),
                    ..
                }
            )
        }),
        (base().raw(&[0, 2, 0, 0]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::VencryptRefused(_),
                    ..
                }
            )
        }),
        // Only sub-types this client does not speak (RA2 and RA2ne).
        (
            base().raw(&[0, 2, 0, 2, 0, 0, 0, 5, 0, 0, 0, 6]),
            |e| matches!(e, Error::NoCommonSecurityType { offered, .. } if offered == &[5, 6]),
        ),
        // The server refuses the TLS sub-type we chose.
        (base().raw(&[0, 2, 0, 1, 0, 0, 1, 1, 0]), |e| {
            matches!(
                e,
                Error::Protocol {
                    error: P::VencryptRefused(_),
                    ..
                }
            )
        }),
    ];
    for (script, ok) in cases {
        let run = play_all(&Config::default(), &script);
        let e = run.error.expect("an error");
        assert!(ok(&e), "{e:?}");
    }
}

#[test]
fn require_encryption_names_what_the_server_offered() {
    let mut config = Config::default();
    config.require_encryption = true;
    let run = play_all(
        &config,
        &Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1, 2]),
    );
    match run.error {
        Some(Error::EncryptionRequired { offered }) => {
            // Each offered type by name and number.
            let named = |t: u32| format!("{}({t})", vnc_core::security_type_name(t));
            assert_eq!(offered, [named(1), named(2)]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_policy_that_can_accept_nothing_is_blamed_not_the_server() {
    // The server offers VeNCrypt, which could encrypt: the list is what refuses it.
    let mut config = Config::default();
    config.require_encryption = true;
    config.security_types = SecurityType::parse_list("vnc,none").unwrap();
    let run = play_all(
        &config,
        &Script::new()
            .version("RFB 003.008\n")
            .security_types(&[2, 19]),
    );
    match run.error {
        Some(e @ Error::SecurityPolicy(SecurityTypesError::NothingEncrypted(_))) => {
            assert!(e.to_string().contains("(vnc,none)"), "{e}");
            assert_eq!(e.kind(), vnc_core::ErrorKind::Configuration);
        }
        other => panic!("{other:?}"),
    }
    // Nothing was chosen: the client sent only its version.
    assert_eq!(run.output, b"RFB 003.008\n");
}

#[test]
fn the_order_of_the_list_decides_among_offered_types() {
    // Offered: VncAuth and VeNCrypt (whose sub-types come later); listed first wins.
    let offer = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[2, 19]);
    for (list, chosen) in [
        ("vnc,tlsvnc", 2u8),
        ("tlsvnc,vnc", 19),
        ("ard,none,2,tlsvnc", 2),
    ] {
        let mut config = Config::default();
        config.security_types = SecurityType::parse_list(list).unwrap();
        let run = play_all(&config, &offer);
        assert_eq!(run.output.get(12), Some(&chosen), "{list}");
    }
}

#[test]
fn vnc_auth_listed_inside_vencrypt() {
    // TigerVNC may list plain types inside VeNCrypt; no acknowledgement follows them.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2, 0, 1, 0, 0, 0, 2])
        .raw(&CHALLENGE)
        .security_result(0)
        .server_init(2, 2, &PixelFormat::RGB888, "v");
    for c in Chunking::ALL {
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        s.set_credential(Credential::Password, "password");
        let run = play_with(s, script.bytes(), c);
        assert!(run.error.is_none(), "{:?}", run.error);
        let mut want = b"RFB 003.008\n\x13\x00\x02\x00\x00\x00\x02".to_vec();
        want.extend_from_slice(&RESPONSE);
        assert_eq!(&run.output[..want.len()], &want[..]);
    }
}

#[test]
fn x509_needs_a_host_name_or_a_pin() {
    // VeNCrypt 0.2 accepted, one sub-type offered (X509None, 260), and the choice acknowledged.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2, 0, 1, 0, 0, 1, 4, 1]);
    // TLS output is random, so these feed a session directly rather than through play_all.
    let run = |config: Config| {
        let mut s = Session::new(config, std::time::Instant::now());
        let result = s.feed(script.bytes());
        (result, s.take_output())
    };
    // No name (a stream or a Unix socket): refused before TLS starts.
    let (result, _) = run(Config::default());
    let error = result.unwrap_err();
    assert!(matches!(error, Error::ServerNameMissing), "{error:?}");
    assert_eq!(error.kind(), vnc_core::ErrorKind::Certificate);
    // A pin needs no name: TLS starts, its first record (a handshake, 0x16) follows the
    // sub-type choice.
    let mut pinned = Config::default();
    pinned.tls.pinned_sha256 = vec![[7; 32]];
    let (result, output) = run(pinned);
    result.unwrap();
    let choice = b"RFB 003.008\n\x13\x00\x02\x00\x00\x01\x04";
    assert_eq!(&output[..choice.len()], choice);
    assert_eq!(output.get(choice.len()), Some(&0x16));
    // A name but nothing to trust: the settings cannot be used.
    let mut named = Config::default();
    named.server_name = Some("vm1.example".into());
    let (result, _) = run(named);
    assert_eq!(
        result.map_err(|e| e.kind()),
        Err(vnc_core::ErrorKind::Configuration)
    );
}

/// A configuration that gives the trusted roots on demand, for a server named `vm1.example`.
fn roots_on_demand() -> Config {
    let mut config = Config::default();
    config.server_name = Some("vm1.example".into());
    config.tls.system_roots_on_demand = true;
    config
}

/// VeNCrypt 0.2 accepted, one sub-type offered and the choice acknowledged.
fn vencrypt_subtype(subtype: u8) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2, 0, 1, 0, 0, 1, subtype, 1])
}

#[test]
fn x509_asks_for_the_roots_and_sends_no_client_hello_until_given() {
    // X509None (260): what VeNCrypt sent in the clear ends with the sub-type choice.
    let script = vencrypt_subtype(4);
    let choice = b"RFB 003.008\n\x13\x00\x02\x00\x00\x01\x04";
    // Whole, and one byte at a time.
    for chunk in [script.bytes().len(), 1] {
        let mut config = roots_on_demand();
        // With no roots the certificate goes to the application, so TLS can start.
        config.tls.ask_on_untrusted = true;
        let mut s = Session::new(config, std::time::Instant::now());
        let mut output = Vec::new();
        let mut events = Vec::new();
        for part in script.bytes().chunks(chunk) {
            s.feed(part).unwrap();
            output.extend(s.take_output());
            events.extend(std::iter::from_fn(|| s.poll_event()));
        }
        assert_eq!(output, choice);
        assert_eq!(events.last(), Some(&Event::RootCertificatesRequired));
        assert_eq!(
            events
                .iter()
                .filter(|e| **e == Event::RootCertificatesRequired)
                .count(),
            1
        );
        // More input meanwhile is kept, and the session still waits.
        s.feed(&[0x16, 0x03]).unwrap();
        assert!(!s.wants_write());
        assert_eq!(s.poll_event(), None);
        s.set_root_certificates(Vec::new()).unwrap();
        // TLS starts: its first record is a handshake (0x16), the ClientHello.
        assert_eq!(s.take_output().first(), Some(&0x16));
        assert!(!s.config().tls.system_roots_on_demand);
        assert_eq!(s.poll_event(), None);
    }
}

#[test]
fn bytes_that_came_while_the_roots_were_asked_for_go_to_tls() {
    let mut config = roots_on_demand();
    config.tls.ask_on_untrusted = true;
    let mut s = Session::new(config, std::time::Instant::now());
    // A fatal TLS alert (handshake_failure) in the same input as the acknowledgement.
    let mut input = vencrypt_subtype(4).bytes().to_vec();
    input.extend_from_slice(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    s.feed(&input).unwrap();
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert_eq!(events.last(), Some(&Event::RootCertificatesRequired));
    let error = s.set_root_certificates(Vec::new()).unwrap_err();
    assert_eq!(error.kind(), vnc_core::ErrorKind::Tls);
    assert!(s.is_closed());
}

#[test]
fn x509_with_no_roots_given_fails_as_without_roots() {
    let mut s = Session::new(roots_on_demand(), std::time::Instant::now());
    s.feed(vencrypt_subtype(4).bytes()).unwrap();
    assert!(std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::RootCertificatesRequired));
    // Nothing to trust (no roots, pins, known certificates nor question): the settings
    // cannot be used, as when the system store is empty.
    let error = s.set_root_certificates(Vec::new()).unwrap_err();
    assert_eq!(error.kind(), vnc_core::ErrorKind::Configuration);
    assert!(s.is_closed());
}

#[test]
fn roots_are_not_asked_for_when_not_needed() {
    let asked =
        |run: &vnc_core::testing::Run| run.events.contains(&Event::RootCertificatesRequired);
    // Security None, and VNC authentication, all the way to ServerInit.
    let run = play_all(&roots_on_demand(), &crate::support::connected(4, 4));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(!asked(&run));
    let vnc_auth = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[2])
        .raw(&CHALLENGE)
        .security_result(0)
        .server_init(2, 2, &PixelFormat::RGB888, "v");
    for c in Chunking::ALL {
        let mut s = Session::new(roots_on_demand(), std::time::Instant::now());
        s.set_credential(Credential::Password, "password");
        let run = play_with(s, vnc_auth.bytes(), c);
        assert!(run.error.is_none(), "{:?}", run.error);
        assert!(!asked(&run));
    }
    // Roots already there, a pin, or roots given before the question: TLS starts at once.
    let mut with_roots = roots_on_demand();
    with_roots.tls.root_certificates = vec![b"not parsed before TLS".to_vec()];
    with_roots.tls.ask_on_untrusted = true;
    let mut pinned = roots_on_demand();
    pinned.tls.pinned_sha256 = vec![[7; 32]];
    for config in [with_roots, pinned] {
        let mut s = Session::new(config, std::time::Instant::now());
        s.feed(vencrypt_subtype(4).bytes()).unwrap();
        assert!(
            !std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::RootCertificatesRequired)
        );
        let output = s.take_output();
        assert_eq!(
            output.get(b"RFB 003.008\n\x13\x00\x02\x00\x00\x01\x04".len()),
            Some(&0x16)
        );
    }
    let mut config = roots_on_demand();
    config.tls.ask_on_untrusted = true;
    let mut s = Session::new(config, std::time::Instant::now());
    s.set_root_certificates(Vec::new()).unwrap();
    s.feed(vencrypt_subtype(4).bytes()).unwrap();
    assert!(!std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::RootCertificatesRequired));
    assert!(s.wants_write());
}

#[cfg(feature = "anon-tls")]
#[test]
fn anonymous_tls_never_asks_for_roots() {
    // Anonymous TLS (type 18), and VeNCrypt's TLSNone (257): TLS starts at once.
    let anon = Script::new().version("RFB 003.008\n").security_types(&[18]);
    let tls_none = vencrypt_subtype(1);
    for (script, clear) in [
        (anon, &b"RFB 003.008\n\x12"[..]),
        (tls_none, &b"RFB 003.008\n\x13\x00\x02\x00\x00\x01\x01"[..]),
    ] {
        let mut s = Session::new(roots_on_demand(), std::time::Instant::now());
        s.feed(script.bytes()).unwrap();
        assert!(
            !std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::RootCertificatesRequired)
        );
        let output = s.take_output();
        assert_eq!(&output[..clear.len()], clear);
        assert_eq!(output.get(clear.len()), Some(&0x16));
    }
}
