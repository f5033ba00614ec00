//! CoRRE decoding: RRE with one-byte subrectangle fields, in every pixel format.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, Script, pixel, rect_header};
use vnc_core::{Config, PixelFormat, Rect};

#[test]
fn corre_in_every_pixel_format() {
    let img = Image::pattern(300, 30);
    for pf in formats() {
        // Servers split large areas into rectangles of at most 255x255.
        let script = connected(300, 30).update(&[
            Script::corre_rect(&pf, &img, Rect::new(0, 0, 255, 30)),
            Script::corre_rect(&pf, &img, Rect::new(255, 0, 45, 17)),
            Script::corre_rect(&pf, &img, Rect::new(255, 17, 45, 13)),
        ]);
        assert_screen(&play_all(&config_for(&pf), &script), &img.quantized(&pf));
    }
}

#[test]
fn corre_by_hand_at_the_far_corner() {
    let pf = PixelFormat::RGB888;
    let (bg, fg) = ([10, 20, 30], [200, 100, 0]);
    // A 255x255 rectangle at (5, 5), one subrectangle reaching its bottom-right pixel.
    let r = Rect::new(5, 5, 255, 255);
    let mut v = rect_header(r, 4);
    v.extend(1u32.to_be_bytes());
    v.extend(pixel(&pf, bg));
    v.extend(pixel(&pf, fg));
    v.extend([250, 253, 5, 2]);
    let mut want = Image::solid(260, 260, [0, 0, 0]);
    for y in 5..260 {
        for x in 5..260 {
            want.set(x, y, if x >= 255 && y >= 258 { fg } else { bg });
        }
    }
    let run = play_all(&Config::default(), &connected(260, 260).update(&[v]));
    assert_screen(&run, &want);
}
