//! Where the desktop goes in the widget: the size the widget asks for, scaling and zoom, the
//! mapping between widget and framebuffer coordinates, the remote resize that follows the
//! widget and the retry when GTK allocates below the minimum.

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp::VncDisplay;

/// Where the framebuffer is drawn: widget = offset + rotated framebuffer * scale. The scales
/// are along the widget's axes (after rotation).
pub(super) struct Layout {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) sx: f64,
    pub(super) sy: f64,
    /// Quarter turns clockwise, 0 to 3.
    pub(super) turns: u8,
    /// The framebuffer's size.
    pub(super) fw: u16,
    pub(super) fh: u16,
}

impl Layout {
    /// The scales along the framebuffer's own x and y axes.
    pub(super) fn framebuffer_scale(&self) -> (f64, f64) {
        if self.turns % 2 == 1 {
            (self.sy, self.sx)
        } else {
            (self.sx, self.sy)
        }
    }

    /// The framebuffer pixel shown at pixel (`u`, `v`) of the rotated picture.
    pub(super) fn unrotate_pixel(&self, u: u16, v: u16) -> (u16, u16) {
        let (w, h) = (self.fw.saturating_sub(1), self.fh.saturating_sub(1));
        match self.turns {
            1 => (v, h.saturating_sub(u)),
            2 => (w.saturating_sub(u), h.saturating_sub(v)),
            3 => (w.saturating_sub(v), u),
            _ => (u, v),
        }
    }

    /// A motion of (`du`, `dv`) in the rotated picture as a motion in the framebuffer.
    pub(super) fn unrotate_delta(&self, du: f64, dv: f64) -> (f64, f64) {
        match self.turns {
            1 => (dv, -du),
            2 => (-du, -dv),
            3 => (-dv, du),
            _ => (du, dv),
        }
    }
}

/// `(w, h)` as seen after `turns` quarter turns.
pub(super) fn rotated<T>(turns: u8, (w, h): (T, T)) -> (T, T) {
    if turns % 2 == 1 { (h, w) } else { (w, h) }
}

impl VncDisplay {
    /// The widget's size request (`WidgetImpl::measure`) along `orientation`.
    pub(super) fn measure_desktop(&self, orientation: gtk::Orientation) -> (i32, i32, i32, i32) {
        let Some(size) = self.tiles.borrow().as_ref().map(|t| t.size()) else {
            return (0, 0, -1, -1);
        };
        let (w, h) = rotated(self.turns(), size);
        let size = f64::from(if orientation == gtk::Orientation::Horizontal {
            w
        } else {
            h
        });
        let natural = (size * self.unscaled_factor()).round() as i32;
        if self.scaling.get() || !self.force_size.get() {
            (1, natural, -1, -1)
        } else {
            (natural, natural, -1, -1)
        }
    }

    pub(super) fn set_redraw_bool<const N: u8>(&self, v: bool) {
        let cell = match N {
            0 => &self.scaling,
            1 => &self.keep_aspect_ratio,
            _ => &self.smoothing,
        };
        if cell.replace(v) != v {
            self.obj().queue_resize();
        }
    }

    pub(super) fn set_allow_resize(&self, v: bool) {
        self.allow_resize.set(v);
        if v {
            self.schedule_remote_resize();
        }
    }

    pub(super) fn set_force_size(&self, v: bool) {
        if self.force_size.replace(v) != v {
            self.obj().queue_resize();
        }
    }

    /// Asks the server for the widget's size in device pixels, once the size has stayed put for
    /// a moment (a window being dragged larger sends one request, not hundreds).
    pub(super) fn schedule_remote_resize(&self) {
        if let Some(t) = self.resize_timer.take() {
            t.remove();
        }
        let obj = self.obj();
        let timer = glib::timeout_add_local_once(
            std::time::Duration::from_millis(300),
            clone!(
                #[weak]
                obj,
                move || {
                    let this = obj.imp();
                    this.resize_timer.take();
                    let sf = obj.scale_factor().max(1);
                    let w = (WidgetExt::width(&obj) * sf).clamp(1, 16384) as u16;
                    let h = (WidgetExt::height(&obj) * sf).clamp(1, 16384) as u16;
                    // The desktop the guest should have, seen through the rotation.
                    let (w, h) = rotated(this.turns(), (w, h));
                    let current = this.tiles.borrow().as_ref().map(|t| t.size());
                    if current.is_some() && current != Some((w, h)) {
                        this.with_session(|s| {
                            if s.can_resize_desktop() {
                                s.set_desktop_size(w, h);
                            }
                        });
                    }
                }
            ),
        );
        self.resize_timer.replace(Some(timer));
    }

