//! Server-to-client messages (RFC 6143 §7.6), parsed into [`ServerMessage`] once all of a
//! message has arrived. A FramebufferUpdate is parsed up to its header only: its rectangles
//! are read by [`running::framebuffer_update`](crate::running::framebuffer_update).
//! A new message is a parse function here, a variant, and a line in [`ServerMessage::parse`].

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;

/// What the parser needs to know about the session.
pub(crate) struct ParseContext {
    /// The pixel format in force is true colour (so a colour map is a protocol error).
    pub(crate) true_colour: bool,
    /// Longer ServerCutTexts are skipped rather than read.
    pub(crate) max_cut_text: u32,
}

/// One message from the server.
pub(crate) enum ServerMessage<'a> {
    /// FramebufferUpdate's header: `rects` rectangles follow (65535 may mean "until LastRect").
    FramebufferUpdate { rects: u16 },
    /// SetColourMapEntries: `rgb` holds 6 bytes (16-bit red, green, blue) per entry from
    /// `first` on.
    SetColourMapEntries { first: u16, rgb: &'a [u8] },
    /// Bell.
    Bell,
    /// ServerCutText within the limit, in Latin-1.
    ServerCutText(&'a [u8]),
    /// ServerCutText above the limit: its header is consumed and `len` bytes follow, to be
    /// skipped.
    ServerCutTextTooLong { len: u32 },
}

impl<'a> ServerMessage<'a> {
    /// Parses one message once all of it has arrived (`Ok(None)`, with `r` untouched, until
    /// then). Errors are found as soon as the bytes that show them have arrived.
    pub(crate) fn parse(
        r: &mut Reader<'a>,
        cx: &ParseContext,
    ) -> Result<Option<ServerMessage<'a>>, Error> {
        let mut t = *r;
        let Some(kind) = t.u8() else {
            return Ok(None);
        };
        let msg = match kind {
            0 => framebuffer_update(&mut t),
            1 => set_colour_map_entries(&mut t, cx)?,
            2 => Some(ServerMessage::Bell),
            3 => server_cut_text(&mut t, cx),
            other => {
                return Err(Error::protocol(
                    Step::ServerMessage,
                    ProtocolError::UnknownMessageType(other),
                ));
            }
        };
        if msg.is_some() {
            *r = t;
        }
        Ok(msg)
    }
}

fn framebuffer_update<'a>(t: &mut Reader<'a>) -> Option<ServerMessage<'a>> {
    let (Some(_padding), Some(rects)) = (t.u8(), t.u16()) else {
        return None;
    };
    Some(ServerMessage::FramebufferUpdate { rects })
}

fn set_colour_map_entries<'a>(
    t: &mut Reader<'a>,
    cx: &ParseContext,
) -> Result<Option<ServerMessage<'a>>, Error> {
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
        .map(|rgb| ServerMessage::SetColourMapEntries { first, rgb }))
}

fn server_cut_text<'a>(t: &mut Reader<'a>, cx: &ParseContext) -> Option<ServerMessage<'a>> {
    let (Some(_padding), Some(len)) = (t.array::<3>(), t.u32()) else {
        return None;
    };
    if len > cx.max_cut_text {
        return Some(ServerMessage::ServerCutTextTooLong { len });
    }
    t.take(len as usize).map(ServerMessage::ServerCutText)
}
