//! Power control (xvp, pseudo-encoding -309, message 250): announced by default; requests go
//! out only after the server's XVP_INIT, as exactly the four bytes rfbproto lays out; XVP_FAIL
//! becomes an event.

use crate::support::{feed, initialised};
use vnc_core::testing::{Chunking, Script};
use vnc_core::{Config, Encoding, Event, PowerAction, Session};

/// A session past ServerInit of an 8x6 desktop, its output and events so far taken.
fn running(config: Config) -> Session {
    let mut s = initialised(config, 8, 6);
    while s.poll_event().is_some() {}
    s.take_output();
    s
}

/// Every action, in order, as the client message rfbproto describes: type 250, padding,
/// version 1, then XVP_SHUTDOWN (2), XVP_REBOOT (3) or XVP_RESET (4).
const ACTIONS: [(PowerAction, [u8; 4]); 3] = [
    (PowerAction::Shutdown, [250, 0, 1, 2]),
    (PowerAction::Reboot, [250, 0, 1, 3]),
    (PowerAction::Reset, [250, 0, 1, 4]),
];

#[test]
fn xvp_is_announced_by_default() {
    assert!(Encoding::DEFAULT.contains(&Encoding::Xvp));
    assert_eq!(Encoding::Xvp.number(), -309);
    assert_eq!("xvp".parse::<Encoding>(), Ok(Encoding::Xvp));
}

#[test]
fn requests_are_sent_only_after_xvp_init() {
    for chunking in Chunking::ALL {
        let mut s = running(Config::default());
        assert!(!s.power_control_available());
        for (action, _) in ACTIONS {
            assert!(!s.power_control(action), "{chunking:?}");
        }
        assert_eq!(s.take_output(), Vec::<u8>::new(), "{chunking:?}");

        // The server is ready; it supports versions 1 to 2.
        let (ev, out) = feed(&mut s, Script::new().xvp(2, 1).bytes(), chunking);
        assert_eq!(
            ev,
            [Event::PowerControlReady { version: 2 }],
            "{chunking:?}"
        );
        assert!(out.is_empty(), "{chunking:?}");
        assert!(s.power_control_available());

        for (action, bytes) in ACTIONS {
            assert!(s.power_control(action), "{chunking:?}");
            assert_eq!(s.take_output(), bytes, "{action:?} {chunking:?}");
        }
    }
}

#[test]
fn xvp_fail_is_an_event_and_keeps_power_control() {
    for chunking in Chunking::ALL {
        let mut s = running(Config::default());
        // Ready, a failure, then a bell to show the stream is still in step.
        let script = Script::new().xvp(1, 1).xvp(1, 0).bell();
        let (ev, _) = feed(&mut s, script.bytes(), chunking);
        assert_eq!(
            ev,
            [
                Event::PowerControlReady { version: 1 },
                Event::PowerControlFailed,
                Event::Bell
            ],
            "{chunking:?}"
        );
        assert!(s.power_control_available());
    }
}

#[test]
fn not_announced_means_not_believed() {
    let encodings: Vec<Encoding> = Encoding::DEFAULT
        .iter()
        .copied()
        .filter(|e| *e != Encoding::Xvp)
        .collect();
    for chunking in Chunking::ALL {
        let mut config = Config::default();
        config.encodings = encodings.clone();
        let mut s = running(config);
        let (ev, _) = feed(&mut s, Script::new().xvp(1, 1).bell().bytes(), chunking);
        assert_eq!(ev, [Event::Bell], "{chunking:?}");
        assert!(!s.power_control(PowerAction::Reset));
        assert!(s.take_output().is_empty());
    }
}

#[test]
fn announcing_without_xvp_turns_it_off() {
    let mut s = running(Config::default());
    feed(&mut s, Script::new().xvp(1, 1).bytes(), Chunking::Whole);
    assert!(s.power_control_available());
    s.set_encodings(&[Encoding::Raw]);
    s.take_output();
    assert!(!s.power_control_available());
    assert!(!s.power_control(PowerAction::Shutdown));
    assert!(s.take_output().is_empty());
}
