//! The client-side framebuffer that decoders write into, and the rectangle type used for
//! damage. The layout is fixed so that it can be handed to cairo, GDK or a PNG writer as is.

use std::fmt;

use crate::pixel_memory::{PixelAllocator, PixelMemory, Pixels};

/// A rectangle in framebuffer coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rect {
    /// Left edge.
    pub x: u16,
    /// Top edge.
    pub y: u16,
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
}

impl Rect {
    /// A rectangle from its position and size.
    pub const fn new(x: u16, y: u16, width: u16, height: u16) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    /// Number of pixels.
    pub fn area(&self) -> usize {
        usize::from(self.width) * usize::from(self.height)
    }

    /// The smallest rectangle that holds both (an empty rectangle adds nothing).
    ///
    /// ```
    /// # use vnc_core::Rect;
    /// let a = Rect::new(10, 10, 5, 5);
    /// assert_eq!(a.union(&Rect::new(0, 20, 2, 2)), Rect::new(0, 10, 15, 12));
    /// assert_eq!(a.union(&Rect::default()), a);
    /// ```
    pub fn union(&self, other: &Rect) -> Rect {
        if other.area() == 0 {
            return *self;
        }
        if self.area() == 0 {
            return *other;
        }
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        let right = (u32::from(self.x) + u32::from(self.width))
            .max(u32::from(other.x) + u32::from(other.width));
        let bottom = (u32::from(self.y) + u32::from(self.height))
            .max(u32::from(other.y) + u32::from(other.height));
        let clamp = |v: u32| v.min(u32::from(u16::MAX)) as u16;
        Rect::new(
            x,
            y,
            clamp(right - u32::from(x)),
            clamp(bottom - u32::from(y)),
        )
    }

    /// True if the rectangle lies inside a `width` x `height` area (computed without overflow).
    pub fn fits_in(&self, width: u16, height: u16) -> bool {
        u32::from(self.x) + u32::from(self.width) <= u32::from(width)
            && u32::from(self.y) + u32::from(self.height) <= u32::from(height)
    }
}

impl fmt::Display for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}x{} at ({},{})",
            self.width, self.height, self.x, self.y
        )
    }
}

/// The decoded remote screen.
///
/// Pixels are 4 bytes each in the order **B, G, R, A** with A always 255, rows top to bottom,
/// [`stride`](Self::stride) bytes apart (`width * 4`, no padding). On a little-endian machine
/// each pixel is the `u32` `0xAARRGGBB`, which is cairo's `FORMAT_ARGB32`/`FORMAT_RGB24` and
/// GDK's `MemoryFormat::B8g8r8a8`; with the alpha byte ignored it is the same as BGRx.
///
/// ```
/// # use vnc_core::Framebuffer;
/// let fb = Framebuffer::new(2, 1);
/// assert_eq!(fb.stride(), 8);
/// assert_eq!(fb.pixel(1, 0), Some([0, 0, 0, 255])); // starts black and opaque
/// ```
///
/// The pixels live in a vector the framebuffer owns, or in memory from a [`PixelAllocator`]
/// ([`new_in`](Self::new_in), [`Config::pixel_allocator`](crate::Config::pixel_allocator)).
/// A clone always owns a copy of the pixels.
pub struct Framebuffer {
    width: u16,
    height: u16,
    data: Pixels,
    /// Where the pixels come from at each resize (kept even when it once failed).
    allocator: Option<PixelAllocator>,
}

impl Clone for Framebuffer {
    fn clone(&self) -> Framebuffer {
        Framebuffer {
            width: self.width,
            height: self.height,
            data: Pixels::Owned(self.data.to_vec()),
            allocator: None,
        }
    }
}

impl fmt::Debug for Framebuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Framebuffer")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

const BLACK: [u8; 4] = [0, 0, 0, 255];

impl Framebuffer {
    /// A black framebuffer of the given size.
    pub fn new(width: u16, height: u16) -> Framebuffer {
        let mut fb = Framebuffer {
            width: 0,
            height: 0,
            data: Pixels::Owned(Vec::new()),
            allocator: None,
        };
        fb.resize(width, height);
        fb
    }

    /// A black framebuffer of the given size whose pixels, now and after every resize, live
    /// in memory from `allocator` (see [`PixelAllocator`]).
    pub fn new_in(width: u16, height: u16, allocator: PixelAllocator) -> Framebuffer {
        let mut fb = Framebuffer {
            width: 0,
            height: 0,
            data: Pixels::Owned(Vec::new()),
            allocator: Some(allocator),
        };
        fb.resize(width, height);
        fb
    }