    pub(super) fn set_rotation(&self, v: u32) {
        if !matches!(v, 0 | 90 | 180 | 270) {
            tracing::warn!(
                rotation = v,
                "rotation must be 0, 90, 180 or 270 degrees; keeping the old one"
            );
            return;
        }
        if self.rotation.replace(v) != v {
            // A new starting point for relative motion, and a new size and picture.
            self.rel_last.set(None);
            self.rel_rest.set((0.0, 0.0));
            self.obj().queue_resize();
            self.obj().queue_draw();
            if self.allow_resize.get() {
                self.schedule_remote_resize();
            }
        }
    }

    /// The rotation in quarter turns clockwise.
    pub(super) fn turns(&self) -> u8 {
        (self.rotation.get() / 90 % 4) as u8
    }

    pub(super) fn set_zoom_level(&self, v: u32) {
        if self.zoom_level.replace(v.clamp(10, 400)) != v {
            self.obj().queue_resize();
        }
    }

    /// GTK 4.8 on X11 can lose the window's resize when the widget's minimum grows while the
    /// window is first being mapped: the window stays at its first size and the widget is
    /// allocated below its minimum. Queueing the window's resize again (from the main loop,
    /// once per minimum size) gets it laid out anew.
    pub(super) fn check_below_minimum(&self, width: i32, height: i32) {
        let obj = self.obj();
        let (min_w, ..) = self.measure(gtk::Orientation::Horizontal, -1);
        let (min_h, ..) = self.measure(gtk::Orientation::Vertical, -1);
        if (width >= min_w && height >= min_h)
            || self.resize_retried_for.replace(Some((min_w, min_h))) == Some((min_w, min_h))
        {
            return;
        }
        tracing::debug!(
            width,
            height,
            min_w,
            min_h,
            "allocated below the minimum size"
        );
        let weak = obj.downgrade();
        glib::idle_add_local_once(move || {
            if let Some(root) = weak.upgrade().and_then(|o| o.root()) {
                root.queue_resize();
            }
        });
    }

    /// Framebuffer pixels per logical pixel when not scaling: the zoom, and one remote pixel
    /// per device pixel on HiDPI monitors.
    fn unscaled_factor(&self) -> f64 {
        f64::from(self.zoom_level.get()) / 100.0 / f64::from(self.obj().scale_factor().max(1))
    }

    pub(super) fn layout(&self) -> Option<Layout> {
        let size = self.tiles.borrow().as_ref()?.size();
        if size.0 == 0 || size.1 == 0 {
            return None;
        }
        let turns = self.turns();
        let (fw, fh) = rotated(turns, size);
        let obj = self.obj();
        let (ww, wh) = (
            f64::from(WidgetExt::width(&*obj)),
            f64::from(WidgetExt::height(&*obj)),
        );
        let (fw, fh) = (f64::from(fw), f64::from(fh));
        let (sx, sy) = if self.scaling.get() {
            let (sx, sy) = (ww / fw, wh / fh);
            if self.keep_aspect_ratio.get() {
                let s = sx.min(sy);
                (s, s)
            } else {
                (sx, sy)
            }
        } else {
            let s = self.unscaled_factor();
            (s, s)
        };
        Some(Layout {
            x: ((ww - fw * sx) / 2.0).max(0.0).floor(),
            y: ((wh - fh * sy) / 2.0).max(0.0).floor(),
            sx,
            sy,
            turns,
            fw: size.0,
            fh: size.1,
        })
    }

    pub(super) fn to_framebuffer(&self, x: f64, y: f64) -> Option<(u16, u16)> {
        let l = self.layout()?;
        let (w, h) = rotated(l.turns, (l.fw, l.fh));
        // GTK's widget coordinates carry float error from the transforms between surface and
        // widget (a pointer on pixel row 60 can arrive as 59.99998): nudge before flooring.
        const NUDGE: f64 = 1e-3;
        let u = ((x - l.x) / l.sx + NUDGE)
            .floor()
            .clamp(0.0, f64::from(w.saturating_sub(1)));
        let v = ((y - l.y) / l.sy + NUDGE)
            .floor()
            .clamp(0.0, f64::from(h.saturating_sub(1)));
        Some(l.unrotate_pixel(u as u16, v as u16))
    }
}
