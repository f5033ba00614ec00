//! The handshake: protocol versions, security types, VNC authentication, ClientInit and
//! ServerInit, and how a handshake ends early (timeout, end of stream, refusal).

use crate::support::{CHALLENGE, RESPONSE, assert_screen, connected, play_all};
use vnc_core::testing::{Chunking, Image, Script, ZrleEncoder, ZrleTile, play_with};
use vnc_core::{
    Config, Credential, CredentialsNeeded, Encoding, Error, Event, PixelFormat, PixelFormatRequest,
    ProtocolVersion, Rect, SecurityType, Session,
};

#[test]
fn nothing_is_sent_before_the_version() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    assert!(!s.wants_write());
    s.feed(b"RFB 003.00").unwrap();
    assert!(!s.wants_write());
    s.feed(b"8\n").unwrap();
    assert_eq!(s.take_output(), b"RFB 003.008\n");
}

#[test]
fn rfb_38_none_full_handshake_output() {
    let run = play_all(&Config::default(), &connected(4, 2));
    assert!(run.error.is_none());
    let mut want = b"RFB 003.008\n".to_vec();
    want.push(1); // security type None
    want.push(1); // ClientInit shared
    want.extend_from_slice(&[0, 0, 0, 0]);
    want.extend_from_slice(&PixelFormat::RGB888.to_bytes());
    want.extend_from_slice(&[2, 0, 0, Encoding::DEFAULT.len() as u8]);
    for e in Encoding::DEFAULT {
        want.extend_from_slice(&e.number().to_be_bytes());
    }
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 4, 0, 2]); // full request
    assert_eq!(run.output, want);
    assert_eq!(
        run.events,
        vec![
            Event::VersionNegotiated(ProtocolVersion::V3_8),
            Event::SecurityNegotiated(SecurityType::None),
            Event::Initialized {
                width: 4,
                height: 2,
                name: "desk".into(),
                server_pixel_format: PixelFormat::RGB888
            },
        ]
    );
}

#[test]
fn rfb_37_none_has_no_security_result() {
    let script = Script::new()
        .version("RFB 003.007\n")
        .security_types(&[1])
        .server_init(4, 2, &PixelFormat::RGB888, "seven");
    let run = play_all(&Config::default(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(
        run.events
            .contains(&Event::VersionNegotiated(ProtocolVersion::V3_7))
    );
    assert!(matches!(run.events.last(), Some(Event::Initialized { .. })));
    assert_eq!(&run.output[..14], b"RFB 003.007\n\x01\x01");
}

#[test]
fn rfb_33_none_and_old_versions() {
    for v in ["RFB 003.003\n", "RFB 003.005\n", "RFB 003.006\n"] {
        let script = Script::new().version(v).security_type_33(1).server_init(
            4,
            2,
            &PixelFormat::RGB888,
            "three",
        );
        let run = play_all(&Config::default(), &script);
        assert!(run.error.is_none(), "{v}: {:?}", run.error);
        // No security type byte is sent in 3.3: the version, then ClientInit.
        assert_eq!(&run.output[..13], b"RFB 003.003\n\x01");
        assert!(matches!(run.events.last(), Some(Event::Initialized { .. })));
    }
}

#[test]
fn apple_and_realvnc_versions_are_answered_as_38() {
    for v in ["RFB 003.889\n", "RFB 004.001\n", "RFB 005.000\n"] {
        let script = Script::new()
            .version(v)
            .security_types(&[1])
            .security_result(0);
        let run = play_all(&Config::default(), &script);
        assert!(run.error.is_none());
        assert_eq!(&run.output[..12], b"RFB 003.008\n");
    }
}

#[test]
fn vnc_auth_with_a_preset_password() {
    for (version, types) in [
        ("RFB 003.008\n", Script::new().security_types(&[2])),
        ("RFB 003.003\n", Script::new().security_type_33(2)),
    ] {
        let script = Script::new()
            .version(version)
            .raw(types.bytes())
            .raw(&CHALLENGE)
            .security_result(0)
            .server_init(4, 2, &PixelFormat::RGB888, "auth");
        for c in Chunking::ALL {
            let mut s = Session::new(Config::default(), std::time::Instant::now());
            s.set_credential(Credential::Password, "password");
            let run = play_with(s, script.bytes(), c);
            assert!(run.error.is_none(), "{:?}", run.error);
            let at = run.output.windows(16).position(|w| w == RESPONSE);
            assert!(at.is_some(), "DES response not sent");
            assert!(
                !run.events
                    .iter()
                    .any(|e| matches!(e, Event::CredentialsRequired(_)))
            );
            assert!(matches!(run.events.last(), Some(Event::Initialized { .. })));
        }
    }
}

#[test]
fn vnc_auth_asks_for_the_password_and_waits() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1, 2, 250])
        .raw(&CHALLENGE);
    s.feed(script.bytes()).unwrap();
    let out = s.take_output();
    assert_eq!(
        out, b"RFB 003.008\n\x02",
        "VncAuth is preferred over None by default"
    );
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert_eq!(
        events.last(),
        Some(&Event::CredentialsRequired(CredentialsNeeded {
            username: false,
            password: true
        }))
    );
    assert!(s.credentials_needed().is_some());
    assert!(!s.wants_write(), "nothing is sent while waiting");
    // No deadline runs while the application asks the user.
    assert_eq!(s.poll_timeout(), None);
    s.set_credential(Credential::Password, "password");
    assert_eq!(s.take_output(), RESPONSE);
    // The deadline is re-armed from the application's next clock reading.
    let now = std::time::Instant::now();
    assert!(s.poll_timeout().is_some());
    s.handle_timeout(now).unwrap();
    assert!(s.poll_timeout().unwrap() > now);
    s.feed(&[0, 0, 0, 0]).unwrap();
    s.feed(
        Script::new()
            .server_init(2, 2, &PixelFormat::RGB888, "")
            .bytes(),
    )
    .unwrap();
    assert!(s.is_initialized());
    assert_eq!(s.poll_timeout(), None, "no deadline after the handshake");
}

