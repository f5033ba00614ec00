//! ZlibHex encoding (rfbproto "zlibhex", 8): Hextile whose tiles may be zlib-compressed. Bit 5
//! (ZlibRaw) sends a raw tile through one of the connection's streams, bit 6 (Zlib) the rest
//! of a plain tile through the other. A compressed tile is inflated once all of its bytes are
//! here, into the fixed window of [`ZlibStreams`], and drawn by [`Hextile`]'s tile decoder.

use crate::error::{Error, ProtocolError, Step};
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::{Bgra, Converter, native_pixel};
use crate::reader::Reader;

use super::hextile::{Hextile, RAW};
use super::zlib::{InflateError, ZlibStreams, inflate_all};
use super::{Decode, DecodeContext, Done};

const ZLIB_RAW: u8 = 32;
const ZLIB: u8 = 64;

/// The most a compressed plain tile can inflate to: background, foreground, a count and 255
/// coloured subrectangles of 4-byte pixels.
const MAX_PLAIN_TILE: usize = 4 + 4 + 1 + 255 * 6;

pub(crate) struct ZlibHex(Hextile);

impl ZlibHex {
    fn decode_inner(
        &mut self,
        r: &mut Reader,
        zs: &mut ZlibStreams,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        if conv.is_native() {
            self.decode_with(r, zs, fb, conv, native_pixel)
        } else {
            self.decode_with(r, zs, fb, conv, |p| conv.pixel(p))
        }
    }

    fn decode_with(
        &mut self,
        r: &mut Reader,
        zs: &mut ZlibStreams,
        fb: &mut Framebuffer,
        conv: &Converter,
        pixel: impl Fn(&[u8]) -> Bgra + Copy,
    ) -> Result<bool, ProtocolError> {
        let h = &mut self.0;
        while h.tile < h.tiles() {
            let tile = h.tile_rect();
            let mut t = *r;
            let Some(flags) = t.u8() else {
                return Ok(false);
            };
            if flags & (ZLIB_RAW | ZLIB) == 0 || (flags & ZLIB_RAW == 0 && flags & RAW != 0) {
                if h.tile_body(flags, &mut t, tile, fb, conv, pixel)?.is_none() {
                    return Ok(false);
                }
            } else {
                let (Some(len), mut rest) = (t.u16(), t) else {
                    return Ok(false);
                };
                let Some(data) = rest.take(usize::from(len)) else {
                    return Ok(false);
                };
                t = rest;
                // ZlibRaw cancels every other bit, as Raw does in Hextile.
                let (raw, body_flags, most) = if flags & ZLIB_RAW != 0 {
                    (true, RAW, tile.area() * conv.bpp())
                } else {
                    (false, flags & 0x1F, MAX_PLAIN_TILE)
                };
                let (z, window) = zs.hex_parts(raw);
                let n = inflate_all(z, data, &mut window[..most + 1]).map_err(|e| match e {
                    InflateError::Overflow => ProtocolError::ZlibOverflow {
                        encoding: "ZlibHex",
                        rect: tile,
                    },
                    InflateError::Zlib(detail) => ProtocolError::Zlib {
                        encoding: "ZlibHex",
                        detail,
                    },
                })?;
                let mut body = Reader::new(&window[..n]);
                let truncated = ProtocolError::ZlibTruncated {
                    encoding: "ZlibHex",
                    rect: tile,
                };
                if h.tile_body(body_flags, &mut body, tile, fb, conv, pixel)?
                    .is_none()
                {
                    return Err(truncated);
                }
                if body.remaining() > 0 {
                    return Err(ProtocolError::ZlibOverflow {
                        encoding: "ZlibHex",
                        rect: tile,
                    });
                }
            }
            *r = t;
            h.tile += 1;
        }
        Ok(true)
    }
}

impl Decode for ZlibHex {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> ZlibHex {
        ZlibHex(Hextile::new(rect))
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done = self
            .decode_inner(r, cx.zlib, cx.fb, cx.conv)
            .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.0.rect)))
    }
}
