//! Update flow: continuous and manual update requests, pixel format changes between updates,
//! and client input messages.

use crate::support::{config_for, connected, initialised, play_all};
use vnc_core::testing::{Image, Script};
use vnc_core::{Config, Event, PixelFormat, PixelFormatRequest, Rect, Session};

#[test]
fn continuous_updates_pause_and_resume() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert_eq!(
        s.take_output(),
        [3, 1, 0, 0, 0, 0, 0, 4, 0, 4],
        "incremental request after each update"
    );
    s.set_updates_paused(true);
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert!(s.take_output().is_empty(), "nothing while paused");
    s.set_updates_paused(false);
    assert_eq!(s.take_output(), [3, 1, 0, 0, 0, 0, 0, 4, 0, 4]);
    // A manual full request of a region.
    s.request_update_region(Rect::new(2, 2, 10, 10), false);
    assert_eq!(
        s.take_output(),
        [3, 0, 0, 2, 0, 2, 0, 2, 0, 2],
        "clipped to the framebuffer"
    );
}

#[test]
fn manual_update_requests_only() {
    let mut config = Config::default();
    config.continuous_updates = false;
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert!(!s.wants_write());
}

#[test]
fn the_next_request_goes_out_when_an_update_begins() {
    // As TigerVNC's viewer does: the server can prepare the next update while this one is
    // decoded. One request per update, whether it has begun or ended.
    let img = Image::pattern(8, 8);
    let mut s = initialised(Config::default(), 8, 8);
    let update = connected_update(&PixelFormat::RGB888, &img);
    let (header, rest) = update.bytes().split_at(4 + 12 + 10);
    s.feed(header).unwrap();
    assert_eq!(
        s.take_output(),
        [3, 1, 0, 0, 0, 0, 0, 8, 0, 8],
        "an incremental request before the first rectangle is complete"
    );
    s.feed(rest).unwrap();
    assert!(s.take_output().is_empty(), "and none again at the end");
    assert!(std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::FramebufferUpdateEnd));
}

#[test]
fn a_format_change_asked_for_during_an_update_waits_for_its_end() {
    let img = Image::pattern(8, 8);
    let mut s = initialised(Config::default(), 8, 8);
    // The first update's header and half of its rectangle, then the switch.
    let update = connected_update(&PixelFormat::RGB888, &img);
    let (first, rest) = update.bytes().split_at(4 + 12 + 100);
    s.feed(first).unwrap();
    s.take_output();
    s.set_pixel_format(PixelFormatRequest::MEDIUM);
    assert!(!s.wants_write(), "nothing in the middle of an update");
    assert_eq!(s.pixel_format(), &PixelFormat::RGB888);
    s.feed(rest).unwrap();
    // The rest of the rectangle was decoded as RGB888.
    assert_eq!(s.framebuffer().to_rgba(), img.to_rgba());
    // The early request is answered in RGB888 too; then the switch and a full request.
    s.feed(connected_update(&PixelFormat::RGB888, &img).bytes())
        .unwrap();
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::RGB565.to_bytes());
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
    assert_eq!(s.take_output(), want, "SetPixelFormat, then a full request");
    assert_eq!(s.pixel_format(), &PixelFormat::RGB565);

    // The same with requests left to the application: no request is in flight during the
    // update, and still the switch waits for its end.
    let mut manual = Config::default();
    manual.continuous_updates = false;
    let mut s = initialised(manual, 8, 8);
    s.feed(first).unwrap();
    s.set_pixel_format(PixelFormatRequest::MEDIUM);
    assert!(!s.wants_write(), "nothing in the middle of an update");
    s.feed(rest).unwrap();
    assert_eq!(s.framebuffer().to_rgba(), img.to_rgba());
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::RGB565.to_bytes());
    assert_eq!(
        s.take_output(),
        want,
        "SetPixelFormat once the update is over"
    );
}

#[test]
fn pixel_format_switch_waits_for_the_update_in_flight() {
    let img = Image::pattern(8, 8);
    let mut s = initialised(Config::default(), 8, 8);
    // The first full request is in flight: the switch must wait.
    s.set_pixel_format(PixelFormatRequest::MEDIUM);
    assert!(!s.wants_write());
    // The update in flight still comes in RGB888.
    s.feed(connected_update(&PixelFormat::RGB888, &img).bytes())
        .unwrap();
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::RGB565.to_bytes());
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
    assert_eq!(s.take_output(), want, "SetPixelFormat, then a full request");
    assert_eq!(s.pixel_format(), &PixelFormat::RGB565);
    s.feed(connected_update(&PixelFormat::RGB565, &img).bytes())
        .unwrap();
    let fb = s.framebuffer();
    let q = img.quantized(&PixelFormat::RGB565);
    assert_eq!(fb.to_rgba(), q.to_rgba());
}

fn connected_update(pf: &PixelFormat, img: &Image) -> Script {
    Script::new().update(&[Script::raw_rect(
        pf,
        img,
        Rect::new(0, 0, img.width, img.height),
    )])
}

#[test]
fn input_messages_after_initialisation_only() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.key_event(0x61, true);
    s.pointer_event(1, 1, 1);
    s.client_cut_text("x");
    assert!(!s.wants_write());
    s.feed(connected(10, 10).bytes()).unwrap();
    s.take_output();
    s.key_event(0xff0d, true);
    s.pointer_event(500, 3, 0b1000); // wheel up; x clamped to 9
    s.client_cut_text("é€");
    assert_eq!(
        s.take_output(),
        [
            4, 1, 0, 0, 0, 0, 0xff, 0x0d, 5, 8, 0, 9, 0, 3, 6, 0, 0, 0, 0, 0, 0, 2, 0xe9, b'?'
        ]
    );
}

#[test]
fn one_update_answering_several_requests_keeps_updates_flowing() {
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    s.take_output();
    // The application asks for a refresh while the automatic full request is pending; the
    // server answers both with one update, as rfbproto allows.
    s.request_update(false);
    s.take_output();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert_eq!(
        s.take_output(),
        [3, 1, 0, 0, 0, 0, 0, 4, 0, 4],
        "the next request still goes out"
    );
    // A pixel format change waits for that request's answer, then goes out with a full one.
    s.set_pixel_format(PixelFormatRequest::LOW);
    assert!(!s.wants_write());
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    let mut want = vec![0, 0, 0, 0];
    want.extend_from_slice(&PixelFormat::BGR233.to_bytes());
    want.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 4, 0, 4]);
    assert_eq!(s.take_output(), want);
}

#[test]
fn invalid_pixel_formats_from_the_application_are_not_sent() {
    let bad = PixelFormat {
        green_max: 0,
        ..PixelFormat::RGB888
    };
    // In the configuration: RGB888 is asked for instead.
    let run = play_all(&config_for(&bad), &connected(2, 2));
    assert!(run.error.is_none());
    assert_eq!(&run.output[14..18], &[0, 0, 0, 0]);
    assert_eq!(&run.output[18..34], &PixelFormat::RGB888.to_bytes());
    // As a command: ignored.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    s.feed(connected(2, 2).bytes()).unwrap();
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    s.take_output();
    s.set_pixel_format(PixelFormatRequest::Exact(bad));
    assert!(!s.wants_write());
    // Even after the update in flight ends, nothing changes.
    s.feed(Script::new().update(&[]).bytes()).unwrap();
    assert_eq!(s.take_output(), [3, 1, 0, 0, 0, 0, 0, 2, 0, 2]);
    assert_eq!(s.pixel_format(), &PixelFormat::RGB888);
}
