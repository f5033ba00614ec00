//! The framebuffer's memory, shared with GDK textures instead of copied into them: the
//! engine writes the pixels (it was given this memory through `Config::pixel_allocator`),
//! and the tiles' memory textures read the same bytes through `GBytes` that keep the memory
//! alive after the framebuffer moves on to a new size or the session ends.
//!
//! Why it is sound: the memory is one heap block, freed when its last handle goes (the
//! framebuffer's and each `GBytes`'). Rust references to its bytes come only from the
//! framebuffer, borrowed from the session; the `GBytes` are made from the block's raw pointer
//! and never read from Rust. GTK reads the bytes through them only while it draws, on the
//! main thread, which is where the widget's session decodes too: never while a `bytes_mut`
//! borrow lives. The widget's textures must not leave the main thread (an application could
//! reach them through a `WidgetPaintable`'s render nodes): read elsewhere, they would race
//! with the session's writes.

use std::ptr::NonNull;
use std::sync::Arc;

use gtk::glib;
use gtk::glib::translate::{ToGlibPtr, from_glib_full};
use vnc_core::{PixelAllocator, PixelMemory};

/// A heap block of bytes that owns its allocation.
struct Block {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: `Block` owns its allocation like a `Box<[u8]>`; access to the bytes is governed by
// the rules in the module's documentation.
unsafe impl Send for Block {}
// SAFETY: as above; shared handles only read.
unsafe impl Sync for Block {}

impl Block {
    fn new(len: usize) -> Block {
        // Zeroed memory comes from the system untouched: pages are not resident until the
        // framebuffer writes them.
        let boxed: Box<[u8]> = vec![0; len].into_boxed_slice();
        let len = boxed.len();
        let ptr = NonNull::new(Box::into_raw(boxed).cast::<u8>()).expect("Box is never null");
        Block { ptr, len }
    }

    /// SAFETY: no `&mut` to the bytes may live while the slice does.
    unsafe fn slice(&self) -> &[u8] {
        // SAFETY: `ptr` and `len` describe the live allocation; the caller rules out writers.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        let raw = std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len);
        // SAFETY: the pointer came from `Box::into_raw` of a slice of this length, and this is
        // the last handle.
        drop(unsafe { Box::from_raw(raw) });
    }
}

/// Framebuffer memory that textures can share (see the module's documentation).
pub(crate) struct SharedPixels(Arc<Block>);

impl SharedPixels {
    /// The allocator the widget's sessions use.
    pub(crate) fn allocator() -> PixelAllocator {
        PixelAllocator::new(|len| Box::new(SharedPixels(Arc::new(Block::new(len)))))
    }

    /// All the bytes as a `GBytes` that keeps the memory alive, made from the block's raw
    /// pointer (never through a Rust slice, which the engine's next write would invalidate),
    /// to cut the tiles' bytes from.
    pub(crate) fn bytes(&self) -> SharedBytes {
        unsafe extern "C" fn release(data: glib::ffi::gpointer) {
            // SAFETY: `data` is the `Arc` given to the GBytes below, released once.
            drop(unsafe { Arc::from_raw(data as *const Block) });
        }
        let keep = Arc::into_raw(self.0.clone());
        // SAFETY: the pointer and length describe the live block, which the handle given as
        // user data keeps alive until GLib calls `release`.
        let raw = unsafe {
            glib::ffi::g_bytes_new_with_free_func(
                self.0.ptr.as_ptr() as glib::ffi::gconstpointer,
                self.0.len,
                Some(release),
                keep as glib::ffi::gpointer,
            )
        };
        // SAFETY: a new GBytes, owned here.
        SharedBytes(unsafe { from_glib_full(raw) })
    }

    /// Whether `bytes` came from this memory.
    pub(crate) fn holds(&self, bytes: &SharedBytes) -> bool {
        bytes.data() == (self.0.ptr.as_ptr().cast_const(), self.0.len)
    }
}

/// The framebuffer's memory as a `GBytes` ([`SharedPixels::bytes`]); read only by GTK, from C.
pub(crate) struct SharedBytes(glib::Bytes);

impl SharedBytes {
    /// Where the bytes are and how many, without making a slice of them.
    fn data(&self) -> (*const u8, usize) {
        let mut len = 0;
        // SAFETY: a valid GBytes; only its pointer and length are read.
        let ptr = unsafe { glib::ffi::g_bytes_get_data(self.0.to_glib_none().0, &mut len) };
        (ptr.cast::<u8>(), len)
    }

    /// The bytes from `start` to `end`, as a `GBytes` that keeps the memory alive (`None`
    /// outside the memory).
    pub(crate) fn range(&self, start: usize, end: usize) -> Option<glib::Bytes> {
        if start > end || end > self.data().1 {
            return None;
        }
        // SAFETY: the range lies in the GBytes, which the new one references.
        let raw = unsafe {
            glib::ffi::g_bytes_new_from_bytes(self.0.to_glib_none().0, start, end - start)
        };
        // SAFETY: a new GBytes, owned here.
        Some(unsafe { from_glib_full(raw) })
    }

    /// The number of bytes.
    pub(crate) fn len(&self) -> usize {
        self.data().1
    }
}

impl PixelMemory for SharedPixels {
    fn bytes(&self) -> &[u8] {
        // SAFETY: the session's `&self` borrow excludes its own `bytes_mut`; other handles
        // give no Rust references while it lives (module documentation).
        unsafe { self.0.slice() }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: the allocation is live while `self` is, `&mut self` excludes the session's
        // other borrows, and GTK does not read while the session decodes (same thread).
        unsafe { std::slice::from_raw_parts_mut(self.0.ptr.as_ptr(), self.0.len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vnc_core::Framebuffer;

    #[test]
    fn bytes_see_the_framebuffer_and_outlive_it() {
        let fb = Framebuffer::new_in(2, 1, SharedPixels::allocator());
        let memory = fb.supplied_memory().expect("shared memory");
        let shared = (memory as &dyn std::any::Any)
            .downcast_ref::<SharedPixels>()
            .expect("SharedPixels");
        let all = shared.bytes();
        assert!(shared.holds(&all));
        assert_eq!(all.len(), 8);
        let second = all.range(4, 8).expect("in range");
        assert!(all.range(4, 9).is_none());
        drop((fb, all));
        assert_eq!(&second[..], [0, 0, 0, 255], "alive after the framebuffer");
    }
}