    /// The memory the pixels live in when it came from a [`PixelAllocator`]: the application
    /// finds its own type in it with `(memory as &dyn Any).downcast_ref()`.
    pub fn supplied_memory(&self) -> Option<&dyn PixelMemory> {
        match &self.data {
            Pixels::Owned(_) => None,
            Pixels::Supplied(m) => Some(m.as_ref()),
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u16 {
        self.height
    }

    /// Bytes from the start of one row to the next.
    pub fn stride(&self) -> usize {
        usize::from(self.width) * 4
    }

    /// All pixels, row after row (see the type's documentation for the layout).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Mutable access to the pixels, for applications that draw on top (keep alpha at 255).
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// One pixel as `[B, G, R, A]`, or `None` outside the framebuffer.
    pub fn pixel(&self, x: u16, y: u16) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let o = usize::from(y) * self.stride() + usize::from(x) * 4;
        self.data.get(o..o + 4).map(|p| [p[0], p[1], p[2], p[3]])
    }

    /// The framebuffer as tightly packed RGBA rows (for PNG writers and image libraries).
    pub fn to_rgba(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len());
        for p in self.data.chunks_exact(4) {
            out.extend_from_slice(&[p[2], p[1], p[0], p[3]]);
        }
        out
    }

    /// Resizes to `width` x `height` and clears to black. The caller checked the limits.
    pub(crate) fn resize(&mut self, width: u16, height: u16) {
        let len = usize::from(width) * usize::from(height) * 4;
        // Empty while the new memory is made: should an application's allocator panic, the
        // framebuffer is 0x0 and consistent.
        (self.width, self.height) = (0, 0);
        let old = std::mem::replace(&mut self.data, Pixels::Owned(Vec::new()));
        self.data = Pixels::sized(old, len, self.allocator.as_ref());
        (self.width, self.height) = (width, height);
        fill(&mut self.data, BLACK);
    }

    /// Byte range of `w` pixels starting at (`x`, `y`). The caller checked the bounds.
    #[inline]
    fn span(&self, x: u16, y: u16, w: u16) -> std::ops::Range<usize> {
        let start = usize::from(y) * self.stride() + usize::from(x) * 4;
        start..start + usize::from(w) * 4
    }

    /// The bytes of `w` pixels of row `y` from column `x`. The caller checked the bounds.
    #[inline]
    pub(crate) fn row_mut(&mut self, x: u16, y: u16, w: u16) -> &mut [u8] {
        let r = self.span(x, y, w);
        &mut self.data[r]
    }

    /// The bytes from the top-left to the bottom-right pixel of `r` (already checked to fit
    /// and not empty), and the stride between its rows.
    #[inline]
    pub(crate) fn area_mut(&mut self, r: Rect) -> (&mut [u8], usize) {
        let stride = self.stride();
        let first = self.span(r.x, r.y, r.width);
        let end = first.end + (usize::from(r.height) - 1) * stride;
        (&mut self.data[first.start..end], stride)
    }

    /// Fills a rectangle (already checked to fit) with one pixel.
    pub(crate) fn fill_rect(&mut self, r: Rect, px: [u8; 4]) {
        // An empty rectangle covers nothing, even when it lies on the last row or column
        // (where the row it names does not exist).
        if r.width == 0 || r.height == 0 {
            return;
        }
        let stride = self.stride();
        let first = self.span(r.x, r.y, r.width);
        let len = first.len();
        if r.width == 1 && r.height == 1 {
            // Single pixels are what RRE subrectangles often are.
            self.data[first].copy_from_slice(&px);
            return;
        }
        // Row by row with wide stores: for the small rectangles of Hextile and RRE this beats
        // copying the first row, which costs a memmove call per row.
        let end = first.start + (usize::from(r.height) - 1) * stride + len;
        for row in self.data[first.start..end].chunks_mut(stride) {
            fill(&mut row[..len], px);
        }
    }

    /// Copies the `dst`-sized area at (`src_x`, `src_y`) to `dst`; both were checked to fit.
    /// Overlapping areas copy correctly, as CopyRect requires.
    pub(crate) fn copy_rect(&mut self, src_x: u16, src_y: u16, dst: Rect) {
        let stride = self.stride();
        let rows = usize::from(dst.height);
        let src0 = self.span(src_x, src_y, dst.width);
        let dst0 = self.span(dst.x, dst.y, dst.width);
        let copy = |data: &mut [u8], row: usize| {
            let s = src0.start + row * stride;
            data.copy_within(s..s + src0.len(), dst0.start + row * stride);
        };
        // Moving down: copy the bottom row first so that no source row is overwritten
        // before it is read.
        if dst.y > src_y {
            (0..rows).rev().for_each(|row| copy(&mut self.data, row));
        } else {
            (0..rows).for_each(|row| copy(&mut self.data, row));
        }
    }
}

