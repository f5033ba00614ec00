//! QEMU's server message (rfbproto QEMU Server Message, type 255) and its only sub-type,
//! audio (1): after the type, the sub-type and a 16-bit operation, End (0) and Begin (1) stand
//! alone, Data (2) carries a 32-bit length and that many bytes of samples. Any other sub-type
//! or operation is an error: its length is unknown, so the stream cannot be followed past it.
//! A Data length above the limit is refused as soon as the length has arrived, before any of
//! its bytes are waited for.

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;

use super::ParseContext;

/// The audio sub-type of the QEMU server message.
const AUDIO: u8 = 1;

/// One QEMU audio message.
pub(crate) enum QemuAudio<'a> {
    /// The guest stopped playing (operation 0).
    End,
    /// The guest started playing (operation 1).
    Begin,
    /// Samples in the format the client asked for (operation 2).
    Data(&'a [u8]),
}

pub(super) fn parse<'a>(
    t: &mut Reader<'a>,
    cx: &ParseContext,
) -> Result<Option<QemuAudio<'a>>, Error> {
    let Some(sub_type) = t.u8() else {
        return Ok(None);
    };
    if sub_type != AUDIO {
        return Err(Error::protocol(
            Step::ServerMessage,
            ProtocolError::UnknownQemuMessage(sub_type),
        ));
    }
    let Some(operation) = t.u16() else {
        return Ok(None);
    };
    match operation {
        0 => Ok(Some(QemuAudio::End)),
        1 => Ok(Some(QemuAudio::Begin)),
        2 => {
            let Some(len) = t.u32() else {
                return Ok(None);
            };
            if len > cx.max_audio_data {
                return Err(Error::LimitExceeded {
                    step: Step::ServerMessage,
                    what: "a QEMU audio data length",
                    value: len.into(),
                    limit: cx.max_audio_data.into(),
                });
            }
            Ok(t.take(len as usize).map(QemuAudio::Data))
        }
        other => Err(Error::protocol(
            Step::ServerMessage,
            ProtocolError::UnknownAudioOperation(other),
        )),
    }
}
