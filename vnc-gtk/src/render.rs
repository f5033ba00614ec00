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
    /// For nearest-neighbour drawing: the device-pixel scale the textures were made at.
    nearest: Option<(f64, f64)>,
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
            nearest: None,
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
    /// coordinates (the caller sets up scaling and translation). GTK filters scaled textures
    /// linearly (smooth).
    pub(crate) fn snapshot(&mut self, fb: &Framebuffer, snapshot: &gtk::Snapshot) {
        self.fit(fb, None);
        for i in 0..self.textures.len() {
            let (tx, ty, tw, th) = self.tile(i);
            if self.dirty[i] || self.textures[i].is_none() {
                self.textures[i] = Some(texture(fb, tx, ty, tw, th, None));
                self.dirty[i] = false;
            }
            if let Some(t) = &self.textures[i] {
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

    /// Like [`Self::snapshot`] with nearest-neighbour scaling: GTK 4.8 has no filter choice
    /// for textures, so each tile is scaled here to device pixels and drawn unscaled. The
    /// snapshot is in widget coordinates with the desktop's origin at (0, 0); `sx`, `sy` are
    /// device pixels per framebuffer pixel and `device` device pixels per logical pixel.
    pub(crate) fn snapshot_nearest(
        &mut self,
        fb: &Framebuffer,
        snapshot: &gtk::Snapshot,
        sx: f64,
        sy: f64,
        device: f64,
    ) {
        self.fit(fb, Some((sx, sy)));
        for i in 0..self.textures.len() {
            let (tx, ty, tw, th) = self.tile(i);
            let x0 = (f64::from(tx) * sx).round();
            let y0 = (f64::from(ty) * sy).round();
            let x1 = (f64::from(tx + tw) * sx).round();
            let y1 = (f64::from(ty + th) * sy).round();
            if x1 <= x0 || y1 <= y0 {
                continue;
            }
            if self.dirty[i] || self.textures[i].is_none() {
                let dest = (
                    x0 as usize,
                    y0 as usize,
                    (x1 - x0) as usize,
                    (y1 - y0) as usize,
                );
                self.textures[i] = Some(texture(fb, tx, ty, tw, th, Some((dest, sx, sy))));
                self.dirty[i] = false;
            }
            if let Some(t) = &self.textures[i] {
                let d = device as f32;
                snapshot.append_texture(
                    t,
                    &graphene::Rect::new(
                        x0 as f32 / d,
                        y0 as f32 / d,
                        (x1 - x0) as f32 / d,
                        (y1 - y0) as f32 / d,
                    ),
                );
            }
        }
    }

    /// Starts over when the framebuffer's size or the nearest-neighbour scale changed.
    fn fit(&mut self, fb: &Framebuffer, nearest: Option<(f64, f64)>) {
        if fb.width() != self.width || fb.height() != self.height {
            *self = Tiles::new(fb.width(), fb.height());
        }
        if self.nearest != nearest {
            self.nearest = nearest;
            self.dirty.iter_mut().for_each(|d| *d = true);
        }
    }

    fn tile(&self, i: usize) -> (u16, u16, u16, u16) {
        let tx = (i % self.across) as u16 * TILE;
        let ty = (i / self.across) as u16 * TILE;
        (
            tx,
            ty,
            (self.width - tx).min(TILE),
            (self.height - ty).min(TILE),
        )
    }
}

/// Nearest-neighbour scaling of a tile: its device-pixel rectangle (x, y, width, height)
/// and the desktop's scale.
type Nearest = ((usize, usize, usize, usize), f64, f64);

/// A texture of one tile: its pixels as they are, or scaled by nearest neighbour to the
/// device-pixel rectangle `dest` (x, y, width, height) of a desktop scaled by `sx`, `sy`.
fn texture(
    fb: &Framebuffer,
    tx: u16,
    ty: u16,
    tw: u16,
    th: u16,
    scaled: Option<Nearest>,
) -> gdk::Texture {
    let stride = fb.stride();
    let data = fb.data();
    let (w, h, bytes) = match scaled {
        None => {
            let mut bytes = Vec::with_capacity(usize::from(tw) * usize::from(th) * 4);
            for row in 0..usize::from(th) {
                let start = (usize::from(ty) + row) * stride + usize::from(tx) * 4;
                bytes.extend_from_slice(&data[start..start + usize::from(tw) * 4]);
            }
            (usize::from(tw), usize::from(th), bytes)
        }
        Some(((dx, dy, dw, dh), sx, sy)) => {
            // The source pixel under the centre of each device pixel, clamped to the tile.
            let src = |d: usize, s: f64, t: u16, n: u16| -> usize {
                let v = ((d as f64 + 0.5) / s).floor() as i64;
                v.clamp(i64::from(t), i64::from(t) + i64::from(n) - 1) as usize
            };
            let cols: Vec<usize> = (0..dw).map(|c| src(dx + c, sx, tx, tw)).collect();
            let mut bytes = Vec::with_capacity(dw * dh * 4);
            for r in 0..dh {
                let row = src(dy + r, sy, ty, th) * stride;
                for &c in &cols {
                    bytes.extend_from_slice(&data[row + c * 4..row + c * 4 + 4]);
                }
            }
            (dw, dh, bytes)
        }
    };
    gdk::MemoryTexture::new(
        w as i32,
        h as i32,
        // B, G, R, A bytes with A = 255: the framebuffer's own layout.
        gdk::MemoryFormat::B8g8r8a8Premultiplied,
        &glib::Bytes::from_owned(bytes),
        w * 4,
    )
    .upcast()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirty_after(r: Rect) -> Vec<usize> {
        let mut t = Tiles::new(1024, 768);
        t.dirty.iter_mut().for_each(|d| *d = false);
        t.damage(r);
        (0..t.dirty.len()).filter(|&i| t.dirty[i]).collect()
    }

    #[test]
    fn a_small_update_re_uploads_only_the_tiles_it_touches() {
        // 1024x768 is 4 x 3 tiles of 256.
        assert_eq!(dirty_after(Rect::new(300, 300, 1, 1)), [5]);
        assert_eq!(dirty_after(Rect::new(250, 10, 10, 1)), [0, 1]);
        assert_eq!(dirty_after(Rect::new(1023, 767, 1, 1)), [11]);
        assert_eq!(dirty_after(Rect::new(0, 0, 1024, 768)).len(), 12);
        assert!(dirty_after(Rect::new(10, 10, 0, 5)).is_empty());
    }
}
