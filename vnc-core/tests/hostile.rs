//! Hostile-server tests: a malicious or broken server sends out-of-bounds rectangles, bad
//! sub-encodings, absurd length fields, invalid formats or plain garbage. Every case must end
//! in the exact typed error (or, where the protocol says so, be skipped), never a panic, a
//! hang or a large allocation, and the result must not depend on how the input is split.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use std::time::Instant;
use vnc_core::testing::{
    Chunking, Image, Run, Script, ZrleEncoder, ZrleTile, cpixel, outcome, pixel, play, play_all,
    play_with, rect_header,
};
use vnc_core::{
    Config, Error, Event, PixelFormat, PixelFormatRequest, ProtocolError, Rect, SecurityType,
    Session, Step, Threading,
};

// ----- allocation tracking -----

/// The system allocator, noting the largest single allocation made on each thread, so a test
/// can check that a length field from the server did not turn into a large allocation.
struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

// SAFETY: every call is forwarded unchanged to `System`; `note` neither allocates nor panics.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Runs `f` and returns its result with the largest single allocation it made on this thread.
fn largest_allocation<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.with(|l| l.set(0));
    let r = f();
    (r, LARGEST.with(|l| l.get()))
}

#[test]
fn allocation_tracking_sees_large_allocations() {
    // The allocation checks below would pass vacuously if the tracking saw nothing.
    let (v, largest) = largest_allocation(|| vec![0u8; 3 << 20]);
    assert!(largest >= v.len(), "{largest}");
    let ((), largest) = largest_allocation(|| ());
    assert_eq!(largest, 0);
}

/// Anything a length field could make the session allocate is far above this; everything a
/// session needs for a 64x48 framebuffer is far below.
const SMALL_ALLOCATION: usize = 1 << 20;

// ----- helpers -----

const W: u16 = 64;
const H: u16 = 48;
const PF: PixelFormat = PixelFormat::RGB888;

/// A 3.8 handshake with security None and a ServerInit of 64x48 in RGB888.
fn connected() -> Script {
    connected_with(W, H)
}

/// The same with a framebuffer of `w` x `h`.
fn connected_with(w: u16, h: u16) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(w, h, &PF, "hostile")
}

/// Plays `bytes` with every chunking and returns the error all of them ended with.
fn error_of(config: &Config, bytes: &[u8]) -> Error {
    let run = play_all(config, bytes);
    match run.error {
        Some(e) => e,
        None => panic!("no error; events: {:?}", run.events),
    }
}

/// Asserts that `bytes`, however split, end the session with an error matching `pattern`.
macro_rules! assert_fails {
    ($config:expr, $bytes:expr, $($pattern:tt)+) => {{
        let e = error_of(&$config, $bytes);
        assert!(matches!(e, $($pattern)+), "got {e:?}");
        e
    }};
}

/// A FramebufferUpdate with one rectangle, after the handshake.
fn one_rect(rect: &[u8]) -> Vec<u8> {
    connected().update(&[rect.to_vec()]).bytes().to_vec()
}

fn px() -> Vec<u8> {
    pixel(&PF, [10, 20, 30])
}

fn cpx(rgb: [u8; 3]) -> Vec<u8> {
    cpixel(&PF, rgb)
}

fn geometry(r: Rect) -> Vec<u8> {
    [r.x, r.y, r.width, r.height]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

/// An 8-bit colour-map pixel format.
const COLOUR_MAP: PixelFormat = PixelFormat {
    bits_per_pixel: 8,
    depth: 8,
    big_endian: false,
    true_colour: false,
    red_max: 0,
    green_max: 0,
    blue_max: 0,
    red_shift: 0,
    green_shift: 0,
    blue_shift: 0,
};

// ----- rectangles outside the framebuffer -----

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

// ----- CopyRect sources -----

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

// ----- RRE -----

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

// ----- Hextile -----

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

// ----- ZRLE -----

/// The ZRLE cases run in a framebuffer wide enough for rectangles of two tiles across.
const ZW: u16 = 128;
const ZH: u16 = 80;

/// A single 8x8 tile at (8, 16).
const ZRECT: Rect = Rect::new(8, 16, 8, 8);

/// One ZRLE rectangle, `ZRECT`, made of `tile_data`, after a handshake.
fn zrle(tile_data: &[u8]) -> Vec<u8> {
    zrle_at(ZRECT, tile_data)
}

fn zrle_at(rect: Rect, tile_data: &[u8]) -> Vec<u8> {
    zrle_update(&ZrleEncoder::default().rect_from_tile_data(rect, tile_data))
}

/// A FramebufferUpdate with one (ZRLE) rectangle, after a handshake.
fn zrle_update(rect: &[u8]) -> Vec<u8> {
    connected_with(ZW, ZH)
        .update(&[rect.to_vec()])
        .bytes()
        .to_vec()
}

fn palette(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| cpx([(i as u8).wrapping_mul(10), 0, 0]))
        .collect()
}

