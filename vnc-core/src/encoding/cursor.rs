//! The rich Cursor pseudo-encoding (rfbproto "Cursor", -239): an image in the pixel format
//! plus a 1-bit mask, turned into straight RGBA for the application.

use crate::error::Error;
use crate::error::Step;
use crate::event::Cursor;
use crate::framebuffer::Rect;
use crate::pixel_format::Converter;
use crate::reader::Reader;

use super::{Decode, DecodeContext, Done};

/// Parses the cursor once all of it has arrived (`Ok(None)` until then). `rect.x`/`rect.y`
/// are the hot spot.
pub(crate) fn parse(
    r: &mut Reader,
    rect: Rect,
    conv: &Converter,
    max: u16,
) -> Result<Option<Cursor>, Error> {
    check_size(rect, max)?;
    let (w, h) = (usize::from(rect.width), usize::from(rect.height));
    let bpp = conv.bpp();
    let mask_row = w.div_ceil(8);
    let mut t = *r;
    let (Some(pixels), Some(mask)) = (t.take(w * h * bpp), t.take(mask_row * h)) else {
        return Ok(None);
    };
    *r = t;
    let mut rgba = vec![0u8; w * h * 4];
    if w > 0 {
        let rows = pixels
            .chunks_exact(w * bpp)
            .zip(mask.chunks_exact(mask_row));
        for (dst, (src, m)) in rgba.chunks_exact_mut(w * 4).zip(rows) {
            for (x, (d, s)) in dst
                .chunks_exact_mut(4)
                .zip(src.chunks_exact(bpp))
                .enumerate()
            {
                let visible = m[x / 8] & (0x80 >> (x % 8)) != 0;
                if visible {
                    d.copy_from_slice(&conv.rgba(s));
                }
            }
        }
    }
    Ok(Some(Cursor::new(rect, rgba)))
}

/// A cursor image larger than `max` in either dimension is refused before any of it is read
/// (every cursor encoding).
pub(crate) fn check_size(rect: Rect, max: u16) -> Result<(), Error> {
    if rect.width > max || rect.height > max {
        return Err(Error::LimitExceeded {
            step: Step::FramebufferUpdate,
            what: "a cursor dimension",
            value: rect.width.max(rect.height).into(),
            limit: max.into(),
        });
    }
    Ok(())
}

impl Cursor {
    /// The cursor of a pseudo-rectangle: its size, the hot spot from its x and y, and the
    /// straight RGBA image. Some servers put the hot spot on the edge; it is kept inside.
    pub(crate) fn new(rect: Rect, rgba: Vec<u8>) -> Cursor {
        Cursor {
            width: rect.width,
            height: rect.height,
            hotspot_x: rect.x.min(rect.width.saturating_sub(1)),
            hotspot_y: rect.y.min(rect.height.saturating_sub(1)),
            rgba,
        }
    }
}

/// A Cursor pseudo-rectangle.
pub(crate) struct CursorRect(Rect);

impl Decode for CursorRect {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> CursorRect {
        CursorRect(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let cursor = parse(r, self.0, cx.conv, cx.limits.max_cursor_size)?;
        Ok(cursor.map(Done::Cursor))
    }
}
