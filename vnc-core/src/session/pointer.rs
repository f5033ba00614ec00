//! The pointer: absolute positions, relative motion, and the server's pointer mode (QEMU
//! Pointer Motion Change). In relative mode QEMU reads a PointerEvent as motion from
//! (0x7FFF, 0x7FFF), so the session turns both kinds of input into what the mode needs.

use crate::encoding::Encoding;
use crate::messages::client;

use super::Session;

/// The centre QEMU measures relative motion from (rfbproto, QEMU Pointer Motion Change).
const CENTRE: i32 = 0x7FFF;
/// The largest motion one PointerEvent carries in relative mode, either way: 0x7FFF - 0 and
/// 0xFFFE - 0x7FFF, the same both ways.
const MAX_STEP: i32 = 0x7FFF;
/// The largest motion one call sends, either way; more is clamped. It covers the largest
/// framebuffer, so a `pointer_event` in relative mode never clamps, in at most three messages.
const MAX_MOTION: i32 = u16::MAX as i32;

/// What the session knows about the pointer.
#[derive(Default)]
pub(crate) struct Pointer {
    /// The pointer mode the server last sent (QEMU Pointer Motion Change), while announced.
    pub(crate) absolute: Option<bool>,
    /// The last position sent by [`Session::pointer_event`] (or by
    /// [`Session::pointer_motion`] in absolute mode): relative mode sends the difference
    /// from it.
    last: Option<(u16, u16)>,
}

impl Pointer {
    /// The server said how it reads pointer events.
    pub(crate) fn mode(&mut self, absolute: bool, encodings: &[Encoding]) {
        // A server that says so unasked is not believed: only with -257 announced does QEMU
        // read positions as motion from the centre.
        if encodings.contains(&Encoding::QemuPointerMotionChange) {
            self.absolute = Some(absolute);
        }
    }

    /// The application announces `encodings` from now on.
    pub(crate) fn encodings_changed(&mut self, encodings: &[Encoding]) {
        if !encodings.contains(&Encoding::QemuPointerMotionChange) {
            self.absolute = None;
        }
    }

    fn relative(&self) -> bool {
        self.absolute == Some(false)
    }
}

/// Writes relative motion as PointerEvents from the centre, split into steps QEMU takes.
fn motion(out: &mut Vec<u8>, dx: i32, dy: i32, buttons: u8) {
    let (mut dx, mut dy) = (
        dx.clamp(-MAX_MOTION, MAX_MOTION),
        dy.clamp(-MAX_MOTION, MAX_MOTION),
    );
    loop {
        let (sx, sy) = (dx.clamp(-MAX_STEP, MAX_STEP), dy.clamp(-MAX_STEP, MAX_STEP));
        // In range by the clamps: 0 ..= 0xFFFE.
        let at = |d: i32| u16::try_from(CENTRE + d).unwrap_or(CENTRE as u16);
        client::pointer_event(out, buttons, at(sx), at(sy));
        dx -= sx;
        dy -= sy;
        if dx == 0 && dy == 0 {
            return;
        }
    }
}

impl Session {
    /// Sends the pointer position and button mask (bit 0 = left, 1 = middle, 2 = right,
    /// 3/4 = wheel up/down, 5/6 = wheel left/right). Coordinates are clamped to the
    /// framebuffer. Ignored before initialisation.
    ///
    /// When the server reads the pointer as relative motion
    /// ([`is_pointer_absolute`](Self::is_pointer_absolute) is `Some(false)`), this sends the
    /// motion from the last position given here instead (none the first time), so callers
    /// that only know positions keep working; [`pointer_motion`](Self::pointer_motion) sends
    /// motion itself.
    pub fn pointer_event(&mut self, x: u16, y: u16, buttons: u8) {
        if self.is_initialized() {
            let x = x.min(self.cx.fb.width().saturating_sub(1));
            let y = y.min(self.cx.fb.height().saturating_sub(1));
            let pointer = &mut self.cx.pointer;
            let out = &mut self.cx.io.out;
            if pointer.relative() {
                let (lx, ly) = pointer.last.unwrap_or((x, y));
                let d = |a: u16, b: u16| i32::from(a) - i32::from(b);
                motion(out, d(x, lx), d(y, ly), buttons);
            } else {
                client::pointer_event(out, buttons, x, y);
            }
            pointer.last = Some((x, y));
        }
        self.pump_or_close();
    }