#[test]
fn zrle_packed_palette_index_past_palette() {
    // (palette size, bits per index, bad index)
    for (n, bits, bad) in [(3u8, 2, 3u8), (5, 4, 5), (5, 4, 15), (9, 4, 9), (15, 4, 15)] {
        let row_bytes = (8 * bits as usize).div_ceil(8);
        let mut data = vec![n];
        data.extend(palette(n.into()));
        let mut packed = vec![0u8; row_bytes * 8];
        // Row 2, last pixel: a bad index after valid ones.
        let last = row_bytes * 3 - 1;
        packed[last] = bad;
        data.extend(packed);
        assert_fails!(
            Config::default(),
            &zrle(&data),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::ZrlePaletteIndex {
                    x: 8,
                    y: 16,
                    index,
                    palette_size,
                },
            } if index == bad && palette_size == n
        );
    }
}

#[test]
fn zrle_palette_rle_index_past_palette() {
    for (n, bad) in [(2u8, 2u8), (2, 127), (100, 100), (127, 127)] {
        for run in [false, true] {
            let mut data = vec![128 + n];
            data.extend(palette(n.into()));
            data.extend([0x80, 3]); // four pixels of colour 0
            if run {
                data.extend([0x80 | bad, 0]);
            } else {
                data.push(bad);
            }
            assert_fails!(
                Config::default(),
                &zrle(&data),
                Error::Protocol {
                    step: Step::FramebufferUpdate,
                    error: ProtocolError::ZrlePaletteIndex {
                        x: 8,
                        y: 16,
                        index,
                        palette_size,
                    },
                } if index == bad && palette_size == n
            );
        }
    }
}

#[test]
fn zrle_plain_rle_run_past_tile() {
    let c = cpx([1, 2, 3]);
    // (run bytes after 10 pixels, expected run, pixels left)
    for (run_bytes, run, left) in [
        (vec![54u8], 55, 54),
        (vec![255], 256, 54),
        (vec![255, 255, 255], 256, 54),
    ] {
        let mut data = vec![128];
        data.extend(&c);
        data.push(9); // ten pixels
        data.extend(&c);
        data.extend(&run_bytes);
        assert_fails!(
            Config::default(),
            &zrle(&data),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::ZrleRunTooLong {
                    x: 8,
                    y: 16,
                    run: r,
                    left: l,
                },
            } if r == run && l == left
        );
    }
    // A run that exactly fills the tile is fine.
    let mut data = vec![128];
    data.extend(&c);
    data.push(63);
    let run = play_all(&Config::default(), &zrle(&data));
    assert!(run.error.is_none(), "{:?}", run.error);
}

#[test]
fn zrle_palette_rle_run_past_tile() {
    for (run_bytes, run, left) in [(vec![64u8], 65, 64), (vec![255, 0], 256, 64)] {
        let mut data = vec![130];
        data.extend(palette(2));
        data.push(0x81);
        data.extend(&run_bytes);
        assert_fails!(
            Config::default(),
            &zrle(&data),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::ZrleRunTooLong {
                    x: 8,
                    y: 16,
                    run: r,
                    left: l,
                },
            } if r == run && l == left
        );
    }
    // In the second tile of a 72x8 rectangle (tiles 64x8 and 8x8): one pixel, then a run of
    // the 63 left is right, and a run of 64 is one too many.
    let rect = Rect::new(ZW - 72, ZH - 8, 72, 8);
    let mut data = vec![1];
    data.extend(cpx([9, 9, 9]));
    data.push(130);
    data.extend(palette(2));
    data.extend([0x00, 0x81, 62]);
    let run = play_all(&Config::default(), &zrle_at(rect, &data));
    assert!(run.error.is_none(), "{:?}", run.error);
    let mut data = vec![1];
    data.extend(cpx([9, 9, 9]));
    data.push(130);
    data.extend(palette(2));
    data.extend([0x00, 0x81, 63]);
    assert_fails!(
        Config::default(),
        &zrle_at(rect, &data),
        Error::Protocol {
            error: ProtocolError::ZrleRunTooLong {
                x: 120,
                y: 72,
                run: 64,
                left: 63,
            },
            ..
        }
    );
}

#[test]
fn zrle_undefined_subencodings() {
    for sub in (17..=127).chain([129]) {
        // Followed by enough bytes that a decoder guessing a meaning would find data.
        let mut data = vec![sub];
        data.extend(palette(64));
        assert_fails!(
            Config::default(),
            &zrle(&data),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::ZrleBadSubencoding {
                    x: 8,
                    y: 16,
                    subencoding,
                },
            } if subencoding == sub
        );
    }
}

