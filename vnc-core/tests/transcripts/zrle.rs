//! ZRLE decoding: every tile kind, one zlib stream across rectangles and updates, and
//! inflation inline or on the helper thread with input in pieces of any size.

use crate::support::{assert_screen, config_for, connected, formats, play_all};
use vnc_core::testing::{Image, Run, ZrleEncoder, ZrleTile, cpixel};
use vnc_core::{Config, Error, Event, PixelFormat, Rect, Session, Threading};

#[test]
fn zrle_every_tile_kind_in_every_pixel_format() {
    // 100x70: a full tile, then 36-wide and 6-high edge tiles.
    let mut img = Image::pattern(100, 70);
    for y in 0..64 {
        for x in 64..100 {
            img.set(x, y, [(x % 3 * 100) as u8, 7, (y % 2 * 200) as u8]); // few colours
        }
    }
    for pf in formats() {
        for mode in [
            ZrleTile::Raw,
            ZrleTile::PackedPalette,
            ZrleTile::PlainRle,
            ZrleTile::PaletteRle,
        ] {
            let mut enc = ZrleEncoder::default();
            let script = connected(100, 70)
                .update(&[enc.rect(&pf, &img, Rect::new(0, 0, 100, 40), mode)])
                .update(&[enc.rect(&pf, &img, Rect::new(0, 40, 100, 30), mode)]);
            let run = play_all(&config_for(&pf), &script);
            assert_screen(&run, &img.quantized(&pf));
        }
    }
}

#[test]
fn zrle_packed_palettes_and_rle_by_hand() {
    let pf = PixelFormat::RGB888;
    let c = |rgb| cpixel(&pf, rgb);
    assert_eq!(c([1, 2, 3]).len(), 3, "depth 24 uses 3-byte compact pixels");
    let colours: Vec<[u8; 3]> = (0..16).map(|i| [i * 16, 255 - i * 16, i]).collect();
    // Tile 1 (10x2): 2 colours, 1 bit per pixel, rows padded to 2 bytes.
    let mut t1 = vec![2];
    t1.extend(c(colours[0]));
    t1.extend(c(colours[1]));
    t1.extend([0b1010_1010, 0b1000_0000, 0b0000_0000, 0b0100_0000]);
    let mut want1 = Image::solid(10, 2, colours[0]);
    for x in [0, 2, 4, 6, 8] {
        want1.set(x, 0, colours[1]);
    }
    want1.set(9, 1, colours[1]);
    // Tile 2 (10x2): 3 colours at 2 bits per pixel.
    let mut t2 = vec![3];
    for col in &colours[..3] {
        t2.extend(c(*col));
    }
    t2.extend([0b0001_1000, 0b0110_0100, 0b1000_0000]); // row 0: 0 1 2 0 | 1 2 1 0 | 2 0
    t2.extend([0b1010_1010, 0b0101_0101, 0b0000_0000]); // row 1: 2 2 2 2 | 1 1 1 1 | 0 0
    let rows = [
        [0, 1, 2, 0, 1, 2, 1, 0, 2, 0],
        [2, 2, 2, 2, 1, 1, 1, 1, 0, 0],
    ];
    let mut want2 = Image::solid(10, 2, colours[0]);
    for (y, row) in rows.iter().enumerate() {
        for (x, &i) in row.iter().enumerate() {
            want2.set(x as u16, y as u16, colours[i]);
        }
    }
    let rect = Rect::new(0, 0, 10, 2);
    let mut enc = ZrleEncoder::default();
    let first = connected(10, 2).update(&[enc.rect_from_tile_data(rect, &t1)]);
    assert_screen(&play_all(&Config::default(), &first), &want1);
    // The second update continues the same zlib stream.
    let both = first.update(&[enc.rect_from_tile_data(rect, &t2)]);
    assert_screen(&play_all(&Config::default(), &both), &want2);

    // 16 colours at 4 bits per pixel on a 3x1 tile: indexes 15, 0, 9.
    let mut t = vec![16];
    for col in &colours {
        t.extend(c(*col));
    }
    t.extend([0xF0, 0x90]);
    let run = play_all(
        &Config::default(),
        &connected(3, 1)
            .update(&[ZrleEncoder::default().rect_from_tile_data(Rect::new(0, 0, 3, 1), &t)]),
    );
    assert_screen(
        &run,
        &Image {
            width: 3,
            height: 1,
            pixels: vec![colours[15], colours[0], colours[9]],
        },
    );

    // Plain RLE with runs crossing rows and a run length of 255 + 255 + 4 + 1 = 515 pixels;
    // a 30x20 tile: 85 pixels of colour 1, 515 of colour 2.
    let mut t = vec![128];
    t.extend(c(colours[1]));
    t.push(84);
    t.extend(c(colours[2]));
    t.extend([255, 255, 4]);
    let mut want = Image::solid(30, 20, colours[2]);
    for i in 0..85u16 {
        want.set(i % 30, i / 30, colours[1]);
    }
    let run = play_all(
        &Config::default(),
        &connected(30, 20)
            .update(&[ZrleEncoder::default().rect_from_tile_data(Rect::new(0, 0, 30, 20), &t)]),
    );
    assert_screen(&run, &want);

    // Palette RLE: single pixels (bit 7 clear) and runs (bit 7 set) across rows.
    let mut t = vec![128 + 3];
    for col in &colours[..3] {
        t.extend(c(*col));
    }
    t.extend([2, 0x81, 6, 0x80, 2]); // 1 x colour 2, 7 x colour 1, 3 x colour 0 on a 4x3 tile... = 11
    t.push(2); // 12th pixel
    let mut want = Image::solid(4, 3, colours[0]);
    let seq = [2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 2];
    for (i, &k) in seq.iter().enumerate() {
        want.set((i % 4) as u16, (i / 4) as u16, colours[k]);
    }
    let run = play_all(
        &Config::default(),
        &connected(4, 3)
            .update(&[ZrleEncoder::default().rect_from_tile_data(Rect::new(0, 0, 4, 3), &t)]),
    );
    assert_screen(&run, &want);
}

