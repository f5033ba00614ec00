//! The X Cursor pseudo-encoding (rfbproto "X Cursor", -240): a two-colour cursor as X11 core
//! cursors are, a primary and a secondary colour (8-bit RGB each, whatever the pixel format)
//! then a bitmap (1 = primary) and a mask, one bit per pixel, rows padded to whole bytes.
//! Turned into the same straight RGBA [`Cursor`] as the other cursor encodings. A 0x0
//! rectangle (no data at all) hides the cursor.

use crate::error::Error;
use crate::event::Cursor;
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::cursor::check_size;
use super::{Decode, DecodeContext, Done};

/// An X Cursor pseudo-rectangle.
pub(crate) struct XCursorRect(Rect);

impl Decode for XCursorRect {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> XCursorRect {
        XCursorRect(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let rect = self.0;
        check_size(rect, cx.limits.max_cursor_size)?;
        let (w, h) = (usize::from(rect.width), usize::from(rect.height));
        let row = w.div_ceil(8);
        let mut t = *r;
        let rgba = if w * h == 0 {
            Vec::new()
        } else {
            let (Some(colours), Some(bitmap), Some(mask)) =
                (t.take(6), t.take(row * h), t.take(row * h))
            else {
                return Ok(None);
            };
            let mut rgba = vec![0u8; w * h * 4];
            let rows = bitmap.chunks_exact(row).zip(mask.chunks_exact(row));
            for (dst, (bits, m)) in rgba.chunks_exact_mut(w * 4).zip(rows) {
                for (x, d) in dst.chunks_exact_mut(4).enumerate() {
                    let bit = 0x80 >> (x % 8);
                    if m[x / 8] & bit != 0 {
                        let c = if bits[x / 8] & bit != 0 {
                            &colours[0..3]
                        } else {
                            &colours[3..6]
                        };
                        d.copy_from_slice(&[c[0], c[1], c[2], 255]);
                    }
                }
            }
            rgba
        };
        *r = t;
        Ok(Some(Done::Cursor(Cursor::new(rect, rgba))))
    }
}
