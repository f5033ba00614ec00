//! RRE encoding (RFC 6143 §7.7.3): a background colour, then solid subrectangles. Each
//! subrectangle is drawn as soon as its 8 + bpp bytes have arrived. CoRRE (see
//! [`corre`](super::corre)) is the same with one-byte subrectangle fields.

use crate::error::ProtocolError;
use crate::error::{Error, Step};
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::Converter;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

pub(crate) struct Rre {
    pub(crate) rect: Rect,
    /// Subrectangles still to come; `None` before the header.
    left: Option<u32>,
    /// CoRRE: subrectangle fields are one byte each instead of two.
    compact: bool,
}

impl Rre {
    pub(crate) fn new(rect: Rect) -> Rre {
        Rre {
            rect,
            left: None,
            compact: false,
        }
    }

    /// A CoRRE rectangle.
    pub(crate) fn new_compact(rect: Rect) -> Rre {
        Rre {
            compact: true,
            ..Rre::new(rect)
        }
    }

    pub(crate) fn decode(
        &mut self,
        r: &mut Reader,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        let bpp = conv.bpp();
        let rect = self.rect;
        let mut left = match self.left {
            Some(n) => n,
            None => {
                let mut t = *r;
                let (Some(count), Some(bg)) = (t.u32(), t.take(bpp)) else {
                    return Ok(false);
                };
                // A valid encoder never needs more subrectangles than there are pixels; a
                // larger count is a server trying to make us work for nothing.
                if count as usize > rect.area() {
                    return Err(ProtocolError::TooManySubrects { rect, count });
                }
                *r = t;
                fb.fill_rect(rect, conv.pixel(bg));
                count
            }
        };
        let (field, encoding) = if self.compact {
            (1, "CoRRE")
        } else {
            (2, "RRE")
        };
        while left > 0 {
            let Some(sub) = r.take(bpp + 4 * field) else {
                self.left = Some(left);
                return Ok(false);
            };
            let px = conv.pixel(sub);
            let f = |i: usize| match field {
                1 => u16::from(sub[bpp + i]),
                _ => u16::from_be_bytes([sub[bpp + 2 * i], sub[bpp + 2 * i + 1]]),
            };
            let s = Rect::new(f(0), f(1), f(2), f(3));
            if !s.fits_in(rect.width, rect.height) {
                return Err(ProtocolError::SubrectOutOfBounds {
                    encoding,
                    sub: s,
                    outer: Rect::new(0, 0, rect.width, rect.height),
                });
            }
            fb.fill_rect(Rect::new(rect.x + s.x, rect.y + s.y, s.width, s.height), px);
            left -= 1;
        }
        self.left = Some(0);
        Ok(true)
    }
}

impl Decode for Rre {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Rre {
        Rre::new(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done = self
            .decode(r, cx.fb, cx.conv)
            .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.rect)))
    }
}
