//! CopyRect encoding (RFC 6143 §7.7.2): copy an area of the framebuffer to another place. The
//! source is checked against the framebuffer before anything is copied.

use crate::error::ProtocolError;
use crate::error::{Error, Step};
use crate::framebuffer::{Framebuffer, Rect};
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// Decodes the 4-byte source position and copies; `Ok(false)` until the bytes have arrived.
pub(crate) fn decode(
    r: &mut Reader,
    rect: Rect,
    fb: &mut Framebuffer,
) -> Result<bool, ProtocolError> {
    let mut t = *r;
    let (Some(src_x), Some(src_y)) = (t.u16(), t.u16()) else {
        return Ok(false);
    };
    *r = t;
    let src = Rect::new(src_x, src_y, rect.width, rect.height);
    if !src.fits_in(fb.width(), fb.height()) {
        return Err(ProtocolError::CopyRectSourceOutOfBounds {
            src_x,
            src_y,
            rect,
            fb_width: fb.width(),
            fb_height: fb.height(),
        });
    }
    if rect.area() > 0 {
        fb.copy_rect(src_x, src_y, rect);
    }
    Ok(true)
}

/// A CopyRect rectangle.
pub(crate) struct CopyRect(Rect);

impl Decode for CopyRect {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> CopyRect {
        CopyRect(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done =
            decode(r, self.0, cx.fb).map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.0)))
    }
}
