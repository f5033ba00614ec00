//! Shared helpers: a scripted handshake, error assertions over every chunking, and pieces of
//! rectangles and ZRLE updates.

use vnc_core::testing::{Script, ZrleEncoder, cpixel, pixel, play_all};
use vnc_core::{Config, Error, PixelFormat, Rect};

pub(crate) const W: u16 = 64;
pub(crate) const H: u16 = 48;
pub(crate) const PF: PixelFormat = PixelFormat::RGB888;

/// A 3.8 handshake with security None and a ServerInit of 64x48 in RGB888.
pub(crate) fn connected() -> Script {
    connected_with(W, H)
}

/// The same with a framebuffer of `w` x `h`.
pub(crate) fn connected_with(w: u16, h: u16) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(w, h, &PF, "hostile")
}

/// Plays `bytes` with every chunking and returns the error all of them ended with.
pub(crate) fn error_of(config: &Config, bytes: &[u8]) -> Error {
    let run = play_all(config, bytes);
    match run.error {
        Some(e) => e,
        None => panic!("no error; events: {:?}", run.events),
    }
}

/// Asserts that `bytes`, however split, end the session with an error matching `pattern`.
macro_rules! assert_fails {
    ($config:expr, $bytes:expr, $($pattern:tt)+) => {{
        let e = $crate::support::error_of(&$config, $bytes);
        assert!(matches!(e, $($pattern)+), "got {e:?}");
        e
    }};
}
pub(crate) use assert_fails;

/// A FramebufferUpdate with one rectangle, after the handshake.
pub(crate) fn one_rect(rect: &[u8]) -> Vec<u8> {
    connected().update(&[rect.to_vec()]).bytes().to_vec()
}

pub(crate) fn px() -> Vec<u8> {
    pixel(&PF, [10, 20, 30])
}

pub(crate) fn cpx(rgb: [u8; 3]) -> Vec<u8> {
    cpixel(&PF, rgb)
}

pub(crate) fn geometry(r: Rect) -> Vec<u8> {
    [r.x, r.y, r.width, r.height]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

/// An 8-bit colour-map pixel format.
pub(crate) const COLOUR_MAP: PixelFormat = PixelFormat {
    bits_per_pixel: 8,
    depth: 8,
    big_endian: false,
    true_colour: false,
    red_max: 0,
    green_max: 0,
    blue_max: 0,
    red_shift: 0,
    green_shift: 0,
    blue_shift: 0,
};

/// The ZRLE cases run in a framebuffer wide enough for rectangles of two tiles across.
pub(crate) const ZW: u16 = 128;
pub(crate) const ZH: u16 = 80;

/// A single 8x8 tile at (8, 16).
pub(crate) const ZRECT: Rect = Rect::new(8, 16, 8, 8);

/// One ZRLE rectangle, `ZRECT`, made of `tile_data`, after a handshake.
pub(crate) fn zrle(tile_data: &[u8]) -> Vec<u8> {
    zrle_at(ZRECT, tile_data)
}

pub(crate) fn zrle_at(rect: Rect, tile_data: &[u8]) -> Vec<u8> {
    zrle_update(&ZrleEncoder::default().rect_from_tile_data(rect, tile_data))
}

/// A FramebufferUpdate with one (ZRLE) rectangle, after a handshake.
pub(crate) fn zrle_update(rect: &[u8]) -> Vec<u8> {
    connected_with(ZW, ZH)
        .update(&[rect.to_vec()])
        .bytes()
        .to_vec()
}
