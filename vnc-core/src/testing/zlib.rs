//! The encoders that keep zlib streams as a server does per connection: ZRLE, Zlib and
//! ZlibHex, and the ZRLE tile writer that TRLE shares.

use flate2::{Compress, Compression, FlushCompress};

use super::*;
use crate::{PixelFormat, Rect};

/// How a ZRLE tile is encoded by [`ZrleEncoder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZrleTile {
    /// Sub-encoding 0: raw compact pixels.
    Raw,
    /// Packed palette (2 to 16 colours) when the tile has that few colours, else raw; solid
    /// (sub-encoding 1) for one colour.
    PackedPalette,
    /// Plain RLE (128).
    PlainRle,
    /// Palette RLE (130 to 255) when the tile has 2 to 127 colours, else plain RLE.
    PaletteRle,
}

/// A ZRLE encoder with one zlib stream, as a server keeps per connection.
pub struct ZrleEncoder {
    z: Compress,
}

impl Default for ZrleEncoder {
    fn default() -> Self {
        ZrleEncoder {
            z: Compress::new(Compression::default(), true),
        }
    }
}

impl ZrleEncoder {
    /// Encodes `rect` of `img` into a rectangle (header included), every tile with `mode`.
    pub fn rect(&mut self, pf: &PixelFormat, img: &Image, rect: Rect, mode: ZrleTile) -> Vec<u8> {
        let mut raw = Vec::new();
        for ty in (0..rect.height).step_by(64) {
            for tx in (0..rect.width).step_by(64) {
                let t = Rect::new(
                    rect.x + tx,
                    rect.y + ty,
                    (rect.width - tx).min(64),
                    (rect.height - ty).min(64),
                );
                zrle_tile(&mut raw, pf, &img.crop(t), t.width, mode);
            }
        }
        let data = self.compress(&raw);
        let mut out = rect_header(rect, 16);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Compresses `raw` (already-formed tile data) into the stream, with a sync flush as real
    /// servers do after each rectangle, and returns the rectangle (header included).
    pub fn rect_from_tile_data(&mut self, rect: Rect, raw: &[u8]) -> Vec<u8> {
        let data = self.compress(raw);
        let mut out = rect_header(rect, 16);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Compresses bytes into the stream with a sync flush.
    pub fn compress(&mut self, raw: &[u8]) -> Vec<u8> {
        compress_sync(&mut self.z, raw)
    }
}

/// Compresses `raw` into the stream `z` with a sync flush, as servers do after each rectangle.
pub(super) fn compress_sync(z: &mut Compress, raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 1024);
    let mut input = raw;
    loop {
        let before = z.total_in();
        z.compress_vec(input, &mut out, FlushCompress::Sync)
            .expect("compress");
        input = &input[(z.total_in() - before) as usize..];
        if input.is_empty() && out.len() < out.capacity() {
            break;
        }
        out.reserve(out.capacity().max(1024));
    }
    out
}

/// A Zlib (6) encoder with one zlib stream, as a server keeps per connection.
pub struct ZlibEncoder {
    z: Compress,
}

impl Default for ZlibEncoder {
    fn default() -> Self {
        ZlibEncoder {
            z: Compress::new(Compression::default(), true),
        }
    }
}

impl ZlibEncoder {
    /// Encodes `rect` of `img` as Raw pixels through the stream (header included).
    pub fn rect(&mut self, pf: &PixelFormat, img: &Image, rect: Rect) -> Vec<u8> {
        let raw: Vec<u8> = img
            .crop(rect)
            .into_iter()
            .flat_map(|p| pixel(pf, p))
            .collect();
        self.rect_from_data(rect, &raw)
    }

