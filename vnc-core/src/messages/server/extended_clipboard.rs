//! Extended Clipboard messages (rfbproto "Extended Clipboard Pseudo-Encoding"): the payload
//! of a ServerCutText with a negative length, already complete and within the limit. It
//! starts with a u32 of flags (format bits 0-15, action bits 24-31); caps carry one u32
//! maximum size per format bit set, provide a zlib stream; the others are the flags alone.

use crate::encoding::extended_clipboard::{
    ACTION_CAPS, ACTION_NOTIFY, ACTION_PEEK, ACTION_PROVIDE, ACTION_REQUEST, FORMAT_MASK,
};
use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;

/// One Extended Clipboard message; `formats` is the flags' format bits.
pub(crate) enum ExtendedClipboard<'a> {
    /// The server's capabilities: the formats and actions it handles, and its maximum size
    /// per format (indexed by format bit; 0 for formats it did not list).
    Caps {
        formats: u32,
        actions: u32,
        sizes: [u32; 16],
    },
    /// The server wants the client's clipboard in these formats.
    Request { formats: u32 },
    /// The server asks which formats the client's clipboard holds.
    Peek,
    /// The server's clipboard now holds these formats.
    Notify { formats: u32 },
    /// The server's clipboard data: per format bit set, in bit order, a u32 length and the
    /// data, all through a zlib stream of its own.
    Provide { formats: u32, zlib: &'a [u8] },
    /// No action bit the protocol defines; ignored.
    Unknown { flags: u32 },
}

fn malformed(what: &'static str) -> Error {
    Error::protocol(
        Step::ServerMessage,
        ProtocolError::MalformedExtendedClipboard(what),
    )
}

/// Parses a complete payload. The action bits are read in TigerVNC's order: caps, then
/// request, peek, notify, provide; the first one set decides.
pub(crate) fn parse(payload: &[u8]) -> Result<ExtendedClipboard<'_>, Error> {
    let mut r = Reader::new(payload);
    let flags = r
        .u32()
        .ok_or_else(|| malformed("the payload is shorter than its flags"))?;
    let formats = flags & FORMAT_MASK;
    Ok(if flags & ACTION_CAPS != 0 {
        let mut sizes = [0u32; 16];
        for (bit, size) in sizes.iter_mut().enumerate() {
            if formats & (1 << bit) != 0 {
                *size = r
                    .u32()
                    .ok_or_else(|| malformed("caps lack a size for a format they list"))?;
            }
        }
        ExtendedClipboard::Caps {
            formats,
            actions: flags & !FORMAT_MASK,
            sizes,
        }
    } else if flags & ACTION_REQUEST != 0 {
        ExtendedClipboard::Request { formats }
    } else if flags & ACTION_PEEK != 0 {
        ExtendedClipboard::Peek
    } else if flags & ACTION_NOTIFY != 0 {
        ExtendedClipboard::Notify { formats }
    } else if flags & ACTION_PROVIDE != 0 {
        ExtendedClipboard::Provide {
            formats,
            zlib: r.take_up_to(usize::MAX),
        }
    } else {
        ExtendedClipboard::Unknown { flags }
    })
}
