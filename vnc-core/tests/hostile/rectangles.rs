//! Rectangle geometry: rectangles, CopyRect sources and RRE and Hextile subrectangles that
//! reach outside the framebuffer or their rectangle.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{H, PF, W, assert_fails, connected, geometry, one_rect, px};
use vnc_core::testing::{Image, Script, ZrleEncoder, ZrleTile, pixel, play_all, rect_header};
use vnc_core::{Config, Error, ProtocolError, Rect, Step};

/// Rectangles reaching past the right or bottom edge, or so far out that `x + w` would
/// overflow a u16.
const OUTSIDE: [Rect; 7] = [
    Rect::new(60, 0, 5, 1),
    Rect::new(0, 45, 1, 4),
    Rect::new(64, 0, 1, 1),
    Rect::new(65535, 0, 2, 1),
    Rect::new(0, 65535, 1, 2),
    Rect::new(65535, 65535, 65535, 65535),
    Rect::new(1, 1, 65535, 1),
];

fn assert_rects_out_of_bounds(encoding: i32) {
    for rect in OUTSIDE {
        // The header alone is enough: no payload is waited for.
        let bytes = one_rect(&rect_header(rect, encoding));
        assert_fails!(
            Config::default(),
            &bytes,
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::RectOutOfBounds {
                    rect: r,
                    fb_width: W,
                    fb_height: H,
                },
            } if r == rect
        );
    }
}

#[test]
fn raw_rect_outside_framebuffer() {
    assert_rects_out_of_bounds(0);
}

#[test]
fn copyrect_rect_outside_framebuffer() {
    assert_rects_out_of_bounds(1);
}

#[test]
fn rre_rect_outside_framebuffer() {
    assert_rects_out_of_bounds(2);
}

#[test]
fn hextile_rect_outside_framebuffer() {
    assert_rects_out_of_bounds(5);
}

#[test]
fn zrle_rect_outside_framebuffer() {
    assert_rects_out_of_bounds(16);
}

#[test]
fn new_encodings_rect_outside_framebuffer() {
    // CoRRE, Zlib, Tight, ZlibHex and TRLE: refused from the header too, before any stream
    // is touched.
    for encoding in [4, 6, 7, 8, 15] {
        assert_rects_out_of_bounds(encoding);
    }
}

#[test]
fn rects_on_the_far_edges_fit() {
    // Control for the cases above: rectangles touching the right and bottom edges are valid in
    // every encoding, as are CopyRect sources there.
    let img = Image::pattern(W, H);
    let edge = Rect::new(48, 40, 16, 8);
    let mut z = ZrleEncoder::default();
    let rects = vec![
        Script::raw_rect(&PF, &img, edge),
        Script::rre_rect(&PF, &img, edge),
        Script::hextile_rect(&PF, &img, edge),
        z.rect(&PF, &img, edge, ZrleTile::PaletteRle),
        Script::copy_rect(edge, 0, 0),
        Script::copy_rect(Rect::new(0, 0, 16, 8), 48, 40),
    ];
    let run = play_all(&Config::default(), connected().update(&rects).bytes());
    assert!(run.error.is_none(), "{:?}", run.error);
}

#[test]
fn empty_rects_on_the_far_edges() {
    // Zero-width or zero-height rectangles lying just past the last column or row are inside
    // the framebuffer (they cover nothing) and must not touch any pixel.
    for rect in [
        Rect::new(0, H, W, 0),
        Rect::new(W, 0, 0, H),
        Rect::new(W, H, 0, 0),
        Rect::new(0, 10, W, 0),
        Rect::new(10, 0, 0, H),
    ] {
        let mut z = ZrleEncoder::default();
        let mut rre = rect_header(rect, 2);
        rre.extend_from_slice(&0u32.to_be_bytes());
        rre.extend(pixel(&PF, [255, 255, 255]));
        let rects = vec![
            rect_header(rect, 0),
            Script::copy_rect(rect, 0, 0),
            rre,
            rect_header(rect, 5),
            z.rect_from_tile_data(rect, &[]),
        ];
        for r in rects {
            let run = play_all(&Config::default(), &one_rect(&r));
            assert!(run.error.is_none(), "{rect:?}: {:?}", run.error);
            assert!(
                run.framebuffer
                    .data()
                    .chunks_exact(4)
                    .all(|p| p == [0, 0, 0, 255]),
                "{rect:?} painted pixels"
            );
        }
    }
}

