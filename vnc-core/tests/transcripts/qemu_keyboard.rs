//! QEMU's keyboard extensions: Extended Key Events (scancodes) once the server acknowledges
//! them, plain KeyEvents before, and the LED State of the lock keys.

use crate::support::{connected, feed, initialised, play_all};
use vnc_core::testing::{Chunking, Script, rect_header};
use vnc_core::{Config, Encoding, Event, LockState, Rect, Session};

/// QEMU's acknowledgement: a pseudo-rectangle of the framebuffer's size, no data.
fn ack(w: u16, h: u16) -> Vec<u8> {
    Script::pseudo_rect(Rect::new(0, 0, w, h), -258)
}

/// A LED State rectangle as QEMU sends it: 1x1 at the origin, then the state byte.
fn leds(state: u8) -> Vec<u8> {
    let mut v = rect_header(Rect::new(0, 0, 1, 1), -261);
    v.push(state);
    v
}

fn plain(down: bool, keysym: u32) -> Vec<u8> {
    let mut v = vec![4, down as u8, 0, 0];
    v.extend_from_slice(&keysym.to_be_bytes());
    v
}

fn extended(down: bool, keysym: u32, keycode: u32) -> Vec<u8> {
    let mut v = vec![255, 0, 0, down as u8];
    v.extend_from_slice(&keysym.to_be_bytes());
    v.extend_from_slice(&keycode.to_be_bytes());
    v
}

/// A session past ServerInit of an 8x6 desktop, its output and events so far taken.
fn running() -> Session {
    let mut s = initialised(Config::default(), 8, 6);
    while s.poll_event().is_some() {}
    s
}

/// The key presses of the tests: 'a' (0x1E), 'q' (0x10) and Right (0xE0 0x4D, qnum 0xCD).
fn type_keys(s: &mut Session) {
    for (keysym, qnum) in [(0x61, 0x1e), (0x71, 0x10), (0xff53, 0xcd)] {
        s.key_event_with_scancode(keysym, qnum, true);
        s.key_event_with_scancode(keysym, qnum, false);
    }
}

#[test]
fn scancodes_are_announced_by_default() {
    assert!(Encoding::DEFAULT.contains(&Encoding::QemuExtendedKeyEvent));
    assert!(Encoding::DEFAULT.contains(&Encoding::QemuLedState));
    assert_eq!(Encoding::QemuExtendedKeyEvent.number(), -258);
    assert_eq!(Encoding::QemuLedState.number(), -261);
}

#[test]
fn plain_key_events_before_the_acknowledgement_extended_after() {
    for chunking in Chunking::ALL {
        let mut s = running();
        assert!(!s.scancodes_available());
        // Before the acknowledgement: plain KeyEvents with the keysym.
        type_keys(&mut s);
        let mut want = Vec::new();
        for k in [0x61, 0x71, 0xff53] {
            want.extend(plain(true, k));
            want.extend(plain(false, k));
        }
        assert_eq!(s.take_output(), want, "{chunking:?}");

        // QEMU's acknowledgement, an update of its own that no request asked for.
        let (ev, _) = feed(&mut s, Script::new().update(&[ack(8, 6)]).bytes(), chunking);
        assert_eq!(
            ev,
            [Event::ScancodesAvailable, Event::FramebufferUpdateEnd],
            "{chunking:?}"
        );
        assert!(s.scancodes_available());

        // After: Extended Key Events with keysym and scancode, exactly as rfbproto lays them out.
        type_keys(&mut s);
        let mut want = Vec::new();
        for (k, q) in [(0x61, 0x1e), (0x71, 0x10), (0xff53, 0xcd)] {
            want.extend(extended(true, k, q));
            want.extend(extended(false, k, q));
        }
        assert_eq!(s.take_output(), want, "{chunking:?}");
        // An unknown scancode (0) still goes as a plain KeyEvent, as the spec asks; an
        // unknown keysym with a scancode goes extended with keysym 0.
        s.key_event_with_scancode(0x20ac, 0, true);
        s.key_event_with_scancode(0, 0x56, true);
        let mut want = plain(true, 0x20ac);
        want.extend(extended(true, 0, 0x56));
        assert_eq!(s.take_output(), want);
        // The plain key API is unchanged.
        s.key_event(0x62, true);
        assert_eq!(s.take_output(), plain(true, 0x62));

        // A second acknowledgement (QEMU sends one for each SetEncodings) gives no event.
        let (ev, _) = feed(&mut s, Script::new().update(&[ack(8, 6)]).bytes(), chunking);
        assert_eq!(ev, [Event::FramebufferUpdateEnd], "{chunking:?}");
    }
}

#[test]
fn dropping_the_pseudo_encoding_returns_to_keysyms() {
    let mut s = running();
    feed(
        &mut s,
        Script::new().update(&[ack(8, 6)]).bytes(),
        Chunking::Whole,
    );
    assert!(s.scancodes_available());
    let without: Vec<Encoding> = Encoding::DEFAULT
        .iter()
        .copied()
        .filter(|&e| e != Encoding::QemuExtendedKeyEvent)
        .collect();
    s.set_encodings(&without);
    assert!(!s.scancodes_available());
    s.take_output();
    s.key_event_with_scancode(0x61, 0x1e, true);
    assert_eq!(s.take_output(), plain(true, 0x61));
}

#[test]
fn an_unannounced_acknowledgement_is_not_believed() {
    let mut config = Config::default();
    config
        .encodings
        .retain(|&e| e != Encoding::QemuExtendedKeyEvent);
    let run = play_all(&config, &connected(8, 6).update(&[ack(8, 6)]));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(!run.events.contains(&Event::ScancodesAvailable));
}

#[test]
fn keys_before_initialisation_are_ignored() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.key_event_with_scancode(0x61, 0x1e, true);
    assert!(s.take_output().is_empty());
}

#[test]
fn led_state_in_every_chunking() {
    // play_all runs every Chunking::ALL splitting and asserts they agree.
    let script = connected(8, 6)
        .update(&[leds(0b100)])
        .update(&[leds(0b011), ack(8, 6)])
        .update(&[leds(0b1111_1000)]);
    let run = play_all(&Config::default(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    let caps = LockState {
        caps_lock: true,
        ..LockState::default()
    };
    let num_scroll = LockState {
        num_lock: true,
        scroll_lock: true,
        caps_lock: false,
    };
    let ev = run.events_without_damage();
    let tail = &ev[ev.len() - 7..];
    assert_eq!(
        tail,
        [
            &Event::LedState(caps),
            &Event::FramebufferUpdateEnd,
            &Event::LedState(num_scroll),
            &Event::ScancodesAvailable,
            &Event::FramebufferUpdateEnd,
            // Reserved bits are ignored.
            &Event::LedState(LockState::default()),
            &Event::FramebufferUpdateEnd,
        ]
    );
    assert_eq!(caps.bits(), 0b100);
    assert_eq!(num_scroll.bits(), 0b011);
}

#[test]
fn led_state_query_keeps_the_last_state() {
    for chunking in Chunking::ALL {
        let mut s = running();
        assert_eq!(s.led_state(), None);
        let (ev, _) = feed(
            &mut s,
            Script::new().update(&[leds(0b010), leds(0b110)]).bytes(),
            chunking,
        );
        assert_eq!(ev.len(), 3, "{ev:?}");
        assert_eq!(s.led_state(), Some(LockState::from_bits(0b110)));
        assert!(
            s.led_state()
                .is_some_and(|l| l.caps_lock && l.num_lock && !l.scroll_lock)
        );
    }
}
