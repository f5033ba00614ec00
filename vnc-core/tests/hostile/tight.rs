//! Tight: undefined control bytes and filters, palettes and indexes out of range, rectangles
//! too wide, kinds the pixel format does not allow, and zlib data that is too long, too short,
//! corrupt or absurdly announced.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{COLOUR_MAP, H, W, assert_fails, connected, connected_with};
use vnc_core::testing::{Script, TightEncoder, play_all, rect_header, tight_len};
use vnc_core::{Config, Error, Event, PixelFormatRequest, ProtocolError, Rect, Step};

const RECT: Rect = Rect::new(8, 4, 16, 4);

/// One Tight rectangle, `rect`, whose data after the header is `body`.
fn tight_at(rect: Rect, body: &[u8]) -> Vec<u8> {
    let mut r = rect_header(rect, 7);
    r.extend_from_slice(body);
    connected().update(&[r]).bytes().to_vec()
}

fn tight(body: &[u8]) -> Vec<u8> {
    tight_at(RECT, body)
}

/// Compressed data with its length, in a fresh stream.
fn zdata(raw: &[u8]) -> Vec<u8> {
    let z = TightEncoder::default().compress(0, raw);
    let mut v = tight_len(z.len());
    v.extend(z);
    v
}

#[test]
fn tight_undefined_control_bytes() {
    for control in [0xA0u8, 0xAF, 0xB0, 0xC3, 0xE0, 0xFF] {
        assert_fails!(
            Config::default(),
            &tight(&[control, 0, 0, 0, 0]),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightBadControl { rect, control: c },
            } if rect == RECT && c == control
        );
    }
}

#[test]
fn tight_undefined_filters() {
    // The filter byte is read in every stream.
    for (control, filter) in [(0x40u8, 3u8), (0x50, 4), (0x7F, 255)] {
        assert_fails!(
            Config::default(),
            &tight(&[control, filter, 0, 0]),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightBadFilter { rect, filter: f },
            } if rect == RECT && f == filter
        );
    }
}

#[test]
fn tight_palette_of_one_colour() {
    assert_fails!(
        Config::default(),
        &tight(&[0x40, 1, 0, 1, 2, 3]),
        Error::Protocol {
            step: Step::FramebufferUpdate,
            error: ProtocolError::TightPaletteSize { rect, size: 1 },
        } if rect == RECT
    );
}

#[test]
fn tight_palette_index_past_palette() {
    let palette = |n: usize| -> Vec<u8> { (0..n * 3).map(|i| i as u8).collect() };
    // Uncompressed (4x2 of 8-bit indexes is 8 bytes) and compressed, at the end of row 2.
    for (n, bad) in [(3usize, 3u8), (3, 255), (255, 255), (100, 128)] {
        let small = Rect::new(0, 0, 4, 2);
        let mut body = vec![0x40, 1, (n - 1) as u8];
        body.extend(palette(n));
        body.extend([0, 1, 2, 0, 1, 0, 1, bad]);
        assert_fails!(
            Config::default(),
            &tight_at(small, &body),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightPaletteIndex { rect, index, palette_size },
            } if rect == small && index == bad && usize::from(palette_size) == n
        );
        let mut body = vec![0x60, 1, (n - 1) as u8];
        body.extend(palette(n));
        let mut rows = vec![0u8; 16 * 4];
        rows[16 * 2 - 1] = bad;
        body.extend(zdata(&rows));
        assert_fails!(
            Config::default(),
            &tight(&body),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightPaletteIndex { rect, index, palette_size },
            } if rect == RECT && index == bad && usize::from(palette_size) == n
        );
    }
}

#[test]
fn tight_rectangles_wider_than_2048() {
    let bytes = |w: u16| {
        connected_with(2100, 2)
            .update(&[TightEncoder::fill(
                &vnc_core::PixelFormat::RGB888,
                Rect::new(0, 0, w, 2),
                [1, 2, 3],
            )])
            .bytes()
            .to_vec()
    };
    let run = play_all(&Config::default(), &bytes(2048));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_fails!(
        Config::default(),
        &bytes(2049),
        Error::Protocol {
            step: Step::FramebufferUpdate,
            error: ProtocolError::TightTooWide { rect },
        } if rect.width == 2049
    );
}