#[test]
fn copyrect_source_outside_framebuffer() {
    let rect = Rect::new(0, 0, 8, 8);
    for (sx, sy) in [
        (57, 0),
        (0, 41),
        (64, 0),
        (65535, 0),
        (0, 65535),
        (65535, 65535),
    ] {
        let bytes = one_rect(&Script::copy_rect(rect, sx, sy));
        assert_fails!(
            Config::default(),
            &bytes,
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::CopyRectSourceOutOfBounds {
                    src_x,
                    src_y,
                    rect: r,
                    fb_width: W,
                    fb_height: H,
                },
            } if src_x == sx && src_y == sy && r == rect
        );
    }
}

fn rre(rect: Rect, count: u32, subs: &[Rect]) -> Vec<u8> {
    let mut v = rect_header(rect, 2);
    v.extend_from_slice(&count.to_be_bytes());
    v.extend(px());
    for s in subs {
        v.extend(px());
        v.extend(geometry(*s));
    }
    v
}

#[test]
fn rre_subrect_outside_its_rectangle() {
    let rect = Rect::new(8, 8, 16, 16);
    for sub in [
        Rect::new(10, 0, 7, 1),
        Rect::new(0, 15, 1, 2),
        Rect::new(17, 0, 0, 0),
        Rect::new(65535, 0, 2, 1),
        Rect::new(0, 65535, 1, 2),
        Rect::new(0, 0, 65535, 65535),
    ] {
        // A valid subrectangle first, then the bad one, then one that is never reached.
        let subs = [Rect::new(0, 0, 1, 1), sub, Rect::new(1, 1, 1, 1)];
        let bytes = one_rect(&rre(rect, 3, &subs));
        assert_fails!(
            Config::default(),
            &bytes,
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::SubrectOutOfBounds {
                    encoding: "RRE",
                    sub: s,
                    outer,
                },
            } if s == sub && outer == Rect::new(0, 0, 16, 16)
        );
    }
}

#[test]
fn rre_more_subrects_than_pixels_fails_before_the_data() {
    let rect = Rect::new(0, 0, 4, 4);
    for count in [17, 1000, u32::MAX] {
        // Only the rectangle header, the count and the background: no subrectangle data.
        let bytes = one_rect(&rre(rect, count, &[]));
        let (e, largest) = largest_allocation(|| {
            assert_fails!(
                Config::default(),
                &bytes,
                Error::Protocol {
                    step: Step::FramebufferUpdate,
                    error: ProtocolError::TooManySubrects { rect: r, count: c },
                } if r == rect && c == count
            )
        });
        assert!(largest < SMALL_ALLOCATION, "{e}: allocated {largest} bytes");
    }
    // An empty rectangle has room for no subrectangle at all.
    let bytes = one_rect(&rre(Rect::new(3, 3, 0, 5), 1, &[]));
    assert_fails!(
        Config::default(),
        &bytes,
        Error::Protocol {
            error: ProtocolError::TooManySubrects { count: 1, .. },
            ..
        }
    );
    // Exactly as many as pixels is allowed.
    let subs: Vec<Rect> = (0..16).map(|i| Rect::new(i % 4, i / 4, 1, 1)).collect();
    let run = play_all(&Config::default(), &one_rect(&rre(rect, 16, &subs)));
    assert!(run.error.is_none(), "{:?}", run.error);
}

