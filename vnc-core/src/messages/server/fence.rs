//! Fence (rfbproto, type 248, both directions): after the type, three padding bytes, 32 flag
//! bits (BlockBefore, BlockAfter, SyncNext, and Request in bit 31), a length of at most 64
//! and that many bytes of payload, which the answer echoes. A longer length is refused as soon
//! as it has arrived. Only parsed while the Fence pseudo-encoding has been announced.

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;

/// All messages before the fence are processed before it is answered.
pub(crate) const BLOCK_BEFORE: u32 = 1;
/// No message after the fence is processed until it has been answered.
pub(crate) const BLOCK_AFTER: u32 = 1 << 1;
/// The message after the fence is processed together with it (the answer follows that one).
pub(crate) const SYNC_NEXT: u32 = 1 << 2;
/// A request, to be answered; without it the fence is an answer.
pub(crate) const REQUEST: u32 = 1 << 31;
/// The flags this client understands, and so keeps in an answer.
pub(crate) const UNDERSTOOD: u32 = BLOCK_BEFORE | BLOCK_AFTER | SYNC_NEXT;
/// The longest payload the protocol allows.
pub(crate) const MAX_PAYLOAD: u8 = 64;

/// One Fence message.
pub(crate) struct Fence<'a> {
    pub(crate) flags: u32,
    pub(crate) payload: &'a [u8],
}

pub(super) fn parse<'a>(t: &mut Reader<'a>) -> Result<Option<Fence<'a>>, Error> {
    let (Some(_padding), Some(flags), Some(len)) = (t.array::<3>(), t.u32(), t.u8()) else {
        return Ok(None);
    };
    if len > MAX_PAYLOAD {
        return Err(Error::protocol(
            Step::ServerMessage,
            ProtocolError::FenceTooLong(len),
        ));
    }
    Ok(t.take(len.into()).map(|payload| Fence { flags, payload }))
}
