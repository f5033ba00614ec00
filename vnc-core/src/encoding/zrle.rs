//! ZRLE encoding (RFC 6143 §7.7.6): a zlib stream for the whole connection carrying 64x64
//! tiles, each raw, solid, packed-palette, plain RLE or palette RLE, in compact pixels.
//! Compressed bytes are inflated as they arrive; tiles are decoded once the rectangle's data is
//! complete, straight into the framebuffer.

use crate::error::ProtocolError;
use crate::framebuffer::{Framebuffer, Rect, fill};
use crate::pixel_format::{Bgra, Converter};
use crate::reader::Reader;

use super::inflate::{InflateError, Inflater};

const TILE: u16 = 64;

pub(crate) struct Zrle {
    rect: Rect,
    /// Compressed bytes still to come; `None` before the length field.
    left: Option<u32>,
}

/// The most decompressed data a rectangle can need: per tile a sub-encoding byte and a
/// 127-colour palette, per pixel a compact pixel and one run byte (the worst case of RLE).
fn max_data(rect: Rect, cpp: usize) -> usize {
    let tiles = usize::from(rect.width).div_ceil(64) * usize::from(rect.height).div_ceil(64);
    tiles * (1 + 127 * cpp) + rect.area() * (cpp + 1)
}

impl Zrle {
    pub(crate) fn new(rect: Rect) -> Zrle {
        Zrle { rect, left: None }
    }

    pub(crate) fn decode(
        &mut self,
        r: &mut Reader,
        z: &mut Inflater,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        let rect = self.rect;
        let left = match self.left {
            Some(n) => n,
            None => {
                let Some(n) = r.u32() else {
                    return Ok(false);
                };
                z.reset_output();
                n
            }
        };
        let data = r.take_up_to(left as usize);
        let left = left - data.len() as u32;
        self.left = Some(left);
        z.inflate(data, max_data(rect, conv.cpp()))
            .map_err(|e| match e {
                InflateError::Overflow => ProtocolError::ZlibOverflow {
                    encoding: "ZRLE",
                    rect,
                },
                InflateError::Corrupt(detail) => ProtocolError::Zlib {
                    encoding: "ZRLE",
                    detail,
                },
            })?;
        if left > 0 {
            return Ok(false);
        }
        decode_tiles(z.output(), rect, fb, conv)?;
        Ok(true)
    }
}

fn decode_tiles(
    data: &[u8],
    rect: Rect,
    fb: &mut Framebuffer,
    conv: &Converter,
) -> Result<(), ProtocolError> {
    let mut r = Reader::new(data);
    let truncated = || ProtocolError::ZrleTruncated { rect };
    for ty in (0..rect.height).step_by(TILE.into()) {
        for tx in (0..rect.width).step_by(TILE.into()) {
            let tile = Rect::new(
                rect.x + tx,
                rect.y + ty,
                (rect.width - tx).min(TILE),
                (rect.height - ty).min(TILE),
            );
            decode_tile(&mut r, tile, fb, conv)?.ok_or_else(truncated)?;
        }
    }
    if r.remaining() != 0 {
        return Err(ProtocolError::ZlibOverflow {
            encoding: "ZRLE",
            rect,
        });
    }
    Ok(())
}

