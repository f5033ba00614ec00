//! Hextile encoding (RFC 6143 §7.7.4): 16x16 tiles, each raw or a background with
//! subrectangles. Background and foreground carry over from tile to tile within a rectangle
//! (a raw tile leaves them as they were).
//! A tile is decoded once all of its bytes have arrived.

use crate::error::ProtocolError;
use crate::error::{Error, Step};
use crate::framebuffer::{Framebuffer, Rect, fill};
use crate::pixel_format::{Bgra, Converter, native_pixel};
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

pub(crate) const RAW: u8 = 1;
const BACKGROUND_SPECIFIED: u8 = 2;
const FOREGROUND_SPECIFIED: u8 = 4;
const ANY_SUBRECTS: u8 = 8;
const SUBRECTS_COLOURED: u8 = 16;

pub(crate) struct Hextile {
    pub(crate) rect: Rect,
    /// Index of the next tile, row-major.
    pub(crate) tile: u32,
    bg: Bgra,
    fg: Bgra,
}

impl Hextile {
    pub(crate) fn new(rect: Rect) -> Hextile {
        Hextile {
            rect,
            tile: 0,
            bg: [0, 0, 0, 255],
            fg: [0, 0, 0, 255],
        }
    }

    pub(crate) fn decode(
        &mut self,
        r: &mut Reader,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        // The pixel reader is chosen once per call, so that the tile loop is compiled with
        // the common native format inlined.
        if conv.is_native() {
            self.decode_with(r, fb, conv, native_pixel)
        } else {
            self.decode_with(r, fb, conv, |p| conv.pixel(p))
        }
    }

    fn decode_with(
        &mut self,
        r: &mut Reader,
        fb: &mut Framebuffer,
        conv: &Converter,
        pixel: impl Fn(&[u8]) -> Bgra + Copy,
    ) -> Result<bool, ProtocolError> {
        while self.tile < self.tiles() {
            let tile = self.tile_rect();
            let mut t = *r;
            let Some(flags) = t.u8() else {
                return Ok(false);
            };
            if self
                .tile_body(flags, &mut t, tile, fb, conv, pixel)?
                .is_none()
            {
                return Ok(false);
            }
            *r = t;
            self.tile += 1;
        }
        Ok(true)
    }

    /// How many tiles the rectangle has.
    pub(crate) fn tiles(&self) -> u32 {
        u32::from(self.rect.width).div_ceil(16) * u32::from(self.rect.height).div_ceil(16)
    }

    /// The next tile, in framebuffer coordinates.
    pub(crate) fn tile_rect(&self) -> Rect {
        let rect = self.rect;
        let tiles_x = u32::from(rect.width).div_ceil(16);
        let tx = (self.tile % tiles_x * 16) as u16;
        let ty = (self.tile / tiles_x * 16) as u16;
        Rect::new(
            rect.x + tx,
            rect.y + ty,
            (rect.width - tx).min(16),
            (rect.height - ty).min(16),
        )
    }

    /// Decodes what follows a tile's sub-encoding byte `flags` (its low five bits) from `t`;
    /// `None` if its bytes are not all there yet (nothing is drawn or changed then).
    #[inline(always)]
    pub(crate) fn tile_body(
        &mut self,
        flags: u8,
        t: &mut Reader,
        tile: Rect,
        fb: &mut Framebuffer,
        conv: &Converter,
        pixel: impl Fn(&[u8]) -> Bgra + Copy,
    ) -> Result<Option<()>, ProtocolError> {
        let bpp = conv.bpp();
        let (tw, th) = (tile.width, tile.height);
        if flags & RAW != 0 {
            let Some(src) = t.take(usize::from(tw) * usize::from(th) * bpp) else {
                return Ok(None);
            };
            for (row, line) in src.chunks_exact(usize::from(tw) * bpp).enumerate() {
                conv.convert_row(line, fb.row_mut(tile.x, tile.y + row as u16, tw));
            }
            return Ok(Some(()));
        }
        let mut bg = self.bg;
        let mut fg = self.fg;
        if flags & BACKGROUND_SPECIFIED != 0 {
            let Some(p) = t.take(bpp) else {
                return Ok(None);
            };
            bg = pixel(p);
        }
        if flags & FOREGROUND_SPECIFIED != 0 {
            let Some(p) = t.take(bpp) else {
                return Ok(None);
            };
            fg = pixel(p);
        }
        let mut subrects: &[u8] = &[];
        let coloured = flags & SUBRECTS_COLOURED != 0;
        let sub_len = if coloured { bpp + 2 } else { 2 };
        if flags & ANY_SUBRECTS != 0 {
            let Some(n) = t.u8() else {
                return Ok(None);
            };
            let Some(s) = t.take(usize::from(n) * sub_len) else {
                return Ok(None);
            };
            subrects = s;
        }
        // The whole tile is here: draw it.
        draw_tile(fb, tile, bg, fg, subrects, sub_len, pixel)?;
        // After coloured subrectangles the foreground is the last one's colour, as
        // TigerVNC and libvncclient leave it (RFC 6143 tells encoders not to rely on
        // it either way).
        if coloured {
            if let Some(last) = subrects.chunks_exact(sub_len).last() {
                fg = pixel(last);
            }
        }
        self.bg = bg;
        self.fg = fg;
        Ok(Some(()))
    }
}

