//! Where a framebuffer's pixels live: a vector the framebuffer owns, or memory the application
//! supplies through a [`PixelAllocator`], so that it can hand the pixels to a toolkit without
//! copying them (the GTK widget gives GDK textures that share the framebuffer's memory).

use std::any::Any;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// Memory that holds a framebuffer's pixels, supplied by the application's
/// [`PixelAllocator`]. The framebuffer writes through [`bytes_mut`](Self::bytes_mut) whenever it
/// decodes; what else reads the memory, and when, is the application's business (it must not
/// read while the session writes).
///
/// ```
/// use vnc_core::PixelMemory;
///
/// /// Pixels in a boxed slice, counted by the application.
/// struct Counted(Box<[u8]>);
///
/// impl PixelMemory for Counted {
///     fn bytes(&self) -> &[u8] {
///         &self.0
///     }
///     fn bytes_mut(&mut self) -> &mut [u8] {
///         &mut self.0
///     }
/// }
/// ```
pub trait PixelMemory: Any + Send + Sync {
    /// The pixels, in the framebuffer's layout.
    fn bytes(&self) -> &[u8];
    /// The pixels, to write.
    fn bytes_mut(&mut self) -> &mut [u8];
}

/// Makes the memory for a framebuffer's pixels: called with the number of bytes whenever the
/// framebuffer takes a new size (the contents need not be initialised to anything: the
/// framebuffer clears them). Memory of another length than asked is not used: the framebuffer
/// then keeps its pixels in a vector of its own.
///
/// ```
/// use vnc_core::{Config, Framebuffer, PixelAllocator, PixelMemory};
///
/// struct Boxed(Box<[u8]>);
/// impl PixelMemory for Boxed {
///     fn bytes(&self) -> &[u8] { &self.0 }
///     fn bytes_mut(&mut self) -> &mut [u8] { &mut self.0 }
/// }
///
/// let allocator = PixelAllocator::new(|len| Box::new(Boxed(vec![0; len].into_boxed_slice())));
/// let fb = Framebuffer::new_in(4, 2, allocator.clone());
/// let memory = fb.supplied_memory().expect("the allocator's memory");
/// assert!((memory as &dyn std::any::Any).is::<Boxed>());
/// assert_eq!(memory.bytes().len(), 4 * 2 * 4);
///
/// let mut config = Config::default();
/// config.pixel_allocator = Some(allocator); // every framebuffer of the session
/// ```
#[derive(Clone)]
pub struct PixelAllocator(Arc<dyn Fn(usize) -> Box<dyn PixelMemory> + Send + Sync>);

impl PixelAllocator {
    /// An allocator that makes memory with `allocate`.
    pub fn new(allocate: impl Fn(usize) -> Box<dyn PixelMemory> + Send + Sync + 'static) -> Self {
        PixelAllocator(Arc::new(allocate))
    }
}

// A panic in the allocator leaves nothing half done (the framebuffer is 0x0 until the new
// memory is made), so a configuration can cross `catch_unwind` as it could before.
impl std::panic::UnwindSafe for PixelAllocator {}
impl std::panic::RefUnwindSafe for PixelAllocator {}

impl fmt::Debug for PixelAllocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PixelAllocator")
    }
}

/// A framebuffer's pixel bytes, wherever they live.
pub(crate) enum Pixels {
    Owned(Vec<u8>),
    Supplied(Box<dyn PixelMemory>),
}

impl Pixels {
    /// `len` bytes (not cleared) from `allocator`, or in a vector when there is none or it
    /// gave the wrong length. `old` is reused when it has the length already.
    pub(crate) fn sized(old: Pixels, len: usize, allocator: Option<&PixelAllocator>) -> Pixels {
        match (old, allocator) {
            (Pixels::Supplied(m), Some(_)) if m.bytes().len() == len => Pixels::Supplied(m),
            (old, Some(a)) => {
                drop(old);
                let m = (a.0)(len);
                if m.bytes().len() == len {
                    return Pixels::Supplied(m);
                }
                tracing::warn!(
                    asked = len,
                    got = m.bytes().len(),
                    "pixel allocator gave memory of the wrong length: using a vector"
                );
                Pixels::Owned(vec![0; len])
            }
            (Pixels::Owned(mut v), None) => {
                v.clear();
                v.shrink_to(len);
                v.resize(len, 0);
                Pixels::Owned(v)
            }
            (Pixels::Supplied(_), None) => Pixels::Owned(vec![0; len]),
        }
    }
}

impl Deref for Pixels {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Pixels::Owned(v) => v,
            Pixels::Supplied(m) => m.bytes(),
        }
    }
}

impl DerefMut for Pixels {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Pixels::Owned(v) => v,
            Pixels::Supplied(m) => m.bytes_mut(),
        }
    }
}
