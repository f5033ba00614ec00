//! ServerCutText (RFC 6143 §7.6.4): the server's clipboard text in Latin-1. A text above the
//! limit is not buffered: its header is consumed and the session skips its bytes.

use crate::reader::Reader;

use super::ParseContext;

pub(crate) enum ServerCutText<'a> {
    /// The text, within the limit.
    Text(&'a [u8]),
    /// Above the limit: `len` bytes follow, to be skipped.
    TooLong { len: u32 },
}

pub(super) fn parse<'a>(t: &mut Reader<'a>, cx: &ParseContext) -> Option<ServerCutText<'a>> {
    let (Some(_padding), Some(len)) = (t.array::<3>(), t.u32()) else {
        return None;
    };
    if len > cx.max_cut_text {
        return Some(ServerCutText::TooLong { len });
    }
    t.take(len as usize).map(ServerCutText::Text)
}
