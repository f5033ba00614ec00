//! ZRLE encoding (RFC 6143 §7.7.6): a zlib stream for the whole connection carrying 64x64
//! tiles, each raw, solid, packed-palette, plain RLE or palette RLE, in compact pixels.
//! Compressed bytes are inflated as they arrive into a small fixed window, and each tile is
//! drawn as soon as its bytes are there, so memory stays the same for any rectangle size and the
//! data is still in cache when it is drawn.

use crate::burst_buffer::BurstBuffer;
use crate::error::ProtocolError;
use crate::framebuffer::{Framebuffer, Rect, fill};
use crate::pixel_format::{Bgra, Converter};
use crate::reader::Reader;

use std::sync::{Arc, Mutex, PoisonError};

use super::inflate::Inflater;

const TILE: u16 = 64;

/// Inflated bytes waiting to be drawn, allocated with the first ZRLE rectangle (and again
/// after [`ZrleStream::release_window`]). At least twice the largest tile (1 + 127 palette
/// entries + 4096 pixels of 4 bytes and a run byte each is about 21 KiB).
const WINDOW: usize = 64 << 10;

/// The connection's ZRLE state: the zlib stream and the window it inflates into. The stream
/// is shared with the helper thread, which inflates the rectangles given to it; the session
/// only inflates here once the helper has finished all it was given.
pub(crate) struct ZrleStream {
    pub(crate) z: Arc<Mutex<Inflater>>,
    window: BurstBuffer,
    start: usize,
    end: usize,
}

impl ZrleStream {
    pub(crate) fn new() -> ZrleStream {
        ZrleStream {
            z: Arc::new(Mutex::new(Inflater::new())),
            window: BurstBuffer::default(),
            start: 0,
            end: 0,
        }
    }

    /// Frees the window between rectangles (it is made again by the next one); the zlib
    /// stream stays, as it must for the whole connection.
    pub(crate) fn release_window(&mut self) {
        self.window = BurstBuffer::default();
        self.start = 0;
        self.end = 0;
    }

    /// The window's bytes (on the heap or mapped).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.window.len()
    }
}

/// The most bytes one tile can take: a palette of 127 compact pixels, then per pixel a
/// compact pixel and a run byte (plain RLE with runs of one).
pub(crate) fn max_tile_bytes(cpp: usize) -> usize {
    1 + 127 * cpp + usize::from(TILE) * usize::from(TILE) * (cpp + 1)
}

/// One ZRLE rectangle being decoded.
pub(crate) struct Zrle {
    pub(crate) rect: Rect,
    /// Compressed bytes still to come; `None` before the length field.
    pub(crate) left: Option<u32>,
    /// Index of the next tile, row-major.
    pub(crate) tile: u32,
}

impl Zrle {
    pub(crate) fn new(rect: Rect) -> Zrle {
        Zrle {
            rect,
            left: None,
            tile: 0,
        }
    }

    pub(crate) fn tiles(&self) -> (u32, u32) {
        let across = u32::from(self.rect.width).div_ceil(TILE.into());
        (
            across,
            across * u32::from(self.rect.height).div_ceil(TILE.into()),
        )
    }

    pub(crate) fn tile_rect(&self, i: u32, across: u32) -> Rect {
        let tx = (i % across) as u16 * TILE;
        let ty = (i / across) as u16 * TILE;
        let r = self.rect;
        Rect::new(
            r.x + tx,
            r.y + ty,
            (r.width - tx).min(TILE),
            (r.height - ty).min(TILE),
        )
    }

    /// Consumes what has arrived; true once the rectangle is complete.
    pub(crate) fn decode(
        &mut self,
        r: &mut Reader,
        zs: &mut ZrleStream,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        let rect = self.rect;
        let zlib = |detail| ProtocolError::Zlib {
            encoding: "ZRLE",
            detail,
        };
        let overflow = ProtocolError::ZlibOverflow {
            encoding: "ZRLE",
            rect,
        };
        let mut left = match self.left {
            Some(n) => n,
            None => {
                let Some(n) = r.u32() else { return Ok(false) };
                zs.start = 0;
                zs.end = 0;
                if zs.window.is_empty() {
                    zs.window = BurstBuffer::new(WINDOW);
                }
                n
            }
        };
        let (across, total) = self.tiles();
        let max_tile = max_tile_bytes(conv.cpp());
        let mut zlib_error: Option<String> = None;
        loop {
            // Draw every tile whose bytes are all in the window. Tiles are tried only when a
            // whole worst-case tile fits in what is buffered, or nothing more will come, so
            // that input trickling in does not make a tile start over again and again.
            let ready = zs.end - zs.start >= max_tile || left == 0 || zlib_error.is_some();
            while ready && self.tile < total {
                let mut t = Reader::new(&zs.window[zs.start..zs.end]);
                match decode_tile(&mut t, self.tile_rect(self.tile, across), fb, conv)? {
                    Some(()) => {
                        zs.start += t.pos();
                        self.tile += 1;
                    }
                    None => break,
                }
            }
            if self.tile == total && zs.end > zs.start {
                return Err(overflow);
            }
            // Errors are reported in stream order: the tiles inflated before a zlib error
            // have been checked (and drawn) first.
            if let Some(detail) = zlib_error {
                return Err(zlib(detail));
            }
            if zs.start > 0 {
                zs.window.copy_within(zs.start..zs.end, 0);
                zs.end -= zs.start;
                zs.start = 0;
            }
            if zs.end == zs.window.len() {
                // A full window that holds no complete tile: no valid tile is this large.
                return Err(overflow);
            }
            let input = r.take_up_to(left as usize);
            let done =
                zs.z.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .inflate(input, &mut zs.window[zs.end..]);
            // Give back what zlib did not take (only when the window filled up).
            *r = r.rewound(input.len() - done.consumed);
            left -= done.consumed as u32;
            zs.end += done.produced;
            zlib_error = done.error;
            if zlib_error.is_none() && done.produced == 0 && done.consumed == 0 {
                // No input left to inflate and nothing more came out.
                if left > 0 {
                    self.left = Some(left);
                    return Ok(false);
                }
                if self.tile < total {
                    return Err(ProtocolError::ZrleTruncated { rect });
                }
                self.left = Some(0);
                return Ok(true);
            }
        }
    }
}

