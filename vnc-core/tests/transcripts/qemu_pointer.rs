//! QEMU's Pointer Motion Change pseudo-encoding: the x field of an empty pseudo-rectangle
//! says whether the server reads pointer positions as absolute (1) or relative (0); in
//! relative mode PointerEvents carry motion from (0x7FFF, 0x7FFF), from `pointer_motion` and
//! from the differences of `pointer_event` positions.

use crate::support::{connected, feed, play_all};
use vnc_core::testing::{Chunking, Script};
use vnc_core::{Config, Encoding, Event, Rect, Session};

/// QEMU's rectangle: x is the mode, y 0, the size the framebuffer's, no data.
fn mode(absolute: bool) -> Vec<u8> {
    Script::pseudo_rect(Rect::new(u16::from(absolute), 0, 8, 6), -257)
}

/// The default configuration, which announces -257.
fn announcing() -> Config {
    Config::default()
}

#[test]
fn announced_by_default() {
    assert_eq!(Encoding::QemuPointerMotionChange.number(), -257);
    assert!(Encoding::DEFAULT.contains(&Encoding::QemuPointerMotionChange));
    assert_eq!(
        "qemu-pointer-motion-change".parse::<Encoding>().ok(),
        Some(Encoding::QemuPointerMotionChange)
    );
}

#[test]
fn pointer_mode_in_every_chunking() {
    // play_all runs every Chunking::ALL splitting and asserts they agree.
    let script = connected(8, 6)
        .update(&[mode(false)])
        .update(&[mode(true), mode(false)])
        .update(&[mode(true)]);
    let run = play_all(&announcing(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    let ev = run.events_without_damage();
    let relative = Event::PointerMode { absolute: false };
    let absolute = Event::PointerMode { absolute: true };
    let tail = &ev[ev.len() - 7..];
    assert_eq!(
        tail,
        [
            &relative,
            &Event::FramebufferUpdateEnd,
            &absolute,
            &relative,
            &Event::FramebufferUpdateEnd,
            &absolute,
            &Event::FramebufferUpdateEnd,
        ]
    );
}

#[test]
fn the_query_keeps_the_last_mode() {
    let mut s = crate::support::initialised(announcing(), 8, 6);
    while s.poll_event().is_some() {}
    assert_eq!(s.is_pointer_absolute(), None);
    s.feed(Script::new().update(&[mode(false)]).bytes())
        .unwrap();
    assert_eq!(s.is_pointer_absolute(), Some(false));
    s.feed(Script::new().update(&[mode(true)]).bytes()).unwrap();
    assert_eq!(s.is_pointer_absolute(), Some(true));
}

/// The PointerEvents in `out`, as (buttons, x, y).
fn pointer_events(out: &[u8]) -> Vec<(u8, u16, u16)> {
    assert_eq!(out.len() % 6, 0, "{out:?}");
    out.chunks_exact(6)
        .map(|m| {
            assert_eq!(m[0], 5, "{out:?}");
            let v = |i: usize| u16::from_be_bytes([m[i], m[i + 1]]);
            (m[1], v(2), v(4))
        })
        .collect()
}

/// A session told `absolute`, its output so far taken.
fn in_mode(absolute: bool) -> Session {
    let mut s = crate::support::initialised(announcing(), 8, 6);
    s.feed(Script::new().update(&[mode(absolute)]).bytes())
        .unwrap();
    s.take_output();
    s
}

const C: u16 = 0x7FFF;

#[test]
fn relative_mode_sends_motion_from_the_centre() {
    let mut s = in_mode(false);
    s.pointer_motion(5, -3, 0);
    s.pointer_motion(0, 0, 1);
    assert_eq!(
        pointer_events(&s.take_output()),
        [(0, C + 5, C - 3), (1, C, C)]
    );
    // Beyond what one event carries: split, the sum is the motion.
    s.pointer_motion(-40000, 70000, 0);
    let split = pointer_events(&s.take_output());
    let sum = |f: fn(&(u8, u16, u16)) -> u16| -> i32 {
        split.iter().map(|e| i32::from(f(e)) - i32::from(C)).sum()
    };
    assert_eq!((sum(|e| e.1), sum(|e| e.2)), (-40000, 65535), "{split:?}");
}

#[test]
fn relative_mode_turns_positions_into_differences() {
    let mut s = in_mode(false);
    // The first position has nothing to differ from: no motion, the buttons only.
    s.pointer_event(4, 4, 0);
    s.pointer_event(6, 1, 1);
    s.pointer_event(6, 1, 0);
    // Clamped to the framebuffer (8 x 6) as in absolute mode: (7, 5).
    s.pointer_event(100, 100, 0);
    assert_eq!(
        pointer_events(&s.take_output()),
        [(0, C, C), (1, C + 2, C - 3), (0, C, C), (0, C + 1, C + 4)]
    );
}

#[test]
fn absolute_mode_sends_positions_and_moves_by_motion() {
    let mut s = in_mode(true);
    s.pointer_event(3, 2, 0);
    s.pointer_motion(2, 1, 4);
    // Clamped to the framebuffer.
    s.pointer_motion(-100, 100, 0);
    assert_eq!(
        pointer_events(&s.take_output()),
        [(0, 3, 2), (4, 5, 3), (0, 0, 5)]
    );
}

#[test]
fn the_mode_switches_both_ways_keeping_the_last_position() {
    let mut s = in_mode(true);
    let mut sent = Vec::new();
    s.pointer_event(2, 2, 0);
    sent.extend(pointer_events(&s.take_output()));
    s.feed(Script::new().update(&[mode(false)]).bytes())
        .unwrap();
    s.take_output();
    s.pointer_event(3, 3, 0);
    sent.extend(pointer_events(&s.take_output()));
    s.feed(Script::new().update(&[mode(true)]).bytes()).unwrap();
    s.take_output();
    s.pointer_event(4, 4, 0);
    sent.extend(pointer_events(&s.take_output()));
    assert_eq!(sent, [(0, 2, 2), (0, C + 1, C + 1), (0, 4, 4)]);
}

#[test]
fn relative_mode_unasked_is_not_believed() {
    // Without -257 announced, QEMU computes motion itself from absolute positions, so the
    // session keeps sending positions whatever the server says.
    let mut config = Config::default();
    config
        .encodings
        .retain(|&e| e != Encoding::QemuPointerMotionChange);
    let mut s = crate::support::initialised(config, 8, 6);
    let (events, _) = feed(
        &mut s,
        Script::new().update(&[mode(false)]).bytes(),
        Chunking::Whole,
    );
    assert!(events.contains(&Event::PointerMode { absolute: false }));
    assert_eq!(s.is_pointer_absolute(), None);
    s.pointer_event(3, 2, 0);
    assert_eq!(pointer_events(&s.take_output()), [(0, 3, 2)]);
}

#[test]
fn announcing_without_it_forgets_the_mode() {
    let mut s = in_mode(false);
    let encodings: Vec<Encoding> = Encoding::DEFAULT
        .iter()
        .copied()
        .filter(|&e| e != Encoding::QemuPointerMotionChange)
        .collect();
    s.set_encodings(&encodings);
    s.take_output();
    assert_eq!(s.is_pointer_absolute(), None);
    s.pointer_event(3, 2, 0);
    assert_eq!(pointer_events(&s.take_output()), [(0, 3, 2)]);
}

#[test]
fn nothing_is_sent_before_initialisation() {
    let mut s = Session::new(announcing(), std::time::Instant::now());
    s.pointer_motion(1, 1, 0);
    s.pointer_event(1, 1, 0);
    assert!(s.take_output().is_empty());
}
