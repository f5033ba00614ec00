//! The QEMU LED State pseudo-encoding (rfbproto, -261): the state of the server's lock keys,
//! one byte after the rectangle header (bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock;
//! the other bits are reserved and ignored, as the spec asks). The rectangle's geometry means
//! nothing (QEMU sends 1x1 at the origin) and is not checked.

use crate::error::Error;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// The server's keyboard lock state, from the QEMU LED State pseudo-encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LockState {
    /// Scroll Lock is on.
    pub scroll_lock: bool,
    /// Num Lock is on.
    pub num_lock: bool,
    /// Caps Lock is on.
    pub caps_lock: bool,
}

impl LockState {
    /// The state from the wire byte; reserved bits are ignored.
    ///
    /// ```
    /// use vnc_core::LockState;
    /// let s = LockState::from_bits(0b1111_0100);
    /// assert!(s.caps_lock && !s.num_lock && !s.scroll_lock);
    /// assert_eq!(s.bits(), 0b100);
    /// ```
    pub fn from_bits(bits: u8) -> LockState {
        LockState {
            scroll_lock: bits & 1 != 0,
            num_lock: bits & 2 != 0,
            caps_lock: bits & 4 != 0,
        }
    }

    /// The wire byte: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.
    pub fn bits(self) -> u8 {
        u8::from(self.scroll_lock) | u8::from(self.num_lock) << 1 | u8::from(self.caps_lock) << 2
    }
}

/// A LED State pseudo-rectangle: one byte.
pub(crate) struct LedState;

impl Decode for LedState {
    fn new(_: Rect, _: &Reader, _: &mut DecodeContext) -> LedState {
        LedState
    }

    fn decode(&mut self, r: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Ok(r.u8().map(|b| Done::LedState(LockState::from_bits(b))))
    }
}