#[test]
fn tight_kinds_the_pixel_format_does_not_allow() {
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::ServerNative;
    let colour_map = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(W, H, &COLOUR_MAP, "colour map");
    for (body, what) in [
        (vec![0x40, 2, 0, 0, 0, 0], "the gradient filter"),
        (vec![0x90, 1, 0], "JPEG"),
    ] {
        let mut r = rect_header(RECT, 7);
        r.extend(body);
        assert_fails!(
            config,
            colour_map.clone().update(&[r]).bytes(),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightNotForFormat { rect, what: w },
            } if rect == RECT && w == what
        );
    }
}

#[test]
fn tight_zlib_bomb_and_trailing_data() {
    // 16x4 TPIXELs need 192 bytes: one more is an overflow, whenever it comes.
    for extra in [1usize, 1000, 256 << 10] {
        let bytes = tight(&[&[0x00][..], &zdata(&vec![0u8; 192 + extra])].concat());
        let (_, largest) = largest_allocation(|| {
            assert_fails!(
                Config::default(),
                &bytes,
                Error::Protocol {
                    step: Step::FramebufferUpdate,
                    error: ProtocolError::ZlibOverflow { encoding: "Tight", rect },
                } if rect == RECT
            )
        });
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
}

#[test]
fn tight_zlib_data_short_or_corrupt() {
    // Ends a row early.
    assert_fails!(
        Config::default(),
        &tight(&[&[0x00][..], &zdata(&[0u8; 191])].concat()),
        Error::Protocol {
            step: Step::FramebufferUpdate,
            error: ProtocolError::TightTruncated { rect },
        } if rect == RECT
    );
    // Not zlib at all.
    assert_fails!(
        Config::default(),
        &tight(&[
            0x00, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
        ]),
        Error::Protocol {
            step: Step::FramebufferUpdate,
            error: ProtocolError::Zlib {
                encoding: "Tight",
                ..
            },
        }
    );
}

#[test]
fn tight_largest_announced_length_allocates_nothing_and_waits() {
    // A 3-byte length of 2^22 - 1 with a little data: the session waits for the rest.
    let mut body = vec![0x00];
    body.extend(tight_len((1 << 22) - 1));
    body.extend(TightEncoder::default().compress(0, &[7u8; 100]));
    let bytes = tight(&body);
    let (run, largest) = largest_allocation(|| play_all(&Config::default(), &bytes));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(
        !run.events
            .iter()
            .any(|e| matches!(e, Event::FramebufferUpdated(_))),
        "drew a rectangle whose rows have not all come"
    );
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn tight_level_pseudo_encodings_never_come_as_rectangles() {
    for enc in [-32, -23, -256, -247] {
        let mut r = rect_header(RECT, enc);
        r.extend([0; 8]);
        assert_fails!(
            Config::default(),
            connected().update(&[r]).bytes(),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::UnsupportedEncoding { encoding, rect },
            } if encoding == enc && rect == RECT
        );
    }
}

const JPEG: &[u8] = include_bytes!("../transcripts/fixtures/tight-24x16.jpg");

#[test]
fn tight_jpeg_of_another_size_or_corrupt() {
    for rect in [
        Rect::new(0, 0, 16, 16),
        Rect::new(0, 0, 32, 16),
        Rect::new(0, 0, 24, 15),
    ] {
        assert_fails!(
            Config::default(),
            connected().update(&[TightEncoder::jpeg(rect, JPEG)]).bytes(),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightJpegSize { rect: r, width: 24, height: 16 },
            } if r == rect
        );
    }
    let rect = Rect::new(0, 0, 24, 16);
    for data in [
        &b"not a jpeg at all"[..],
        &JPEG[..JPEG.len() / 3],
        &[0xFF, 0xD8],
    ] {
        assert_fails!(
            Config::default(),
            connected().update(&[TightEncoder::jpeg(rect, data)]).bytes(),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightJpeg { rect: r, .. } | ProtocolError::TightJpegSize { rect: r, .. },
            } if r == rect
        );
    }
    // 8 bits per pixel true colour does not allow JPEG either.
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::Exact(vnc_core::PixelFormat::BGR233);
    assert_fails!(
        config,
        connected()
            .update(&[TightEncoder::jpeg(rect, JPEG)])
            .bytes(),
        Error::Protocol {
            error: ProtocolError::TightNotForFormat { what: "JPEG", .. },
            ..
        }
    );
}

