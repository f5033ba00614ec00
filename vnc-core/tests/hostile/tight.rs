//! Tight: undefined control bytes and filters, palettes and indexes out of range, rectangles
//! too wide, kinds the pixel format does not allow, zlib data that is too long, too short,
//! corrupt, absurdly announced or out of step with the server's streams, and JPEG images that
//! are corrupt or claim another size (bombs included).

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
    // Above 9 (JPEG) there is no kind, whatever reset bits come with it: these are the
    // "stream numbers" past 3 that a two-bit field cannot name.
    let controls =
        (0xAu8..=0xF).flat_map(|kind| [0x0u8, 0x5, 0xF].map(|resets| kind << 4 | resets));
    for control in controls {
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
    for extra in [1usize, 1000, 256 << 10, 16 << 20] {
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

#[test]
fn tight_palette_of_256_colours_is_the_largest() {
    // The size byte is the count less one: 0 means 1 (refused above), 255 means 256, and no
    // byte says 0 or 257. Index 255 of 256 colours is fine.
    let small = Rect::new(0, 0, 4, 2);
    let mut body = vec![0x40, 1, 255];
    body.extend((0..256 * 3).map(|i| (i / 3) as u8));
    body.extend([0, 1, 2, 3, 252, 253, 254, 255]);
    let run = play_all(&Config::default(), &tight_at(small, &body));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.framebuffer.pixel(3, 1), Some([255, 255, 255, 255]));
    assert_eq!(run.framebuffer.pixel(1, 0), Some([1, 1, 1, 255]));
}

#[test]
fn tight_compact_lengths_need_not_be_the_shortest() {
    // rfbproto's reader (and TigerVNC's, and libvncclient's) takes 7 bits from each of the
    // first two bytes while the high bit is set: a length may be written longer than it needs.
    let raw: Vec<u8> = (0..192u32).map(|i| (i % 12 * 20) as u8).collect();
    let z = TightEncoder::default().compress(0, &raw);
    let n = z.len() as u8;
    assert!(n < 0x80);
    let mut want = None;
    for len in [vec![n], vec![n | 0x80, 0], vec![n | 0x80, 0x80, 0]] {
        let body = [&[0x00][..], &len, &z].concat();
        let run = play_all(&Config::default(), &tight(&body));
        assert!(run.error.is_none(), "{len:?}: {:?}", run.error);
        let got = run.framebuffer.data().to_vec();
        assert_eq!(want.get_or_insert_with(|| got.clone()), &got, "{len:?}");
    }
    // The same for a JPEG image's length.
    let rect = Rect::new(0, 0, 24, 16);
    let n = JPEG.len();
    assert!((0x80..0x4000).contains(&n));
    let mut long = rect_header(rect, 7);
    long.extend([0x90, n as u8 | 0x80, (n >> 7) as u8 | 0x80, 0]);
    long.extend(JPEG);
    let short = play_all(
        &Config::default(),
        connected()
            .update(&[TightEncoder::jpeg(rect, JPEG)])
            .bytes(),
    );
    let long = play_all(&Config::default(), connected().update(&[long]).bytes());
    assert!(long.error.is_none(), "{:?}", long.error);
    assert_eq!(long.framebuffer.data(), short.framebuffer.data());
}

#[test]
fn tight_streams_out_of_step_with_the_server() {
    // 16x4 TPIXELs, twice through stream 1.
    let raw: Vec<u8> = (0..192u32).map(|i| (i * 5) as u8).collect();
    let rect = |control: u8, z: &[u8]| {
        let mut r = rect_header(RECT, 7);
        r.push(control);
        r.extend(tight_len(z.len()));
        r.extend(z);
        r
    };
    let corrupt = |bytes: &[u8]| {
        assert_fails!(
            Config::default(),
            bytes,
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::Zlib {
                    encoding: "Tight",
                    ..
                },
            }
        );
    };
    let mut enc = TightEncoder::default();
    let first = enc.compress(1, &raw);
    let going_on = enc.compress(1, &raw);
    let mut fresh = TightEncoder::default();
    let restarted = fresh.compress(1, &raw);
    // The server goes on with its stream, but its control byte resets the client's: the data
    // has no zlib header.
    corrupt(
        connected()
            .update(&[rect(0x10, &first), rect(0x12, &going_on)])
            .bytes(),
    );
    // A fill or JPEG rectangle's reset bits count too.
    let fill = [&rect_header(RECT, 7)[..], &[0x82, 1, 2, 3]].concat();
    let mut jpeg = TightEncoder::jpeg(Rect::new(0, 0, 24, 16), JPEG);
    jpeg[12] = 0x92;
    for reset in [fill, jpeg] {
        corrupt(
            connected()
                .update(&[rect(0x10, &first), reset, rect(0x10, &going_on)])
                .bytes(),
        );
    }
    // The server started its stream afresh without saying so: a zlib header in mid-stream.
    corrupt(
        connected()
            .update(&[rect(0x10, &first), rect(0x10, &restarted)])
            .bytes(),
    );
    // In step, both decode; a reset of streams never used is harmless.
    for second in [rect(0x10, &going_on), rect(0x1E, &restarted)] {
        let run = play_all(
            &Config::default(),
            connected().update(&[rect(0x10, &first), second]).bytes(),
        );
        assert!(run.error.is_none(), "{:?}", run.error);
        let last = [raw[191], raw[190], raw[189], 255];
        assert_eq!(run.framebuffer.pixel(RECT.x + 15, RECT.y + 3), Some(last));
    }
}

