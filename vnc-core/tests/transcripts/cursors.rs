//! The cursor pseudo-encodings beside the rich Cursor: X Cursor (-240), Cursor With Alpha
//! (-314) and Cursor Position (-232), each played with every chunking (`play_all`).

use crate::support::{connected, play_all};
use vnc_core::testing::rect_header;
use vnc_core::{Config, Cursor, Event, Rect};

fn cursors(events: &[Event]) -> Vec<Cursor> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::CursorChanged(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn x_cursor_is_two_colours_through_its_mask() {
    // 10x2, hot spot (4, 1): rows of two bytes; bitmap 1 = primary (red), 0 = secondary
    // (blue); the mask hides what it does not cover.
    let mut r = rect_header(Rect::new(4, 1, 10, 2), -240);
    r.extend([255, 0, 0, 0, 0, 255]);
    r.extend([0b1010_0000, 0b0100_0000, 0b0000_0000, 0b1100_0000]); // bitmap
    r.extend([0b1110_0000, 0b0100_0000, 0b1000_0000, 0b1100_0000]); // mask
    let run = play_all(&Config::default(), &connected(16, 16).update(&[r]));
    assert!(run.error.is_none(), "{:?}", run.error);
    let c = &cursors(&run.events)[0];
    assert_eq!((c.width, c.height, c.hotspot_x, c.hotspot_y), (10, 2, 4, 1));
    let px = |x: usize, y: usize| &c.rgba[(y * 10 + x) * 4..][..4];
    assert_eq!(px(0, 0), [255, 0, 0, 255]);
    assert_eq!(px(1, 0), [0, 0, 255, 255]);
    assert_eq!(px(2, 0), [255, 0, 0, 255]);
    assert_eq!(px(3, 0), [0, 0, 0, 0], "outside the mask");
    assert_eq!(px(9, 0), [255, 0, 0, 255], "second byte, bit 6");
    assert_eq!(px(8, 0), [0, 0, 0, 0]);
    assert_eq!(px(0, 1), [0, 0, 255, 255]);
    assert_eq!(px(8, 1), [255, 0, 0, 255]);
    assert_eq!(px(9, 1), [255, 0, 0, 255]);
}

#[test]
fn empty_x_cursor_hides_the_cursor_and_reads_nothing_more() {
    let r = rect_header(Rect::new(0, 0, 0, 0), -240);
    let run = play_all(&Config::default(), &connected(16, 16).update(&[r]).bell());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(cursors(&run.events)[0].width, 0);
    assert!(
        run.events.contains(&Event::Bell),
        "the stream stays in step"
    );
}

#[test]
fn alpha_cursor_is_straightened_from_premultiplied_rgba() {
    let mut r = rect_header(Rect::new(1, 0, 2, 2), -314);
    r.extend(0i32.to_be_bytes());
    r.extend([128, 64, 0, 128, 10, 20, 30, 255, 9, 9, 9, 0, 0, 0, 100, 100]);
    let run = play_all(&Config::default(), &connected(16, 16).update(&[r]));
    assert!(run.error.is_none(), "{:?}", run.error);
    let c = &cursors(&run.events)[0];
    assert_eq!((c.width, c.height, c.hotspot_x, c.hotspot_y), (2, 2, 1, 0));
    assert_eq!(
        c.rgba,
        [
            255, 128, 0, 128, 10, 20, 30, 255, 0, 0, 0, 0, 0, 0, 255, 100
        ]
    );
}

#[test]
fn cursor_position_is_reported_and_clamped_to_the_framebuffer() {
    let script = connected(16, 16).update(&[
        rect_header(Rect::new(3, 7, 0, 0), -232),
        rect_header(Rect::new(500, 9, 77, 77), -232),
    ]);
    let run = play_all(&Config::default(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    let moves: Vec<_> = run
        .events
        .iter()
        .filter(|e| matches!(e, Event::CursorMoved { .. }))
        .collect();
    assert_eq!(
        moves,
        [
            &Event::CursorMoved { x: 3, y: 7 },
            &Event::CursorMoved { x: 15, y: 9 }
        ]
    );
}
