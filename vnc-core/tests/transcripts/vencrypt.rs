//! VeNCrypt up to TLS: Plain and VNC authentication inside it, refusals and bad versions, and
//! the X509 settings checked before TLS starts.

use crate::support::{CHALLENGE, RESPONSE, play_all};
use vnc_core::testing::{Chunking, Script, play_with};
use vnc_core::{
    Config, Credential, CredentialsNeeded, Error, Event, PixelFormat, SecurityType, Session,
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
        // Only SASL sub-types (named as QEMU numbers them) and nothing this client accepts.
        (
            base().raw(&[0, 2, 0, 2, 0, 0, 1, 7, 0, 0, 1, 8]),
            |e| matches!(e, Error::NoCommonSecurityType { offered, .. } if offered == &[263, 264]),
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