    /// Compresses `raw` (what the rectangle inflates to, valid or not) into a rectangle.
    pub fn rect_from_data(&mut self, rect: Rect, raw: &[u8]) -> Vec<u8> {
        let data = compress_sync(&mut self.z, raw);
        let mut out = rect_header(rect, 6);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Compresses bytes into the stream with a sync flush.
    pub fn compress(&mut self, raw: &[u8]) -> Vec<u8> {
        compress_sync(&mut self.z, raw)
    }
}

/// A ZlibHex (8) encoder with its two zlib streams (raw tiles, other tiles).
pub struct ZlibHexEncoder {
    raw: Compress,
    hex: Compress,
}

impl Default for ZlibHexEncoder {
    fn default() -> Self {
        ZlibHexEncoder {
            raw: Compress::new(Compression::default(), true),
            hex: Compress::new(Compression::default(), true),
        }
    }
}

impl ZlibHexEncoder {
    /// Encodes `rect` of `img` as Hextile tiles (see [`Script::hextile_rect`]); raw tiles go
    /// through the raw stream (ZlibRaw) and other tiles whose data is at least `min` bytes
    /// through the other (Zlib); shorter ones stay plain Hextile.
    pub fn rect(&mut self, pf: &PixelFormat, img: &Image, rect: Rect, min: usize) -> Vec<u8> {
        let mut v = rect_header(rect, 8);
        hextile_tiles(pf, img, rect, |flags, body| {
            if body.len() < min || body.is_empty() {
                v.push(flags);
                v.extend(body);
                return;
            }
            let (flags, z) = if flags & 1 != 0 {
                (32, &mut self.raw)
            } else {
                (flags | 64, &mut self.hex)
            };
            let data = compress_sync(z, &body);
            v.push(flags);
            v.extend_from_slice(&(data.len() as u16).to_be_bytes());
            v.extend(data);
        });
        v
    }

    /// Compresses bytes into the raw-tile stream (`raw`) or the other one, with a sync flush.
    pub fn compress(&mut self, raw: bool, data: &[u8]) -> Vec<u8> {
        compress_sync(if raw { &mut self.raw } else { &mut self.hex }, data)
    }
}

pub(super) fn distinct(px: &[[u8; 3]]) -> Vec<[u8; 3]> {
    let mut v: Vec<[u8; 3]> = Vec::new();
    for p in px {
        if !v.contains(p) {
            v.push(*p);
        }
    }
    v
}

pub(super) fn runs(px: &[[u8; 3]]) -> Vec<([u8; 3], usize)> {
    let mut v: Vec<([u8; 3], usize)> = Vec::new();
    for &p in px {
        match v.last_mut() {
            Some((q, n)) if *q == p => *n += 1,
            _ => v.push((p, 1)),
        }
    }
    v
}

pub(super) fn run_bytes(out: &mut Vec<u8>, len: usize) {
    let mut left = len - 1;
    while left >= 255 {
        out.push(255);
        left -= 255;
    }
    out.push(left as u8);
}

pub(super) fn zrle_tile(
    out: &mut Vec<u8>,
    pf: &PixelFormat,
    px: &[[u8; 3]],
    tw: u16,
    mode: ZrleTile,
) {
    let colours = distinct(px);
    let tw = usize::from(tw);
    match mode {
        ZrleTile::PackedPalette if colours.len() == 1 => {
            out.push(1);
            out.extend(cpixel(pf, colours[0]));
        }
        ZrleTile::PackedPalette if colours.len() <= 16 => {
            out.push(colours.len() as u8);
            for c in &colours {
                out.extend(cpixel(pf, *c));
            }
            let bits = match colours.len() {
                2 => 1,
                3..=4 => 2,
                _ => 4,
            };
            for row in px.chunks(tw) {
                let mut byte = 0u8;
                let mut used = 0;
                for p in row {
                    let idx = colours.iter().position(|c| c == p).unwrap() as u8;
                    byte |= idx << (8 - bits - used);
                    used += bits;
                    if used == 8 {
                        out.push(byte);
                        byte = 0;
                        used = 0;
                    }
                }
                if used > 0 {
                    out.push(byte);
                }
            }
        }
        // One colour would be sub-encoding 129, which the spec leaves undefined.
        ZrleTile::PaletteRle if (2..=127).contains(&colours.len()) => {
            out.push(128 + colours.len() as u8);
            for c in &colours {
                out.extend(cpixel(pf, *c));
            }
            for (p, n) in runs(px) {
                let idx = colours.iter().position(|c| *c == p).unwrap() as u8;
                if n == 1 {
                    out.push(idx);
                } else {
                    out.push(idx | 128);
                    run_bytes(out, n);
                }
            }
        }
        ZrleTile::PlainRle | ZrleTile::PaletteRle => {
            out.push(128);
            for (p, n) in runs(px) {
                out.extend(cpixel(pf, p));
                run_bytes(out, n);
            }
        }
        ZrleTile::Raw | ZrleTile::PackedPalette => {
            out.push(0);
            for p in px {
                out.extend(cpixel(pf, *p));
            }
        }
    }
}
