//! The framebuffer as GDK textures, in tiles: an update re-uploads only the tiles it touched,
//! and at most once per frame (textures are rebuilt when GTK asks for a snapshot).

use gtk::prelude::*;
use gtk::{gdk, glib, graphene};

use vnc_core::{Framebuffer, Rect};

const TILE: u16 = 256;

pub(crate) struct Tiles {
    width: u16,
    height: u16,
    across: usize,
    textures: Vec<Option<gdk::Texture>>,
    dirty: Vec<bool>,
}

impl Tiles {
    pub(crate) fn new(width: u16, height: u16) -> Tiles {
        let across = usize::from(width.div_ceil(TILE));
        let down = usize::from(height.div_ceil(TILE));
        Tiles {
            width,
            height,
            across,
            textures: vec![None; across * down],
            dirty: vec![true; across * down],
        }
    }

    pub(crate) fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// Marks the tiles `r` touches for re-upload.
    pub(crate) fn damage(&mut self, r: Rect) {
        if r.width == 0 || r.height == 0 {
            return;
        }
        let (x0, y0) = (usize::from(r.x / TILE), usize::from(r.y / TILE));
        let x1 = usize::from(
            (u32::from(r.x) + u32::from(r.width) - 1).min(u32::from(self.width.max(1) - 1)) as u16
                / TILE,
        );
        let y1 = usize::from(
            (u32::from(r.y) + u32::from(r.height) - 1).min(u32::from(self.height.max(1) - 1))
                as u16
                / TILE,
        );
        for ty in y0..=y1 {
            for tx in x0..=x1 {
                if let Some(d) = self.dirty.get_mut(ty * self.across + tx) {
                    *d = true;
                }
            }
        }
    }

    /// Re-uploads dirty tiles from `fb` and appends every tile to `snapshot` in framebuffer
    /// coordinates (the caller sets up scaling and translation).
    pub(crate) fn snapshot(&mut self, fb: &Framebuffer, snapshot: &gtk::Snapshot) {
        if fb.width() != self.width || fb.height() != self.height {
            *self = Tiles::new(fb.width(), fb.height());
        }
        let stride = fb.stride();
        let data = fb.data();
        for (i, tex) in self.textures.iter_mut().enumerate() {
            let tx = (i % self.across) as u16 * TILE;
            let ty = (i / self.across) as u16 * TILE;
            let tw = (self.width - tx).min(TILE);
            let th = (self.height - ty).min(TILE);
            if self.dirty[i] || tex.is_none() {
                let mut bytes = Vec::with_capacity(usize::from(tw) * usize::from(th) * 4);
                for row in 0..usize::from(th) {
                    let start = (usize::from(ty) + row) * stride + usize::from(tx) * 4;
                    bytes.extend_from_slice(&data[start..start + usize::from(tw) * 4]);
                }
                let t = gdk::MemoryTexture::new(
                    i32::from(tw),
                    i32::from(th),
                    // B, G, R, A bytes with A = 255: the framebuffer's own layout.
                    gdk::MemoryFormat::B8g8r8a8Premultiplied,
                    &glib::Bytes::from_owned(bytes),
                    usize::from(tw) * 4,
                );
                *tex = Some(t.upcast());
                self.dirty[i] = false;
            }
            if let Some(t) = tex {
                snapshot.append_texture(
                    t,
                    &graphene::Rect::new(
                        f32::from(tx),
                        f32::from(ty),
                        f32::from(tw),
                        f32::from(th),
                    ),
                );
            }
        }
    }
}