#[test]
fn zrle_data_inflating_past_the_rectangle() {
    // A complete tile followed by bytes no tile asks for.
    let mut data = vec![1];
    data.extend(cpx([1, 2, 3]));
    data.push(0);
    assert_fails!(
        Config::default(),
        &zrle(&data),
        Error::Protocol {
            step: Step::FramebufferUpdate,
            error: ProtocolError::ZlibOverflow {
                encoding: "ZRLE",
                rect: ZRECT,
            },
        }
    );
    // Far more than the worst case of the rectangle: stopped while inflating, without
    // inflating it all.
    let rect = Rect::new(0, 0, 1, 1);
    let bytes = zrle_at(rect, &vec![0u8; 256 << 10]);
    let (_, largest) = largest_allocation(|| {
        assert_fails!(
            Config::default(),
            &bytes,
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::ZlibOverflow {
                    encoding: "ZRLE",
                    rect: r,
                },
            } if r == rect
        )
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    // An empty rectangle needs no data at all.
    assert_fails!(
        Config::default(),
        &zrle_at(Rect::new(0, 0, 0, 8), &[1]),
        Error::Protocol {
            error: ProtocolError::ZlibOverflow { .. },
            ..
        }
    );
}

#[test]
fn zrle_truncated_tile_data() {
    let c = cpx([1, 2, 3]);
    let mut raw_short = vec![0];
    raw_short.extend(c.repeat(63));
    let mut rle_short = vec![128];
    rle_short.extend(&c);
    rle_short.push(62);
    let mut palette_rle_short = vec![130];
    palette_rle_short.extend(palette(2));
    palette_rle_short.push(0x81);
    let mut packed_short = vec![2];
    packed_short.extend(palette(2));
    packed_short.extend([0; 7]);
    let cases: Vec<(Rect, Vec<u8>)> = vec![
        (ZRECT, vec![]),
        (ZRECT, vec![1]),
        (ZRECT, vec![1, c[0]]),
        (ZRECT, raw_short),
        (ZRECT, rle_short),
        (ZRECT, palette_rle_short),
        (ZRECT, packed_short),
        (ZRECT, vec![5]),
        // Two tiles, only the first sent.
        (Rect::new(ZW - 65, 0, 65, 1), [&[1u8][..], &c].concat()),
    ];
    for (rect, data) in cases {
        assert_fails!(
            Config::default(),
            &zrle_at(rect, &data),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::ZrleTruncated { rect: r },
            } if r == rect
        );
    }
}

#[test]
fn zrle_corrupt_zlib() {
    let cases: Vec<Vec<u8>> = vec![
        // Not a zlib header.
        vec![0xFF; 16],
        // A valid header (78 9C), then a reserved block type (BTYPE 11).
        vec![0x78, 0x9C, 0x07, 0, 0, 0, 0],
        // A stored block whose length and its complement disagree.
        vec![0x78, 0x9C, 0x00, 0x05, 0x00, 0x00, 0x00],
    ];
    for data in cases {
        let mut rect = rect_header(ZRECT, 16);
        rect.extend_from_slice(&(data.len() as u32).to_be_bytes());
        rect.extend_from_slice(&data);
        assert_fails!(
            Config::default(),
            &zrle_update(&rect),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::Zlib {
                    encoding: "ZRLE",
                    ..
                },
            }
        );
    }
}

#[test]
fn zrle_data_after_the_end_of_the_zlib_stream() {
    use flate2::{Compress, Compression, FlushCompress};
    // A server that finishes its zlib stream after one rectangle and goes on writing.
    let mut tile = vec![1];
    tile.extend(cpx([1, 2, 3]));
    let mut z = Compress::new(Compression::default(), true);
    let mut data = Vec::with_capacity(256);
    z.compress_vec(&tile, &mut data, FlushCompress::Finish)
        .unwrap();
    let mut rect = rect_header(ZRECT, 16);
    rect.extend_from_slice(&(data.len() as u32).to_be_bytes());
    rect.extend_from_slice(&data);
    let second = ZrleEncoder::default().rect_from_tile_data(ZRECT, &tile);
    let bytes = connected_with(ZW, ZH)
        .update(&[rect.clone()])
        .update(&[second]);
    assert_fails!(
        Config::default(),
        bytes.bytes(),
        Error::Protocol {
            error: ProtocolError::Zlib {
                encoding: "ZRLE",
                ..
            },
            ..
        }
    );
    // The first rectangle alone is fine.
    let run = play_all(&Config::default(), &zrle_update(&rect));
    assert!(run.error.is_none(), "{:?}", run.error);
}

