//! Drawing: the widget's snapshot (the framebuffer's tiles at the layout's offset and scale,
//! smooth or nearest-neighbour) and screenshots of the framebuffer.

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, graphene};

use super::imp::VncDisplay;

impl VncDisplay {
    /// The widget's snapshot (`WidgetImpl::snapshot`).
    pub(super) fn draw(&self, snapshot: &gtk::Snapshot) {
        let obj = self.obj();
        let (ww, wh) = (
            WidgetExt::width(&*obj) as f32,
            WidgetExt::height(&*obj) as f32,
        );
        snapshot.append_color(&gdk::RGBA::BLACK, &graphene::Rect::new(0.0, 0.0, ww, wh));
        let Some(l) = self.layout() else { return };
        let mut tiles = self.tiles.borrow_mut();
        let Some(tiles) = tiles.as_mut() else { return };
        self.with_picture(|s| self.draw_tiles(snapshot, s, tiles, &l));
        if self.reconnecting() {
            // The last picture, greyed, while the connection is made again.
            let grey = gdk::RGBA::new(0.5, 0.5, 0.5, 0.5);
            snapshot.append_color(&grey, &graphene::Rect::new(0.0, 0.0, ww, wh));
        }
    }

    fn draw_tiles(
        &self,
        snapshot: &gtk::Snapshot,
        s: &vnc_core::Session,
        tiles: &mut crate::render::Tiles,
        l: &super::layout::Layout,
    ) {
        let obj = self.obj();
        snapshot.save();
        snapshot.translate(&graphene::Point::new(l.x as f32, l.y as f32));
        let device = f64::from(obj.scale_factor().max(1));
        let one_to_one = (l.sx * device - 1.0).abs() < 1e-9 && (l.sy * device - 1.0).abs() < 1e-9;
        let (fw, fh) = (f64::from(l.fw), f64::from(l.fh));
        let renderer = obj.native().and_then(|n| n.renderer());
        let renderer = renderer.as_ref();
        if self.smoothing.get() || one_to_one {
            snapshot.scale(l.sx as f32, l.sy as f32);
            rotate(snapshot, l.turns, fw, fh);
            tiles.snapshot(s.framebuffer(), snapshot, !one_to_one, renderer);
        } else {
            // Nearest-neighbour tiles are drawn at whole device pixels, along the
            // framebuffer's axes: rotate first, then place them at their scaled extent.
            let (fsx, fsy) = l.framebuffer_scale();
            let (fsx, fsy) = (fsx * device, fsy * device);
            rotate(
                snapshot,
                l.turns,
                (fw * fsx).round() / device,
                (fh * fsy).round() / device,
            );
            tiles.snapshot_nearest(s.framebuffer(), snapshot, fsx, fsy, device, renderer);
        }
        snapshot.restore();
    }

    /// The picture shown (while reconnecting, the last one) as a texture, as the server
    /// has it: not turned by `rotation`.
    pub(super) fn screenshot(&self) -> Option<gdk::Texture> {
        self.with_picture(|s| {
            let fb = s.framebuffer();
            (fb.width() > 0).then(|| Self::texture_of(fb))
        })
        .flatten()
    }

    fn texture_of(fb: &vnc_core::Framebuffer) -> gdk::Texture {
        let tex = gdk::MemoryTexture::new(
            i32::from(fb.width()),
            i32::from(fb.height()),
            gdk::MemoryFormat::B8g8r8a8Premultiplied,
            &glib::Bytes::from(fb.data()),
            fb.stride(),
        );
        tex.upcast()
    }
}

/// Turns what is drawn next by `turns` quarter turns clockwise about the top-left corner of a
/// `w` by `h` picture, keeping the result's top-left corner at the origin.
fn rotate(snapshot: &gtk::Snapshot, turns: u8, w: f64, h: f64) {
    let (tx, ty) = match turns {
        1 => (h, 0.0),
        2 => (w, h),
        3 => (0.0, w),
        _ => return,
    };
    snapshot.translate(&graphene::Point::new(tx as f32, ty as f32));
    snapshot.rotate(90.0 * f32::from(turns));
}
