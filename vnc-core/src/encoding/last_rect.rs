//! The LastRect pseudo-encoding (rfbproto, -224): a marker that ends a FramebufferUpdate
//! whose header did not give the number of rectangles.

use crate::error::Error;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// The LastRect marker; no data follows it.
pub(crate) struct LastRect;

impl Decode for LastRect {
    fn new(_: Rect, _: &Reader, _: &mut DecodeContext) -> LastRect {
        LastRect
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(Some(Done::LastRect))
    }
}