#[test]
fn tight_mutated_jpegs_end_in_an_error_or_a_picture() {
    // Random byte changes to a valid image: the decoder may refuse it or draw something, but
    // never panics or allocates past the rectangle.
    let rect = Rect::new(0, 0, 24, 16);
    let mut seed = 0x2545_F491u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for _ in 0..400 {
        let mut data = JPEG.to_vec();
        for _ in 0..1 + next() % 4 {
            let i = next() as usize % data.len();
            data[i] = next() as u8;
        }
        let bytes = connected().update(&[TightEncoder::jpeg(rect, &data)]);
        let (_, largest) = largest_allocation(|| {
            vnc_core::testing::play(
                Config::default(),
                bytes.bytes(),
                vnc_core::testing::Chunking::Whole,
            )
        });
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
}

/// The fixture with the size in its frame header (SOF0, at byte 0x9E) changed.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut data = JPEG.to_vec();
    assert_eq!(data[0x9E..0xA0], [0xFF, 0xC0], "the fixture's SOF0 moved");
    data[0xA3..0xA5].copy_from_slice(&height.to_be_bytes());
    data[0xA5..0xA7].copy_from_slice(&width.to_be_bytes());
    data
}

#[test]
fn tight_jpeg_bombs_are_refused_by_either_decoder() {
    // Whichever decoder is compiled in (zune-jpeg, or libjpeg-turbo with the `turbojpeg`
    // feature). A header claiming a huge image, past Tight's width or the framebuffer's
    // height, is refused from the header: nothing of its size is allocated.
    let rect = Rect::new(0, 0, 24, 16);
    for (w, h) in [
        (65535, 65535),
        (60000, 16),
        (24, 60000),
        (2049, 16),
        (24, H + 1),
    ] {
        let bytes = connected().update(&[TightEncoder::jpeg(rect, &jpeg_claiming(w, h))]);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightJpeg { rect: r, .. } | ProtocolError::TightJpegSize { rect: r, .. },
            } if r == rect
        );
        let (_, largest) = largest_allocation(|| {
            vnc_core::testing::play(
                Config::default(),
                bytes.bytes(),
                vnc_core::testing::Chunking::Whole,
            )
        });
        assert!(
            largest < SMALL_ALLOCATION,
            "{w}x{h}: allocated {largest} bytes"
        );
    }
    // A progressive image of many scans: each costs a pass over the image, so thousands of
    // tiny ones would cost seconds. Past 100 scans the image is refused before decoding.
    let mut data = JPEG.to_vec();
    let eoi = data.len() - 2;
    assert_eq!(data[eoi..], [0xFF, 0xD9]);
    let scan = [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x55];
    data.splice(
        eoi..eoi,
        scan.iter().copied().cycle().take(scan.len() * 100),
    );
    assert_fails!(
        Config::default(),
        connected().update(&[TightEncoder::jpeg(rect, &data)]).bytes(),
        Error::Protocol {
            step: Step::FramebufferUpdate,
            error: ProtocolError::TightJpeg { rect: r, ref detail },
        } if r == rect && detail.contains("scans")
    );
    // A header of the rectangle's size over far too little data: the decoder runs out of
    // data, which is an error, not a picture. Full width (decoded in place) and narrower.
    let (fw, fh) = (2048, 128);
    for rect in [Rect::new(0, 0, fw, fh), Rect::new(16, 8, 1024, 100)] {
        let data = jpeg_claiming(rect.width, rect.height);
        assert_fails!(
            Config::default(),
            connected_with(fw, fh)
                .update(&[TightEncoder::jpeg(rect, &data)])
                .bytes(),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::TightJpeg { rect: r, .. },
            } if r == rect
        );
    }
}
