//! The QEMU Audio pseudo-encoding (rfbproto, -259): the client announces that it can take the
//! guest's sound. QEMU acknowledges it with an empty rectangle of this encoding (after each
//! SetEncodings that holds it); only then may the client send QEMU audio messages (255/1),
//! which a QEMU without the acknowledgement answers by closing the connection. This file also
//! holds the stream's format, [`AudioSpec`].

use crate::error::Error;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// How one audio sample is stored: the wire values of the QEMU audio SetFormat message.
///
/// Samples of more than one byte are little-endian: QEMU captures the stream for the client
/// in little-endian order whatever its host's byte order (its capture settings fix
/// `endianness` to 0).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AudioFormat {
    /// Unsigned 8-bit (silence is 128); wire value 0.
    U8,
    /// Signed 8-bit; wire value 1.
    S8,
    /// Unsigned 16-bit (silence is 32768); wire value 2.
    U16,
    /// Signed 16-bit; wire value 3.
    S16,
    /// Unsigned 32-bit; wire value 4.
    U32,
    /// Signed 32-bit; wire value 5.
    S32,
}

impl AudioFormat {
    /// The wire value (0 to 5).
    pub fn code(self) -> u8 {
        match self {
            AudioFormat::U8 => 0,
            AudioFormat::S8 => 1,
            AudioFormat::U16 => 2,
            AudioFormat::S16 => 3,
            AudioFormat::U32 => 4,
            AudioFormat::S32 => 5,
        }
    }

    /// The format with this wire value.
    ///
    /// ```
    /// use vnc_core::AudioFormat;
    /// assert_eq!(AudioFormat::from_code(3), Some(AudioFormat::S16));
    /// assert_eq!(AudioFormat::from_code(6), None);
    /// ```
    pub fn from_code(code: u8) -> Option<AudioFormat> {
        Some(match code {
            0 => AudioFormat::U8,
            1 => AudioFormat::S8,
            2 => AudioFormat::U16,
            3 => AudioFormat::S16,
            4 => AudioFormat::U32,
            5 => AudioFormat::S32,
            _ => return None,
        })
    }

    /// Bytes per sample: 1, 2 or 4.
    pub fn bytes_per_sample(self) -> usize {
        match self {
            AudioFormat::U8 | AudioFormat::S8 => 1,
            AudioFormat::U16 | AudioFormat::S16 => 2,
            AudioFormat::U32 | AudioFormat::S32 => 4,
        }
    }

    /// True for the signed formats (silence is 0).
    pub fn is_signed(self) -> bool {
        matches!(self, AudioFormat::S8 | AudioFormat::S16 | AudioFormat::S32)
    }
}

/// The audio stream's format, asked for with
/// [`Session::enable_audio`](crate::Session::enable_audio): samples interleaved by channel
/// (left first), `frequency` frames a second.
///
/// ```
/// use vnc_core::{AudioFormat, AudioSpec};
/// let cd = AudioSpec { format: AudioFormat::S16, channels: 2, frequency: 44100 };
/// assert_eq!(cd.bytes_per_frame(), 4);
/// assert!(cd.is_supported());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AudioSpec {
    /// How each sample is stored.
    pub format: AudioFormat,
    /// Channels: 1 (mono) or 2 (stereo, left first).
    pub channels: u8,
    /// Frames per second (Hz).
    pub frequency: u32,
}

impl AudioSpec {
    /// The highest frequency QEMU takes: it closes the connection of a client that asks for
    /// more.
    pub const MAX_FREQUENCY: u32 = 48000;

    /// Bytes per frame: one sample for each channel.
    pub fn bytes_per_frame(&self) -> usize {
        self.format.bytes_per_sample() * usize::from(self.channels)
    }

    /// True if a server can be asked for it: 1 or 2 channels (rfbproto's only choices, and
    /// QEMU closes the connection on others) and 1 to [`MAX_FREQUENCY`](Self::MAX_FREQUENCY)
    /// Hz.
    pub fn is_supported(&self) -> bool {
        matches!(self.channels, 1 | 2) && (1..=Self::MAX_FREQUENCY).contains(&self.frequency)
    }
}

/// A QEMU Audio pseudo-rectangle: the acknowledgement, with no data and a meaningless
/// geometry.
pub(crate) struct QemuAudio;

impl Decode for QemuAudio {
    fn new(_: Rect, _: &Reader, _: &mut DecodeContext) -> QemuAudio {
        QemuAudio
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(Some(Done::AudioAcknowledged))
    }
}
