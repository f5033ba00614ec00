//! Pseudo-encodings (Cursor, DesktopSize, DesktopName, LastRect, ExtendedDesktopSize) and
//! the other server messages: Bell and ServerCutText.

use crate::support::{assert_screen, config_for, connected, play_all};
use vnc_core::testing::{Image, Script, pixel};
use vnc_core::{Config, Event, PixelFormat, Rect, Session};

#[test]
fn cursor_is_rgba_with_mask() {
    let pf = PixelFormat::RGB565;
    let mut r = vnc_core::testing::rect_header(Rect::new(1, 0, 9, 2), -239);
    for i in 0..18u8 {
        r.extend(pixel(
            &pf,
            if i % 2 == 0 { [255, 0, 0] } else { [0, 0, 255] },
        ));
    }
    // Mask rows are 2 bytes each (9 pixels); bit 7 of the first byte is pixel 0.
    r.extend([0b1000_0001, 0b1000_0000, 0b0000_0000, 0b0000_0000]);
    let script = connected(4, 4).update(&[r]);
    let run = play_all(&config_for(&pf), &script);
    let cursor = run
        .events
        .iter()
        .find_map(|e| match e {
            Event::CursorChanged(c) => Some(c.clone()),
            _ => None,
        })
        .expect("cursor event");
    assert_eq!(
        (
            cursor.width,
            cursor.height,
            cursor.hotspot_x,
            cursor.hotspot_y
        ),
        (9, 2, 1, 0)
    );
    assert_eq!(&cursor.rgba[0..4], &[255, 0, 0, 255]);
    assert_eq!(
        &cursor.rgba[4..8],
        &[0, 0, 0, 0],
        "masked out pixels are transparent"
    );
    assert_eq!(
        &cursor.rgba[28..32],
        &[0, 0, 255, 255],
        "pixel 7 (odd, blue) is visible"
    );
    assert_eq!(
        &cursor.rgba[32..36],
        &[255, 0, 0, 255],
        "pixel 8 uses the second mask byte"
    );
    assert!(cursor.rgba[36..].chunks(4).all(|p| p[3] == 0));
}

#[test]
fn desktop_size_name_last_rect_bell_and_cut_text() {
    let img = Image::pattern(6, 5);
    let pf = PixelFormat::RGB888;
    let mut name = vnc_core::testing::rect_header(Rect::new(0, 0, 0, 0), -307);
    name.extend_from_slice(&9u32.to_be_bytes());
    name.extend_from_slice("new näme".as_bytes());
    let script = connected(4, 4)
        .update(&[
            Script::pseudo_rect(Rect::new(0, 0, 6, 5), -223),
            Script::raw_rect(&pf, &img, Rect::new(0, 0, 6, 5)),
        ])
        .bell()
        .cut_text(b"caf\xe9")
        .update_with_count(0xFFFF, &[name, Script::pseudo_rect(Rect::default(), -224)])
        .update(&[]);
    let run = play_all(&Config::default(), &script);
    assert_screen(&run, &img);
    let ev = run.events_without_damage();
    let tail: Vec<&Event> = ev[ev.len() - 7..].to_vec();
    assert_eq!(
        tail,
        vec![
            &Event::DesktopResized {
                width: 6,
                height: 5
            },
            &Event::FramebufferUpdateEnd,
            &Event::Bell,
            &Event::ServerCutText("café".into()),
            &Event::DesktopRenamed("new näme".into()),
            &Event::FramebufferUpdateEnd,
            &Event::FramebufferUpdateEnd,
        ]
    );
    // After the resize the next request is a full one for the new size.
    let requests: Vec<&[u8]> = run
        .output
        .windows(10)
        .filter(|w| w[0] == 3 && w[1] <= 1 && w[2..6] == [0, 0, 0, 0])
        .collect();
    assert!(
        requests.contains(&&[3, 0, 0, 0, 0, 0, 0, 6, 0, 5][..]),
        "{requests:?}"
    );
}

fn extended_desktop_size(
    reason: u16,
    status: u16,
    w: u16,
    h: u16,
    screens: &[(u32, u16, u16, u16, u16)],
) -> Vec<u8> {
    let mut v = vnc_core::testing::rect_header(Rect::new(reason, status, w, h), -308);
    v.extend_from_slice(&[screens.len() as u8, 0, 0, 0]);
    for &(id, x, y, sw, sh) in screens {
        v.extend_from_slice(&id.to_be_bytes());
        for f in [x, y, sw, sh] {
            v.extend_from_slice(&f.to_be_bytes());
        }
        v.extend_from_slice(&0u32.to_be_bytes());
    }
    v
}

#[test]
fn extended_desktop_size_resizes_and_reports_the_layout() {
    use vnc_core::{ResizeReason, ResizeStatus, Screen};
    let script = connected(4, 4).update(&[extended_desktop_size(0, 0, 6, 5, &[(7, 0, 0, 6, 5)])]);
    let run = play_all(&Config::default(), &script);
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!((run.framebuffer.width(), run.framebuffer.height()), (6, 5));
    let screen = Screen {
        id: 7,
        x: 0,
        y: 0,
        width: 6,
        height: 5,
        flags: 0,
    };
    let ev = run.events_without_damage();
    assert!(ev.contains(&&Event::DesktopResized {
        width: 6,
        height: 5
    }));
    assert!(ev.contains(&&Event::DesktopLayout {
        reason: ResizeReason::Server,
        status: ResizeStatus::Ok,
        screens: vec![screen]
    }));

    // Now the client may ask for a size; a refusal changes nothing.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.set_desktop_size(8, 8);
    s.feed(script.bytes()).unwrap();
    s.take_output();
    while s.poll_event().is_some() {}
    assert!(s.can_resize_desktop());
    s.set_desktop_size(800, 600);
    let mut want = vec![251, 0, 3, 32, 2, 88, 1, 0];
    want.extend_from_slice(&[0, 0, 0, 7, 0, 0, 0, 0, 3, 32, 2, 88, 0, 0, 0, 0]);
    assert_eq!(s.take_output(), want);
    s.feed(
        Script::new()
            .update(&[extended_desktop_size(1, 1, 800, 600, &[(7, 0, 0, 6, 5)])])
            .bytes(),
    )
    .unwrap();
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::DesktopLayout {
            reason: ResizeReason::ThisClient,
            status: ResizeStatus::Prohibited,
            ..
        }
    )));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::DesktopResized { .. }))
    );
    assert_eq!(s.framebuffer().width(), 6);
}

#[test]
fn set_desktop_size_needs_server_support() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    assert!(!s.can_resize_desktop());
    s.set_desktop_size(100, 100);
    assert!(!s.wants_write());
}
