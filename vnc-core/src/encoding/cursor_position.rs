//! The VMware Cursor Position pseudo-encoding (-232): the server says where its pointer is
//! (the rectangle's x and y), for example after an application on the server moved it. No
//! data follows the header; width and height mean nothing. The position is clamped to the
//! framebuffer.

use crate::error::Error;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// A Cursor Position pseudo-rectangle.
pub(crate) struct CursorPosition(Rect);

impl Decode for CursorPosition {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> CursorPosition {
        CursorPosition(rect)
    }

    fn decode(&mut self, _: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(Some(Done::CursorPosition {
            x: self.0.x.min(cx.fb.width().saturating_sub(1)),
            y: self.0.y.min(cx.fb.height().saturating_sub(1)),
        }))
    }
}
