//! Zlib decoding: Raw pixels through one zlib stream for the whole connection, across
//! rectangles and updates, in every pixel format and with rows longer than the window.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, ZlibEncoder};
use vnc_core::{Config, PixelFormat, Rect};

#[test]
fn zlib_in_every_pixel_format_across_updates() {
    let img = Image::pattern(61, 37);
    for pf in formats() {
        let mut enc = ZlibEncoder::default();
        let script = connected(61, 37)
            .update(&[
                enc.rect(&pf, &img, Rect::new(0, 0, 61, 20)),
                enc.rect(&pf, &img, Rect::new(0, 20, 30, 17)),
            ])
            .update(&[enc.rect(&pf, &img, Rect::new(30, 20, 31, 17))]);
        assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
    }
}

#[test]
fn zlib_rectangle_larger_than_the_window() {
    // 9000 pixels a row, 4 bytes each: one row is more than the 64 KiB window, and pixels
    // straddle the window's refills.
    let pf = PixelFormat::RGB888;
    let mut img = Image::solid(9000, 12, [0, 0, 0]);
    for (i, p) in img.pixels.iter_mut().enumerate() {
        *p = [
            (i * 7 % 251) as u8,
            (i / 9000 * 20) as u8,
            (i % 13 * 19) as u8,
        ];
    }
    let mut enc = ZlibEncoder::default();
    let script = connected(9000, 12).update(&[enc.rect(&pf, &img, Rect::new(0, 0, 9000, 12))]);
    let run = vnc_core::testing::play(
        Config::default(),
        script.bytes(),
        vnc_core::testing::Chunking::Random(7),
    );
    assert_screen(&run, &img);
    assert_screen(&play_all(&Config::default(), &script), &img);
}

#[test]
fn zlib_empty_rectangle_keeps_the_stream() {
    let pf = PixelFormat::RGB565;
    let img = Image::pattern(16, 8);
    let mut enc = ZlibEncoder::default();
    let script = connected(16, 8).update(&[
        enc.rect(&pf, &img, Rect::new(3, 3, 0, 5)),
        enc.rect(&pf, &img, Rect::new(0, 0, 16, 8)),
    ]);
    assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
}

#[test]
fn rectangles_read_counts_each_encoding() {
    let pf = PixelFormat::RGB888;
    let img = Image::pattern(16, 8);
    let mut enc = ZlibEncoder::default();
    let mut s = crate::support::initialised(Config::default(), 16, 8);
    let update = vnc_core::testing::Script::new().update(&[
        enc.rect(&pf, &img, Rect::new(0, 0, 16, 4)),
        enc.rect(&pf, &img, Rect::new(0, 4, 16, 4)),
        vnc_core::testing::Script::raw_rect(&pf, &img, Rect::new(0, 0, 1, 1)),
    ]);
    s.feed(update.bytes()).unwrap();
    assert_eq!(s.rectangles_read(vnc_core::Encoding::Zlib), 2);
    assert_eq!(s.rectangles_read(vnc_core::Encoding::Raw), 1);
    assert_eq!(s.rectangles_read(vnc_core::Encoding::Trle), 0);
}
