//! ZRLE: palette indexes and runs out of range, undefined sub-encodings, and zlib data that is
//! too long, too short, corrupt or absurdly announced.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{
    ZH, ZRECT, ZW, assert_fails, connected_with, cpx, zrle, zrle_at, zrle_update,
};
use vnc_core::testing::{ZrleEncoder, play_all, rect_header};
use vnc_core::{Config, Error, ProtocolError, Rect, Step};

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
