//! The DesktopName pseudo-encoding (rfbproto, -307): the server renames the desktop. The
//! name's length is checked against the limit before its bytes are awaited.

use crate::error::{Error, Step};
use crate::framebuffer::Rect;
use crate::handshake::init::decode_text;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// A DesktopName pseudo-rectangle: the name's length once read, then the name.
pub(crate) struct DesktopName {
    len: Option<u32>,
}

impl Decode for DesktopName {
    fn new(_: Rect, _: &Reader, _: &mut DecodeContext) -> DesktopName {
        DesktopName { len: None }
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let n = match self.len {
            Some(n) => n,
            None => match r.u32() {
                None => return Ok(None),
                Some(n) if n > cx.limits.max_name => {
                    return Err(Error::LimitExceeded {
                        step: Step::FramebufferUpdate,
                        what: "a desktop name length",
                        value: n.into(),
                        limit: cx.limits.max_name.into(),
                    });
                }
                Some(n) => n,
            },
        };
        self.len = Some(n);
        Ok(r.take(n as usize)
            .map(|name| Done::DesktopName(decode_text(name))))
    }
}
