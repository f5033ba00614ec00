//! The xvp pseudo-encoding (rfbproto, -309): the client announces that it can ask the server
//! to shut down, reboot or reset the machine it shows. The server answers with xvp messages
//! (type 250, see `messages::server::xvp`), never with a rectangle in this encoding.

use crate::error::{Error, ProtocolError, Step};
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// A rectangle in the xvp pseudo-encoding: a protocol error.
pub(crate) struct Xvp(Rect);

impl Decode for Xvp {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Xvp {
        Xvp(rect)
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Err(Error::protocol(
            Step::FramebufferUpdate,
            ProtocolError::UnsupportedEncoding {
                encoding: -309,
                rect: self.0,
            },
        ))
    }
}
