//! Relative pointer mode (QEMU Pointer Motion Change): the read-only `is-pointer-absolute`
//! and `pointer-confined` properties, the grab that relative mode needs (a click grabs, the
//! grab keys release), and the local pointer's motion sent as deltas while grabbed. The
//! pointer stays in the widget through `x11_grab` where X11 allows it; where not, the widget
//! says so (`pointer-confined` stays false, with a warning) and still sends motion.

use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp::VncDisplay;
use crate::sys::x11_grab;

impl VncDisplay {
    /// The server said how it reads the pointer (or the connection ended: absolute).
    pub(super) fn pointer_mode_changed(&self, absolute: bool) {
        if self.pointer_absolute.replace(absolute) == absolute {
            return;
        }
        tracing::debug!(absolute, "pointer mode");
        let obj = self.obj();
        obj.notify_is_pointer_absolute();
        if self.grab_pointer.get() {
            // A grab taken in one mode ends when the mode changes: relative mode confines,
            // absolute mode has no need to.
            obj.set_grab_pointer(false);
        }
        self.rel_last.set(None);
    }

    /// True while the server reads the pointer as relative motion.
    pub(super) fn is_relative(&self) -> bool {
        !self.pointer_absolute.get()
    }

    /// The pointer grab started (`on`) or ended: confine the pointer to the widget where the
    /// platform allows it (X11), in relative mode also keeping it at the centre.
    pub(super) fn pointer_grab_changed(&self, on: bool) {
        let obj = self.obj();
        self.rel_last.set(None);
        self.warped_to.set(None);
        if on {
            match x11_grab::grab(obj.upcast_ref()) {
                Ok(()) => {
                    self.set_confined(true);
                    if self.is_relative() {
                        self.warp_to_centre();
                    }
                }
                Err(why) => {
                    tracing::warn!(
                        %why,
                        "pointer grab: cannot confine the pointer to the display; input is \
                         still sent, but the local pointer can leave the window"
                    );
                    self.set_confined(false);
                }
            }
        } else if self.pointer_confined.get() {
            x11_grab::ungrab(obj.upcast_ref());
            self.set_confined(false);
        }
    }

    fn set_confined(&self, v: bool) {
        if self.pointer_confined.replace(v) != v {
            self.obj().notify_pointer_confined();
        }
    }

    /// The widget's centre, on a whole pixel: where a warp puts the pointer exactly.
    fn centre(&self) -> (f64, f64) {
        let obj = self.obj();
        (
            f64::from(WidgetExt::width(&*obj) / 2),
            f64::from(WidgetExt::height(&*obj) / 2),
        )
    }

    fn warp_to_centre(&self) {
        let (cx, cy) = self.centre();
        if x11_grab::warp(self.obj().upcast_ref(), cx, cy) {
            self.warped_to.set(Some((cx, cy)));
        }
    }

    /// Local pointer input in relative mode: a press while not grabbed grabs (and is not
    /// sent); while grabbed, motion from the last position goes as a delta with the buttons.
    /// Returns true if handled (always, in relative mode).
    pub(super) fn relative_pointer(&self, x: f64, y: f64, pressed: bool) -> bool {
        if !self.is_relative() {
            return false;
        }
        let obj = self.obj();
        if !self.grab_pointer.get() {
            if pressed {
                obj.set_grab_keyboard(true);
                obj.set_grab_pointer(true);
                // The click that grabbed is not the guest's: forget its button.
                self.buttons.set(0);
            }
            return true;
        }
        // Where this motion started: the last position, or the centre after a warp.
        let mut from = self.rel_last.replace(Some((x, y)));
        if let Some((wx, wy)) = self.warped_to.get() {
            // The motion that a warp to the centre caused: a new starting point, not motion.
            if (x - wx).abs() < 1.0 && (y - wy).abs() < 1.0 {
                self.warped_to.set(None);
                return true;
            }
            // GDK merges the motion events waiting in its queue, keeping only the last
            // position: the warp's own event may be merged into this one, which then
            // moved from the centre. Else this motion was made before the warp and moved
            // from the last position. The warp came because the last position was far from
            // the centre, so the nearer of the two is where it came from.
            let from_last = from.map_or(f64::INFINITY, |(lx, ly)| (x - lx).hypot(y - ly));
            if (x - wx).hypot(y - wy) < from_last {
                self.warped_to.set(None);
                from = Some((wx, wy));
            }
        }
        let Some((lx, ly)) = from else {
            // The first position after the grab: nothing to measure from, buttons only.
            self.send_motion(0.0, 0.0);
            return true;
        };
        self.send_motion(x - lx, y - ly);
        self.recentre_if_far(x, y);
        true
    }

    /// Far from the centre: back to it before the pointer meets the window's edge. Not while
    /// a warp is on its way: this motion was made before it, and a second warp to where the
    /// pointer already is would make no event to end the wait.
    fn recentre_if_far(&self, x: f64, y: f64) {
        let (cx, cy) = self.centre();
        if self.pointer_confined.get()
            && self.warped_to.get().is_none()
            && ((x - cx).abs() > cx / 2.0 || (y - cy).abs() > cy / 2.0)
        {
            self.warp_to_centre();
        }
    }

    /// Sends motion of (`dx`, `dy`) widget pixels in framebuffer pixels (through the rotation), carrying fractions
    /// to the next motion, with the buttons held.
    fn send_motion(&self, dx: f64, dy: f64) {
        let (dx, dy) = self
            .layout()
            .map_or((dx, dy), |l| l.unrotate_delta(dx / l.sx, dy / l.sy));
        let (rx, ry) = self.rel_rest.get();
        let (fx, fy) = (dx + rx, dy + ry);
        let (ix, iy) = (fx.trunc(), fy.trunc());
        self.rel_rest.set((fx - ix, fy - iy));
        let mask = self.buttons.get();
        self.with_session(|s| s.pointer_motion(ix as i32, iy as i32, mask));
    }

    /// Buttons alone in relative mode (wheel clicks): no motion.
    pub(super) fn relative_buttons(&self, mask: u8) {
        self.with_session(|s| s.pointer_motion(0, 0, mask));
    }
}
