//! Split invariance of the stateful encodings: one conversation with Tight (fill, every filter,
//! uncompressed rows, the four streams, resets, JPEG), Zlib, ZlibHex, TRLE and CoRRE, fed in
//! pieces of every size, ends with the same events and the same framebuffer as fed whole.

use crate::support::connected;
use vnc_core::testing::{
    Chunking, Image, Run, Script, TightEncoder, TightFilter, ZlibEncoder, ZlibHexEncoder, ZrleTile,
    play,
};
use vnc_core::{Config, Event, PixelFormat, Rect};

const W: u16 = 48;
const H: u16 = 32;
const JPEG: &[u8] = include_bytes!("fixtures/tight-24x16.jpg");

/// The pattern with bands of few colours, so that palettes apply.
fn picture() -> Image {
    let mut img = Image::pattern(W, H);
    for y in 0..8 {
        for x in 0..W {
            img.set(x, y, [(x / 3 % 2 * 200) as u8, 40, (y * 20) as u8]);
        }
    }
    for y in 8..16 {
        for x in 0..W {
            img.set(x, y, [(x % 5 * 50) as u8, 90, 10]);
        }
    }
    img
}

/// Every new encoding, their streams carried across updates and restarted.
fn script() -> Script {
    let pf = PixelFormat::RGB888;
    let img = picture();
    let mut tight = TightEncoder::default();
    let mut zlib = ZlibEncoder::default();
    let mut hex = ZlibHexEncoder::default();
    let mut updates = vec![vec![
        TightEncoder::fill(&pf, Rect::new(0, 0, W, H), [9, 8, 7]),
        tight.rect(&pf, &img, Rect::new(0, 0, W, 8), TightFilter::Palette, 1, 0),
        tight.rect(&pf, &img, Rect::new(0, 8, W, 8), TightFilter::Palette, 2, 0),
        tight.rect(
            &pf,
            &img,
            Rect::new(0, 16, W, 8),
            TightFilter::Gradient,
            3,
            0,
        ),
        tight.rect(&pf, &img, Rect::new(0, 24, 20, 8), TightFilter::Copy, 0, 0),
        tight.rect(&pf, &img, Rect::new(20, 24, 3, 1), TightFilter::Copy, 0, 0),
        TightEncoder::jpeg(Rect::new(24, 16, 24, 16), JPEG),
    ]];
    // The streams go on in the next update, then two start afresh.
    updates.push(vec![
        tight.rect(
            &pf,
            &img,
            Rect::new(0, 0, 16, 16),
            TightFilter::ExplicitCopy,
            1,
            0,
        ),
        tight.rect(
            &pf,
            &img,
            Rect::new(16, 0, 16, 16),
            TightFilter::Gradient,
            3,
            0,
        ),
    ]);
    tight.reset(1);
    tight.reset(2);
    updates.push(vec![
        tight.rect(
            &pf,
            &img,
            Rect::new(0, 0, W, 8),
            TightFilter::Palette,
            1,
            0b0110,
        ),
        tight.rect(&pf, &img, Rect::new(32, 0, 16, 16), TightFilter::Copy, 2, 0),
    ]);
    updates.push(vec![
        zlib.rect(&pf, &img, Rect::new(0, 16, 24, 16)),
        hex.rect(&pf, &img, Rect::new(24, 16, 24, 16), 0),
    ]);
    updates.push(vec![
        zlib.rect(&pf, &img, Rect::new(0, 24, W, 8)),
        hex.rect(&pf, &img, Rect::new(0, 8, W, 8), 12),
        Script::trle_rect(
            &pf,
            &img,
            Rect::new(0, 0, W, 8),
            ZrleTile::PackedPalette,
            true,
        ),
        Script::trle_rect(
            &pf,
            &img,
            Rect::new(0, 16, 40, 8),
            ZrleTile::PaletteRle,
            true,
        ),
        Script::trle_rect(&pf, &img, Rect::new(40, 16, 8, 8), ZrleTile::Raw, false),
        Script::corre_rect(&pf, &img, Rect::new(0, 8, W, 8)),
    ]);
    updates
        .iter()
        .fold(connected(W, H), |s, rects| s.update(rects))
}

/// Feeds `bytes` in pieces of `size` bytes.
fn play_in_pieces(bytes: &[u8], size: usize) -> Run {
    play(Config::default(), bytes, Chunking::Pieces(size))
}

#[test]
fn every_new_encoding_in_pieces_of_every_size() {
    let script = script();
    let bytes = script.bytes();
    let whole = play_in_pieces(bytes, bytes.len());
    assert!(whole.error.is_none(), "{:?}", whole.error);
    let updates = whole
        .events
        .iter()
        .filter(|e| matches!(e, Event::FramebufferUpdateEnd))
        .count();
    assert_eq!(updates, 5);
    // Lossless everywhere but the JPEG, which the last update drew over.
    let got = whole.framebuffer.to_rgba();
    assert_eq!(got, picture().to_rgba(), "the whole stream's picture");
    for size in 1..bytes.len() {
        let run = play_in_pieces(bytes, size);
        assert!(run.error.is_none(), "pieces of {size}: {:?}", run.error);
        assert_eq!(run.events, whole.events, "pieces of {size}");
        assert_eq!(run.output, whole.output, "pieces of {size}");
        assert!(
            run.framebuffer.data() == whole.framebuffer.data(),
            "pieces of {size}"
        );
    }
}
