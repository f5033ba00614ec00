//! QEMU's keyboard pseudo-encodings from a hostile server: truncated LED State rectangles,
//! absurd geometry on both, and reserved bits. The -258 acknowledgement is accepted whatever
//! its geometry (rfbproto calls it empty, and QEMU sends the framebuffer's size in it): it
//! carries no data, so nothing a server puts in its header can make the client read more.
//! The LED State rectangle is one byte, whatever its header says. Pointer Motion Change
//! (-257) carries nothing but its x field: any other x is absolute, any geometry reads no data.

use crate::support::{H, PF, W, connected};
use vnc_core::testing::{Image, Script, play_all, rect_header};
use vnc_core::{Config, Error, Event, LockState, Rect, Session, Step};

/// Geometry that would be out of bounds (or overflow) for a pixel rectangle.
const ABSURD: [Rect; 3] = [
    Rect::new(65535, 65535, 65535, 65535),
    Rect::new(0, 0, 65535, 1),
    Rect::new(W, H, 0, 0),
];

#[test]
fn acknowledgement_with_any_geometry_reads_no_data() {
    let img = Image::pattern(W, H);
    for rect in ABSURD {
        // A raw rectangle right after it: if the acknowledgement consumed any byte, the
        // picture or the stream would break.
        let script = connected().update(&[
            Script::pseudo_rect(rect, -258),
            Script::raw_rect(&PF, &img, Rect::new(0, 0, W, H)),
        ]);
        let run = play_all(&Config::default(), script.bytes());
        assert!(run.error.is_none(), "{rect:?}: {:?}", run.error);
        assert!(run.events.contains(&Event::ScancodesAvailable));
        assert_eq!(run.framebuffer.to_rgba(), img.to_rgba(), "{rect:?}");
    }
}

#[test]
fn led_state_with_any_geometry_is_one_byte() {
    let img = Image::pattern(W, H);
    for rect in ABSURD {
        let mut led = rect_header(rect, -261);
        led.push(0xFF);
        let script = connected().update(&[led, Script::raw_rect(&PF, &img, Rect::new(0, 0, W, H))]);
        let run = play_all(&Config::default(), script.bytes());
        assert!(run.error.is_none(), "{rect:?}: {:?}", run.error);
        let all_on = LockState {
            scroll_lock: true,
            num_lock: true,
            caps_lock: true,
        };
        assert!(run.events.contains(&Event::LedState(all_on)), "{rect:?}");
        assert_eq!(run.framebuffer.to_rgba(), img.to_rgba(), "{rect:?}");
    }
}

#[test]
fn truncated_led_state_waits_then_fails_at_the_end_of_the_stream() {
    // The header without its byte, and the header cut short.
    let whole = connected().update(&[rect_header(Rect::new(0, 0, 1, 1), -261)]);
    let cut = whole.bytes().len() - 3;
    for bytes in [whole.bytes(), &whole.bytes()[..cut]] {
        // However split, nothing happens yet: the session waits for the rest.
        let run = play_all(&Config::default(), bytes);
        assert!(run.error.is_none(), "{:?}", run.error);
        assert!(
            !run.events
                .iter()
                .any(|e| matches!(e, Event::LedState(_) | Event::FramebufferUpdateEnd)),
            "{:?}",
            run.events
        );
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        s.feed(bytes).unwrap();
        assert!(s.led_state().is_none());
        let e = s.feed_eof().unwrap_err();
        assert!(
            matches!(
                e,
                Error::UnexpectedEof {
                    step: Step::FramebufferUpdate
                }
            ),
            "{e:?}"
        );
        assert!(s.is_closed());
    }
}

#[test]
fn many_led_rectangles_stay_within_the_rectangle_limit() {
    let mut config = Config::default();
    config.limits.max_rects_per_update = 10;
    let mut led = rect_header(Rect::new(0, 0, 1, 1), -261);
    led.push(1);
    let script = connected().update(&vec![led; 11]);
    let run = play_all(&config, script.bytes());
    assert!(
        matches!(run.error, Some(Error::LimitExceeded { .. })),
        "{:?}",
        run.error
    );
}

#[test]
fn pointer_mode_with_any_fields_reads_no_data() {
    let img = Image::pattern(W, H);
    // (x, want absolute): QEMU sends 0 or 1; anything else but 0 is taken as absolute.
    let odd = [
        (Rect::new(0, 65535, 65535, 65535), false),
        (Rect::new(2, 0, 0, 0), true),
        (Rect::new(65535, 7, W, H), true),
        (Rect::new(1, 0, 65535, 1), true),
    ];
    for (rect, absolute) in odd {
        // Inside a bigger update, between pixel rectangles: if the pseudo-rectangle consumed
        // any byte, the picture or the stream would break.
        let half = Rect::new(0, 0, W, H / 2);
        let rest = Rect::new(0, H / 2, W, H - H / 2);
        let script = connected().update(&[
            Script::raw_rect(&PF, &img, half),
            Script::pseudo_rect(rect, -257),
            Script::raw_rect(&PF, &img, rest),
        ]);
        let run = play_all(&Config::default(), script.bytes());
        assert!(run.error.is_none(), "{rect:?}: {:?}", run.error);
        assert!(
            run.events.contains(&Event::PointerMode { absolute }),
            "{rect:?}: {:?}",
            run.events
        );
        assert_eq!(run.framebuffer.to_rgba(), img.to_rgba(), "{rect:?}");

        // The session goes on: pointer input in the mode it was told, then more updates.
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        s.feed(script.bytes()).unwrap();
        assert_eq!(s.is_pointer_absolute(), Some(absolute));
        s.take_output();
        s.pointer_motion(i32::MAX, i32::MIN, 0xFF);
        s.pointer_event(u16::MAX, u16::MAX, 0);
        let out = s.take_output();
        assert!(
            !out.is_empty() && out.len() % 6 == 0 && out.len() <= 4 * 6,
            "{out:?}"
        );
        s.feed(
            Script::new()
                .update(&[Script::pseudo_rect(rect, -257)])
                .bytes(),
        )
        .unwrap();
        assert!(!s.is_closed());
    }
}

#[test]
fn many_pointer_mode_rectangles_stay_within_the_rectangle_limit() {
    let mut config = Config::default();
    config.limits.max_rects_per_update = 10;
    let mode = Script::pseudo_rect(Rect::new(0, 0, W, H), -257);
    let script = connected().update(&vec![mode; 11]);
    let run = play_all(&config, script.bytes());
    assert!(
        matches!(run.error, Some(Error::LimitExceeded { .. })),
        "{:?}",
        run.error
    );
}