#[test]
fn zrle_four_byte_compact_pixels_when_depth_is_32() {
    let pf = PixelFormat {
        depth: 32,
        ..PixelFormat::RGB888
    };
    assert_eq!(cpixel(&pf, [1, 2, 3]).len(), 4);
    let img = Image::pattern(70, 66);
    let mut enc = ZrleEncoder::default();
    let script =
        connected(70, 66).update(&[enc.rect(&pf, &img, Rect::new(0, 0, 70, 66), ZrleTile::Raw)]);
    assert_screen(&play_all(&config_for(&pf), &script), &img);
}

#[test]
fn zrle_stream_spans_rectangles_and_updates() {
    let img = Image::pattern(64, 64);
    let pf = PixelFormat::RGB888;
    let mut enc = ZrleEncoder::default();
    let mut script = connected(64, 64);
    for y in (0..64).step_by(8) {
        script = script.update(&[
            enc.rect(&pf, &img, Rect::new(0, y, 32, 8), ZrleTile::PaletteRle),
            enc.rect(&pf, &img, Rect::new(32, y, 32, 8), ZrleTile::Raw),
        ]);
    }
    let [threaded, inline] = inflate_modes();
    let run = vnc_core::testing::play_all_threading(&Config::default(), threaded, script.bytes());
    assert_screen(&run, &img);
    assert_eq!(
        run.events
            .iter()
            .filter(|e| **e == Event::FramebufferUpdateEnd)
            .count(),
        8
    );
    // Inflated on the helper thread, the eight updates in one piece were drawn while the
    // session parsed ahead; the events come in the same order as when inflated inline.
    let serial = vnc_core::testing::play_all_threading(&Config::default(), inline, script.bytes());
    assert_eq!(run.events, serial.events);
    assert_eq!(run.output, serial.output);
    assert_eq!(run.framebuffer.data(), serial.framebuffer.data());
}

/// ZRLE inflated on the helper thread, and inline.
fn inflate_modes() -> [Threading; 2] {
    [
        Threading::InflateThread { min_input: 0 },
        Threading::SingleThreaded,
    ]
}