/// Writes `px` into every 4-byte pixel of `buf`.
#[inline]
pub(crate) fn fill(buf: &mut [u8], px: [u8; 4]) {
    // Built as bytes (not as an integer wider than a register) so that it lives in one
    // vector register and each chunk is a single 16-byte store.
    let wide: [u8; 16] = std::array::from_fn(|i| px[i % 4]);
    let mut chunks = buf.chunks_exact_mut(16);
    for c in &mut chunks {
        c.copy_from_slice(&wide);
    }
    for p in chunks.into_remainder().chunks_exact_mut(4) {
        p.copy_from_slice(&px);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(w: u16, h: u16) -> Framebuffer {
        let mut fb = Framebuffer::new(w, h);
        for y in 0..h {
            for x in 0..w {
                fb.row_mut(x, y, 1)
                    .copy_from_slice(&[x as u8, y as u8, 0, 255]);
            }
        }
        fb
    }

    #[test]
    fn fill_touches_only_the_rectangle() {
        let mut fb = Framebuffer::new(4, 4);
        fb.fill_rect(Rect::new(1, 1, 2, 3), [1, 2, 3, 255]);
        for y in 0..4 {
            for x in 0..4 {
                let inside = (1..3).contains(&x) && (1..4).contains(&y);
                let want = if inside { [1, 2, 3, 255] } else { BLACK };
                assert_eq!(fb.pixel(x, y), Some(want), "{x},{y}");
            }
        }
    }

    #[test]
    fn empty_fills_touch_nothing() {
        let mut fb = Framebuffer::new(4, 4);
        let orig = fb.clone();
        for r in [
            Rect::new(0, 1, 4, 0),
            Rect::new(0, 4, 4, 0),
            Rect::new(4, 0, 0, 4),
        ] {
            fb.fill_rect(r, [1, 2, 3, 255]);
        }
        assert_eq!(fb.data(), orig.data());
    }

    #[test]
    fn overlapping_copies_in_every_direction() {
        for (sx, sy, dx, dy) in [
            (0, 0, 1, 1),
            (1, 1, 0, 0),
            (0, 1, 0, 0),
            (0, 0, 0, 1),
            (1, 0, 0, 0),
            (0, 0, 1, 0),
        ] {
            let mut fb = numbered(5, 5);
            let orig = fb.clone();
            fb.copy_rect(sx, sy, Rect::new(dx, dy, 4, 4));
            for y in 0..4 {
                for x in 0..4 {
                    assert_eq!(fb.pixel(dx + x, dy + y), orig.pixel(sx + x, sy + y));
                }
            }
        }
    }

    #[test]
    fn fits_in_does_not_overflow() {
        assert!(!Rect::new(u16::MAX, 0, 2, 1).fits_in(u16::MAX, 1));
        assert!(Rect::new(0, 0, 10, 10).fits_in(10, 10));
        assert!(!Rect::new(0, 1, 10, 10).fits_in(10, 10));
    }

    /// Memory an allocator handed out, numbered in the order it was made.
    struct Numbered(usize, Vec<u8>);

    impl PixelMemory for Numbered {
        fn bytes(&self) -> &[u8] {
            &self.1
        }
        fn bytes_mut(&mut self) -> &mut [u8] {
            &mut self.1
        }
    }

    fn counting(
        extra: usize,
    ) -> (
        PixelAllocator,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let made = std::sync::Arc::new(AtomicUsize::new(0));
        let m = made.clone();
        let a = PixelAllocator::new(move |len| {
            Box::new(Numbered(
                m.fetch_add(1, Ordering::Relaxed),
                vec![7; len + extra],
            ))
        });
        (a, made)
    }

    fn number(fb: &Framebuffer) -> Option<usize> {
        let m = fb.supplied_memory()?;
        (m as &dyn std::any::Any)
            .downcast_ref::<Numbered>()
            .map(|n| n.0)
    }

    #[test]
    fn supplied_memory_is_used_kept_at_the_same_size_and_renewed_at_another() {
        let (a, _) = counting(0);
        let mut fb = Framebuffer::new_in(3, 2, a);
        assert_eq!(number(&fb), Some(0));
        assert_eq!(fb.data().len(), 24);
        assert!(fb.data().chunks(4).all(|p| p == BLACK), "cleared to black");
        fb.fill_rect(Rect::new(1, 1, 1, 1), [1, 2, 3, 255]);
        assert_eq!(fb.pixel(1, 1), Some([1, 2, 3, 255]));
        fb.resize(2, 3);
        assert_eq!((number(&fb), fb.pixel(1, 1)), (Some(0), Some(BLACK)));
        fb.resize(4, 4);
        assert_eq!((number(&fb), fb.data().len()), (Some(1), 64));
        assert!(fb.data().chunks(4).all(|p| p == BLACK));
        let copy = fb.clone();
        assert!(copy.supplied_memory().is_none(), "a clone owns its pixels");
        assert_eq!(copy.data(), fb.data());
    }

    #[test]
    fn memory_of_the_wrong_length_is_not_used() {
        let (a, made) = counting(1);
        let fb = Framebuffer::new_in(3, 2, a);
        assert_eq!(made.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert!(fb.supplied_memory().is_none());
        assert_eq!(fb.data().len(), 24);
        assert_eq!(fb.pixel(2, 1), Some(BLACK));
        let mut fb = fb;
        fb.resize(1, 1);
        assert_eq!(
            made.load(std::sync::atomic::Ordering::Relaxed),
            2,
            "asked again at the next size"
        );
    }
}
