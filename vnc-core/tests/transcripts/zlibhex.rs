//! ZlibHex decoding: Hextile tiles plain, raw through one zlib stream and the rest through
//! the other, both streams lasting across rectangles and updates.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, ZlibHexEncoder};
use vnc_core::{Config, PixelFormat, Rect};

fn picture() -> Image {
    // 53x35: edge tiles, flat and two-colour areas so that every tile kind occurs.
    let mut img = Image::pattern(53, 35);
    for y in 16..32 {
        for x in 0..32 {
            img.set(x, y, if x == y { [1, 2, 3] } else { [9, 9, 9] });
        }
    }
    img
}

#[test]
fn zlibhex_in_every_pixel_format() {
    let img = picture();
    for pf in formats() {
        // Compress everything, then a mix of plain and compressed tiles.
        for min in [0, 12] {
            let mut enc = ZlibHexEncoder::default();
            let script = connected(53, 35)
                .update(&[enc.rect(&pf, &img, Rect::new(0, 0, 53, 20), min)])
                .update(&[enc.rect(&pf, &img, Rect::new(0, 20, 53, 15), min)]);
            assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
        }
    }
}

#[test]
fn zlibhex_streams_continue_across_updates() {
    let pf = PixelFormat::RGB888;
    let img = picture();
    let mut enc = ZlibHexEncoder::default();
    let mut script = connected(53, 35);
    for _ in 0..3 {
        script = script.update(&[enc.rect(&pf, &img, Rect::new(0, 0, 53, 35), 1)]);
    }
    assert_screen(&play_all(&Config::default(), &script), &img);
}

#[test]
fn every_libvncserver_encoding_between_threaded_zrle_rectangles() {
    use vnc_core::Threading;
    use vnc_core::testing::{Script, ZlibEncoder, ZrleEncoder, ZrleTile, play_all_threading};
    let pf = PixelFormat::RGB888;
    let img = picture();
    let mut zrle = ZrleEncoder::default();
    let mut zlib = ZlibEncoder::default();
    let mut hex = ZlibHexEncoder::default();
    let band = |y| Rect::new(0, y, 53, 7);
    // Each band is drawn black by ZRLE first, then over by the next encoding: the result is
    // right only if every rectangle is drawn in stream order.
    let black = Image::solid(53, 35, [0, 0, 0]);
    let mut rects = Vec::new();
    for (i, y) in [0u16, 7, 14, 21, 28].into_iter().enumerate() {
        rects.push(zrle.rect(&pf, &black, band(y), ZrleTile::PlainRle));
        rects.push(match i {
            0 => zlib.rect(&pf, &img, band(y)),
            1 => hex.rect(&pf, &img, band(y), 0),
            2 => Script::trle_rect(&pf, &img, band(y), ZrleTile::PaletteRle, true),
            3 => Script::corre_rect(&pf, &img, band(y)),
            _ => zrle.rect(&pf, &img, band(y), ZrleTile::PackedPalette),
        });
    }
    let script = connected(53, 35).update(&rects);
    let threading = Threading::InflateThread { min_input: 0 };
    assert_screen(
        &play_all_threading(&Config::default(), threading, script.bytes()),
        &img,
    );
}
