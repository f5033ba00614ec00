//! Buffers that come and go with bursts of input (the tokio adapter's read buffer at its
//! larger sizes, the ZRLE window): mapped from the system directly, so that freeing one gives
//! its memory back at once. From malloc's heap, the buffers that a thousand sessions free when
//! they go idle would stay behind as holes between what lives on, which glibc keeps.

use std::ops::{Deref, DerefMut};

/// From this size on a buffer is mapped (smaller ones fit in the holes of the heap).
const MAP_FROM: usize = 16 << 10;

/// A zeroed byte buffer of a fixed length.
pub(crate) struct BurstBuffer(Inner);

enum Inner {
    Heap(Box<[u8]>),
    Mapped(memmap2::MmapMut),
}

impl BurstBuffer {
    /// `len` zero bytes: an anonymous map from [`MAP_FROM`] bytes on (or the heap, should the
    /// system refuse the map).
    pub(crate) fn new(len: usize) -> BurstBuffer {
        if len >= MAP_FROM {
            match memmap2::MmapMut::map_anon(len) {
                Ok(m) => return BurstBuffer(Inner::Mapped(m)),
                Err(e) => tracing::debug!(len, error = %e, "no anonymous map: heap buffer"),
            }
        }
        BurstBuffer(Inner::Heap(vec![0; len].into_boxed_slice()))
    }
}

impl Default for BurstBuffer {
    fn default() -> BurstBuffer {
        BurstBuffer(Inner::Heap(Box::default()))
    }
}

impl Deref for BurstBuffer {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Inner::Heap(b) => b,
            Inner::Mapped(m) => m,
        }
    }
}

impl DerefMut for BurstBuffer {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        match &mut self.0 {
            Inner::Heap(b) => b,
            Inner::Mapped(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_buffers_are_zeroed_and_writable() {
        for len in [0, 1, MAP_FROM - 1, MAP_FROM, 256 << 10] {
            let mut b = BurstBuffer::new(len);
            assert_eq!(b.len(), len);
            assert!(b.iter().all(|&x| x == 0));
            if let Some(last) = b.last_mut() {
                *last = 7;
            }
            assert!(len == 0 || b[len - 1] == 7);
        }
        let big = BurstBuffer::new(MAP_FROM);
        assert!(
            matches!(big.0, Inner::Mapped(_)),
            "mapped from MAP_FROM bytes on"
        );
    }
}
