//! The Cursor With Alpha pseudo-encoding (rfbproto, -314): a cursor image with 8-bit alpha.
//! After the header (x, y: the hot spot) comes an S32 encoding and the image in that
//! encoding, in the pixel format 32 bits per pixel, little-endian, red at shift 0, green 8,
//! blue 16, alpha 24 (bytes R, G, B, A), with premultiplied alpha. TigerVNC's server always
//! sends it Raw, and only Raw is taken here: another encoding is a protocol error rather
//! than a guess. Turned into straight (not premultiplied) RGBA.

use crate::error::{Error, ProtocolError, Step};
use crate::event::Cursor;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::cursor::check_size;
use super::{Decode, DecodeContext, Done};

/// The pseudo-encoding's number.
const CURSOR_WITH_ALPHA: i32 = -314;

/// A Cursor With Alpha pseudo-rectangle.
pub(crate) struct AlphaCursorRect(Rect);

impl Decode for AlphaCursorRect {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> AlphaCursorRect {
        AlphaCursorRect(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let rect = self.0;
        check_size(rect, cx.limits.max_cursor_size)?;
        let mut t = *r;
        let Some(encoding) = t.i32() else {
            return Ok(None);
        };
        if encoding != 0 {
            return Err(Error::protocol(
                Step::FramebufferUpdate,
                ProtocolError::UnsupportedCursorEncoding {
                    pseudo: CURSOR_WITH_ALPHA,
                    encoding,
                },
            ));
        }
        let n = usize::from(rect.width) * usize::from(rect.height) * 4;
        let Some(pixels) = t.take(n) else {
            return Ok(None);
        };
        *r = t;
        let mut rgba = pixels.to_vec();
        unpremultiply(&mut rgba);
        Ok(Some(Done::Cursor(Cursor::new(rect, rgba))))
    }
}

/// Premultiplied RGBA to straight RGBA, in place (rounded; a colour above its alpha, which
/// premultiplied data cannot have, saturates).
fn unpremultiply(rgba: &mut [u8]) {
    for p in rgba.chunks_exact_mut(4) {
        let a = u32::from(p[3]);
        if a == 0 {
            p[..3].fill(0);
        } else if a < 255 {
            for c in &mut p[..3] {
                *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unpremultiply;

    #[test]
    fn premultiplied_colours_are_straightened() {
        let mut px = [64, 32, 0, 128, 10, 20, 30, 255, 5, 5, 5, 0, 200, 0, 0, 100];
        unpremultiply(&mut px);
        assert_eq!(
            px,
            [128, 64, 0, 128, 10, 20, 30, 255, 0, 0, 0, 0, 255, 0, 0, 100]
        );
    }
}