/// Decodes one ZRLE tile; `Ok(None)` if its bytes are not all there yet (it is decoded again,
/// from its start, once they are; drawing is idempotent).
#[inline]
pub(crate) fn decode_tile(
    r: &mut Reader,
    tile: Rect,
    fb: &mut Framebuffer,
    conv: &Converter,
) -> Result<Option<()>, ProtocolError> {
    let mut palette = Palette::default();
    decode_tile_with::<false>(r, tile, fb, conv, &mut palette)
}

/// The palette a tile used: TRLE tiles may reuse the previous one.
pub(crate) struct Palette {
    colours: [Bgra; 127],
    /// How many colours it has; 0 for none.
    len: u8,
}

impl Default for Palette {
    fn default() -> Palette {
        Palette {
            colours: [[0; 4]; 127],
            len: 0,
        }
    }
}

/// Decodes one tile of ZRLE or (with `TRLE`) of TRLE, which adds solid tiles setting the
/// palette and sub-encodings 127 and 129 reusing it; `Ok(None)` if its bytes are not all there
/// yet (it is decoded again, from its start, once they are; drawing and palette reads are
/// idempotent).
pub(crate) fn decode_tile_with<const TRLE: bool>(
    r: &mut Reader,
    tile: Rect,
    fb: &mut Framebuffer,
    conv: &Converter,
    pal: &mut Palette,
) -> Result<Option<()>, ProtocolError> {
    let cpp = conv.cpp();
    let (tw, th) = (usize::from(tile.width), usize::from(tile.height));
    let Some(sub) = r.u8() else { return Ok(None) };
    let reuse_error = |len| ProtocolError::TrlePaletteReuse {
        x: tile.x,
        y: tile.y,
        subencoding: sub,
        palette_size: len,
    };
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
            let px = conv.cpixel(p);
            fb.fill_rect(tile, px);
            if TRLE {
                pal.colours[0] = px;
                pal.len = 1;
            }
        }
        2..=16 => {
            if !read_palette(r, sub, conv, pal) {
                return Ok(None);
            }
            return packed(r, tile, fb, pal, sub);
        }
        127 if TRLE => match pal.len {
            1 => fb.fill_rect(tile, pal.colours[0]),
            2..=16 => return packed(r, tile, fb, pal, sub),
            len => return Err(reuse_error(len)),
        },
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
        129 if TRLE => match pal.len {
            0 => return Err(reuse_error(0)),
            _ => return palette_rle(r, tile, fb, pal, sub),
        },
        130..=255 => {
            if !read_palette(r, sub - 128, conv, pal) {
                return Ok(None);
            }
            return palette_rle(r, tile, fb, pal, sub);
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

/// A packed-palette tile's indexes (after its palette, if it has one).
#[inline(always)]
fn packed(
    r: &mut Reader,
    tile: Rect,
    fb: &mut Framebuffer,
    pal: &Palette,
    sub: u8,
) -> Result<Option<()>, ProtocolError> {
    let (tw, th) = (usize::from(tile.width), usize::from(tile.height));
    let n = usize::from(pal.len);
    let palette = &pal.colours;
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
            if usize::from(idx) >= n {
                return Err(ProtocolError::ZrlePaletteIndex {
                    x: tile.x,
                    y: tile.y,
                    index: idx,
                    palette_size: if sub == 127 { pal.len } else { sub },
                });
            }
            d.copy_from_slice(&palette[usize::from(idx)]);
        }
    }
    Ok(Some(()))
}

/// A palette-RLE tile's runs (after its palette, if it has one).
#[inline(always)]
fn palette_rle(
    r: &mut Reader,
    tile: Rect,
    fb: &mut Framebuffer,
    pal: &Palette,
    sub: u8,
) -> Result<Option<()>, ProtocolError> {
    let n = usize::from(pal.len);
    let total = usize::from(tile.width) * usize::from(tile.height);
    let mut pos = 0;
    while pos < total {
        let Some(b) = r.u8() else { return Ok(None) };
        let idx = b & 0x7F;
        if usize::from(idx) >= n {
            return Err(ProtocolError::ZrlePaletteIndex {
                x: tile.x,
                y: tile.y,
                index: idx,
                palette_size: if sub == 129 { pal.len } else { sub - 128 },
            });
        }
        let run = if b & 0x80 != 0 {
            let Some(run) = run_length(r, tile, total - pos)? else {
                return Ok(None);
            };
            run
        } else {
            1
        };
        fill_run(fb, tile, pos, run, pal.colours[usize::from(idx)]);
        pos += run;
    }
    Ok(Some(()))
}

/// Reads a palette of `n` compact pixels; false if its bytes are not all there.
fn read_palette(r: &mut Reader, n: u8, conv: &Converter, pal: &mut Palette) -> bool {
    let Some(src) = r.take(usize::from(n) * conv.cpp()) else {
        return false;
    };
    for (p, s) in pal.colours.iter_mut().zip(src.chunks_exact(conv.cpp())) {
        *p = conv.cpixel(s);
    }
    pal.len = n;
    true
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
