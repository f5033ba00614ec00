//! Hextile encoding (RFC 6143 §7.7.4): 16x16 tiles, each raw or a background with
//! subrectangles. Background and foreground carry over from tile to tile within a rectangle
//! (a raw tile leaves them as they were).
//! A tile is decoded once all of its bytes have arrived.

use crate::error::ProtocolError;
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::{Bgra, Converter};
use crate::reader::Reader;

const RAW: u8 = 1;
const BACKGROUND_SPECIFIED: u8 = 2;
const FOREGROUND_SPECIFIED: u8 = 4;
const ANY_SUBRECTS: u8 = 8;
const SUBRECTS_COLOURED: u8 = 16;

pub(crate) struct Hextile {
    rect: Rect,
    /// Index of the next tile, row-major.
    tile: u32,
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
        let rect = self.rect;
        let tiles_x = u32::from(rect.width).div_ceil(16);
        let tiles_y = u32::from(rect.height).div_ceil(16);
        let bpp = conv.bpp();
        while self.tile < tiles_x * tiles_y {
            let tx = (self.tile % tiles_x * 16) as u16;
            let ty = (self.tile / tiles_x * 16) as u16;
            let tw = (rect.width - tx).min(16);
            let th = (rect.height - ty).min(16);
            let tile = Rect::new(rect.x + tx, rect.y + ty, tw, th);

            let mut t = *r;
            let Some(flags) = t.u8() else {
                return Ok(false);
            };
            if flags & RAW != 0 {
                let Some(src) = t.take(usize::from(tw) * usize::from(th) * bpp) else {
                    return Ok(false);
                };
                for (row, line) in src.chunks_exact(usize::from(tw) * bpp).enumerate() {
                    conv.convert_row(line, fb.row_mut(tile.x, tile.y + row as u16, tw));
                }
            } else {
                let mut bg = self.bg;
                let mut fg = self.fg;
                if flags & BACKGROUND_SPECIFIED != 0 {
                    let Some(p) = t.take(bpp) else {
                        return Ok(false);
                    };
                    bg = conv.pixel(p);
                }
                if flags & FOREGROUND_SPECIFIED != 0 {
                    let Some(p) = t.take(bpp) else {
                        return Ok(false);
                    };
                    fg = conv.pixel(p);
                }
                let mut subrects: &[u8] = &[];
                let coloured = flags & SUBRECTS_COLOURED != 0;
                let sub_len = if coloured { bpp + 2 } else { 2 };
                if flags & ANY_SUBRECTS != 0 {
                    let Some(n) = t.u8() else {
                        return Ok(false);
                    };
                    let Some(s) = t.take(usize::from(n) * sub_len) else {
                        return Ok(false);
                    };
                    subrects = s;
                }
                // The whole tile is here: draw it.
                fb.fill_rect(tile, bg);
                for s in subrects.chunks_exact(sub_len) {
                    let (px, geom) = if coloured {
                        (conv.pixel(s), &s[bpp..])
                    } else {
                        (fg, s)
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
                    fb.fill_rect(
                        Rect::new(tile.x + sub.x, tile.y + sub.y, sub.width, sub.height),
                        px,
                    );
                }
                // After coloured subrectangles the foreground is the last one's colour, as
                // TigerVNC and libvncclient leave it (RFC 6143 tells encoders not to rely on
                // it either way).
                if coloured {
                    if let Some(last) = subrects.chunks_exact(sub_len).last() {
                        fg = conv.pixel(last);
                    }
                }
                self.bg = bg;
                self.fg = fg;
            }
            *r = t;
            self.tile += 1;
        }
        Ok(true)
    }
}
