//! Protocol misbehaviour: unknown messages and encodings, bad handshakes, and what a session
//! does with input after an error.

use crate::support::{assert_fails, connected, one_rect, zrle};
use vnc_core::testing::{Script, rect_header};
use vnc_core::{Config, Encoding, Error, Event, ProtocolError, Rect, SecurityType, Session, Step};

#[test]
fn unknown_server_message_types() {
    // EndOfContinuousUpdates (150) and Fence (248) exist only once announced.
    let mut config = Config::default();
    config
        .encodings
        .retain(|e| !matches!(e, Encoding::ContinuousUpdates | Encoding::Fence));
    for t in [4u8, 5, 127, 150, 248, 254] {
        let bytes = connected().raw(&[t]);
        assert_fails!(
            config,
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::UnknownMessageType(u),
            } if u == t
        );
    }
}

#[test]
fn unknown_encodings() {
    let rect = Rect::new(0, 0, 8, 8);
    for enc in [3, 9, 21, -1, -225, -241, -260, -262, 0x574D_5669, i32::MIN] {
        assert_fails!(
            Config::default(),
            &one_rect(&rect_header(rect, enc)),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::UnsupportedEncoding { encoding, rect: r },
            } if encoding == enc && r == rect
        );
    }
    // Unknown encodings are reported as such even when the rectangle is also out of bounds.
    assert_fails!(
        Config::default(),
        &one_rect(&rect_header(Rect::new(65535, 65535, 9, 9), 3)),
        Error::Protocol {
            error: ProtocolError::UnsupportedEncoding { encoding: 3, .. },
            ..
        }
    );
}

#[test]
fn bad_version_strings() {
    for v in [
        &b"SSH-2.0-Open"[..],
        b"HTTP/1.1 400",
        b"RFB 003.008 ",
        b"RFB 003,008\n",
        b"RFB 0x3.008\n",
        b"rfb 003.008\n",
        &[0; 12],
        &[0xFF; 12],
    ] {
        assert_fails!(Config::default(), v, Error::NotRfb { .. });
    }
}

#[test]
fn unsupported_versions() {
    for (v, maj, min) in [
        ("RFB 003.002\n", 3, 2),
        ("RFB 002.000\n", 2, 0),
        ("RFB 000.000\n", 0, 0),
        ("RFB 006.000\n", 6, 0),
        ("RFB 999.999\n", 999, 999),
    ] {
        assert_fails!(
            Config::default(),
            v.as_bytes(),
            Error::UnsupportedVersion { major, minor } if major == maj && minor == min
        );
    }
}

#[test]
fn no_common_security_type() {
    // MS-Logon II (113) is supported but only when listed.
    for v in ["RFB 003.007\n", "RFB 003.008\n"] {
        let bytes = Script::new().version(v).security_types(&[16, 113, 255]);
        let e = assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::NoCommonSecurityType { .. }
        );
        let Error::NoCommonSecurityType { offered, accepted } = e else {
            unreachable!()
        };
        assert_eq!(offered, [16, 113, 255]);
        assert_eq!(accepted, SecurityType::default_preference());
    }
    // The server offers VNC authentication only, the client accepts None only.
    let mut config = Config::default();
    config.security_types = vec![SecurityType::None];
    let bytes = Script::new().version("RFB 003.008\n").security_types(&[2]);
    assert_fails!(config, bytes.bytes(), Error::NoCommonSecurityType { .. });
    // RFB 3.3: the server's choice is a known type the client does not accept.
    let bytes = Script::new().version("RFB 003.003\n").security_type_33(2);
    assert_fails!(config, bytes.bytes(), Error::NoCommonSecurityType { .. });
}

#[test]
fn rfb_33_server_choosing_unknown_security_type() {
    for t in [3, 5, 16, 19, 256 + 1, u32::MAX] {
        let bytes = Script::new().version("RFB 003.003\n").security_type_33(t);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::Security,
                error: ProtocolError::UnsupportedSecurityType(u),
            } if u == t
        );
    }
}

#[test]
fn every_feed_after_an_error_is_closed() {
    let cases: Vec<Vec<u8>> = vec![
        b"SSH-2.0-OpenSSH\r\n".to_vec(),
        Script::new()
            .version("RFB 003.003\n")
            .security_type_33(99)
            .bytes()
            .to_vec(),
        one_rect(&rect_header(Rect::new(60, 0, 5, 1), 0)),
        connected().raw(&[200]).bytes().to_vec(),
        zrle(&[200]),
    ];
    for bytes in cases {
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        let e = s.feed(&bytes).unwrap_err();
        assert!(!matches!(e, Error::Closed), "{e:?}");
        assert!(s.is_closed());
        let _ = s.take_output();
        let more: [&[u8]; 5] = [&bytes, &[], &[0], &[2], b"RFB 003.008\n"];
        for more in more {
            assert!(matches!(s.feed(more), Err(Error::Closed)), "{e:?}");
        }
        assert!(matches!(s.feed_eof(), Err(Error::Closed)));
        assert!(matches!(s.feed(&[2]), Err(Error::Closed)));
        assert!(std::iter::from_fn(|| s.poll_event()).all(|e| e != Event::Bell));
    }
}
