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
        let session = self.session.borrow();
        let Some(s) = session.as_ref() else { return };
        let Some(l) = self.layout() else { return };
        let mut tiles = self.tiles.borrow_mut();
        let Some(tiles) = tiles.as_mut() else { return };
        snapshot.save();
        snapshot.translate(&graphene::Point::new(l.x as f32, l.y as f32));
        let device = f64::from(obj.scale_factor().max(1));
        let one_to_one = (l.sx * device - 1.0).abs() < 1e-9 && (l.sy * device - 1.0).abs() < 1e-9;
        let renderer = obj.native().and_then(|n| n.renderer());
        let renderer = renderer.as_ref();
        if self.smoothing.get() || one_to_one {
            snapshot.scale(l.sx as f32, l.sy as f32);
            tiles.snapshot(s.framebuffer(), snapshot, !one_to_one, renderer);
        } else {
            tiles.snapshot_nearest(
                s.framebuffer(),
                snapshot,
                l.sx * device,
                l.sy * device,
                device,
                renderer,
            );
        }
        snapshot.restore();
    }

    pub(super) fn screenshot(&self) -> Option<gdk::Texture> {
        let session = self.session.borrow();
        let fb = session.as_ref()?.framebuffer();
        if fb.width() == 0 {
            return None;
        }
        let tex = gdk::MemoryTexture::new(
            i32::from(fb.width()),
            i32::from(fb.height()),
            gdk::MemoryFormat::B8g8r8a8Premultiplied,
            &glib::Bytes::from(fb.data()),
            fb.stride(),
        );
        Some(tex.upcast())
    }
}