/// The JPEG fixture with its frame header (SOF0) claiming `width` x `height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut d = JPEG.to_vec();
    let sof = d
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    d[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    d[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    d
}

#[test]
fn tight_jpeg_bombs_are_refused_from_their_header() {
    // A 371-byte image claiming to be far larger than its 24x16 rectangle: refused from the
    // header, before any pixel memory. Past Tight's width or the framebuffer's height
    // zune-jpeg refuses it itself (TightJpeg); libjpeg-turbo reads the header and the size
    // check refuses it (TightJpegSize); within them, the size check does with either.
    let rect = Rect::new(0, 0, 24, 16);
    for (w, h) in [
        (65535u16, 65535u16),
        (2049, 16),
        (24, 49),
        (24, 60000),
        (0, 0),
    ] {
        let bytes = connected()
            .update(&[TightEncoder::jpeg(rect, &jpeg_claiming(w, h))])
            .bytes()
            .to_vec();
        let (_, largest) = largest_allocation(|| {
            assert_fails!(
                Config::default(),
                &bytes,
                Error::Protocol {
                    step: Step::FramebufferUpdate,
                    error: ProtocolError::TightJpeg { rect: r, .. }
                        | ProtocolError::TightJpegSize { rect: r, .. },
                } if r == rect
            )
        });
        assert!(
            largest < SMALL_ALLOCATION,
            "{w}x{h}: allocated {largest} bytes"
        );
    }
    for (w, h) in [(2048u16, 48u16), (25, 16), (24, 17), (64, 48)] {
        let bytes = connected()
            .update(&[TightEncoder::jpeg(rect, &jpeg_claiming(w, h))])
            .bytes()
            .to_vec();
        let (_, largest) = largest_allocation(|| {
            assert_fails!(
                Config::default(),
                &bytes,
                Error::Protocol {
                    step: Step::FramebufferUpdate,
                    error: ProtocolError::TightJpegSize { rect: r, width, height },
                } if r == rect && (width, height) == (w.into(), h.into())
            )
        });
        assert!(
            largest < SMALL_ALLOCATION,
            "{w}x{h}: allocated {largest} bytes"
        );
    }
}

#[test]
fn tight_jpeg_bomb_as_large_as_its_rectangle_stays_within_it() {
    // The header matches a large rectangle but the data is the 24x16 image's: whatever the
    // decoder makes of it (it draws something), nothing it allocates is larger than the
    // framebuffer, which the limits bound.
    let (w, h) = (2048u16, 64u16);
    let framebuffer = usize::from(w) * usize::from(h) * 4;
    for rect in [Rect::new(0, 0, w, h), Rect::new(8, 0, 1000, h)] {
        let jpeg = jpeg_claiming(rect.width, rect.height);
        let bytes = connected_with(w, h)
            .update(&[TightEncoder::jpeg(rect, &jpeg)])
            .bytes()
            .to_vec();
        let (run, largest) = largest_allocation(|| play_all(&Config::default(), &bytes));
        assert!(
            matches!(
                run.error,
                None | Some(Error::Protocol {
                    error: ProtocolError::TightJpeg { .. },
                    ..
                })
            ),
            "{:?}",
            run.error
        );
        assert!(largest <= framebuffer, "{rect}: allocated {largest} bytes");
    }
}

#[test]
fn tight_jpeg_of_many_scans_or_too_little_data_is_refused_by_either_decoder() {
    // Whichever decoder is compiled in (zune-jpeg, or libjpeg-turbo with the `turbojpeg`
    // feature). A progressive image of many scans: each costs a pass over the image, so
    // thousands of tiny ones would cost seconds. Past 100 scans the image is refused before
    // decoding.
    let rect = Rect::new(0, 0, 24, 16);
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
