//! The xvp server message (rfbproto, type 250): after the type, one padding byte, the highest
//! xvp extension version the server supports, and a message code: XVP_FAIL (0) when an
//! operation the client asked for failed or is not supported, XVP_INIT (1) when the server
//! is ready for power-control requests. Always three bytes, whatever their values, so an
//! unknown code cannot throw the stream out of step; `running` decides what a code means.

use crate::reader::Reader;

/// One xvp message.
pub(crate) struct Xvp {
    /// The highest xvp extension version the server supports.
    pub(crate) version: u8,
    /// The message code (0 XVP_FAIL, 1 XVP_INIT; others are not defined for servers).
    pub(crate) code: u8,
}

/// XVP_FAIL: an operation failed or is not supported.
pub(crate) const XVP_FAIL: u8 = 0;
/// XVP_INIT: the server takes xvp requests.
pub(crate) const XVP_INIT: u8 = 1;

pub(super) fn parse(t: &mut Reader) -> Option<Xvp> {
    let [_padding, version, code] = t.array::<3>()?;
    Some(Xvp { version, code })
}
