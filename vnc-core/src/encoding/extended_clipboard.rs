//! The Extended Clipboard pseudo-encoding (rfbproto, 0xC0A1E5CE): the client announces that
//! it speaks clipboard messages carried by ServerCutText and ClientCutText with a negative
//! length (see `messages::server::extended_clipboard` and `session::clipboard`). The server
//! never sends a rectangle in this encoding; this file holds the flag bits both sides use.

use crate::error::{Error, ProtocolError, Step};
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// The number on the wire (0xC0A1E5CE as a signed 32-bit number).
pub(crate) const NUMBER: i32 = 0xC0A1_E5CEu32 as i32;

/// Format bit: UTF-8 text, CR LF line ends, a terminating NUL.
pub(crate) const FORMAT_TEXT: u32 = 1 << 0;
/// The format bits (0 to 15): text, RTF, HTML, DIB, files and the ones to come.
pub(crate) const FORMAT_MASK: u32 = 0xFFFF;
/// Action: the sender's capabilities, followed by one maximum size per format bit set.
pub(crate) const ACTION_CAPS: u32 = 1 << 24;
/// Action: send me your clipboard data in these formats.
pub(crate) const ACTION_REQUEST: u32 = 1 << 25;
/// Action: tell me which formats your clipboard holds (answered with a notify).
pub(crate) const ACTION_PEEK: u32 = 1 << 26;
/// Action: my clipboard now holds these formats (none: it is empty).
pub(crate) const ACTION_NOTIFY: u32 = 1 << 27;
/// Action: here is my clipboard data, zlib-compressed.
pub(crate) const ACTION_PROVIDE: u32 = 1 << 28;

/// A rectangle in the Extended Clipboard pseudo-encoding: a protocol error.
pub(crate) struct ExtendedClipboard(Rect);

impl Decode for ExtendedClipboard {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> ExtendedClipboard {
        ExtendedClipboard(rect)
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Err(Error::protocol(
            Step::FramebufferUpdate,
            ProtocolError::UnsupportedEncoding {
                encoding: NUMBER,
                rect: self.0,
            },
        ))
    }
}
