//! The DesktopSize pseudo-encoding (-223), a new framebuffer size, and ExtendedDesktopSize
//! (rfbproto, -308): a new size with its screen layout, and the answer to the client's
//! SetDesktopSize.

use crate::error::{Error, Step};
use crate::framebuffer::Rect;
use crate::handshake::init::check_size;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// One screen of a multi-head desktop layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Screen {
    /// Server-chosen identifier.
    pub id: u32,
    /// Left edge.
    pub x: u16,
    /// Top edge.
    pub y: u16,
    /// Width.
    pub width: u16,
    /// Height.
    pub height: u16,
    /// Flags (unused by the protocol so far).
    pub flags: u32,
}

/// Why an ExtendedDesktopSize rectangle was sent (its x field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResizeReason {
    /// The server changed the size by itself.
    Server,
    /// In answer to this client's SetDesktopSize.
    ThisClient,
    /// Another client asked.
    OtherClient,
    /// A value the spec does not define.
    Other(u16),
}

/// The outcome of a SetDesktopSize (the y field of an answer to this client).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResizeStatus {
    /// Done.
    Ok,
    /// The server does not allow resizing.
    Prohibited,
    /// The server lacks resources for that size.
    OutOfResources,
    /// The layout is invalid.
    InvalidLayout,
    /// A value the spec does not define.
    Other(u16),
}

impl ResizeReason {
    pub(crate) fn from_wire(v: u16) -> Self {
        match v {
            0 => ResizeReason::Server,
            1 => ResizeReason::ThisClient,
            2 => ResizeReason::OtherClient,
            v => ResizeReason::Other(v),
        }
    }
}

impl ResizeStatus {
    pub(crate) fn from_wire(v: u16) -> Self {
        match v {
            0 => ResizeStatus::Ok,
            1 => ResizeStatus::Prohibited,
            2 => ResizeStatus::OutOfResources,
            3 => ResizeStatus::InvalidLayout,
            v => ResizeStatus::Other(v),
        }
    }
}

/// Parses the screen list once it has all arrived (`None` until then). At most 255 screens,
/// so at most 4 KiB.
pub(crate) fn parse_screens(r: &mut Reader) -> Option<Vec<Screen>> {
    let mut t = *r;
    let n = t.u8()?;
    t.take(3)?;
    let body = t.take(usize::from(n) * 16)?;
    *r = t;
    Some(
        body.chunks_exact(16)
            .map(|c| {
                let u16_at = |i: usize| u16::from_be_bytes([c[i], c[i + 1]]);
                Screen {
                    id: u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
                    x: u16_at(4),
                    y: u16_at(6),
                    width: u16_at(8),
                    height: u16_at(10),
                    flags: u32::from_be_bytes([c[12], c[13], c[14], c[15]]),
                }
            })
            .collect(),
    )
}

/// A DesktopSize pseudo-rectangle: its size is the new framebuffer's, and no data follows.
pub(crate) struct DesktopSize(Rect);

impl Decode for DesktopSize {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> DesktopSize {
        DesktopSize(rect)
    }

    fn decode(&mut self, _: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let Rect { width, height, .. } = self.0;
        check_size(width, height, cx.limits, Step::FramebufferUpdate)?;
        Ok(Some(Done::DesktopSize { width, height }))
    }
}

/// An ExtendedDesktopSize pseudo-rectangle.
pub(crate) struct ExtendedDesktopSize(Rect);

impl Decode for ExtendedDesktopSize {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> ExtendedDesktopSize {
        ExtendedDesktopSize(rect)
    }

    fn decode(&mut self, r: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(parse_screens(r).map(|screens| Done::ExtendedDesktopSize {
            rect: self.0,
            screens,
        }))
    }
}
