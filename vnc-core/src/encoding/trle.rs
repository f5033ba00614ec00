//! TRLE encoding (RFC 6143 §7.7.5): ZRLE's tiles without zlib, 16x16, read straight from the
//! input. Sub-encodings 127 and 129 reuse the palette of the last tile that had one (a solid
//! tile's colour counts as a palette of one). Tiles are drawn by ZRLE's tile decoder, each once
//! all of its bytes have arrived.

use crate::error::{Error, Step};
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::zrle::{Palette, decode_tile_with};
use super::{Decode, DecodeContext, Done};

const TILE: u16 = 16;

pub(crate) struct Trle {
    rect: Rect,
    /// Index of the next tile, row-major.
    tile: u32,
}

impl Decode for Trle {
    fn new(rect: Rect, _: &Reader, cx: &mut DecodeContext) -> Trle {
        // A palette lasts for one rectangle.
        cx.zlib.trle_palette = Palette::default();
        Trle { rect, tile: 0 }
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let rect = self.rect;
        let across = u32::from(rect.width).div_ceil(TILE.into());
        let total = across * u32::from(rect.height).div_ceil(TILE.into());
        while self.tile < total {
            let tx = (self.tile % across) as u16 * TILE;
            let ty = (self.tile / across) as u16 * TILE;
            let tile = Rect::new(
                rect.x + tx,
                rect.y + ty,
                (rect.width - tx).min(TILE),
                (rect.height - ty).min(TILE),
            );
            let mut t = *r;
            let drawn =
                decode_tile_with::<true>(&mut t, tile, cx.fb, cx.conv, &mut cx.zlib.trle_palette)
                    .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
            if drawn.is_none() {
                return Ok(None);
            }
            *r = t;
            self.tile += 1;
        }
        Ok(Some(Done::Pixels(rect)))
    }
}