/// Decodes one tile; `Ok(None)` if the data ends inside it.
fn decode_tile(
    r: &mut Reader,
    tile: Rect,
    fb: &mut Framebuffer,
    conv: &Converter,
) -> Result<Option<()>, ProtocolError> {
    let cpp = conv.cpp();
    let (tw, th) = (usize::from(tile.width), usize::from(tile.height));
    let Some(sub) = r.u8() else { return Ok(None) };
    match sub {
        0 => {
            let Some(src) = r.take(tw * th * cpp) else {
                return Ok(None);
            };
            for (row, line) in src.chunks_exact(tw * cpp).enumerate() {
                conv.convert_cpixel_row(line, fb.row_mut(tile.x, tile.y + row as u16, tile.width));
            }
        }
        1 => {
            let Some(p) = r.take(cpp) else {
                return Ok(None);
            };
            fb.fill_rect(tile, conv.cpixel(p));
        }
        2..=16 => {
            let n = usize::from(sub);
            let Some(palette) = read_palette(r, n, conv) else {
                return Ok(None);
            };
            let bits = match n {
                2 => 1,
                3..=4 => 2,
                _ => 4,
            };
            let row_bytes = (tw * bits).div_ceil(8);
            let Some(packed) = r.take(row_bytes * th) else {
                return Ok(None);
            };
            let mask = (1u8 << bits) - 1;
            let per_byte = 8 / bits;
            for (row, src) in packed.chunks_exact(row_bytes).enumerate() {
                let dst = fb.row_mut(tile.x, tile.y + row as u16, tile.width);
                for (i, d) in dst.chunks_exact_mut(4).enumerate() {
                    let shift = 8 - bits * (i % per_byte + 1);
                    let idx = (src[i / per_byte] >> shift) & mask;
                    let px = palette
                        .get(usize::from(idx))
                        .filter(|_| usize::from(idx) < n)
                        .ok_or(ProtocolError::ZrlePaletteIndex {
                            x: tile.x,
                            y: tile.y,
                            index: idx,
                            palette_size: sub,
                        })?;
                    d.copy_from_slice(px);
                }
            }
        }
        128 => {
            let total = tw * th;
            let mut pos = 0;
            while pos < total {
                let Some(p) = r.take(cpp) else {
                    return Ok(None);
                };
                let px = conv.cpixel(p);
                let Some(run) = run_length(r, tile, total - pos)? else {
                    return Ok(None);
                };
                fill_run(fb, tile, pos, run, px);
                pos += run;
            }
        }
        130..=255 => {
            let n = usize::from(sub - 128);
            let Some(palette) = read_palette(r, n, conv) else {
                return Ok(None);
            };
            let total = tw * th;
            let mut pos = 0;
            while pos < total {
                let Some(b) = r.u8() else { return Ok(None) };
                let idx = b & 0x7F;
                let px = *palette
                    .get(usize::from(idx))
                    .filter(|_| usize::from(idx) < n)
                    .ok_or(ProtocolError::ZrlePaletteIndex {
                        x: tile.x,
                        y: tile.y,
                        index: idx,
                        palette_size: sub - 128,
                    })?;
                let run = if b & 0x80 != 0 {
                    let Some(run) = run_length(r, tile, total - pos)? else {
                        return Ok(None);
                    };
                    run
                } else {
                    1
                };
                fill_run(fb, tile, pos, run, px);
                pos += run;
            }
        }
        _ => {
            return Err(ProtocolError::ZrleBadSubencoding {
                x: tile.x,
                y: tile.y,
                subencoding: sub,
            });
        }
    }
    Ok(Some(()))
}

fn read_palette(r: &mut Reader, n: usize, conv: &Converter) -> Option<[Bgra; 127]> {
    let src = r.take(n * conv.cpp())?;
    let mut palette = [[0u8; 4]; 127];
    for (p, s) in palette.iter_mut().zip(src.chunks_exact(conv.cpp())) {
        *p = conv.cpixel(s);
    }
    Some(palette)
}

/// Reads a run length (bytes of 255 continue it; the value is their sum plus one), failing as
/// soon as it passes the `left` pixels of the tile.
fn run_length(r: &mut Reader, tile: Rect, left: usize) -> Result<Option<usize>, ProtocolError> {
    let mut run = 1usize;
    loop {
        let Some(b) = r.u8() else { return Ok(None) };
        run += usize::from(b);
        if run > left {
            return Err(ProtocolError::ZrleRunTooLong {
                x: tile.x,
                y: tile.y,
                run,
                left,
            });
        }
        if b != 255 {
            return Ok(Some(run));
        }
    }
}

/// Paints `len` pixels of a tile from pixel index `pos` (row-major), wrapping across rows.
fn fill_run(fb: &mut Framebuffer, tile: Rect, pos: usize, len: usize, px: Bgra) {
    let tw = usize::from(tile.width);
    let (mut row, mut col) = (pos / tw, pos % tw);
    let mut left = len;
    while left > 0 {
        let n = left.min(tw - col);
        fill(
            fb.row_mut(tile.x + col as u16, tile.y + row as u16, n as u16),
            px,
        );
        left -= n;
        col = 0;
        row += 1;
    }
}
