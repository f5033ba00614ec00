//! All of the widget's `unsafe` code, in three parts that each say why they are sound:
//! `x11_grab` (relative mode's pointer grab through Xlib), `shared_pixels` (the framebuffer's
//! memory shared with GDK textures through `GBytes`) and `gl_tiles` (tiles as GL textures
//! updated in place, through libepoxy). The rest of the crate denies `unsafe_code`.

#![allow(unsafe_code)]

pub(crate) mod gl_tiles;
pub(crate) mod shared_pixels;
pub(crate) mod x11_grab;
