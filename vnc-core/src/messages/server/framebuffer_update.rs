//! FramebufferUpdate's header (RFC 6143 §7.6.1): how many rectangles follow. The rectangles
//! themselves are read by [`running::framebuffer_update`](crate::running::framebuffer_update).

use crate::reader::Reader;

/// `rects` rectangles follow (65535 may mean "until LastRect").
pub(crate) struct FramebufferUpdate {
    pub(crate) rects: u16,
}

pub(super) fn parse(t: &mut Reader) -> Option<FramebufferUpdate> {
    let (Some(_padding), Some(rects)) = (t.u8(), t.u16()) else {
        return None;
    };
    Some(FramebufferUpdate { rects })
}
