//! Zlib encoding (rfbproto "zlib", 6): a length, then zlib data that inflates to the
//! rectangle's Raw pixels, through one zlib stream for the whole connection. Also owns the
//! connection's streams for ZlibHex (see [`zlibhex`](super::zlibhex)) and the fixed window
//! both inflate into: nothing is allocated per rectangle, and a rectangle never inflates to
//! more than its pixels.

use crate::error::{Error, ProtocolError, Step};
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::Converter;
use crate::reader::Reader;

use super::inflate::Inflater;
use super::zrle::Palette;
use super::{Decode, DecodeContext, Done};

/// Inflated bytes waiting to be drawn; also large enough for any ZlibHex tile (a raw tile of
/// 16x16 4-byte pixels, or two pixels, a count and 255 coloured subrectangles).
const WINDOW: usize = 64 << 10;

/// The connection's Zlib and ZlibHex streams, each made when its encoding is first used, and
/// TRLE's reusable palette (kept here so that decoders stay small).
#[derive(Default)]
pub(crate) struct ZlibStreams {
    /// The palette TRLE tiles may reuse; reset at each TRLE rectangle.
    pub(crate) trle_palette: Palette,
    zlib: Option<Inflater>,
    /// ZlibHex's stream for raw tiles.
    hex_raw: Option<Inflater>,
    /// ZlibHex's stream for the other tiles.
    hex: Option<Inflater>,
    window: Vec<u8>,
}

impl ZlibStreams {
    /// Between rectangles: frees the window, keeping the zlib streams.
    pub(crate) fn release_buffers(&mut self) {
        self.window = Vec::new();
    }

    /// The window's bytes on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.window.capacity()
    }

    /// Allocates the window on first use.
    fn ensure_window(&mut self) {
        if self.window.is_empty() {
            self.window = vec![0; WINDOW];
        }
    }

    /// Zlib's stream and the window.
    fn zlib_parts(&mut self) -> (&mut Inflater, &mut [u8]) {
        self.ensure_window();
        (
            self.zlib.get_or_insert_with(Inflater::new),
            &mut self.window,
        )
    }

    /// ZlibHex's stream for raw tiles (`raw`) or for the others, and the window.
    pub(crate) fn hex_parts(&mut self, raw: bool) -> (&mut Inflater, &mut [u8]) {
        self.ensure_window();
        let z = if raw {
            &mut self.hex_raw
        } else {
            &mut self.hex
        };
        (z.get_or_insert_with(Inflater::new), &mut self.window)
    }
}

/// How [`inflate_all`] failed.
pub(crate) enum InflateError {
    /// The data inflates to more than the output has room for.
    Overflow,
    /// Corrupt data (zlib's message).
    Zlib(String),
}

/// Inflates all of `input` into `out`; the number of bytes produced. Filling `out` entirely
/// is an overflow: callers give one byte more than the most they accept.
pub(crate) fn inflate_all(
    z: &mut Inflater,
    mut input: &[u8],
    out: &mut [u8],
) -> Result<usize, InflateError> {
    let mut n = 0;
    loop {
        let d = z.inflate(input, &mut out[n..]);
        input = &input[d.consumed..];
        n += d.produced;
        if let Some(e) = d.error {
            return Err(InflateError::Zlib(e));
        }
        if n == out.len() {
            return Err(InflateError::Overflow);
        }
        if d.consumed == 0 && d.produced == 0 {
            // With input left and room in `out`, the inflater reports an error instead.
            return Ok(n);
        }
    }
}

/// One Zlib rectangle being decoded.
pub(crate) struct Zlib {
    rect: Rect,
    /// Compressed bytes still to come; `None` before the length field.
    left: Option<u32>,
    /// Pixels drawn so far, row-major.
    drawn: usize,
    /// Bytes of a pixel that is not whole yet, at the start of the window.
    partial: usize,
}

impl Zlib {
    fn decode_inner(
        &mut self,
        r: &mut Reader,
        zs: &mut ZlibStreams,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        let rect = self.rect;
        let mut left = match self.left {
            Some(n) => n,
            None => {
                let Some(n) = r.u32() else { return Ok(false) };
                n
            }
        };
        let bpp = conv.bpp();
        let total = rect.area();
        let (z, window) = zs.zlib_parts();
        loop {
            // Room for what the rectangle still needs and one byte more, to see an overflow
            // without inflating a bomb any further.
            let need = (total - self.drawn) * bpp - self.partial;
            let room = (need + 1).min(window.len() - self.partial);
            let input = r.take_up_to(left as usize);
            let d = z.inflate(input, &mut window[self.partial..self.partial + room]);
            *r = r.rewound(input.len() - d.consumed);
            left -= d.consumed as u32;
            if d.produced > need {
                return Err(ProtocolError::ZlibOverflow {
                    encoding: "Zlib",
                    rect,
                });
            }
            let avail = self.partial + d.produced;
            let whole = avail / bpp * bpp;
            draw_pixels(fb, conv, rect, self.drawn, &window[..whole]);
            self.drawn += whole / bpp;
            window.copy_within(whole..avail, 0);
            self.partial = avail - whole;
            if let Some(detail) = d.error {
                return Err(ProtocolError::Zlib {
                    encoding: "Zlib",
                    detail,
                });
            }
            if d.consumed == 0 && d.produced == 0 {
                if left > 0 {
                    self.left = Some(left);
                    return Ok(false);
                }
                if self.drawn < total {
                    return Err(ProtocolError::ZlibTruncated {
                        encoding: "Zlib",
                        rect,
                    });
                }
                self.left = Some(0);
                return Ok(true);
            }
        }
    }
}

/// Draws whole wire pixels `src` into `rect` from pixel index `start` (row-major), row by row.
fn draw_pixels(fb: &mut Framebuffer, conv: &Converter, rect: Rect, start: usize, src: &[u8]) {
    let bpp = conv.bpp();
    let w = usize::from(rect.width);
    let (mut row, mut col) = match w {
        0 => return,
        _ => (start / w, start % w),
    };
    let mut src = src;
    while !src.is_empty() {
        let n = (w - col).min(src.len() / bpp);
        let (line, rest) = src.split_at(n * bpp);
        conv.convert_row(
            line,
            fb.row_mut(rect.x + col as u16, rect.y + row as u16, n as u16),
        );
        src = rest;
        col = 0;
        row += 1;
    }
}

impl Decode for Zlib {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Zlib {
        Zlib {
            rect,
            left: None,
            drawn: 0,
            partial: 0,
        }
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done = self
            .decode_inner(r, cx.zlib, cx.fb, cx.conv)
            .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.rect)))
    }
}
