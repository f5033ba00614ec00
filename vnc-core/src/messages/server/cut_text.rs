//! ServerCutText (RFC 6143 §7.6.4): the server's clipboard text in Latin-1, or, with a
//! negative length, an Extended Clipboard message (rfbproto, pseudo-encoding 0xC0A1E5CE) of
//! that many bytes, parsed by [`extended_clipboard`](super::extended_clipboard). A message
//! above the limit is not buffered: its header is consumed and the session skips its bytes.

use crate::reader::Reader;

use super::ParseContext;

pub(crate) enum ServerCutText<'a> {
    /// Latin-1 text, within the limit.
    Text(&'a [u8]),
    /// An Extended Clipboard payload (flags first), within the limit.
    Extended(&'a [u8]),
    /// Above the limit: `len` bytes follow, to be skipped.
    TooLong { len: u32, extended: bool },
}

pub(super) fn parse<'a>(t: &mut Reader<'a>, cx: &ParseContext) -> Option<ServerCutText<'a>> {
    let (Some(_padding), Some(len)) = (t.array::<3>(), t.i32()) else {
        return None;
    };
    // i32::MIN has no positive counterpart; its size is 2^31, which no limit admits.
    let (size, extended) = (len.unsigned_abs(), len < 0);
    if size > cx.max_cut_text {
        return Some(ServerCutText::TooLong {
            len: size,
            extended,
        });
    }
    let body = t.take(size as usize)?;
    Some(if extended {
        ServerCutText::Extended(body)
    } else {
        ServerCutText::Text(body)
    })
}
