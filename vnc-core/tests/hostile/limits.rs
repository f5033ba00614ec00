//! Limits: rectangles per update, length fields near 2^32 (cut text, failure reasons, desktop
//! names) and cursor sizes.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{H, PF, W, assert_fails, connected, error_of, one_rect};
use vnc_core::testing::{Script, play_all, rect_header};
use vnc_core::{Config, Error, Event, ProtocolError, Rect, Session, Step};

#[test]
fn rectangles_per_update_are_bounded() {
    let mut config = Config::default();
    config.limits.max_rects_per_update = 10;
    let copy = || Script::copy_rect(Rect::new(0, 0, 1, 1), 1, 1);
    // Ten rectangles, counted or ended by LastRect (which counts too), are fine...
    let ten = connected().update(&vec![copy(); 10]);
    let mut nine_and_last = vec![copy(); 9];
    nine_and_last.push(Script::pseudo_rect(Rect::default(), -224));
    let lastrect = connected().update_with_count(0xFFFF, &nine_and_last);
    for s in [ten, lastrect] {
        let run = play_all(&config, s.bytes());
        assert!(run.error.is_none(), "{:?}", run.error);
        assert!(run.events.contains(&Event::FramebufferUpdateEnd));
    }
    // ...the eleventh is an error, whatever the count field said.
    let many = connected().update_with_count(0xFFFF, &vec![copy(); 11]);
    let run = play_all(&config, many.bytes());
    assert!(
        matches!(
            run.error,
            Some(Error::LimitExceeded {
                step: Step::FramebufferUpdate,
                value: 11,
                limit: 10,
                ..
            })
        ),
        "{:?}",
        run.error
    );
}

#[test]
fn cut_text_above_the_limit_is_skipped() {
    let mut config = Config::default();
    config.limits.max_cut_text = 16;
    let bytes = connected()
        .cut_text(b"short")
        // Over the limit, and full of bytes that would be messages if they were parsed.
        .cut_text(&[2u8; 100])
        .bell()
        .cut_text(&[b'x'; 16])
        .bytes()
        .to_vec();
    let run = play_all(&config, &bytes);
    assert!(run.error.is_none(), "{:?}", run.error);
    let after_init: Vec<&Event> = run
        .events
        .iter()
        .skip_while(|e| !matches!(e, Event::Initialized { .. }))
        .skip(1)
        .collect();
    assert_eq!(
        after_init,
        [
            &Event::ServerCutText("short".into()),
            &Event::Bell,
            &Event::ServerCutText("x".repeat(16)),
        ]
    );
}

#[test]
fn cut_text_of_2_gib_allocates_nothing() {
    // The largest Latin-1 length: above it the length is negative, an Extended Clipboard
    // message (see extended_clipboard.rs for i32::MIN).
    let header = connected().raw(&[3, 0, 0, 0]).raw(&i32::MAX.to_be_bytes());
    let (run, largest) = largest_allocation(|| play_all(&Config::default(), header.bytes()));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");

    // The text keeps being dropped as it arrives: bells inside it are not bells.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    let ((), largest) = largest_allocation(|| {
        s.feed(header.bytes()).unwrap();
        for _ in 0..64 {
            s.feed(&[2u8; 64 << 10]).unwrap();
        }
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    assert!(!std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::Bell));
    assert!(!s.is_closed());
}

fn assert_reason_too_long(bytes: &[u8], step: Step) {
    let (e, largest) = largest_allocation(|| error_of(&Config::default(), bytes));
    assert!(
        matches!(
            e,
            Error::LimitExceeded {
                step: s,
                what: "a failure reason length",
                value: 0xFFFF_FFFF,
                limit: 65536,
            } if s == step
        ),
        "{e:?}"
    );
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn failure_reasons_of_4_gib() {
    let len = u32::MAX.to_be_bytes();
    // RFB 3.8 SecurityResult failed, then the reason.
    let s = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(1)
        .raw(&len);
    assert_reason_too_long(s.bytes(), Step::Authentication);
    // RFB 3.7 and 3.8: no security types, then the reason.
    for v in ["RFB 003.007\n", "RFB 003.008\n"] {
        let s = Script::new().version(v).raw(&[0]).raw(&len);
        assert_reason_too_long(s.bytes(), Step::Security);
    }
    // RFB 3.3: security type 0, then the reason.
    let s = Script::new()
        .version("RFB 003.003\n")
        .security_type_33(0)
        .raw(&len);
    assert_reason_too_long(s.bytes(), Step::Security);
}

#[test]
fn desktop_names_of_4_gib() {
    let len = u32::MAX.to_be_bytes();
    let server_init = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .raw(&W.to_be_bytes())
        .raw(&H.to_be_bytes())
        .raw(&PF.to_bytes())
        .raw(&len)
        .bytes()
        .to_vec();
    let mut pseudo = one_rect(&rect_header(Rect::new(0, 0, 0, 0), -307));
    pseudo.extend_from_slice(&len);
    for (bytes, step) in [
        (&server_init, Step::Initialization),
        (&pseudo, Step::FramebufferUpdate),
    ] {
        let (e, largest) = largest_allocation(|| error_of(&Config::default(), bytes));
        assert!(
            matches!(
                e,
                Error::LimitExceeded {
                    step: s,
                    what: "a desktop name length",
                    value: 0xFFFF_FFFF,
                    limit: 65536,
                } if s == step
            ),
            "{e:?}"
        );
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
}

#[test]
fn cursor_above_the_size_limit() {
    let mut config = Config::default();
    config.limits.max_cursor_size = 32;
    // Rich Cursor, X Cursor, Cursor With Alpha.
    for encoding in [-239, -240, -314] {
        for (w, h) in [(33, 1), (1, 33), (65535, 65535)] {
            // The header alone is enough.
            let bytes = one_rect(&rect_header(Rect::new(0, 0, w, h), encoding));
            assert_fails!(
                config,
                &bytes,
                Error::LimitExceeded {
                    step: Step::FramebufferUpdate,
                    what: "a cursor dimension",
                    value,
                    limit: 32,
                } if value == u64::from(w.max(h))
            );
        }
    }
    // With the default limits too.
    let bytes = one_rect(&rect_header(Rect::new(0, 0, 1025, 1), -239));
    assert_fails!(
        Config::default(),
        &bytes,
        Error::LimitExceeded {
            what: "a cursor dimension",
            value: 1025,
            limit: 1024,
            ..
        }
    );
}

#[test]
fn alpha_cursor_in_another_encoding_than_raw_is_refused() {
    for encoding in [1, 5, 7, 16, -314, i32::MIN] {
        let mut r = rect_header(Rect::new(0, 0, 4, 4), -314);
        r.extend(encoding.to_be_bytes());
        r.extend([0; 64]);
        assert_fails!(
            Config::default(),
            &one_rect(&r),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::UnsupportedCursorEncoding { pseudo: -314, encoding: e },
            } if e == encoding
        );
    }
}
