//! The QEMU Pointer Motion Change pseudo-encoding (rfbproto, -257): the server says whether
//! it reads PointerEvent positions as absolute positions or, for a guest with a relative
//! mouse, as motion. The rectangle's x field carries it (1 absolute, 0 relative); no data
//! follows the header, and the other fields mean nothing.

use crate::error::Error;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// The mode, read from the header.
pub(crate) struct PointerMotionChange {
    absolute: bool,
}

impl Decode for PointerMotionChange {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> PointerMotionChange {
        // QEMU sends 1 or 0; anything else but 0 is taken as absolute.
        PointerMotionChange {
            absolute: rect.x != 0,
        }
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(Some(Done::PointerMode {
            absolute: self.absolute,
        }))
    }
}
