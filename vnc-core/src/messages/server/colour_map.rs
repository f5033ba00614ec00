//! SetColourMapEntries (RFC 6143 §7.6.2): entries of the 256-colour map that 8-bit pixels in
//! a colour-map format index. Refused in a true-colour format, and beyond entry 255.

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;

use super::ParseContext;

/// `rgb` holds 6 bytes (16-bit red, green, blue) per entry from `first` on.
pub(crate) struct SetColourMapEntries<'a> {
    pub(crate) first: u16,
    pub(crate) rgb: &'a [u8],
}

pub(super) fn parse<'a>(
    t: &mut Reader<'a>,
    cx: &ParseContext,
) -> Result<Option<SetColourMapEntries<'a>>, Error> {
    let (Some(_padding), Some(first), Some(n)) = (t.u8(), t.u16(), t.u16()) else {
        return Ok(None);
    };
    let fail = |e| Error::protocol(Step::ServerMessage, e);
    if cx.true_colour {
        return Err(fail(ProtocolError::ColourMapInTrueColour));
    }
    let end = u32::from(first) + u32::from(n);
    if end > 256 {
        return Err(fail(ProtocolError::ColourMapOutOfRange { first, end }));
    }
    Ok(t.take(usize::from(n) * 6)
        .map(|rgb| SetColourMapEntries { first, rgb }))
}