/// One subrectangle's colour and place in its `tw` x `th` tile, checked to fit. `s` is its
/// two geometry bytes, after its pixel when subrectangles are coloured. Only for naming the
/// subrectangle that does not fit: [`paint`] draws them.
fn subrect(
    s: &[u8],
    fg: Bgra,
    pixel: impl Fn(&[u8]) -> Bgra,
    tw: u16,
    th: u16,
) -> Result<(Bgra, Rect), ProtocolError> {
    let (px, geom) = match s.len() {
        2 => (fg, s),
        n => (pixel(s), &s[n - 2..]),
    };
    let sub = Rect::new(
        u16::from(geom[0] >> 4),
        u16::from(geom[0] & 15),
        u16::from(geom[1] >> 4) + 1,
        u16::from(geom[1] & 15) + 1,
    );
    if !sub.fits_in(tw, th) {
        return Err(ProtocolError::SubrectOutOfBounds {
            encoding: "Hextile",
            sub,
            outer: Rect::new(0, 0, tw, th),
        });
    }
    Ok((px, sub))
}

/// Draws background and subrectangles straight into the framebuffer: the background rows
/// just written are in the cache when the subrectangles land on them.
fn draw_tile(
    fb: &mut Framebuffer,
    tile: Rect,
    bg: Bgra,
    fg: Bgra,
    subrects: &[u8],
    sub_len: usize,
    pixel: impl Fn(&[u8]) -> Bgra + Copy,
) -> Result<(), ProtocolError> {
    let (tw, th) = (tile.width, tile.height);
    let row_bytes = usize::from(tw) * 4;
    let (area, stride) = fb.area_mut(tile);
    for row in area.chunks_mut(stride) {
        fill(&mut row[..row_bytes], bg);
    }
    // One loop per subrectangle size, so that each reads its records at fixed offsets.
    let (w, h) = (usize::from(tw), usize::from(th));
    let fits = match sub_len {
        2 => paint::<2>(area, stride, subrects, w, h, |_| fg),
        3 => paint::<3>(area, stride, subrects, w, h, |s| pixel(&s[..1])),
        4 => paint::<4>(area, stride, subrects, w, h, |s| pixel(&s[..2])),
        _ => paint::<6>(area, stride, subrects, w, h, |s| pixel(&s[..4])),
    };
    if !fits {
        // Find the culprit again for the error (the slow path runs only on bad input).
        for s in subrects.chunks_exact(sub_len) {
            subrect(s, fg, pixel, tw, th)?;
        }
    }
    Ok(())
}

/// Paints subrectangle records of `N` bytes (colour, if any, then geometry) into the tile
/// `buf` of `tw` x `th` pixels whose rows are `stride` bytes apart; false at the first one
/// that does not fit.
#[inline(always)]
fn paint<const N: usize>(
    buf: &mut [u8],
    stride: usize,
    subrects: &[u8],
    tw: usize,
    th: usize,
    colour: impl Fn(&[u8; N]) -> Bgra,
) -> bool {
    for s in subrects.chunks_exact(N) {
        // Always N bytes: the fixed-size view lets the reads below go unchecked.
        let Ok(s) = <&[u8; N]>::try_from(s) else {
            continue;
        };
        let px = colour(s);
        let (xy, wh) = (s[N - 2], s[N - 1]);
        let (x, y) = (usize::from(xy >> 4), usize::from(xy & 15));
        if wh == 0 {
            // Most subrectangles of photos and anti-aliased text are single pixels: this
            // loop stays small enough to keep its state in registers.
            if x >= tw || y >= th {
                return false;
            }
            let at = y * stride + x * 4;
            match buf.get_mut(at..at + 4) {
                Some(dst) => dst.copy_from_slice(&px),
                None => return false,
            }
        } else if !fill_subrect(buf, stride, x, y, wh, tw, th, px) {
            return false;
        }
    }
    true
}

/// Fills the subrectangle at `x`, `y` whose size byte is `wh` (width - 1, height - 1, four
/// bits each); false if it does not fit in the `tw` x `th` tile. Kept out of line so that the
/// single-pixel loop in [`paint`] does not carry its registers.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn fill_subrect(
    buf: &mut [u8],
    stride: usize,
    x: usize,
    y: usize,
    wh: u8,
    tw: usize,
    th: usize,
    px: Bgra,
) -> bool {
    let (w, h) = (usize::from(wh >> 4) + 1, usize::from(wh & 15) + 1);
    if x + w > tw || y + h > th {
        return false;
    }
    let rows = buf[y * stride + x * 4..].chunks_mut(stride).take(h);
    if w == 1 {
        // Vertical runs (one pixel wide) are the next most common shape after single pixels.
        for row in rows {
            row[..4].copy_from_slice(&px);
        }
    } else {
        for row in rows {
            fill(&mut row[..w * 4], px);
        }
    }
    true
}

impl Decode for Hextile {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Hextile {
        Hextile::new(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done = self
            .decode(r, cx.fb, cx.conv)
            .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.rect)))
    }
}