#[test]
fn vnc_auth_failure_reasons() {
    // 3.8: the reason string reaches the user.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[2])
        .raw(&CHALLENGE)
        .security_result(1)
        .string(b"Authentication failure");
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "wrong");
    let run = play_with(s, script.bytes(), Chunking::OneByte);
    match run.error {
        Some(Error::AuthenticationFailed { reason: Some(r) }) => {
            assert_eq!(r, "Authentication failure")
        }
        other => panic!("{other:?}"),
    }
    // 3.3/3.7: no reason on the wire.
    let script = Script::new()
        .version("RFB 003.007\n")
        .security_types(&[2])
        .raw(&CHALLENGE)
        .security_result(1);
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "wrong");
    let run = play_with(s, script.bytes(), Chunking::Whole);
    assert!(matches!(
        run.error,
        Some(Error::AuthenticationFailed { reason: None })
    ));
    assert!(run.error.unwrap().is_authentication_failure());
}

#[test]
fn refusals_carry_the_servers_reason() {
    let s38 = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[])
        .string(b"Too many connections");
    let s33 = Script::new()
        .version("RFB 003.003\n")
        .security_type_33(0)
        .string(b"Too many connections");
    for script in [s38, s33] {
        let run = play_all(&Config::default(), &script);
        match run.error {
            Some(Error::ConnectionRefused { reason }) => assert_eq!(reason, "Too many connections"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn preference_list_decides_and_unknown_types_are_ignored() {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::None];
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[99, 2, 1, 200])
        .security_result(0);
    let run = play_all(&config, &script);
    assert!(run.error.is_none());
    assert_eq!(run.output, b"RFB 003.008\n\x01\x01");

    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[2, 16]);
    let run = play_all(&config, &script);
    match run.error {
        Some(Error::NoCommonSecurityType { offered, accepted }) => {
            assert_eq!(offered, [2, 16]);
            assert_eq!(accepted, [SecurityType::None]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn exclusive_client_init_and_native_pixel_format() {
    let mut config = Config::default();
    config.shared = false;
    config.pixel_format = PixelFormatRequest::ServerNative;
    config.encodings = vec![Encoding::Raw];
    let run = play_all(&config, &connected(4, 2));
    let mut want = b"RFB 003.008\n\x01\x00".to_vec();
    want.extend_from_slice(&[2, 0, 0, 1, 0, 0, 0, 0]);
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 4, 0, 2]);
    assert_eq!(
        run.output, want,
        "no SetPixelFormat when keeping the server's format"
    );
}

#[test]
fn full32_keeps_a_32_bit_server_format_and_asks_for_rgb888_otherwise() {
    let img = Image::pattern(20, 18);
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::Full32;
    config.encodings = vec![Encoding::Zrle, Encoding::Hextile, Encoding::Raw];
    let bgr = PixelFormat {
        red_shift: 0,
        blue_shift: 16,
        ..PixelFormat::RGB888
    };
    let big = PixelFormat {
        big_endian: true,
        ..PixelFormat::RGB888
    };
    for (server, kept) in [
        (PixelFormat::RGB888, true),
        (bgr, true),
        (big, true),
        (PixelFormat { depth: 32, ..bgr }, true),
        (PixelFormat::RGB565, false),
        (PixelFormat::BGR233, false),
    ] {
        // Rectangles come in the format the session ends up with.
        let pf = if kept { server } else { PixelFormat::RGB888 };
        let r = Rect::new(0, 0, 20, 18);
        let mut enc = ZrleEncoder::default();
        let script = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(20, 18, &server, "desk")
            .update(&[Script::raw_rect(&pf, &img, r)])
            .update(&[Script::hextile_rect(&pf, &img, r)])
            .update(&[enc.rect(&pf, &img, r, ZrleTile::PaletteRle)]);
        let run = play_all(&config, &script);
        assert_screen(&run, &img);
        let mut set_pixel_format = vec![0, 0, 0, 0];
        set_pixel_format.extend_from_slice(&PixelFormat::RGB888.to_bytes());
        let sent = run
            .output
            .windows(set_pixel_format.len())
            .any(|w| w == set_pixel_format.as_slice());
        assert_eq!(sent, !kept, "{server:?}");
    }
}

#[test]
fn handshake_timeout() {
    let t0 = std::time::Instant::now();
    let mut s = Session::new(Config::default(), t0);
    let deadline = s.poll_timeout().unwrap();
    assert_eq!(deadline, t0 + std::time::Duration::from_secs(30));
    s.feed(b"RFB 003.008\n").unwrap();
    s.handle_timeout(t0 + std::time::Duration::from_secs(1))
        .unwrap();
    match s.handle_timeout(deadline) {
        Err(Error::Timeout { step }) => assert_eq!(step, vnc_core::Step::Security),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.feed(&[1]), Err(Error::Closed)));
}

#[test]
fn end_of_stream() {
    // Mid-handshake: an error naming the step.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(b"RFB 003.008\n").unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::UnexpectedEof {
            step: vnc_core::Step::Security
        })
    ));
    // Between messages: a clean close.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(2, 2).bytes()).unwrap();
    s.feed_eof().unwrap();
    assert_eq!(
        std::iter::from_fn(|| s.poll_event()).last(),
        Some(Event::Closed)
    );
    // Mid-update: an error.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(2, 2).bytes()).unwrap();
    s.feed(&[0, 0, 0, 1, 0]).unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::UnexpectedEof {
            step: vnc_core::Step::FramebufferUpdate
        })
    ));
    // A 3.7 server that hangs up instead of a SecurityResult rejected the password.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "x");
    s.feed(
        Script::new()
            .version("RFB 003.007\n")
            .security_types(&[2])
            .raw(&CHALLENGE)
            .bytes(),
    )
    .unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::AuthenticationFailed { .. })
    ));
}

#[test]
fn a_server_that_streams_while_credentials_are_asked_is_stopped() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[2])
            .raw(&CHALLENGE)
            .bytes(),
    )
    .unwrap();
    assert!(s.credentials_needed().is_some());
    s.feed(&[0; 4096]).unwrap();
    match s.feed(&[0]) {
        Err(Error::Protocol {
            error: vnc_core::ProtocolError::UnexpectedData { len: 4097 },
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn hanging_up_instead_of_a_failure_reason_is_an_authentication_failure() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_credential(Credential::Password, "x");
    s.feed(
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[2])
            .raw(&CHALLENGE)
            .security_result(1)
            .bytes(),
    )
    .unwrap();
    assert!(matches!(
        s.feed_eof(),
        Err(Error::AuthenticationFailed { reason: None })
    ));
}
