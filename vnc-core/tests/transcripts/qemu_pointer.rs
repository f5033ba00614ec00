//! QEMU's Pointer Motion Change pseudo-encoding: the x field of an empty pseudo-rectangle
//! says whether the server reads pointer positions as absolute (1) or relative (0).

use crate::support::{connected, play_all};
use vnc_core::testing::Script;
use vnc_core::{Config, Encoding, Event, Rect};

/// QEMU's rectangle: x is the mode, y 0, the size the framebuffer's, no data.
fn mode(absolute: bool) -> Vec<u8> {
    Script::pseudo_rect(Rect::new(u16::from(absolute), 0, 8, 6), -257)
}

fn announcing() -> Config {
    let mut config = Config::default();
    config.encodings.push(Encoding::QemuPointerMotionChange);
    config
}

#[test]
fn not_announced_by_default() {
    assert_eq!(Encoding::QemuPointerMotionChange.number(), -257);
    assert!(!Encoding::DEFAULT.contains(&Encoding::QemuPointerMotionChange));
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
