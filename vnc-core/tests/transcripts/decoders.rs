//! Raw, colour-map mode, CopyRect, RRE and Hextile decoding, in every pixel format.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, Script, pixel};
use vnc_core::{Config, Event, PixelFormat, PixelFormatRequest, Rect};

#[test]
fn raw_in_every_pixel_format() {
    let img = Image::pattern(37, 19);
    for pf in formats() {
        let script = connected(37, 19).update(&[
            Script::raw_rect(&pf, &img, Rect::new(0, 0, 37, 10)),
            Script::raw_rect(&pf, &img, Rect::new(0, 10, 20, 9)),
            Script::raw_rect(&pf, &img, Rect::new(20, 10, 17, 9)),
        ]);
        let run = play_all(&config_for(&pf), &script);
        assert_screen(&run, &img.quantized(&pf));
        let damage: Vec<&Event> = run
            .events
            .iter()
            .filter(|e| matches!(e, Event::FramebufferUpdated(_)))
            .collect();
        assert_eq!(damage.len(), 3);
        assert_eq!(run.events.last(), Some(&Event::FramebufferUpdateEnd));
    }
}

#[test]
fn colour_map_mode() {
    let pf = PixelFormat {
        true_colour: false,
        ..PixelFormat::BGR233
    };
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::ServerNative;
    let mut rect = vnc_core::testing::rect_header(Rect::new(0, 0, 3, 1), 0);
    rect.extend_from_slice(&[5, 6, 7]);
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(3, 1, &pf, "cmap")
        .colour_map(
            5,
            &[[0xFFFF, 0, 0], [0, 0x8000, 0], [0x1234, 0x5678, 0x9ABC]],
        )
        .update(&[rect]);
    let run = play_all(&config, &script);
    let want = Image {
        width: 3,
        height: 1,
        pixels: vec![[255, 0, 0], [0, 0x80, 0], [0x12, 0x56, 0x9A]],
    };
    assert_screen(&run, &want);
}

#[test]
fn copy_rect_overlapping() {
    let img = Image::pattern(20, 20);
    let mut want = img.clone();
    for y in 0..10 {
        for x in 0..10 {
            want.set(x + 3, y + 2, img.get(x, y));
        }
    }
    let script = connected(20, 20)
        .update(&[Script::raw_rect(
            &PixelFormat::RGB888,
            &img,
            Rect::new(0, 0, 20, 20),
        )])
        .update(&[Script::copy_rect(Rect::new(3, 2, 10, 10), 0, 0)]);
    assert_screen(&play_all(&Config::default(), &script), &want);
}

#[test]
fn rre_in_every_pixel_format() {
    let img = Image::pattern(40, 30);
    for pf in formats() {
        let script = connected(40, 30).update(&[
            Script::rre_rect(&pf, &img, Rect::new(0, 0, 40, 15)),
            Script::rre_rect(&pf, &img, Rect::new(0, 15, 40, 15)),
        ]);
        assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
    }
}

#[test]
fn hextile_in_every_pixel_format_with_edge_tiles() {
    // 53x35: tiles of 5 and 3 pixels at the right and bottom edges.
    let mut img = Image::pattern(53, 35);
    // Flat and two-colour areas so that solid, foreground and coloured tiles all occur.
    for y in 16..32 {
        for x in 0..32 {
            img.set(x, y, if x == y { [1, 2, 3] } else { [9, 9, 9] });
        }
    }
    for pf in formats() {
        let script =
            connected(53, 35).update(&[Script::hextile_rect(&pf, &img, Rect::new(0, 0, 53, 35))]);
        assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
    }
}

#[test]
fn hextile_background_and_foreground_carry_over() {
    let pf = PixelFormat::RGB888;
    let red = pixel(&pf, [255, 0, 0]);
    let blue = pixel(&pf, [0, 0, 255]);
    let green = pixel(&pf, [0, 255, 0]);
    // Four 16x16 tiles in a 64x16 rectangle, built by hand from the spec:
    let mut r = vnc_core::testing::rect_header(Rect::new(0, 0, 64, 16), 5);
    // 1: background red, foreground blue, one subrect at (1,2) size 3x4.
    r.push(2 | 4 | 8);
    r.extend(&red);
    r.extend(&blue);
    r.extend([1, 0x12, 0x23]);
    // 2: no flags: solid in the carried-over background (red).
    r.push(0);
    // 3: a raw tile (all green) does not change background or foreground.
    r.push(1);
    for _ in 0..256 {
        r.extend(&green);
    }
    // 4: subrects without colours use the carried-over foreground (blue) on red.
    r.push(8);
    r.extend([1, 0xFF, 0x00]); // a 1x1 subrect at (15,15)
    let script = connected(64, 16).update(&[r]);
    let run = play_all(&Config::default(), &script);
    let mut want = Image::solid(64, 16, [255, 0, 0]);
    for y in 2..6 {
        for x in 1..4 {
            want.set(x, y, [0, 0, 255]);
        }
    }
    for y in 0..16 {
        for x in 32..48 {
            want.set(x, y, [0, 255, 0]);
        }
    }
    want.set(63, 15, [0, 0, 255]);
    assert_screen(&run, &want);
}

#[test]
fn hextile_coloured_subrects_by_hand() {
    let pf = PixelFormat::RGB565;
    let mut r = vnc_core::testing::rect_header(Rect::new(2, 1, 5, 3), 5);
    r.push(2 | 8 | 16);
    r.extend(pixel(&pf, [0, 0, 0]));
    r.push(2);
    r.extend(pixel(&pf, [255, 255, 255]));
    r.extend([0x00, 0x40]); // (0,0) 5x1
    r.extend(pixel(&pf, [255, 0, 0]));
    r.extend([0x42, 0x00]); // (4,2) 1x1
    let script = connected(8, 4).update(&[r]);
    let run = play_all(&config_for(&pf), &script);
    let mut want = Image::solid(8, 4, [0, 0, 0]);
    for x in 2..7 {
        want.set(x, 1, [255, 255, 255]);
    }
    want.set(6, 3, [255, 0, 0]);
    assert_screen(&run, &want);
}

#[test]
fn hextile_foreground_after_coloured_subrects_is_the_last_colour() {
    let pf = PixelFormat::RGB888;
    let mut r = vnc_core::testing::rect_header(Rect::new(0, 0, 32, 16), 5);
    // Tile 1: black background, coloured subrects, the last one green.
    r.push(2 | 8 | 16);
    r.extend(pixel(&pf, [0, 0, 0]));
    r.push(2);
    r.extend(pixel(&pf, [255, 0, 0]));
    r.extend([0x00, 0x00]);
    r.extend(pixel(&pf, [0, 255, 0]));
    r.extend([0x11, 0x00]);
    // Tile 2: plain subrects with no foreground given: the last colour (green), as TigerVNC
    // and libvncclient decode it.
    r.push(8);
    r.extend([1, 0x22, 0x00]);
    let run = play_all(&Config::default(), &connected(32, 16).update(&[r]));
    let mut want = Image::solid(32, 16, [0, 0, 0]);
    want.set(0, 0, [255, 0, 0]);
    want.set(1, 1, [0, 255, 0]);
    want.set(18, 2, [0, 255, 0]);
    assert_screen(&run, &want);
}