    /// Moves the pointer by (`dx`, `dy`) pixels with the button mask `buttons` (as in
    /// [`pointer_event`](Self::pointer_event)). Ignored before initialisation.
    ///
    /// In relative mode ([`is_pointer_absolute`](Self::is_pointer_absolute) is
    /// `Some(false)`) this is what the guest's mouse receives: QEMU takes one PointerEvent
    /// as at most 32767 either way, so a larger motion goes out as several, and a motion
    /// beyond ±65535 is clamped to it. Otherwise it moves the last position sent
    /// (the framebuffer's top-left corner if none) by the motion, clamped to the
    /// framebuffer, and sends that position.
    ///
    /// ```
    /// # use vnc_core::{Config, Session};
    /// # let mut session = Session::new(Config::default(), std::time::Instant::now());
    /// // Five pixels right and three up, with no button pressed.
    /// session.pointer_motion(5, -3, 0);
    /// ```
    pub fn pointer_motion(&mut self, dx: i32, dy: i32, buttons: u8) {
        if !self.is_initialized() {
            return;
        }
        if self.cx.pointer.relative() {
            motion(&mut self.cx.io.out, dx, dy, buttons);
            self.pump_or_close();
            return;
        }
        let (lx, ly) = self.cx.pointer.last.unwrap_or((0, 0));
        let moved = |from: u16, d: i32| {
            let to = (i32::from(from) + d).clamp(0, i32::from(u16::MAX));
            u16::try_from(to).unwrap_or(u16::MAX)
        };
        self.pointer_event(moved(lx, dx), moved(ly, dy), buttons);
    }

    /// Whether the server reads pointer positions as absolute (`Some(true)`) or as relative
    /// motion (`Some(false)`), as it last said (QEMU Pointer Motion Change, see
    /// [`Event::PointerMode`](crate::Event::PointerMode)); `None` until it has said, or
    /// while [`Encoding::QemuPointerMotionChange`] is not announced (a server cannot switch
    /// the session to relative motion unasked).
    pub fn is_pointer_absolute(&self) -> Option<bool> {
        self.cx.pointer.absolute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(out: &[u8]) -> Vec<(u8, i32, i32)> {
        out.chunks_exact(6)
            .map(|m| {
                assert_eq!(m[0], 5);
                let v = |i: usize| i32::from(u16::from_be_bytes([m[i], m[i + 1]])) - CENTRE;
                (m[1], v(2), v(4))
            })
            .collect()
    }

    #[test]
    fn motion_is_split_within_what_qemu_takes() {
        let mut out = Vec::new();
        motion(&mut out, 5, -3, 1);
        assert_eq!(decode(&out), [(1, 5, -3)]);

        out.clear();
        motion(&mut out, 40000, -70000, 0);
        let steps = decode(&out);
        assert_eq!(steps.len(), 3);
        assert_eq!(steps.iter().map(|s| s.1).sum::<i32>(), 40000);
        assert_eq!(steps.iter().map(|s| s.2).sum::<i32>(), -MAX_MOTION);
        assert!(
            steps
                .iter()
                .all(|s| s.1.abs() <= MAX_STEP && s.2.abs() <= MAX_STEP)
        );

        out.clear();
        motion(&mut out, i32::MIN, i32::MAX, 0);
        assert_eq!(decode(&out).len(), 3);
        out.clear();
        motion(&mut out, 0, 0, 4);
        assert_eq!(decode(&out), [(4, 0, 0)]);
    }
}
