//! The QEMU Extended Key Event pseudo-encoding (rfbproto, -258): the server's acknowledgement
//! that it takes QEMU Extended Key Event messages (key events with a scancode).
//!
//! The spec calls the rectangle empty: no data follows its header. Its geometry means
//! nothing and is accepted whatever it is, since QEMU sends the framebuffer's size there.

use crate::error::Error;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// The acknowledgement; no data follows it.
pub(crate) struct ExtendedKeyEvent;

impl Decode for ExtendedKeyEvent {
    fn new(_: Rect, _: &Reader, _: &mut DecodeContext) -> ExtendedKeyEvent {
        ExtendedKeyEvent
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(Some(Done::ScancodesAcknowledged))
    }
}
