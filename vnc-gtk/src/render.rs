//! The framebuffer as GDK textures, in tiles: an update re-uploads only the tiles it touched,
//! and at most once per frame (textures are rebuilt when GTK asks for a snapshot).
//!
//! Memory: the widget keeps no copy of the desktop beside the engine's framebuffer. Under
//! GTK's GL renderer each tile is one GL texture for the session, updated in place from the
//! framebuffer (see `gl_tiles`): one upload, where memory textures would have the renderer
//! hold the last frame's upload and the new one. Otherwise (cairo, GLES), drawn one to one or
//! scaled smoothly, a tile's memory texture shares the engine's framebuffer memory (see
//! `shared_pixels`), which cairo draws from. Either way a tile that changed gets a new texture
//! over the same pixels, which is how GTK learns that it must draw it again. Scaled by
//! nearest neighbour (GTK 4.8 has no filter choice), each tile is scaled here into memory of
//! its own; under a GL renderer those copies are uploaded once, by the renderer itself, into
//! GL textures that the widget keeps, and freed at once.

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gtk::prelude::*;
use gtk::{gdk, glib, graphene, gsk};

use vnc_core::{Framebuffer, Rect};

use crate::sys::gl_tiles::GlTiles;
use crate::sys::shared_pixels::{SharedBytes, SharedPixels};

const TILE: u16 = 256;

pub(crate) struct Tiles {
    width: u16,
    height: u16,
    across: usize,
    textures: Vec<Option<gdk::Texture>>,
    dirty: Vec<bool>,
    /// How the textures are drawn: see [`Scale`].
    scale: Scale,
    /// How the renderer that draws the tiles holds their pixels: unknown until the first
    /// tile is drawn.
    upload: Upload,
    /// The renderer the textures were made for: GL textures belong to its context.
    renderer: Option<glib::WeakRef<gsk::Renderer>>,
    /// Bytes of the tiles' own pixel buffers still alive, wherever GTK holds them.
    live: Arc<AtomicUsize>,
    /// The framebuffer's memory, when it is shared with the textures.
    shared: Option<SharedBytes>,
    /// Under a GL renderer, one GL texture per tile updated in place (see `gl_tiles`).
    gl: Option<GlTiles>,
    /// Whether GL textures were tried for the current renderer.
    gl_tried: bool,
}

/// How tiles are drawn, which decides how they are made.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scale {
    /// One texture pixel to one device pixel.
    None,
    /// Scaled by the renderer, filtered linearly: memory textures, which GTK's GL renderer
    /// uploads with linear filtering (its `render_texture` gives GL textures that it draws
    /// with nearest-neighbour filtering).
    Linear,
    /// Scaled here by nearest neighbour to this many device pixels per framebuffer pixel,
    /// then drawn one to one.
    Nearest(f64, f64),
}

/// How the renderer holds the pixels of a tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Upload {
    /// Not known yet.
    Unknown,
    /// The cairo renderer draws from the memory texture: no other copy.
    None,
    /// A GL renderer whose `render_texture` of a texture node gives a `GdkGLTexture` (GTK 4.6
    /// to 4.12): tiles are kept as those, their memory textures freed once uploaded.
    Kept,
    /// A GPU renderer whose `render_texture` gives no GPU texture (GTK 4.14's renderers
    /// download it): tiles stay memory textures, and the renderer caches an upload of each.
    Cached,
}

