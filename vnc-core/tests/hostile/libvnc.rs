//! CoRRE, Zlib, TRLE and ZlibHex: subrectangles outside their rectangle, bad sub-encodings,
//! palettes reused where there is none, runs past their tile, zlib data that inflates past its rectangle or tile
//! (bombs included), ends too early, is corrupt or is absurdly announced.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{ZH, ZRECT, ZW, assert_fails, connected_with, cpx, px};
use vnc_core::testing::{ZlibEncoder, ZlibHexEncoder, play_all, rect_header};
use vnc_core::{Config, Error, ProtocolError, Rect, Step};

/// One rectangle after a handshake (framebuffer `ZW` x `ZH`, as for ZRLE).
fn update(rect: &[u8]) -> Vec<u8> {
    connected_with(ZW, ZH)
        .update(&[rect.to_vec()])
        .bytes()
        .to_vec()
}

/// A rectangle of `encoding` at `ZRECT` whose data is `data`.
fn rect(encoding: i32, data: &[u8]) -> Vec<u8> {
    let mut v = rect_header(ZRECT, encoding);
    v.extend_from_slice(data);
    v
}

fn protocol(e: ProtocolError) -> Error {
    Error::Protocol {
        step: Step::FramebufferUpdate,
        error: e,
    }
}

/// Asserts that `bytes`, however split, fail with exactly `want` (a protocol error).
fn assert_error(bytes: &[u8], want: ProtocolError) {
    let got = crate::support::error_of(&Config::default(), bytes);
    assert_eq!(format!("{got:?}"), format!("{:?}", protocol(want)));
}

#[test]
fn corre_subrect_outside_its_rectangle() {
    // ZRECT is 8x8: subrectangles reaching column or row 8.
    for geom in [
        [5u8, 0, 4, 1],
        [0, 7, 1, 2],
        [8, 0, 1, 1],
        [0, 0, 255, 255],
        [7, 7, 1, 1],
    ] {
        let mut data = 1u32.to_be_bytes().to_vec();
        data.extend(px());
        data.extend(px());
        data.extend(geom);
        let bytes = update(&rect(4, &data));
        let sub = Rect::new(
            geom[0].into(),
            geom[1].into(),
            geom[2].into(),
            geom[3].into(),
        );
        if sub.fits_in(8, 8) {
            let run = play_all(&Config::default(), &bytes);
            assert!(run.error.is_none(), "{:?}", run.error);
            continue;
        }
        assert_error(
            &bytes,
            ProtocolError::SubrectOutOfBounds {
                encoding: "CoRRE",
                sub,
                outer: Rect::new(0, 0, 8, 8),
            },
        );
    }
}

#[test]
fn corre_more_subrects_than_pixels() {
    let mut data = 65u32.to_be_bytes().to_vec();
    data.extend(px());
    assert_error(
        &update(&rect(4, &data)),
        ProtocolError::TooManySubrects {
            rect: ZRECT,
            count: 65,
        },
    );
}

#[test]
fn zlib_data_inflating_past_the_rectangle() {
    // ZRECT needs 8 * 8 * 4 bytes: one more, and a bomb of 64 MiB of zeros.
    for len in [257, 64 << 20] {
        let mut enc = ZlibEncoder::default();
        let bytes = update(&enc.rect_from_data(ZRECT, &vec![0; len]));
        let (e, largest) =
            largest_allocation(|| crate::support::error_of(&Config::default(), &bytes));
        assert!(
            matches!(
                e,
                Error::Protocol {
                    error: ProtocolError::ZlibOverflow {
                        encoding: "Zlib",
                        rect
                    },
                    ..
                } if rect == ZRECT
            ),
            "{e:?}"
        );
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
}

#[test]
fn zlib_data_ending_before_the_rectangle() {
    for len in [0, 1, 255] {
        let mut enc = ZlibEncoder::default();
        assert_error(
            &update(&enc.rect_from_data(ZRECT, &vec![0; len])),
            ProtocolError::ZlibTruncated {
                encoding: "Zlib",
                rect: ZRECT,
            },
        );
    }
}

#[test]
fn zlib_corrupt_data() {
    for data in [vec![0xFF; 16], vec![0x78, 0x9C, 0x07, 0, 0, 0, 0]] {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend(&data);
        assert_fails!(
            Config::default(),
            &update(&rect(6, &v)),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::Zlib {
                    encoding: "Zlib",
                    ..
                },
            }
        );
    }
}

