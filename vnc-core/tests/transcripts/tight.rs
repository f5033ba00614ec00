//! Tight decoding: fill, basic compression with every filter in every pixel format, the four
//! zlib streams and their resets, data short enough to come uncompressed, the compact length
//! and TPIXELs; every script is played whole, byte by byte and in random chunks.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, TightEncoder, TightFilter, is_tpixel, tight_len, tpixel};
use vnc_core::{Config, PixelFormat, Rect};

/// An image with a 2-colour band, a 5-colour band and a 200-colour band over a pattern.
fn banded(w: u16, h: u16) -> Image {
    let mut img = Image::pattern(w, h);
    for y in 0..h {
        for x in 0..w {
            let c = match y / 10 {
                0 => [[10, 200, 30], [250, 250, 250]][usize::from((x + y) % 2)],
                1 => [(x % 5 * 50) as u8, 7, 99],
                2 => [((x + y * w) % 200) as u8, 3, 4],
                _ => continue,
            };
            img.set(x, y, c);
        }
    }
    img
}

#[test]
fn tight_every_filter_in_every_pixel_format() {
    let (w, h) = (90, 50);
    let img = banded(w, h);
    for pf in formats() {
        let mut enc = TightEncoder::default();
        let band = |y| Rect::new(0, y, w, 10);
        let rects = vec![
            enc.rect(&pf, &img, band(0), TightFilter::Palette, 0, 0),
            enc.rect(&pf, &img, band(10), TightFilter::Palette, 1, 0),
            enc.rect(&pf, &img, band(20), TightFilter::Palette, 2, 0),
            enc.rect(&pf, &img, band(30), TightFilter::Gradient, 3, 0),
            enc.rect(&pf, &img, band(40), TightFilter::Copy, 0, 0),
        ];
        let mut script = connected(w, h).update(&rects);
        // The streams go on across updates, with other filters in them.
        let rects = vec![
            enc.rect(&pf, &img, band(0), TightFilter::Gradient, 0, 0),
            enc.rect(&pf, &img, band(10), TightFilter::ExplicitCopy, 1, 0),
            enc.rect(&pf, &img, band(20), TightFilter::Copy, 2, 0),
            enc.rect(&pf, &img, band(30), TightFilter::Copy, 3, 0),
            enc.rect(&pf, &img, band(40), TightFilter::Gradient, 0, 0),
        ];
        script = script.update(&rects);
        let run = play_all(&config_for(&pf), &script);
        assert_screen(&run, &img.quantized(&pf));
    }
}

#[test]
fn tight_fill_and_tpixels() {
    let pf = PixelFormat::RGB888;
    assert!(is_tpixel(&pf));
    assert_eq!(
        tpixel(&pf, [1, 2, 3]),
        [1, 2, 3],
        "TPIXELs are red, green, blue"
    );
    let depth32 = PixelFormat { depth: 32, ..pf };
    assert!(!is_tpixel(&depth32));
    for pf in [pf, depth32, PixelFormat::RGB565] {
        let mut want = Image::solid(40, 30, [9, 8, 7]);
        for y in 5..25 {
            for x in 10..40 {
                want.set(x, y, [200, 100, 50]);
            }
        }
        let script = connected(40, 30).update(&[
            TightEncoder::fill(&pf, Rect::new(0, 0, 40, 30), [9, 8, 7]),
            TightEncoder::fill(&pf, Rect::new(10, 5, 30, 20), [200, 100, 50]),
        ]);
        assert_screen(&play_all(&config_for(&pf), &script), &want.quantized(&pf));
    }
}

#[test]
fn tight_small_data_comes_uncompressed() {
    // 3x1 of TPIXELs is 9 bytes: no length and no zlib. 2x2 of 2 colours is 2 bytes.
    let pf = PixelFormat::RGB888;
    let img = Image::pattern(4, 2);
    let mut enc = TightEncoder::default();
    let copy = enc.rect(&pf, &img, Rect::new(0, 0, 3, 1), TightFilter::Copy, 2, 0);
    assert_eq!(copy.len(), 12 + 1 + 9);
    let mut two = Image::solid(4, 2, [0, 0, 0]);
    two.set(3, 1, [255, 255, 255]);
    let palette = enc.rect(&pf, &two, Rect::new(0, 0, 4, 2), TightFilter::Palette, 1, 0);
    assert_eq!(palette.len(), 12 + 3 + 6 + 2);
    let script = connected(4, 2).update(&[palette]).update(&[enc.rect(
        &pf,
        &img,
        Rect::new(0, 0, 3, 1),
        TightFilter::Copy,
        2,
        0,
    )]);
    let mut want = two.clone();
    for x in 0..3 {
        want.set(x, 0, img.get(x, 0));
    }
    assert_screen(&play_all(&Config::default(), &script), &want);
}

#[test]
fn tight_stream_resets() {
    // The server starts stream 1 afresh: the client must too, or the next data is garbage.
    let pf = PixelFormat::RGB888;
    let img = Image::pattern(60, 20);
    let mut enc = TightEncoder::default();
    let r = Rect::new(0, 0, 60, 20);
    let first = enc.rect(&pf, &img, r, TightFilter::Copy, 1, 0);
    enc.reset(1);
    enc.reset(3);
    let second = enc.rect(&pf, &img, r, TightFilter::Gradient, 1, 0b1010);
    let third = enc.rect(&pf, &img, r, TightFilter::Copy, 3, 0);
    let script = connected(60, 20)
        .update(&[first])
        .update(&[second])
        .update(&[third]);
    assert_screen(&play_all(&Config::default(), &script), &img);
}