#[test]
fn zrle_huge_length_field_waits_without_allocating() {
    let mut bytes = zrle_update(&rect_header(ZRECT, 16));
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    let (run, largest) = largest_allocation(|| play_all(&Config::default(), &bytes));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn rectangles_per_update_are_bounded() {
    let mut config = Config::default();
    config.limits.max_rects_per_update = 10;
    let copy = || Script::copy_rect(Rect::new(0, 0, 1, 1), 1, 1);
    // Ten rectangles, counted or ended by LastRect (which counts too), are fine...
    let ten = connected().update(&vec![copy(); 10]);
    let mut nine_and_last = vec![copy(); 9];
    nine_and_last.push(Script::pseudo_rect(Rect::default(), -224));
    let lastrect = connected().update_with_count(0xFFFF, &nine_and_last);
    for s in [ten, lastrect] {
        let run = play_all(&config, s.bytes());
        assert!(run.error.is_none(), "{:?}", run.error);
        assert!(run.events.contains(&Event::FramebufferUpdateEnd));
    }
    // ...the eleventh is an error, whatever the count field said.
    let many = connected().update_with_count(0xFFFF, &vec![copy(); 11]);
    let run = play_all(&config, many.bytes());
    assert!(
        matches!(
            run.error,
            Some(Error::LimitExceeded {
                step: Step::FramebufferUpdate,
                value: 11,
                limit: 10,
                ..
            })
        ),
        "{:?}",
        run.error
    );
}

// ----- length fields near 2^32 -----

#[test]
fn cut_text_above_the_limit_is_skipped() {
    let mut config = Config::default();
    config.limits.max_cut_text = 16;
    let bytes = connected()
        .cut_text(b"short")
        // Over the limit, and full of bytes that would be messages if they were parsed.
        .cut_text(&[2u8; 100])
        .bell()
        .cut_text(&[b'x'; 16])
        .bytes()
        .to_vec();
    let run = play_all(&config, &bytes);
    assert!(run.error.is_none(), "{:?}", run.error);
    let after_init: Vec<&Event> = run
        .events
        .iter()
        .skip_while(|e| !matches!(e, Event::Initialized { .. }))
        .skip(1)
        .collect();
    assert_eq!(
        after_init,
        [
            &Event::ServerCutText("short".into()),
            &Event::Bell,
            &Event::ServerCutText("x".repeat(16)),
        ]
    );
}

#[test]
fn cut_text_of_4_gib_allocates_nothing() {
    let header = connected().raw(&[3, 0, 0, 0]).raw(&u32::MAX.to_be_bytes());
    let (run, largest) = largest_allocation(|| play_all(&Config::default(), header.bytes()));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");

    // The text keeps being dropped as it arrives: bells inside it are not bells.
    let mut s = Session::new(Config::default(), std::time::Instant::now());
    let ((), largest) = largest_allocation(|| {
        s.feed(header.bytes()).unwrap();
        for _ in 0..64 {
            s.feed(&[2u8; 64 << 10]).unwrap();
        }
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    assert!(!std::iter::from_fn(|| s.poll_event()).any(|e| e == Event::Bell));
    assert!(!s.is_closed());
}

fn assert_reason_too_long(bytes: &[u8], step: Step) {
    let (e, largest) = largest_allocation(|| error_of(&Config::default(), bytes));
    assert!(
        matches!(
            e,
            Error::LimitExceeded {
                step: s,
                what: "a failure reason length",
                value: 0xFFFF_FFFF,
                limit: 65536,
            } if s == step
        ),
        "{e:?}"
    );
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn failure_reasons_of_4_gib() {
    let len = u32::MAX.to_be_bytes();
    // RFB 3.8 SecurityResult failed, then the reason.
    let s = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(1)
        .raw(&len);
    assert_reason_too_long(s.bytes(), Step::Authentication);
    // RFB 3.7 and 3.8: no security types, then the reason.
    for v in ["RFB 003.007\n", "RFB 003.008\n"] {
        let s = Script::new().version(v).raw(&[0]).raw(&len);
        assert_reason_too_long(s.bytes(), Step::Security);
    }
    // RFB 3.3: security type 0, then the reason.
    let s = Script::new()
        .version("RFB 003.003\n")
        .security_type_33(0)
        .raw(&len);
    assert_reason_too_long(s.bytes(), Step::Security);
}

#[test]
fn desktop_names_of_4_gib() {
    let len = u32::MAX.to_be_bytes();
    let server_init = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .raw(&W.to_be_bytes())
        .raw(&H.to_be_bytes())
        .raw(&PF.to_bytes())
        .raw(&len)
        .bytes()
        .to_vec();
    let mut pseudo = one_rect(&rect_header(Rect::new(0, 0, 0, 0), -307));
    pseudo.extend_from_slice(&len);
    for (bytes, step) in [
        (&server_init, Step::Initialization),
        (&pseudo, Step::FramebufferUpdate),
    ] {
        let (e, largest) = largest_allocation(|| error_of(&Config::default(), bytes));
        assert!(
            matches!(
                e,
                Error::LimitExceeded {
                    step: s,
                    what: "a desktop name length",
                    value: 0xFFFF_FFFF,
                    limit: 65536,
                } if s == step
            ),
            "{e:?}"
        );
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
}

// ----- colour maps -----

#[test]
fn colour_map_in_true_colour() {
    // The header alone is enough.
    let bytes = connected().raw(&[1, 0, 0, 0, 0, 1]);
    assert_fails!(
        Config::default(),
        bytes.bytes(),
        Error::Protocol {
            step: Step::ServerMessage,
            error: ProtocolError::ColourMapInTrueColour,
        }
    );
}

fn colour_map_session() -> (Config, Script) {
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::ServerNative;
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(W, H, &COLOUR_MAP, "colour map");
    (config, script)
}

#[test]
fn colour_map_past_256_entries() {
    let (config, script) = colour_map_session();
    // A full map is fine.
    let run = play_all(
        &config,
        script.clone().colour_map(0, &[[0; 3]; 256]).bytes(),
    );
    assert!(run.error.is_none(), "{:?}", run.error);
    let run = play_all(
        &config,
        script.clone().colour_map(255, &[[0; 3]; 1]).bytes(),
    );
    assert!(run.error.is_none(), "{:?}", run.error);
    for (first, n) in [(0u16, 257u16), (250, 7), (256, 1), (65535, 65535)] {
        // The header alone is enough.
        let bytes = script
            .clone()
            .raw(&[1, 0])
            .raw(&first.to_be_bytes())
            .raw(&n.to_be_bytes());
        assert_fails!(
            config,
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::ColourMapOutOfRange { first: f, end },
            } if f == first && end == u32::from(first) + u32::from(n)
        );
    }
}

// ----- framebuffer sizes -----

#[test]
fn bad_framebuffer_sizes_in_server_init() {
    let init = |w: u16, h: u16| {
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(w, h, &PF, "size")
    };
    for (w, h) in [(0, 48), (64, 0), (0, 0)] {
        assert_fails!(
            Config::default(),
            init(w, h).bytes(),
            Error::Protocol {
                step: Step::Initialization,
                error: ProtocolError::InvalidFramebufferSize { width, height },
            } if width == w && height == h
        );
    }
    let (_, largest) = largest_allocation(|| {
        assert_fails!(
            Config::default(),
            init(65535, 65535).bytes(),
            Error::LimitExceeded {
                step: Step::Initialization,
                what: "a framebuffer width",
                value: 65535,
                ..
            }
        )
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn bad_framebuffer_sizes_in_desktop_size() {
    let resize = |w: u16, h: u16| one_rect(&Script::pseudo_rect(Rect::new(0, 0, w, h), -223));
    for (w, h) in [(0, 48), (64, 0), (0, 0)] {
        assert_fails!(
            Config::default(),
            &resize(w, h),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::InvalidFramebufferSize { width, height },
            } if width == w && height == h
        );
    }
    let (_, largest) = largest_allocation(|| {
        assert_fails!(
            Config::default(),
            &resize(65535, 65535),
            Error::LimitExceeded {
                step: Step::FramebufferUpdate,
                what: "a framebuffer width",
                value: 65535,
                ..
            }
        )
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

// ----- pixel formats -----

#[test]
fn invalid_pixel_formats_in_server_init() {
    let bad = [
        PixelFormat {
            bits_per_pixel: 24,
            ..PF
        },
        PixelFormat {
            bits_per_pixel: 0,
            ..PF
        },
        PixelFormat { red_max: 0, ..PF },
        PixelFormat { green_max: 0, ..PF },
        PixelFormat { blue_max: 0, ..PF },
        PixelFormat {
            red_shift: 32,
            ..PF
        },
        PixelFormat {
            blue_shift: 255,
            ..PF
        },
        PixelFormat {
            green_shift: 16,
            ..PixelFormat::RGB565
        },
        PixelFormat {
            red_shift: 8,
            ..PixelFormat::BGR233
        },
        PixelFormat {
            bits_per_pixel: 16,
            ..COLOUR_MAP
        },
    ];
    for pf in bad {
        let bytes = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(W, H, &pf, "bad format");
        // Decoding in the server's own format needs it to be valid.
        let mut config = Config::default();
        config.pixel_format = PixelFormatRequest::ServerNative;
        assert_fails!(
            config,
            bytes.bytes(),
            Error::Protocol {
                step: Step::Initialization,
                error: ProtocolError::InvalidPixelFormat(_),
            }
        );
        // Asking for RGB888 instead: the server's format is never used, so it does not matter,
        // and rectangles arrive in the format we asked for.
        let img = vnc_core::testing::Image::pattern(W, H);
        let update = bytes.clone().update(&[Script::raw_rect(
            &PixelFormat::RGB888,
            &img,
            Rect::new(0, 0, W, H),
        )]);
        for c in Chunking::ALL {
            let run = play(Config::default(), update.bytes(), c);
            assert!(run.error.is_none(), "{pf:?}: {:?}", run.error);
            assert_eq!(run.framebuffer.to_rgba(), img.to_rgba());
        }
    }
}

// ----- unknown messages and encodings -----

#[test]
fn unknown_server_message_types() {
    for t in [4u8, 5, 127, 150, 248, 255] {
        let bytes = connected().raw(&[t]);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::UnknownMessageType(u),
            } if u == t
        );
    }
}

#[test]
fn unknown_encodings() {
    let rect = Rect::new(0, 0, 8, 8);
    for enc in [
        3,
        4,
        6,
        7,
        15,
        21,
        -1,
        -225,
        -240,
        -260,
        0x574D_5669,
        i32::MIN,
    ] {
        assert_fails!(
            Config::default(),
            &one_rect(&rect_header(rect, enc)),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::UnsupportedEncoding { encoding, rect: r },
            } if encoding == enc && r == rect
        );
    }
    // Unknown encodings are reported as such even when the rectangle is also out of bounds.
    assert_fails!(
        Config::default(),
        &one_rect(&rect_header(Rect::new(65535, 65535, 9, 9), 7)),
        Error::Protocol {
            error: ProtocolError::UnsupportedEncoding { encoding: 7, .. },
            ..
        }
    );
}

// ----- handshake -----

#[test]
fn bad_version_strings() {
    for v in [
        &b"SSH-2.0-Open"[..],
        b"HTTP/1.1 400",
        b"RFB 003.008 ",
        b"RFB 003,008\n",
        b"RFB 0x3.008\n",
        b"rfb 003.008\n",
        &[0; 12],
        &[0xFF; 12],
    ] {
        assert_fails!(Config::default(), v, Error::NotRfb { .. });
    }
}

#[test]
fn unsupported_versions() {
    for (v, maj, min) in [
        ("RFB 003.002\n", 3, 2),
        ("RFB 002.000\n", 2, 0),
        ("RFB 000.000\n", 0, 0),
        ("RFB 006.000\n", 6, 0),
        ("RFB 999.999\n", 999, 999),
    ] {
        assert_fails!(
            Config::default(),
            v.as_bytes(),
            Error::UnsupportedVersion { major, minor } if major == maj && minor == min
        );
    }
}

#[test]
fn no_common_security_type() {
    for v in ["RFB 003.007\n", "RFB 003.008\n"] {
        let bytes = Script::new().version(v).security_types(&[16, 30, 255]);
        let e = assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::NoCommonSecurityType { .. }
        );
        let Error::NoCommonSecurityType { offered, accepted } = e else {
            unreachable!()
        };
        assert_eq!(offered, [16, 30, 255]);
        assert_eq!(accepted, SecurityType::default_preference());
    }
    // The server offers VNC authentication only, the client accepts None only.
    let mut config = Config::default();
    config.security_types = vec![SecurityType::None];
    let bytes = Script::new().version("RFB 003.008\n").security_types(&[2]);
    assert_fails!(config, bytes.bytes(), Error::NoCommonSecurityType { .. });
    // RFB 3.3: the server's choice is a known type the client does not accept.
    let bytes = Script::new().version("RFB 003.003\n").security_type_33(2);
    assert_fails!(config, bytes.bytes(), Error::NoCommonSecurityType { .. });
}

#[test]
fn rfb_33_server_choosing_unknown_security_type() {
    for t in [3, 5, 16, 19, 256 + 1, u32::MAX] {
        let bytes = Script::new().version("RFB 003.003\n").security_type_33(t);
        assert_fails!(
            Config::default(),
            bytes.bytes(),
            Error::Protocol {
                step: Step::Security,
                error: ProtocolError::UnsupportedSecurityType(u),
            } if u == t
        );
    }
}

// ----- cursor -----

#[test]
fn cursor_above_the_size_limit() {
    let mut config = Config::default();
    config.limits.max_cursor_size = 32;
    for (w, h) in [(33, 1), (1, 33), (65535, 65535)] {
        // The header alone is enough.
        let bytes = one_rect(&rect_header(Rect::new(0, 0, w, h), -239));
        assert_fails!(
            config,
            &bytes,
            Error::LimitExceeded {
                step: Step::FramebufferUpdate,
                what: "a cursor dimension",
                value,
                limit: 32,
            } if value == u64::from(w.max(h))
        );
    }
    // With the default limits too.
    let bytes = one_rect(&rect_header(Rect::new(0, 0, 1025, 1), -239));
    assert_fails!(
        Config::default(),
        &bytes,
        Error::LimitExceeded {
            what: "a cursor dimension",
            value: 1025,
            limit: 1024,
            ..
        }
    );
}

// ----- after an error -----

#[test]
fn every_feed_after_an_error_is_closed() {
    let cases: Vec<Vec<u8>> = vec![
        b"SSH-2.0-OpenSSH\r\n".to_vec(),
        Script::new()
            .version("RFB 003.003\n")
            .security_type_33(99)
            .bytes()
            .to_vec(),
        one_rect(&rect_header(Rect::new(60, 0, 5, 1), 0)),
        connected().raw(&[200]).bytes().to_vec(),
        zrle(&[200]),
    ];
    for bytes in cases {
        let mut s = Session::new(Config::default(), std::time::Instant::now());
        let e = s.feed(&bytes).unwrap_err();
        assert!(!matches!(e, Error::Closed), "{e:?}");
        assert!(s.is_closed());
        let _ = s.take_output();
        let more: [&[u8]; 5] = [&bytes, &[], &[0], &[2], b"RFB 003.008\n"];
        for more in more {
            assert!(matches!(s.feed(more), Err(Error::Closed)), "{e:?}");
        }
        assert!(matches!(s.feed_eof(), Err(Error::Closed)));
        assert!(matches!(s.feed(&[2]), Err(Error::Closed)));
        assert!(std::iter::from_fn(|| s.poll_event()).all(|e| e != Event::Bell));
    }
}

// ----- garbage -----

/// xorshift64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A rectangle inside the framebuffer, often empty or on the right or bottom edge.
fn random_rect(rng: &mut Rng, max_w: u16, max_h: u16) -> Rect {
    let mut side = |max: u16, fb: u16| {
        let len = if rng.chance(10) {
            0
        } else {
            rng.range(1, max.into()) as u16
        };
        let pos = if rng.chance(25) {
            fb - len
        } else {
            rng.range(0, (fb - len).into()) as u16
        };
        (pos, len)
    };
    let (x, w) = side(max_w, W);
    let (y, h) = side(max_h, H);
    Rect::new(x, y, w, h)
}

/// One valid rectangle of `img` (header included) in a random encoding.
fn random_rect_bytes(rng: &mut Rng, img: &Image, z: &mut ZrleEncoder) -> Vec<u8> {
    let r = random_rect(rng, 24, 20);
    match rng.below(12) {
        0 => Script::raw_rect(&PF, img, r),
        1 => {
            let sx = rng.range(0, (W - r.width).into()) as u16;
            let sy = rng.range(0, (H - r.height).into()) as u16;
            Script::copy_rect(r, sx, sy)
        }
        2 => Script::rre_rect(&PF, img, r),
        3 | 4 => Script::hextile_rect(&PF, img, r),
        5 => z.rect(&PF, img, r, ZrleTile::Raw),
        6 => z.rect(&PF, img, r, ZrleTile::PackedPalette),
        7 => z.rect(&PF, img, r, ZrleTile::PlainRle),
        8 => z.rect(&PF, img, r, ZrleTile::PaletteRle),
        9 => {
            // A small cursor: pixels and mask.
            let (w, h) = (rng.range(0, 8) as u16, rng.range(0, 8) as u16);
            let mut v = rect_header(Rect::new(rng.range(0, 8) as u16, 0, w, h), -239);
            v.extend(rng.bytes(usize::from(w) * usize::from(h) * 4));
            v.extend(rng.bytes(usize::from(w).div_ceil(8) * usize::from(h)));
            v
        }
        10 => {
            let mut v = rect_header(Rect::default(), -307);
            let n = rng.range(0, 12);
            v.extend((n as u32).to_be_bytes());
            v.extend(rng.bytes(n));
            v
        }
        _ => Script::pseudo_rect(Rect::new(0, 0, W, H), -223),
    }
}

/// A few valid messages after initialisation.
fn random_messages(rng: &mut Rng) -> Vec<u8> {
    let img = if rng.chance(50) {
        Image::pattern(W, H)
    } else {
        Image::solid(W, H, [rng.byte(), rng.byte(), rng.byte()])
    };
    let mut z = ZrleEncoder::default();
    let mut s = Script::new();
    for _ in 0..rng.range(1, 3) {
        s = match rng.below(10) {
            0 => s.bell(),
            1 => {
                let n = rng.range(0, 40);
                s.cut_text(&rng.bytes(n))
            }
            2 => {
                let rects: Vec<Vec<u8>> = (0..rng.range(1, 3))
                    .map(|_| random_rect_bytes(rng, &img, &mut z))
                    .collect();
                // Announce more rectangles than sent, ended by LastRect.
                let mut rects = rects;
                let n = rects.len() as u16 + 5;
                rects.push(Script::pseudo_rect(Rect::default(), -224));
                s.update_with_count(n, &rects)
            }
            _ => {
                let rects: Vec<Vec<u8>> = (0..rng.range(0, 3))
                    .map(|_| random_rect_bytes(rng, &img, &mut z))
                    .collect();
                s.update(&rects)
            }
        };
    }
    s.bytes().to_vec()
}

fn mutate(rng: &mut Rng, v: &mut Vec<u8>) {
    for _ in 0..rng.range(1, 4) {
        let len = v.len();
        if len == 0 {
            v.extend(rng.bytes(4));
            continue;
        }
        let at = rng.below(len);
        match rng.below(7) {
            // Flip bits.
            0 | 1 => v[at] ^= 1 << rng.below(8),
            // Set a byte to an interesting value.
            2 => v[at] = [0, 1, 0x7F, 0x80, 0xFF][rng.below(5)],
            // Insert random bytes.
            3 => {
                let n = rng.range(1, 8);
                let bytes = rng.bytes(n);
                v.splice(at..at, bytes);
            }
            // Delete a few bytes.
            4 => {
                let n = rng.range(1, 8).min(len - at);
                v.drain(at..at + n);
            }
            // Duplicate a slice.
            5 => {
                let n = rng.range(1, 32).min(len - at);
                let dup = v[at..at + n].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, dup);
            }
            // Truncate.
            _ => v.truncate(at),
        }
    }
}

fn garbage_config() -> Config {
    let mut config = Config::default();
    let limits = &mut config.limits;
    limits.max_width = 256;
    limits.max_height = 256;
    limits.max_framebuffer_bytes = 256 * 256 * 4;
    limits.max_cut_text = 32;
    limits.max_name = 64;
    limits.max_reason = 64;
    limits.max_cursor_size = 16;
    limits.max_rects_per_update = 100;
    // TLS handshakes start with random bytes, so the client's output would differ from
    // run to run; VeNCrypt negotiation without TLS (Plain, and None and VncAuth inside
    // VeNCrypt) is still reached.
    config.security_types = vec![
        SecurityType::VncAuth,
        SecurityType::Plain,
        SecurityType::None,
    ];
    config
}

#[test]
fn garbage_never_panics_and_is_split_independent() {
    const STREAMS: u64 = 3000;
    let config = garbage_config();
    let threaded = Threading::InflateThread { min_input: 0 };
    let inline = Threading::SingleThreaded;
    let handshake = connected().bytes().to_vec();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut errors, mut clean) = (0, 0);
    for i in 0..STREAMS {
        let stream = match rng.below(10) {
            // Fully random (sometimes behind a valid version string).
            0 | 1 => {
                let mut v = if rng.chance(50) {
                    b"RFB 003.008\n".to_vec()
                } else {
                    Vec::new()
                };
                let n = rng.range(0, 64);
                v.extend(rng.bytes(n));
                v
            }
            // Random bytes after the handshake.
            2 | 3 => {
                let n = rng.range(0, 256);
                [&handshake[..], &rng.bytes(n)].concat()
            }
            // Valid messages: must be accepted.
            4 => [&handshake[..], &random_messages(&mut rng)].concat(),
            // Mutated messages.
            _ => {
                let mut m = random_messages(&mut rng);
                mutate(&mut rng, &mut m);
                [&handshake[..], &m].concat()
            }
        };
        let chunkings = [
            Chunking::Whole,
            Chunking::OneByte,
            Chunking::Random(i),
            Chunking::Random(rng.next()),
        ];
        // ZRLE inflated on the helper thread (the default here) and inline must agree too.
        let modes = chunkings
            .iter()
            .map(|&c| (c, threaded))
            .chain([(Chunking::Whole, inline), (Chunking::OneByte, inline)]);
        let runs: Vec<(String, Run)> = modes
            .map(|(c, threading)| {
                let name = format!("{c:?}, {threading:?}");
                let session = || Session::with_threading(config.clone(), threading, Instant::now());
                // Name the stream that panicked, so it can be replayed.
                let run = std::panic::catch_unwind(|| play_with(session(), &stream, c))
                    .unwrap_or_else(|_| panic!("stream {i} panicked with {name}: {stream:02x?}"));
                (name, run)
            })
            .collect();
        let whole = &runs[0].1;
        for (c, r) in runs.iter().skip(1) {
            let ctx = || {
                format!(
                    "stream {i} ({} bytes) with {c}: {stream:02x?}",
                    stream.len()
                )
            };
            assert_eq!(outcome(&r.error), outcome(&whole.error), "{}", ctx());
            assert_eq!(r.events, whole.events, "{}", ctx());
            assert_eq!(r.output, whole.output, "{}", ctx());
            // After an error the framebuffer is unspecified: ZRLE draws each tile as soon as
            // its bytes are inflated, so how much of a corrupt rectangle was drawn before the
            // corruption was found depends on the chunking. Completed streams must agree.
            assert!(
                whole.error.is_some() || r.framebuffer.data() == whole.framebuffer.data(),
                "framebuffer differs: {}",
                ctx()
            );
        }
        match &whole.error {
            Some(_) => errors += 1,
            None => clean += 1,
        }
    }
    // The generator must reach both outcomes often, or the test tests little.
    assert!(
        errors > STREAMS / 4 && clean > STREAMS / 8,
        "{errors} errors, {clean} clean"
    );
}

#[test]
fn valid_random_messages_are_accepted() {
    // The garbage generator's unmutated messages are valid: a check on the generator itself.
    let config = garbage_config();
    let handshake = connected().bytes().to_vec();
    let mut rng = Rng(12345);
    for i in 0..200 {
        let stream = [&handshake[..], &random_messages(&mut rng)].concat();
        let run = play(config.clone(), &stream, Chunking::Whole);
        assert!(run.error.is_none(), "stream {i}: {:?}", run.error);
    }
}