#[test]
fn zlib_huge_length_field_waits_without_allocating() {
    let mut bytes = update(&rect_header(ZRECT, 6));
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    bytes.extend_from_slice(&ZlibEncoder::default().compress(&[0; 100]));
    let (run, largest) = largest_allocation(|| play_all(&Config::default(), &bytes));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn trle_undefined_subencodings() {
    for sub in [17u8, 100, 126] {
        assert_error(
            &update(&rect(15, &[sub, 0, 0, 0, 0])),
            ProtocolError::ZrleBadSubencoding {
                x: ZRECT.x,
                y: ZRECT.y,
                subencoding: sub,
            },
        );
    }
}

#[test]
fn trle_palette_reuse_without_a_usable_palette() {
    // Two 16x1 tiles: the first leaves no palette (raw, plain RLE) or 17 colours, too many
    // for packed indexes; the second reuses it.
    let r = Rect::new(0, 0, 32, 1);
    let c = cpx([1, 2, 3]);
    let raw: Vec<u8> = [&[0u8][..], &c.repeat(16)].concat();
    let plain: Vec<u8> = [&[128u8][..], &c, &[15]].concat();
    let mut rle17 = vec![128 + 17];
    for i in 0..17u8 {
        rle17.extend(cpx([i, 0, 0]));
    }
    rle17.extend([0x80, 15]);
    for (first, second, size) in [
        (vec![], 127u8, 0u8),
        (vec![], 129, 0),
        (raw.clone(), 127, 0),
        (plain.clone(), 129, 0),
        (rle17, 127, 17),
    ] {
        let mut v = rect_header(r, 15);
        let first_tile = !first.is_empty();
        v.extend(first);
        v.extend([second, 0, 0]);
        let x = if first_tile { 16 } else { 0 };
        assert_error(
            &update(&v),
            ProtocolError::TrlePaletteReuse {
                x,
                y: 0,
                subencoding: second,
                palette_size: size,
            },
        );
    }
}

#[test]
fn trle_reused_palette_index_and_run_past_the_tile() {
    let r = Rect::new(0, 0, 32, 1);
    let mut packed3 = vec![3];
    for i in 0..3u8 {
        packed3.extend(cpx([i, 0, 0]));
    }
    packed3.extend([0; 4]);
    // Index 3 of a reused 3-colour palette.
    let mut v = rect_header(r, 15);
    v.extend(&packed3);
    v.extend([127, 0b1100_0000, 0, 0, 0]);
    assert_error(
        &update(&v),
        ProtocolError::ZrlePaletteIndex {
            x: 16,
            y: 0,
            index: 3,
            palette_size: 3,
        },
    );
    let mut v = rect_header(r, 15);
    v.extend(&packed3);
    v.extend([129, 0x83]);
    assert_error(
        &update(&v),
        ProtocolError::ZrlePaletteIndex {
            x: 16,
            y: 0,
            index: 3,
            palette_size: 3,
        },
    );
    // A run of 17 in a 16-pixel tile.
    let mut v = rect_header(r, 15);
    v.extend(&packed3);
    v.extend([129, 0x81, 16]);
    assert_error(
        &update(&v),
        ProtocolError::ZrleRunTooLong {
            x: 16,
            y: 0,
            run: 17,
            left: 16,
        },
    );
}

#[test]
fn trle_runs_past_the_tile() {
    // ZRECT is one 8x8 tile: after ten pixels, a plain run (128) or a palette run (130) of
    // more than the 54 pixels left, however many 255 bytes make it up.
    let c = cpx([1, 2, 3]);
    for (sub, run_bytes, run) in [
        (128u8, vec![54u8], 55),
        (128, vec![255, 255, 255, 0], 256),
        (130, vec![54], 55),
        (130, vec![255, 7], 256),
    ] {
        let mut data = vec![sub];
        let (first, second) = if sub == 128 {
            data.extend(&c);
            data.push(9);
            data.extend(&c);
            (vec![], vec![])
        } else {
            data.extend(cpx([4, 5, 6]));
            data.extend(&c);
            (vec![0x81, 9], vec![0x80])
        };
        data.extend(first);
        data.extend(second);
        data.extend(&run_bytes);
        assert_error(
            &update(&rect(15, &data)),
            ProtocolError::ZrleRunTooLong {
                x: ZRECT.x,
                y: ZRECT.y,
                run,
                left: 54,
            },
        );
    }
}

#[test]
fn trle_truncated_rectangle_waits() {
    // TRLE has no length: a tile cut short waits for more input, without error or drawing.
    let mut v = rect_header(ZRECT, 15);
    v.push(0);
    v.extend(cpx([1, 2, 3]).repeat(63));
    let run = play_all(&Config::default(), &update(&v));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(
        run.events
            .iter()
            .all(|e| !matches!(e, vnc_core::Event::FramebufferUpdated(_)))
    );
}

/// A ZlibHex rectangle at `ZRECT` (one 8x8 tile): `flags`, then `data` through the stream
/// chosen by `raw`.
fn zlibhex(flags: u8, raw: bool, data: &[u8]) -> Vec<u8> {
    let z = ZlibHexEncoder::default().compress(raw, data);
    let mut v = rect_header(ZRECT, 8);
    v.push(flags);
    v.extend((z.len() as u16).to_be_bytes());
    v.extend(z);
    v
}

#[test]
fn zlibhex_tiles_inflating_past_the_tile() {
    let overflow = ProtocolError::ZlibOverflow {
        encoding: "ZlibHex",
        rect: ZRECT,
    };
    // A raw tile of 8x8 pixels of 4 bytes, one byte more; and a bomb.
    assert_error(&update(&zlibhex(32, true, &[0; 257])), overflow.clone());
    assert_error(&update(&zlibhex(33, true, &[0; 60000])), overflow.clone());
    // A bomb as large as a 16-bit length allows: 16 MiB of zeros in about 16 KiB, for either
    // stream, allocating nothing large.
    for (flags, raw) in [(32u8, true), (64 | 2, false)] {
        let bytes = update(&zlibhex(flags, raw, &vec![0; 16 << 20]));
        assert!(bytes.len() < 65535);
        let (e, largest) =
            largest_allocation(|| crate::support::error_of(&Config::default(), &bytes));
        assert_eq!(
            format!("{e:?}"),
            format!("{:?}", protocol(overflow.clone()))
        );
        assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
    }
    // A background and then bytes that belong to no tile.
    let body = [px(), vec![7]].concat();
    assert_error(&update(&zlibhex(64 | 2, false, &body)), overflow.clone());
    assert_error(&update(&zlibhex(64 | 2, false, &[0; 60000])), overflow);
}

#[test]
fn zlibhex_tiles_ending_early() {
    let truncated = ProtocolError::ZlibTruncated {
        encoding: "ZlibHex",
        rect: ZRECT,
    };
    assert_error(&update(&zlibhex(32, true, &[0; 255])), truncated.clone());
    assert_error(&update(&zlibhex(32, true, &[])), truncated.clone());
    // Five subrectangles announced, two sent.
    let body = [px(), vec![5, 0x00, 0x00, 0x11, 0x00]].concat();
    assert_error(&update(&zlibhex(64 | 2 | 8, false, &body)), truncated);
}

#[test]
fn zlibhex_compressed_subrect_outside_its_tile() {
    let body = [px(), vec![1, 0x70, 0x10]].concat();
    assert_error(
        &update(&zlibhex(64 | 2 | 8, false, &body)),
        ProtocolError::SubrectOutOfBounds {
            encoding: "Hextile",
            sub: Rect::new(7, 0, 2, 1),
            outer: Rect::new(0, 0, 8, 8),
        },
    );
}

#[test]
fn zlibhex_corrupt_data() {
    for flags in [32u8, 64 | 2] {
        let data = [0xFFu8; 16];
        let mut v = rect_header(ZRECT, 8);
        v.push(flags);
        v.extend((data.len() as u16).to_be_bytes());
        v.extend(data);
        assert_fails!(
            Config::default(),
            &update(&v),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::Zlib {
                    encoding: "ZlibHex",
                    ..
                },
            }
        );
    }
}

#[test]
fn zlibhex_plain_raw_bit_without_zlib_raw_is_hextile_raw() {
    // Raw (1) with Zlib (64) but not ZlibRaw: the tile is plain Hextile raw.
    let mut v = rect_header(ZRECT, 8);
    v.push(65);
    v.extend(px().repeat(64));
    let run = play_all(&Config::default(), &update(&v));
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(
        run.framebuffer.pixel(ZRECT.x, ZRECT.y),
        Some([30, 20, 10, 255])
    );
}
