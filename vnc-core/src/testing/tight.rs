//! Tight for the scripted server: TPIXEL, the compact length, and an encoder with the four
//! zlib streams a server keeps, writing fill, copy, palette, gradient and JPEG rectangles.

use flate2::{Compress, Compression};

use super::*;
use crate::{PixelFormat, Rect};

/// True when Tight sends pixels of `pf` as three bytes (TPIXEL): red, green, blue.
pub fn is_tpixel(pf: &PixelFormat) -> bool {
    pf.true_colour
        && pf.bits_per_pixel == 32
        && pf.depth == 24
        && [pf.red_max, pf.green_max, pf.blue_max] == [255; 3]
}

/// An RGB colour as a Tight pixel (TPIXEL) of a true-colour format.
pub fn tpixel(pf: &PixelFormat, rgb: [u8; 3]) -> Vec<u8> {
    if is_tpixel(pf) {
        rgb.to_vec()
    } else {
        pixel(pf, rgb)
    }
}

/// How [`TightEncoder`] filters a rectangle's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TightFilter {
    /// Basic compression without a filter byte (copy).
    Copy,
    /// The copy filter named explicitly (filter id 0).
    ExplicitCopy,
    /// The palette filter (the rectangle must have 2 to 256 colours).
    Palette,
    /// The gradient filter.
    Gradient,
}

/// The compact length of Tight: 1 to 3 bytes.
pub fn tight_len(len: usize) -> Vec<u8> {
    assert!(len < 1 << 22);
    if len < 0x80 {
        vec![len as u8]
    } else if len < 0x4000 {
        vec![len as u8 | 0x80, (len >> 7) as u8]
    } else {
        vec![len as u8 | 0x80, (len >> 7) as u8 | 0x80, (len >> 14) as u8]
    }
}

/// A Tight encoder with the four zlib streams a server keeps per connection.
pub struct TightEncoder {
    z: [Compress; 4],
}

impl Default for TightEncoder {
    fn default() -> Self {
        TightEncoder {
            z: std::array::from_fn(|_| Compress::new(Compression::default(), true)),
        }
    }
}

impl TightEncoder {
    /// A fill rectangle (header included).
    pub fn fill(pf: &PixelFormat, rect: Rect, rgb: [u8; 3]) -> Vec<u8> {
        let mut out = rect_header(rect, 7);
        out.push(0x80);
        out.extend(tpixel(pf, rgb));
        out
    }

    /// A JPEG rectangle carrying the JPEG file `jpeg` (header included).
    pub fn jpeg(rect: Rect, jpeg: &[u8]) -> Vec<u8> {
        let mut out = rect_header(rect, 7);
        out.push(0x90);
        out.extend(tight_len(jpeg.len()));
        out.extend_from_slice(jpeg);
        out
    }

    /// `rect` of `img` with basic compression in `stream` (0 to 3), rows filtered by
    /// `filter`; `resets` is the control byte's low four bits (streams to reset first).
    pub fn rect(
        &mut self,
        pf: &PixelFormat,
        img: &Image,
        rect: Rect,
        filter: TightFilter,
        stream: u8,
        resets: u8,
    ) -> Vec<u8> {
        let px = img.crop(rect);
        let w = usize::from(rect.width);
        let mut head = Vec::new();
        let mut data = Vec::new();
        let mut control = (stream << 4) | resets;
        match filter {
            TightFilter::Copy | TightFilter::ExplicitCopy => {
                if filter == TightFilter::ExplicitCopy {
                    control |= 0x40;
                    head.push(0);
                }
                for p in &px {
                    data.extend(tpixel(pf, *p));
                }
            }
            TightFilter::Palette => {
                let colours = distinct(&px);
                assert!(
                    (2..=256).contains(&colours.len()),
                    "palette needs 2-256 colours"
                );
                control |= 0x40;
                head.push(1);
                head.push((colours.len() - 1) as u8);
                for c in &colours {
                    head.extend(tpixel(pf, *c));
                }
                let index = |p: &[u8; 3]| colours.iter().position(|c| c == p).unwrap() as u8;
                for row in px.chunks(w) {
                    if colours.len() == 2 {
                        for bits in row.chunks(8) {
                            let mut b = 0u8;
                            for (i, p) in bits.iter().enumerate() {
                                b |= index(p) << (7 - i);
                            }
                            data.push(b);
                        }
                    } else {
                        data.extend(row.iter().map(index));
                    }
                }
            }
            TightFilter::Gradient => {
                control |= 0x40;
                head.push(2);
                data = gradient(pf, &px, w);
            }
        }
        let mut out = rect_header(rect, 7);
        out.push(control);
        out.extend(head);
        out.extend(self.data(stream, &data));
        out
    }

    /// Filtered data as it follows a basic-compression header: as it is when shorter than
    /// 12 bytes, else its compact length and the bytes compressed in `stream`.
    pub fn data(&mut self, stream: u8, data: &[u8]) -> Vec<u8> {
        if data.len() < 12 {
            return data.to_vec();
        }
        let z = self.compress(stream, data);
        let mut out = tight_len(z.len());
        out.extend(z);
        out
    }

    /// Compresses bytes into `stream` with a sync flush, as servers do after each rectangle.
    pub fn compress(&mut self, stream: u8, raw: &[u8]) -> Vec<u8> {
        super::zlib::compress_sync(&mut self.z[usize::from(stream)], raw)
    }

    /// Starts `stream` afresh (send a control byte with its reset bit next).
    pub fn reset(&mut self, stream: u8) {
        self.z[usize::from(stream)] = Compress::new(Compression::default(), true);
    }
}

/// Gradient-filtered pixels of a true-colour format, `w` to a row.
fn gradient(pf: &PixelFormat, px: &[[u8; 3]], w: usize) -> Vec<u8> {
    let tp = is_tpixel(pf);
    let maxes: [u32; 3] = if tp {
        [255; 3]
    } else {
        [pf.red_max, pf.green_max, pf.blue_max].map(u32::from)
    };
    let chans: Vec<[u32; 3]> = px
        .iter()
        .map(|&[r, g, b]| {
            if tp {
                [r, g, b].map(u32::from)
            } else {
                [
                    to_max(r, pf.red_max),
                    to_max(g, pf.green_max),
                    to_max(b, pf.blue_max),
                ]
            }
        })
        .collect();
    let at = |x: usize, y: usize| chans[y * w + x];
    let mut out = Vec::new();
    for (i, cur) in chans.iter().enumerate() {
        let (x, y) = (i % w, i / w);
        let left = if x > 0 { at(x - 1, y) } else { [0; 3] };
        let up = if y > 0 { at(x, y - 1) } else { [0; 3] };
        let up_left = if x > 0 && y > 0 {
            at(x - 1, y - 1)
        } else {
            [0; 3]
        };
        let d: [u32; 3] = std::array::from_fn(|c| {
            let p = (i64::from(left[c]) + i64::from(up[c]) - i64::from(up_left[c]))
                .clamp(0, i64::from(maxes[c])) as u32;
            cur[c].wrapping_sub(p) & maxes[c]
        });
        if tp {
            out.extend(d.map(|v| v as u8));
        } else {
            out.extend(pf.wire_bytes(
                (d[0] << pf.red_shift) | (d[1] << pf.green_shift) | (d[2] << pf.blue_shift),
            ));
        }
    }
    out
}