#[test]
fn tight_compact_lengths_of_one_two_and_three_bytes() {
    assert_eq!(tight_len(0x7F), [0x7F]);
    assert_eq!(tight_len(0x80), [0x80, 0x01]);
    assert_eq!(tight_len(0x3FFF), [0xFF, 0x7F]);
    assert_eq!(tight_len(0x4000), [0x80, 0x80, 0x01]);
    assert_eq!(tight_len((1 << 22) - 1), [0xFF, 0xFF, 0xFF]);
    // Noise compresses badly: 2048x40 of it needs a 3-byte length.
    let (w, h) = (2048, 40);
    let mut img = Image::solid(w, h, [0, 0, 0]);
    let mut seed = 1u32;
    for y in 0..h {
        for x in 0..w {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let b = seed.to_be_bytes();
            img.set(x, y, [b[0], b[1], b[2]]);
        }
    }
    let pf = PixelFormat::RGB888;
    let mut enc = TightEncoder::default();
    let small = Image::pattern(64, 2);
    let rects = vec![
        enc.rect(&pf, &img, Rect::new(0, 0, w, h), TightFilter::Copy, 0, 0),
        enc.rect(&pf, &small, Rect::new(0, 0, 40, 2), TightFilter::Copy, 1, 0),
        enc.rect(&pf, &small, Rect::new(40, 0, 5, 1), TightFilter::Copy, 2, 0),
    ];
    assert_eq!(rects[0][13] & 0x80, 0x80);
    assert_eq!(rects[0][14] & 0x80, 0x80);
    let mut want = img.clone();
    for y in 0..2 {
        for x in 0..45 {
            if y == 0 || x < 40 {
                want.set(x, y, small.get(x, y));
            }
        }
    }
    let script = connected(w, h).update(&rects);
    let run = vnc_core::testing::play(
        Config::default(),
        script.bytes(),
        vnc_core::testing::Chunking::Random(7),
    );
    assert_screen(&run, &want);
}

const JPEG: &[u8] = include_bytes!("fixtures/tight-24x16.jpg");
/// The same image decoded by ImageMagick (libjpeg), as a binary PPM.
const JPEG_PPM: &[u8] = include_bytes!("fixtures/tight-24x16.ppm");

fn ppm_pixels() -> Vec<[u8; 3]> {
    // "P6\n24 16\n255\n" then the pixels.
    let body = &JPEG_PPM[JPEG_PPM.len() - 24 * 16 * 3..];
    body.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect()
}

#[test]
fn tight_jpeg_into_narrow_and_full_width_rectangles() {
    let want = ppm_pixels();
    // (framebuffer size, rectangle): through the row buffer, and straight into the
    // framebuffer when the rectangle spans its width.
    for ((fw, fh), at) in [
        ((40, 20), Rect::new(8, 3, 24, 16)),
        ((24, 18), Rect::new(0, 2, 24, 16)),
    ] {
        for pf in [PixelFormat::RGB888, PixelFormat::RGB565] {
            let script = connected(fw, fh).update(&[
                TightEncoder::fill(&pf, Rect::new(0, 0, fw, fh), [0, 0, 0]),
                TightEncoder::jpeg(at, JPEG),
            ]);
            let run = play_all(&config_for(&pf), &script);
            assert!(run.error.is_none(), "{:?}", run.error);
            for y in 0..fh {
                for x in 0..fw {
                    let got = run.framebuffer.pixel(x, y).unwrap();
                    assert_eq!(got[3], 255, "alpha at ({x},{y})");
                    let inside =
                        x >= at.x && x < at.x + at.width && y >= at.y && y < at.y + at.height;
                    if !inside {
                        assert_eq!(got, [0, 0, 0, 255], "outside at ({x},{y})");
                        continue;
                    }
                    let w = want[usize::from(y - at.y) * 24 + usize::from(x - at.x)];
                    // BGRA in the framebuffer; IDCTs differ by a level or two.
                    let rgb = [got[2], got[1], got[0]];
                    for c in 0..3 {
                        assert!(
                            rgb[c].abs_diff(w[c]) <= 3,
                            "({x},{y}): got {rgb:?}, libjpeg {w:?}"
                        );
                    }
                }
            }
        }
    }
}

const GRAY_JPEG: &[u8] = include_bytes!("fixtures/tight-24x16-gray.jpg");
/// The same image decoded by ImageMagick (libjpeg), as a binary PGM.
const GRAY_PGM: &[u8] = include_bytes!("fixtures/tight-24x16-gray.pgm");

#[test]
fn tight_grayscale_jpeg() {
    // One component (what TurboVNC sends for grayscale subsampling), into a narrow and a
    // full-width rectangle.
    let want = &GRAY_PGM[GRAY_PGM.len() - 24 * 16..];
    for (fw, at) in [(40, Rect::new(8, 0, 24, 16)), (24, Rect::new(0, 0, 24, 16))] {
        let script = connected(fw, 16).update(&[TightEncoder::jpeg(at, GRAY_JPEG)]);
        let run = play_all(&Config::default(), &script);
        assert!(run.error.is_none(), "{:?}", run.error);
        for y in 0..16 {
            for x in 0..24 {
                let got = run.framebuffer.pixel(at.x + x, y).unwrap();
                let w = want[usize::from(y) * 24 + usize::from(x)];
                assert_eq!([got[0], got[0], got[3]], [got[1], got[2], 255], "({x},{y})");
                assert!(
                    got[0].abs_diff(w) <= 3,
                    "({x},{y}): got {got:?}, libjpeg {w}"
                );
            }
        }
    }
}