/// The pixel memory the widget holds for the desktop beside the engine's framebuffer, in
/// bytes (what `VncDisplay::pixel_memory` reports).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PixelMemory {
    /// The tiles' pixel buffers in process memory that are still alive.
    pub in_memory: usize,
    /// GPU textures: those the widget keeps, plus the renderer's upload of each memory
    /// texture when it caches one.
    pub on_gpu: usize,
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
            scale: Scale::None,
            upload: Upload::Unknown,
            renderer: None,
            live: Arc::default(),
            shared: None,
            gl: None,
            gl_tried: false,
        }
    }

    pub(crate) fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// What the tiles hold now.
    pub(crate) fn memory(&self) -> PixelMemory {
        let size = |t: &gdk::Texture| t.width() as usize * t.height() as usize * 4;
        let kept: usize = self
            .textures
            .iter()
            .flatten()
            .filter(|t| t.is::<gdk::GLTexture>())
            .map(size)
            .sum();
        // A GPU renderer caches an upload of each memory texture it draws.
        let cached = if matches!(self.upload, Upload::Kept | Upload::Cached) {
            self.textures
                .iter()
                .flatten()
                .filter(|t| t.is::<gdk::MemoryTexture>())
                .map(size)
                .sum()
        } else {
            0
        };
        PixelMemory {
            in_memory: self.live.load(Ordering::Relaxed),
            on_gpu: kept + cached,
        }
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
    /// linearly (smooth): `scaled` says whether the snapshot is scaled. `renderer` is the one
    /// that will draw the snapshot (the widget's native's).
    pub(crate) fn snapshot(
        &mut self,
        fb: &Framebuffer,
        snapshot: &gtk::Snapshot,
        scaled: bool,
        renderer: Option<&gsk::Renderer>,
    ) {
        let scale = if scaled { Scale::Linear } else { Scale::None };
        self.fit(fb, scale, renderer);
        if !self.use_gl(renderer) {
            self.share(fb);
        }
        let mut begun = false;
        for i in 0..self.textures.len() {
            let (tx, ty, tw, th) = self.tile(i);
            if self.dirty[i] || self.textures[i].is_none() {
                // The old texture goes first: its memory can serve the new one.
                self.textures[i] = None;
                let gl = self.gl.as_mut().and_then(|g| {
                    if !begun {
                        g.begin();
                        begun = true;
                    }
                    g.upload(i, fb, (tx, ty, tw, th))
                });
                let over_shared = || {
                    let bytes = self.shared.as_ref()?;
                    shared_texture(fb, bytes, tx, ty, tw, th)
                };
                let t = match gl.ok_or_else(over_shared) {
                    Ok(t) => t,
                    Err(Some(t)) => self.keep(t, renderer, false),
                    Err(None) => {
                        let t = texture(fb, tx, ty, tw, th, None, &self.live);
                        self.keep(t, renderer, true)
                    }
                };
                self.textures[i] = Some(t);
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
        if begun && let Some(g) = &mut self.gl {
            g.end();
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
        renderer: Option<&gsk::Renderer>,
    ) {
        self.fit(fb, Scale::Nearest(sx, sy), renderer);
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
                self.textures[i] = None;
                let t = texture(fb, tx, ty, tw, th, Some((dest, sx, sy)), &self.live);
                self.textures[i] = Some(self.keep(t, renderer, true));
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

    /// The texture to keep for a tile: when `t` is a `copy` of its pixels, under a GL
    /// renderer, `t` uploaded by the renderer into a GL texture (`gsk_renderer_render_texture`
    /// of a texture node), so that `t`, the widget's copy of the tile in memory, is freed
    /// here; otherwise `t` itself (a texture over the shared framebuffer costs no memory).
    fn keep(
        &mut self,
        t: gdk::Texture,
        renderer: Option<&gsk::Renderer>,
        copy: bool,
    ) -> gdk::Texture {
        let Some(r) = renderer.filter(|r| r.is_realized()) else {
            return t;
        };
        if self.upload == Upload::Unknown {
            self.upload = if r.is::<gsk::CairoRenderer>() {
                Upload::None
            } else {
                Upload::Kept
            };
        }
        if !copy || self.upload != Upload::Kept || self.scale == Scale::Linear {
            return t;
        }
        let (w, h) = (t.width() as f32, t.height() as f32);
        let node = gsk::TextureNode::new(&t, &graphene::Rect::new(0.0, 0.0, w, h));
        let gpu = r.render_texture(&node, Some(&graphene::Rect::new(0.0, 0.0, w, h)));
        if gpu.is::<gdk::GLTexture>() && gpu.width() == t.width() && gpu.height() == t.height() {
            gpu
        } else {
            tracing::debug!(
                renderer = r.type_().name(),
                "render_texture gives no GL texture: tiles stay in memory"
            );
            self.upload = Upload::Cached;
            t
        }
    }

    /// Whether tiles are GL textures updated in place: under GTK's GL renderer, once its GL
    /// context gives textures (tried once per renderer).
    fn use_gl(&mut self, renderer: Option<&gsk::Renderer>) -> bool {
        if self.gl.is_some() {
            return true;
        }
        let Some(r) = renderer.filter(|r| r.is_realized()) else {
            return false;
        };
        if std::mem::replace(&mut self.gl_tried, true) {
            return false;
        }
        if !matches!(r.type_().name(), "GskGLRenderer" | "GskNglRenderer") {
            return false;
        }
        self.gl = r
            .surface()
            .and_then(|surface| GlTiles::new(&surface.display(), self.textures.len()));
        if self.gl.is_none() {
            tracing::debug!("no desktop GL context for the tiles: memory textures");
            return false;
        }
        self.textures.iter_mut().for_each(|t| *t = None);
        self.dirty.iter_mut().for_each(|d| *d = true);
        // GL textures are uploaded from the framebuffer itself: no memory to hold on to.
        self.shared = None;
        true
    }

    /// The framebuffer's memory as bytes for textures, when the widget gave the session its
    /// shared memory; every tile is made again when that memory is new (a new session).
    fn share(&mut self, fb: &Framebuffer) {
        let Some(memory) = fb
            .supplied_memory()
            .and_then(|m| (m as &dyn Any).downcast_ref::<SharedPixels>())
        else {
            self.shared = None;
            return;
        };
        if !self.shared.as_ref().is_some_and(|b| memory.holds(b)) {
            self.shared = Some(memory.bytes());
            self.dirty.iter_mut().for_each(|d| *d = true);
        }
    }

    /// Starts over when the framebuffer's size, the way of scaling or the renderer changed
    /// (a GL texture belongs to the renderer's context).
    fn fit(&mut self, fb: &Framebuffer, scale: Scale, renderer: Option<&gsk::Renderer>) {
        if fb.width() != self.width || fb.height() != self.height {
            *self = Tiles::new(fb.width(), fb.height());
        }
        if self.scale != scale {
            self.scale = scale;
            self.dirty.iter_mut().for_each(|d| *d = true);
        }
        let made_by = self.renderer.as_ref().and_then(|w| w.upgrade());
        if made_by.as_ref() != renderer {
            self.renderer = renderer.map(|r| r.downgrade());
            self.upload = Upload::Unknown;
            self.gl = None;
            self.gl_tried = false;
            self.textures.iter_mut().for_each(|t| *t = None);
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

/// A tile's pixel buffer, counted in its [`Tiles`]' `live` bytes while GTK holds it.
struct Counted {
    bytes: Vec<u8>,
    live: Arc<AtomicUsize>,
}

impl AsRef<[u8]> for Counted {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.live.fetch_sub(self.bytes.len(), Ordering::Relaxed);
    }
}

/// A texture of one tile over the framebuffer's shared memory `bytes`: no copy. `None` if the
/// tile is not inside those bytes (the caller copies the tile then).
fn shared_texture(
    fb: &Framebuffer,
    bytes: &SharedBytes,
    tx: u16,
    ty: u16,
    tw: u16,
    th: u16,
) -> Option<gdk::Texture> {
    let stride = fb.stride();
    let start = usize::from(ty) * stride + usize::from(tx) * 4;
    // Whole rows where the memory has them; else (the bottom row of tiles, but the leftmost)
    // from the tile's first pixel to its last. Every GTK takes that: its documentation asks
    // for stride x height bytes, but 4.8 checks no length and later versions check for
    // exactly this much (their own subtextures of a bottom-right corner are made so).
    let rows = start + usize::from(th) * stride;
    let end = if rows <= bytes.len() {
        rows
    } else {
        start + (usize::from(th) - 1) * stride + usize::from(tw) * 4
    };
    let tile = bytes.range(start, end)?;
    Some(
        gdk::MemoryTexture::new(
            i32::from(tw),
            i32::from(th),
            // B, G, R, A bytes with A = 255: the framebuffer's own layout.
            gdk::MemoryFormat::B8g8r8a8Premultiplied,
            &tile,
            stride,
        )
        .upcast(),
    )
}

/// A copy of one tile: its pixels as they are, or scaled by nearest neighbour to the
/// device-pixel rectangle `dest` (x, y, width, height) of a desktop scaled by `sx`, `sy`.
fn texture(
    fb: &Framebuffer,
    tx: u16,
    ty: u16,
    tw: u16,
    th: u16,
    scaled: Option<Nearest>,
    live: &Arc<AtomicUsize>,
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
    live.fetch_add(bytes.len(), Ordering::Relaxed);
    let bytes = glib::Bytes::from_owned(Counted {
        bytes,
        live: live.clone(),
    });
    gdk::MemoryTexture::new(
        w as i32,
        h as i32,
        // B, G, R, A bytes with A = 255: the framebuffer's own layout.
        gdk::MemoryFormat::B8g8r8a8Premultiplied,
        &bytes,
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
