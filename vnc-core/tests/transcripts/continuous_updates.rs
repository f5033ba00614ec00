//! Continuous updates (-313) with fences (-312): enabled at the server's
//! EndOfContinuousUpdates, fence requests answered, and a pixel format change made while
//! updates stream in: rectangles sent before the answer to the client's SyncNext fence are
//! decoded in the old format, those after it in the new one, however the stream is split.

use crate::support::{feed, initialised};
use vnc_core::testing::{Chunking, Image, Script};
use vnc_core::{Config, Event, PixelFormat, PixelFormatRequest, Rect, Session};

const W: u16 = 8;
const H: u16 = 8;

/// A session past ServerInit with continuous updates on and the server's fence answered.
fn streaming(chunking: Chunking) -> Session {
    let mut s = initialised(Config::default(), W, H);
    while s.poll_event().is_some() {}
    let server = Script::new()
        .end_of_continuous_updates()
        .fence(0x8000_0003, 2, b"hi");
    let (events, out) = feed(&mut s, server.bytes(), chunking);
    assert_eq!(events, [Event::ContinuousUpdates { enabled: true }]);
    // EnableContinuousUpdates over 8x8, then the answer: BlockBefore|BlockAfter, "hi".
    assert_eq!(
        out,
        [
            150, 1, 0, 0, 0, 0, 0, 8, 0, 8, 248, 0, 0, 0, 0, 0, 0, 3, 2, b'h', b'i'
        ]
    );
    assert!(s.continuous_updates_enabled());
    assert!(s.fences_supported());
    s
}

#[test]
fn a_pixel_format_change_switches_at_the_answer_to_its_fence() {
    let img = Image::pattern(W, H);
    let all = Rect::new(0, 0, W, H);
    let bottom = Rect::new(0, 4, W, 4);
    let rgb888 = PixelFormat::RGB888;
    let rgb565 = PixelFormat::RGB565;
    let want = half_quantized(&img);
    for chunking in Chunking::ALL {
        let mut s = streaming(chunking);
        s.set_pixel_format(PixelFormatRequest::Exact(rgb565));
        let out = s.take_output();
        // Fence(Request|SyncNext, id 0), SetPixelFormat, a full request.
        let mut expected = vec![248, 0, 0, 0, 0x80, 0, 0, 4, 4, 0, 0, 0, 0];
        expected.extend_from_slice(&[0, 0, 0, 0]);
        expected.extend_from_slice(&rgb565.to_bytes());
        expected.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
        assert_eq!(out, expected, "{chunking:?}");
        // Until the answer, the old format: an update in RGB888 pushed meanwhile.
        assert_eq!(*s.pixel_format(), rgb888);
        let server = Script::new()
            .update(&[Script::raw_rect(&rgb888, &img, all)])
            .fence(4, 4, &[0, 0, 0, 0])
            .update(&[Script::raw_rect(&rgb565, &img, bottom)]);
        let (events, out) = feed(&mut s, server.bytes(), chunking);
        assert!(
            out.is_empty(),
            "{chunking:?}: nothing sent under continuous updates"
        );
        assert_eq!(
            events,
            [Event::FramebufferUpdateEnd, Event::FramebufferUpdateEnd],
            "{chunking:?}"
        );
        assert_eq!(*s.pixel_format(), rgb565, "{chunking:?}");
        let got = s.framebuffer().to_rgba();
        assert_eq!(got, want.to_rgba(), "{chunking:?}");
    }
}

#[test]
fn a_resize_enables_continuous_updates_for_the_new_size() {
    for chunking in Chunking::ALL {
        let mut s = streaming(chunking);
        let resize = vnc_core::testing::rect_header(Rect::new(0, 0, 16, 12), -223);
        let (events, out) = feed(&mut s, Script::new().update(&[resize]).bytes(), chunking);
        assert!(events.contains(&Event::DesktopResized {
            width: 16,
            height: 12
        }));
        assert_eq!(
            out,
            [
                150, 1, 0, 0, 0, 0, 0, 16, 0, 12, 3, 0, 0, 0, 0, 0, 0, 16, 0, 12
            ],
            "{chunking:?}"
        );
    }
}

