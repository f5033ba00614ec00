//! Tiles as GL textures that are updated in place, for GTK's GL renderer. A memory texture
//! would be uploaded by the renderer into a texture of its own, and since GDK textures are
//! immutable a changed tile is a new texture: the renderer then holds the last frame's upload
//! and the new one, two copies of the desktop. Here each tile has one GL texture for the
//! session, into which changed pixels go straight from the framebuffer (`glTexSubImage2D`);
//! a changed tile gets a new `GdkGLTexture` over the same texture name, which is how GTK
//! learns that it must draw it again.
//!
//! Why it is sound: GL calls go through libepoxy (which GTK itself uses and links), made on
//! the main thread with the module's own `GdkGLContext` current. Texture names live until the last `GdkGLTexture` over them is released, which must happen on the
//! main thread: GTK releases them there, and an application must not carry the widget's
//! textures (from a `WidgetPaintable`'s render nodes) to another thread.

use std::ffi::c_void;
use std::rc::Rc;

use gtk::gdk;
use gtk::prelude::*;
use vnc_core::Framebuffer;

const TEXTURE_2D: u32 = 0x0DE1;
const RGBA8: i32 = 0x8058;
const BGRA: u32 = 0x80E1;
const UNSIGNED_BYTE: u32 = 0x1401;
const TEXTURE_MAG_FILTER: u32 = 0x2800;
const TEXTURE_MIN_FILTER: u32 = 0x2801;
const TEXTURE_WRAP_S: u32 = 0x2802;
const TEXTURE_WRAP_T: u32 = 0x2803;
const LINEAR: i32 = 0x2601;
const CLAMP_TO_EDGE: i32 = 0x812F;
const UNPACK_ROW_LENGTH: u32 = 0x0CF2;
const UNPACK_ALIGNMENT: u32 = 0x0CF5;

// libepoxy's entry points: function pointers that libepoxy rewrites on their first call (so
// `static mut`, read by value through `gl!` at each call).
#[link(name = "epoxy")]
unsafe extern "C" {
    static mut epoxy_glGenTextures: unsafe extern "C" fn(n: i32, names: *mut u32);
    static mut epoxy_glDeleteTextures: unsafe extern "C" fn(n: i32, names: *const u32);
    static mut epoxy_glBindTexture: unsafe extern "C" fn(target: u32, name: u32);
    static mut epoxy_glTexParameteri: unsafe extern "C" fn(target: u32, name: u32, value: i32);
    static mut epoxy_glPixelStorei: unsafe extern "C" fn(name: u32, value: i32);
    static mut epoxy_glFinish: unsafe extern "C" fn();
    static mut epoxy_glTexImage2D: unsafe extern "C" fn(
        target: u32,
        level: i32,
        internal_format: i32,
        width: i32,
        height: i32,
        border: i32,
        format: u32,
        kind: u32,
        pixels: *const c_void,
    );
    static mut epoxy_glTexSubImage2D: unsafe extern "C" fn(
        target: u32,
        level: i32,
        x: i32,
        y: i32,
        width: i32,
        height: i32,
        format: u32,
        kind: u32,
        pixels: *const c_void,
    );
}

/// Calls a libepoxy entry point: copies the pointer out of its static first.
macro_rules! gl {
    ($f:ident($($arg:expr),* $(,)?)) => {{
        let f = $f;
        f($($arg),*)
    }};
}

/// The texture names of one framebuffer's tiles, in the context that made them.
struct Names {
    context: gdk::GLContext,
    names: Vec<u32>,
}

impl Drop for Names {
    fn drop(&mut self) {
        // GTK may release its last texture in the middle of its own GL work: its context is
        // current again afterwards.
        let previous = gdk::GLContext::current();
        self.context.make_current();
        // SAFETY: the names were made by this context (shared with the renderer's), which is
        // current; no texture of GDK refers to them any more (each held an `Rc` of them).
        unsafe {
            gl!(epoxy_glDeleteTextures(
                self.names.len() as i32,
                self.names.as_ptr()
            ))
        };
        restore(previous);
    }
}

/// Makes `previous` the current GL context again (or none).
fn restore(previous: Option<gdk::GLContext>) {
    match previous {
        Some(c) => c.make_current(),
        None => gdk::GLContext::clear_current(),
    }
}

/// One GL texture per tile of a framebuffer.
pub(crate) struct GlTiles {
    names: Rc<Names>,
    /// Whether each texture has its storage (made at its first upload).
    made: Vec<bool>,
    /// The context that was current before [`Self::begin`], made current again by
    /// [`Self::end`].
    previous: Option<gdk::GLContext>,
}

