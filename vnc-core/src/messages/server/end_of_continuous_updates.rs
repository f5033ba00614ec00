//! EndOfContinuousUpdates (rfbproto, type 150): the type alone. The first one says that the
//! server supports continuous updates (it answers the ContinuousUpdates pseudo-encoding); a
//! later one says that continuous updates have ended, after the client disabled them: every
//! update after it was asked for. Only parsed while the pseudo-encoding has been announced.

use crate::reader::Reader;

/// The EndOfContinuousUpdates message (no body).
pub(crate) struct EndOfContinuousUpdates;

pub(super) fn parse(_: &mut Reader) -> Option<EndOfContinuousUpdates> {
    Some(EndOfContinuousUpdates)
}