/// Feeds `bytes` in pieces of `chunk` bytes.
fn play_in_pieces(threading: Threading, bytes: &[u8], chunk: usize) -> Run {
    let mut s = Session::with_threading(Config::default(), threading, std::time::Instant::now());
    let mut events = Vec::new();
    let mut error = None;
    for piece in bytes.chunks(chunk) {
        if let Err(e) = s.feed(piece) {
            error = Some(e);
            break;
        }
        events.extend(std::iter::from_fn(|| s.poll_event()));
    }
    events.extend(std::iter::from_fn(|| s.poll_event()));
    Run {
        events,
        output: s.take_output(),
        error,
        framebuffer: s.framebuffer().clone(),
    }
}

#[test]
fn zrle_large_rectangles_in_pieces_of_any_size() {
    // Noise does not compress: each rectangle is hundreds of KiB, many windows of inflated
    // data, fed whole or in large pieces (the transcript chunkings are small ones).
    let (w, h) = (640u16, 480u16);
    let mut img = Image::solid(w, h, [0, 0, 0]);
    let mut seed = 0x2545_f491_u32;
    for y in 0..h {
        for x in 0..w {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = seed.to_le_bytes();
            img.set(x, y, [v[1], v[2], v[3]]);
        }
    }
    let pf = PixelFormat::RGB888;
    let mut enc = ZrleEncoder::default();
    let script = connected(w, h)
        .update(&[enc.rect(&pf, &img, Rect::new(0, 0, w, 300), ZrleTile::Raw)])
        .update(&[
            enc.rect(&pf, &img, Rect::new(0, 300, 333, 180), ZrleTile::Raw),
            enc.rect(&pf, &img, Rect::new(333, 300, 307, 180), ZrleTile::PlainRle),
        ]);
    let bytes = script.bytes();
    let want = play_in_pieces(Threading::default(), bytes, bytes.len());
    assert_screen(&want, &img);
    for threading in inflate_modes() {
        for chunk in [40 << 10, 100_003, 256 << 10, bytes.len()] {
            let run = play_in_pieces(threading, bytes, chunk);
            let what = format!("pieces of {chunk}, {threading:?}");
            assert_screen(&run, &img);
            assert_eq!(run.events, want.events, "{what}");
            assert_eq!(run.output, want.output, "{what}");
        }
    }

    // A bad tile deep inside a large rectangle (the 31st of 50 has subencoding 17, which
    // does not exist): the tiles before it are drawn, and the error is ZRLE's, whatever the
    // pieces.
    let mut tiles = Vec::new();
    for t in 0..50u32 {
        tiles.push(if t == 30 { 17 } else { 0 });
        tiles.extend((0..64 * 64 * 3).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    }
    let mut enc = ZrleEncoder::default();
    let bad = connected(w, h)
        .update(&[enc.rect_from_tile_data(Rect::new(0, 0, w, 320), &tiles)])
        .bytes()
        .to_vec();
    let whole = play_in_pieces(Threading::default(), &bad, bad.len());
    let error = |r: &Run| r.error.as_ref().map(|e| format!("{e:?}"));
    assert!(
        matches!(
            whole.error,
            Some(Error::Protocol {
                error: vnc_core::ProtocolError::ZrleBadSubencoding {
                    subencoding: 17,
                    ..
                },
                ..
            })
        ),
        "{:?}",
        whole.error
    );
    for threading in inflate_modes() {
        for chunk in [40 << 10, 100_003, bad.len()] {
            let run = play_in_pieces(threading, &bad, chunk);
            let what = format!("pieces of {chunk}, {threading:?}");
            assert_eq!(error(&run), error(&whole), "{what}");
            assert_eq!(run.events, whole.events, "{what}");
        }
    }
    // Tiles 0 to 29 (rows 0 to 191 in full, and row 192's first 8 tiles) are drawn.
    let fb = whole.framebuffer.to_rgba();
    assert_ne!(&fb[..4], &[0, 0, 0, 255], "the first tile is drawn");
}
