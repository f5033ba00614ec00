//! The framebuffer's memory, shared with GDK textures instead of copied into them: the
//! engine writes the pixels (it was given this memory through `Config::pixel_allocator`),
//! and the tiles' memory textures read the same bytes through `glib::Bytes` that keep the
//! memory alive after the framebuffer moves on to a new size or the session ends.
//!
//! The widget's second `unsafe` module. Why it is sound: the memory is one heap block, freed
//! when its last handle goes (the framebuffer's and each `glib::Bytes`'). Rust references to
//! its bytes come from the framebuffer, borrowed from the session, and, for an instant, from
//! [`SharedPixels::bytes`] while the caller holds the framebuffer borrowed shared. GTK reads
//! the bytes through the `GBytes` only while it draws, on the main thread, which is where the
//! widget's session decodes too: never while a `bytes_mut` borrow lives. The block is never
//! handed to another thread while shared.
#![allow(unsafe_code)]

use std::ptr::NonNull;
use std::sync::Arc;

use gtk::glib;
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

    /// All the bytes as `glib::Bytes` that keep the memory alive: made while the caller holds
    /// the framebuffer borrowed shared (so no writer lives), read by GTK on the main thread.
    pub(crate) fn bytes(&self) -> glib::Bytes {
        glib::Bytes::from_owned(Keep(self.0.clone()))
    }

    /// Whether `bytes` came from this memory.
    pub(crate) fn holds(&self, bytes: &glib::Bytes) -> bool {
        let b: &[u8] = bytes;
        b.as_ptr() == self.0.ptr.as_ptr().cast_const() && b.len() == self.0.len
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

/// A handle that keeps the memory alive inside a `glib::Bytes`.
struct Keep(Arc<Block>);

impl AsRef<[u8]> for Keep {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: called by `glib::Bytes::from_owned` once, while the framebuffer is borrowed
        // shared (see `SharedPixels::bytes`).
        unsafe { self.0.slice() }
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
        let bytes = shared.bytes();
        assert!(shared.holds(&bytes));
        assert_eq!(&bytes[..], fb.data());
        drop(fb);
        assert_eq!(
            &bytes[..],
            [0, 0, 0, 255, 0, 0, 0, 255],
            "alive after the framebuffer"
        );
    }
}
