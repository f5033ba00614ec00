//! Raw encoding (RFC 6143 §7.7.1): rows of pixels in the wire format. Decoded row by row as
//! the bytes arrive, so a large rectangle never has to sit whole in the input buffer.

use crate::error::Error;
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::Converter;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

pub(crate) struct Raw {
    rect: Rect,
    row: u16,
}

impl Raw {
    pub(crate) fn new(rect: Rect) -> Raw {
        Raw { rect, row: 0 }
    }

    /// Decodes the rows that have arrived; true once the rectangle is complete.
    pub(crate) fn decode(
        &mut self,
        r: &mut Reader,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> bool {
        let Rect {
            x,
            y,
            width,
            height,
        } = self.rect;
        let row_bytes = usize::from(width) * conv.bpp();
        if row_bytes == 0 {
            return true;
        }
        while self.row < height {
            let Some(src) = r.take(row_bytes) else {
                return false;
            };
            conv.convert_row(src, fb.row_mut(x, y + self.row, width));
            self.row += 1;
        }
        true
    }
}

impl Decode for Raw {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Raw {
        Raw::new(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(self
            .decode(r, cx.fb, cx.conv)
            .then_some(Done::Pixels(self.rect)))
    }
}