/// Hextile tile bodies for `rect`: `good` solid tiles, then `bad` (flags and body) for the
/// next tile.
fn hextile(rect: Rect, good: usize, bad: &[u8]) -> Vec<u8> {
    let mut v = rect_header(rect, 5);
    for i in 0..good {
        if i == 0 {
            v.push(2);
            v.extend(px());
        } else {
            v.push(0);
        }
    }
    v.extend_from_slice(bad);
    v
}

fn hextile_sub(x: u8, y: u8, w: u8, h: u8) -> [u8; 2] {
    assert!(x < 16 && y < 16 && (1..=16).contains(&w) && (1..=16).contains(&h));
    [(x << 4) | y, ((w - 1) << 4) | (h - 1)]
}

fn assert_hextile_sub_fails(rect: Rect, good: usize, tile: (u16, u16), sub: [u8; 2]) {
    let expect = Rect::new(
        u16::from(sub[0] >> 4),
        u16::from(sub[0] & 15),
        u16::from(sub[1] >> 4) + 1,
        u16::from(sub[1] & 15) + 1,
    );
    // Foreground subrectangles: a valid one, then the bad one.
    let mut mono = vec![2 | 4 | 8];
    mono.extend(px());
    mono.extend(px());
    mono.push(2);
    mono.extend(hextile_sub(0, 0, 1, 1));
    mono.extend(sub);
    // Coloured subrectangles: the bad one first.
    let mut coloured = vec![8 | 16, 1];
    coloured.extend(px());
    coloured.extend(sub);
    for bad in [mono, coloured] {
        let bytes = one_rect(&hextile(rect, good, &bad));
        assert_fails!(
            Config::default(),
            &bytes,
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::SubrectOutOfBounds {
                    encoding: "Hextile",
                    sub: s,
                    outer,
                },
            } if s == expect && outer == Rect::new(0, 0, tile.0, tile.1)
        );
    }
}

#[test]
fn hextile_subrect_outside_full_tile() {
    let rect = Rect::new(0, 0, 32, 32);
    assert_hextile_sub_fails(rect, 0, (16, 16), hextile_sub(15, 0, 2, 1));
    assert_hextile_sub_fails(rect, 1, (16, 16), hextile_sub(0, 15, 1, 2));
    assert_hextile_sub_fails(rect, 3, (16, 16), hextile_sub(8, 8, 16, 16));
}

#[test]
fn hextile_subrect_outside_edge_tiles() {
    // A 20x20 rectangle: tiles 16x16, 4x16 (right edge), 16x4 (bottom edge), 4x4 (corner).
    let rect = Rect::new(10, 10, 20, 20);
    assert_hextile_sub_fails(rect, 1, (4, 16), hextile_sub(4, 0, 1, 1));
    assert_hextile_sub_fails(rect, 1, (4, 16), hextile_sub(0, 0, 5, 1));
    assert_hextile_sub_fails(rect, 1, (4, 16), hextile_sub(3, 15, 2, 1));
    assert_hextile_sub_fails(rect, 2, (16, 4), hextile_sub(0, 4, 1, 1));
    assert_hextile_sub_fails(rect, 2, (16, 4), hextile_sub(0, 3, 16, 2));
    assert_hextile_sub_fails(rect, 3, (4, 4), hextile_sub(3, 3, 2, 1));
    assert_hextile_sub_fails(rect, 3, (4, 4), hextile_sub(15, 15, 1, 1));
    // A rectangle on the framebuffer's bottom-right corner, a single 14x8 tile.
    assert_hextile_sub_fails(
        Rect::new(50, 40, 14, 8),
        0,
        (14, 8),
        hextile_sub(0, 8, 1, 1),
    );
    assert_hextile_sub_fails(
        Rect::new(50, 40, 14, 8),
        0,
        (14, 8),
        hextile_sub(13, 0, 2, 1),
    );
}
