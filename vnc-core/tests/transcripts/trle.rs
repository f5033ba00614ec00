//! TRLE decoding: ZRLE's tile kinds at 16x16 without zlib, palette reuse (127, 129), in
//! every pixel format.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, Script, ZrleTile, cpixel, rect_header};
use vnc_core::{Config, PixelFormat, Rect};

/// A picture whose tiles have few colours, often the same ones as the tile before.
fn few_colours(w: u16, h: u16) -> Image {
    let mut img = Image::pattern(w, h);
    for y in 0..h.min(32) {
        for x in 0..w {
            let c = match (x / 16 + y / 16) % 3 {
                0 => [(x % 2 * 200) as u8, 7, (y % 3 * 100) as u8],
                1 => [50, 50, 50],
                _ => [(x % 4 * 60) as u8, 9, 9],
            };
            img.set(x, y, c);
        }
    }
    img
}

#[test]
fn trle_every_tile_kind_in_every_pixel_format() {
    // 53x45: edge tiles 5 wide and 13 high.
    let img = few_colours(53, 45);
    for pf in formats() {
        for mode in [
            ZrleTile::Raw,
            ZrleTile::PackedPalette,
            ZrleTile::PlainRle,
            ZrleTile::PaletteRle,
        ] {
            for reuse in [false, true] {
                let script = connected(53, 45)
                    .update(&[Script::trle_rect(
                        &pf,
                        &img,
                        Rect::new(0, 0, 53, 30),
                        mode,
                        reuse,
                    )])
                    .update(&[Script::trle_rect(
                        &pf,
                        &img,
                        Rect::new(0, 30, 53, 15),
                        mode,
                        reuse,
                    )]);
                assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
            }
        }
    }
}

#[test]
fn trle_palette_reuse_by_hand() {
    let pf = PixelFormat::RGB888;
    let c = |rgb| cpixel(&pf, rgb);
    let (a, b, k) = ([255, 0, 0], [0, 0, 255], [9, 9, 9]);
    // Five 16x1 tiles across an 80x1 rectangle.
    let mut v = rect_header(Rect::new(0, 0, 80, 1), 15);
    // 1: packed palette of two colours, one bit each: a b a b ...
    v.push(2);
    v.extend(c(a));
    v.extend(c(b));
    v.extend([0x55, 0x55]);
    // 2: packed, the same palette reused: 8 b then 8 a.
    v.extend([127, 0xFF, 0x00]);
    // 3: plain RLE (leaves the palette alone): 16 k.
    v.push(128);
    v.extend(c(k));
    v.push(15);
    // 4: palette RLE reusing the palette: a run of 15 b, then one a.
    v.extend([129, 0x81, 14, 0]);
    // 5: solid k.
    v.push(1);
    v.extend(c(k));
    let mut want = Image::solid(80, 1, k);
    for x in 0..16 {
        want.set(x, 0, if x % 2 == 0 { a } else { b });
        want.set(16 + x, 0, if x < 8 { b } else { a });
        want.set(48 + x, 0, if x < 15 { b } else { a });
    }
    let script = connected(80, 1).update(&[v]);
    assert_screen(&play_all(&Config::default(), &script), &want);

    // A solid tile is a palette of one that 127 and 129 reuse.
    let mut v = rect_header(Rect::new(0, 0, 48, 1), 15);
    v.push(1);
    v.extend(c(b));
    v.push(127);
    v.extend([129, 0x80, 15]);
    let script = connected(48, 1).update(&[v]);
    assert_screen(
        &play_all(&Config::default(), &script),
        &Image::solid(48, 1, b),
    );
}