#[test]
fn pausing_disables_and_resuming_enables_again() {
    let mut s = streaming(Chunking::Whole);
    s.set_updates_paused(true);
    assert_eq!(s.take_output(), [150, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
    assert_eq!(
        s.poll_event(),
        Some(Event::ContinuousUpdates { enabled: false })
    );
    // The server's answer to the disable is not the end of support.
    let (events, out) = feed(
        &mut s,
        Script::new().end_of_continuous_updates().bytes(),
        Chunking::Whole,
    );
    assert!(events.is_empty() && out.is_empty());
    s.set_updates_paused(false);
    assert_eq!(s.take_output(), [150, 1, 0, 0, 0, 0, 0, 8, 0, 8]);
    assert!(s.continuous_updates_enabled());
}

/// The expected picture: `img` on top, `img` at RGB565's precision in the bottom half.
fn half_quantized(img: &Image) -> Image {
    let mut want = img.clone();
    for (x, y) in (4..H).flat_map(|y| (0..W).map(move |x| (x, y))) {
        want.set(x, y, img.quantized(&PixelFormat::RGB565).get(x, y));
    }
    want
}

#[test]
fn without_fences_end_of_continuous_updates_is_the_barrier() {
    let img = Image::pattern(W, H);
    let (rgb888, rgb565) = (PixelFormat::RGB888, PixelFormat::RGB565);
    for chunking in Chunking::ALL {
        let mut s = initialised(Config::default(), W, H);
        let (_, out) = feed(
            &mut s,
            Script::new().end_of_continuous_updates().bytes(),
            chunking,
        );
        assert_eq!(out, [150, 1, 0, 0, 0, 0, 0, 8, 0, 8]);
        s.set_pixel_format(PixelFormatRequest::Exact(rgb565));
        let mut expected = vec![150, 0, 0, 0, 0, 0, 0, 8, 0, 8, 0, 0, 0, 0];
        expected.extend_from_slice(&rgb565.to_bytes());
        expected.extend_from_slice(&[150, 1, 0, 0, 0, 0, 0, 8, 0, 8]);
        expected.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 8, 0, 8]);
        assert_eq!(s.take_output(), expected, "{chunking:?}");
        let server = Script::new()
            .update(&[Script::raw_rect(&rgb888, &img, Rect::new(0, 0, W, H))])
            .end_of_continuous_updates()
            .update(&[Script::raw_rect(&rgb565, &img, Rect::new(0, 4, W, 4))]);
        let (_, out) = feed(&mut s, server.bytes(), chunking);
        assert!(out.is_empty(), "{chunking:?}");
        assert!(s.continuous_updates_enabled());
        assert_eq!(*s.pixel_format(), rgb565, "{chunking:?}");
        assert_eq!(
            s.framebuffer().to_rgba(),
            half_quantized(&img).to_rgba(),
            "{chunking:?}"
        );
    }
}

#[test]
fn a_pixel_format_change_while_paused_waits_for_its_fence_and_resuming_asks_for_all() {
    let img = Image::pattern(W, H);
    let (rgb888, rgb565) = (PixelFormat::RGB888, PixelFormat::RGB565);
    for chunking in Chunking::ALL {
        let mut s = streaming(chunking);
        s.set_updates_paused(true);
        s.take_output();
        // Updates pushed before the server saw the disable may still come in the old format.
        s.set_pixel_format(PixelFormatRequest::Exact(rgb565));
        let mut expected = vec![248, 0, 0, 0, 0x80, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0];
        expected.extend_from_slice(&rgb565.to_bytes());
        assert_eq!(
            s.take_output(),
            expected,
            "{chunking:?}: no request while paused"
        );
        let server = Script::new()
            .update(&[Script::raw_rect(&rgb888, &img, Rect::new(0, 0, W, H))])
            .end_of_continuous_updates()
            .fence(4, 4, &[0, 0, 0, 0]);
        feed(&mut s, server.bytes(), chunking);
        assert_eq!(*s.pixel_format(), rgb565, "{chunking:?}");
        s.set_updates_paused(false);
        assert_eq!(
            s.take_output(),
            [150, 1, 0, 0, 0, 0, 0, 8, 0, 8, 3, 0, 0, 0, 0, 0, 0, 8, 0, 8],
            "{chunking:?}"
        );
        let server =
            Script::new().update(&[Script::raw_rect(&rgb565, &img, Rect::new(0, 4, W, 4))]);
        feed(&mut s, server.bytes(), chunking);
        assert_eq!(
            s.framebuffer().to_rgba(),
            half_quantized(&img).to_rgba(),
            "{chunking:?}"
        );
    }
}

#[test]
fn the_round_trip_is_measured_with_a_fence() {
    let t0 = std::time::Instant::now();
    let rtt = std::time::Duration::from_millis(30);
    for chunking in Chunking::ALL {
        let mut s = streaming(chunking);
        // Fences are supported: a measurement asks for the time at once.
        assert!(s.poll_timeout().is_some(), "{chunking:?}");
        s.handle_timeout(t0).unwrap();
        // Fence(Request|BlockBefore, id 0).
        assert_eq!(
            s.take_output(),
            [248, 0, 0, 0, 0x80, 0, 0, 1, 4, 0, 0, 0, 0]
        );
        assert_eq!(s.poll_timeout(), None);
        let (events, _) = feed(&mut s, Script::new().fence(1, 4, &[0; 4]).bytes(), chunking);
        assert!(events.is_empty(), "{chunking:?}");
        assert!(s.poll_timeout().is_some(), "{chunking:?}");
        s.handle_timeout(t0 + rtt).unwrap();
        assert_eq!(s.poll_event(), Some(Event::RoundTrip(rtt)), "{chunking:?}");
        assert_eq!(s.round_trip_time(), Some(rtt));
        assert_eq!(s.poll_timeout(), None);
        // Again on demand, with the next id; a stale answer (id 0) is ignored.
        s.measure_round_trip();
        s.handle_timeout(t0).unwrap();
        assert_eq!(
            s.take_output(),
            [248, 0, 0, 0, 0x80, 0, 0, 1, 4, 0, 0, 0, 1]
        );
        let answers = Script::new()
            .fence(1, 4, &[0; 4])
            .fence(1, 4, &[0, 0, 0, 1]);
        feed(&mut s, answers.bytes(), chunking);
        s.handle_timeout(t0 + 2 * rtt).unwrap();
        assert_eq!(
            s.poll_event(),
            Some(Event::RoundTrip(2 * rtt)),
            "{chunking:?}"
        );
    }
}
