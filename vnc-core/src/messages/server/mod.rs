//! Server-to-client messages (RFC 6143 §7.6), one file per message with a body (Bell has
//! none), gathered in [`ServerMessage`] and parsed once all of a message has arrived. A new
//! message is its file, a variant and a line in [`ServerMessage::parse`]; `running` applies it.

mod colour_map;
mod cut_text;
mod end_of_continuous_updates;
pub(crate) mod extended_clipboard;
pub(crate) mod fence;
mod framebuffer_update;
pub(crate) mod qemu_audio;
pub(crate) mod xvp;

pub(crate) use self::colour_map::SetColourMapEntries;
pub(crate) use self::cut_text::ServerCutText;
pub(crate) use self::end_of_continuous_updates::EndOfContinuousUpdates;
pub(crate) use self::extended_clipboard::ExtendedClipboard;
pub(crate) use self::fence::Fence;
pub(crate) use self::framebuffer_update::FramebufferUpdate;
pub(crate) use self::qemu_audio::QemuAudio;
pub(crate) use self::xvp::Xvp;

use crate::error::{Error, ProtocolError, Step};
use crate::reader::Reader;

/// What the parsers need to know about the session.
pub(crate) struct ParseContext {
    /// The pixel format in force is true colour (so a colour map is a protocol error).
    pub(crate) true_colour: bool,
    /// Longer ServerCutTexts (Extended Clipboard payloads included) are skipped rather than
    /// read.
    pub(crate) max_cut_text: u32,
    /// Longer QEMU audio data is an error.
    pub(crate) max_audio_data: u32,
    /// The ContinuousUpdates pseudo-encoding has been announced (so type 150 exists).
    pub(crate) continuous_updates: bool,
    /// The Fence pseudo-encoding has been announced (so type 248 exists).
    pub(crate) fence: bool,
}

/// One message from the server.
pub(crate) enum ServerMessage<'a> {
    FramebufferUpdate(FramebufferUpdate),
    SetColourMapEntries(SetColourMapEntries<'a>),
    /// Bell (§7.6.3): the message type alone.
    Bell,
    ServerCutText(ServerCutText<'a>),
    Xvp(Xvp),
    QemuAudio(QemuAudio<'a>),
    EndOfContinuousUpdates(EndOfContinuousUpdates),
    Fence(Fence<'a>),
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
            0 => framebuffer_update::parse(&mut t).map(ServerMessage::FramebufferUpdate),
            1 => colour_map::parse(&mut t, cx)?.map(ServerMessage::SetColourMapEntries),
            2 => Some(ServerMessage::Bell),
            3 => cut_text::parse(&mut t, cx).map(ServerMessage::ServerCutText),
            250 => xvp::parse(&mut t).map(ServerMessage::Xvp),
            150 if cx.continuous_updates => {
                end_of_continuous_updates::parse(&mut t).map(ServerMessage::EndOfContinuousUpdates)
            }
            248 if cx.fence => fence::parse(&mut t)?.map(ServerMessage::Fence),
            255 => qemu_audio::parse(&mut t, cx)?.map(ServerMessage::QemuAudio),
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