impl GlTiles {
    /// Textures for `count` tiles in a new GL context of the renderer's display, not bound to
    /// a surface (its textures outlive the window: GTK may release the last one after the
    /// window is gone), which shares textures with the renderer's; or `None` when there is no
    /// desktop GL context there (GLES lacks the BGRA upload used here).
    pub(crate) fn new(display: &gdk::Display, count: usize) -> Option<GlTiles> {
        let previous = gdk::GLContext::current();
        let context = display.create_gl_context().ok()?;
        if context.realize().is_err() || context.uses_es() {
            return None;
        }
        let mut names = vec![0u32; count];
        context.make_current();
        // SAFETY: the context is current; `names` has room for `count` names.
        unsafe { gl!(epoxy_glGenTextures(count as i32, names.as_mut_ptr())) };
        let all_made = !names.contains(&0);
        if !all_made {
            // Give back those that were made.
            let made: Vec<u32> = names.iter().copied().filter(|&n| n != 0).collect();
            // SAFETY: the context is still current; the names are its own, unused.
            unsafe { gl!(epoxy_glDeleteTextures(made.len() as i32, made.as_ptr())) };
        }
        restore(previous);
        if !all_made {
            return None;
        }
        Some(GlTiles {
            names: Rc::new(Names { context, names }),
            made: vec![false; count],
            previous: None,
        })
    }

    /// Before the uploads of a frame: notes the current context, which [`Self::end`] makes
    /// current again (each upload makes the tiles' context current).
    pub(crate) fn begin(&mut self) {
        self.previous = gdk::GLContext::current();
    }

    /// Puts tile `i`'s pixels, the `tw` x `th` pixels at (`tx`, `ty`) of `fb`, in its texture
    /// and gives a new GDK texture over it; `None` if the tile is not inside `fb`.
    pub(crate) fn upload(
        &mut self,
        i: usize,
        fb: &Framebuffer,
        (tx, ty, tw, th): (u16, u16, u16, u16),
    ) -> Option<gdk::Texture> {
        let name = *self.names.names.get(i)?;
        if tw == 0
            || th == 0
            || tx.checked_add(tw)? > fb.width()
            || ty.checked_add(th)? > fb.height()
        {
            return None;
        }
        let stride = fb.stride();
        let start = usize::from(ty) * stride + usize::from(tx) * 4;
        let end = start + (usize::from(th) - 1) * stride + usize::from(tw) * 4;
        // GL reads exactly these bytes: `th` rows of `tw` pixels, `fb.width()` pixels apart.
        let pixels = fb.data().get(start..end)?;
        let (w, h) = (i32::from(tw), i32::from(th));
        // Dropping a tile's old texture may have run GTK code that made its own context
        // current (GDK skips this when ours still is).
        self.names.context.make_current();
        // SAFETY: the context is current; `pixels` holds every byte the unpack
        // parameters make GL read, and the call copies them before it returns.
        unsafe {
            gl!(epoxy_glBindTexture(TEXTURE_2D, name));
            gl!(epoxy_glPixelStorei(UNPACK_ALIGNMENT, 4));
            gl!(epoxy_glPixelStorei(
                UNPACK_ROW_LENGTH,
                i32::from(fb.width())
            ));
            let data = pixels.as_ptr().cast::<c_void>();
            if self.made[i] {
                gl!(epoxy_glTexSubImage2D(
                    TEXTURE_2D,
                    0,
                    0,
                    0,
                    w,
                    h,
                    BGRA,
                    UNSIGNED_BYTE,
                    data
                ));
            } else {
                // Linear filtering: drawn one to one it gives the pixels exactly, scaled it
                // smooths as the widget's smooth scaling should.
                gl!(epoxy_glTexParameteri(
                    TEXTURE_2D,
                    TEXTURE_MIN_FILTER,
                    LINEAR
                ));
                gl!(epoxy_glTexParameteri(
                    TEXTURE_2D,
                    TEXTURE_MAG_FILTER,
                    LINEAR
                ));
                gl!(epoxy_glTexParameteri(
                    TEXTURE_2D,
                    TEXTURE_WRAP_S,
                    CLAMP_TO_EDGE
                ));
                gl!(epoxy_glTexParameteri(
                    TEXTURE_2D,
                    TEXTURE_WRAP_T,
                    CLAMP_TO_EDGE
                ));
                gl!(epoxy_glTexImage2D(
                    TEXTURE_2D,
                    0,
                    RGBA8,
                    w,
                    h,
                    0,
                    BGRA,
                    UNSIGNED_BYTE,
                    data
                ));
                self.made[i] = true;
            }
            gl!(epoxy_glPixelStorei(UNPACK_ROW_LENGTH, 0));
            gl!(epoxy_glBindTexture(TEXTURE_2D, 0));
        }
        let keep = self.names.clone();
        // SAFETY: `name` is a texture of this context of `w` x `h` pixels, and lives while
        // the GDK texture does (the release function holds the names).
        let texture = unsafe {
            gdk::GLTexture::with_release_func(&self.names.context, name, w, h, move || drop(keep))
        };
        Some(texture.upcast())
    }

    /// After the uploads of a frame: waits until they are done, which makes them visible to
    /// the renderer's context (a flush alone does not, by the GL specification; GTK 4.8 has
    /// no fence for textures), and makes the context that was current before
    /// [`Self::begin`] current again.
    pub(crate) fn end(&mut self) {
        self.names.context.make_current();
        // SAFETY: the context is current.
        unsafe { gl!(epoxy_glFinish()) };
        restore(self.previous.take());
    }
}
