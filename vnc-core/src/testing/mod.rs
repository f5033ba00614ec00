//! Test support (feature `testing`): a scripted RFB server that writes the server's side of a
//! conversation byte by byte, encoders for every encoding this crate decodes, and a driver
//! that plays a script into a [`Session`](crate::Session) whole, one byte at a time or in random chunks.
//!
//! ```
//! use vnc_core::testing::{Chunking, Image, Script, play};
//! use vnc_core::{Config, PixelFormat, Rect};
//!
//! let pf = PixelFormat::RGB888;
//! let img = Image::pattern(8, 4);
//! let script = Script::new()
//!     .version("RFB 003.008\n")
//!     .security_types(&[1])
//!     .security_result(0)
//!     .server_init(8, 4, &pf, "test")
//!     .update(&[Script::raw_rect(&pf, &img, Rect::new(0, 0, 8, 4))]);
//! let run = play(Config::default(), script.bytes(), Chunking::OneByte);
//! assert!(run.error.is_none());
//! assert_eq!(run.framebuffer.to_rgba(), img.to_rgba());
//! ```

use flate2::{Compress, Compression, FlushCompress};

use crate::{PixelFormat, Rect};

mod play;
mod tight;
pub use play::*;
pub use tight::*;

/// An RGB image used as the "true screen" of a scripted server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Width.
    pub width: u16,
    /// Height.
    pub height: u16,
    /// Pixels as `[r, g, b]`, row-major.
    pub pixels: Vec<[u8; 3]>,
}

impl Image {
    /// A solid image.
    pub fn solid(width: u16, height: u16, rgb: [u8; 3]) -> Image {
        Image {
            width,
            height,
            pixels: vec![rgb; usize::from(width) * usize::from(height)],
        }
    }

    /// A deterministic pattern with gradients, flat areas and sharp edges.
    pub fn pattern(width: u16, height: u16) -> Image {
        let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height));
        for y in 0..height {
            for x in 0..width {
                let px = if (x / 7 + y / 5) % 3 == 0 {
                    [200, 30, 90]
                } else if x % 11 == 3 {
                    [255, 255, 255]
                } else {
                    [
                        (x * 37 % 256) as u8,
                        (y * 53 % 256) as u8,
                        ((x ^ y) * 19 % 256) as u8,
                    ]
                };
                pixels.push(px);
            }
        }
        Image {
            width,
            height,
            pixels,
        }
    }

    /// The pixel at (x, y).
    pub fn get(&self, x: u16, y: u16) -> [u8; 3] {
        self.pixels[usize::from(y) * usize::from(self.width) + usize::from(x)]
    }

    /// Sets the pixel at (x, y).
    pub fn set(&mut self, x: u16, y: u16, rgb: [u8; 3]) {
        self.pixels[usize::from(y) * usize::from(self.width) + usize::from(x)] = rgb;
    }

    /// The image as the pixel format `pf` would show it, back in 8-bit RGB: what a client
    /// decoding `pf` should produce.
    pub fn quantized(&self, pf: &PixelFormat) -> Image {
        Image {
            pixels: self.pixels.iter().map(|&p| quantize(pf, p)).collect(),
            ..self.clone()
        }
    }

    /// RGBA bytes with alpha 255, comparable with [`Framebuffer::to_rgba`](crate::Framebuffer::to_rgba).
    pub fn to_rgba(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|&[r, g, b]| [r, g, b, 255])
            .collect()
    }

    /// The sub-image covering `r`.
    pub fn crop(&self, r: Rect) -> Vec<[u8; 3]> {
        let mut v = Vec::with_capacity(r.area());
        for y in r.y..r.y + r.height {
            for x in r.x..r.x + r.width {
                v.push(self.get(x, y));
            }
        }
        v
    }
}

fn to_max(v: u8, max: u16) -> u32 {
    (u32::from(v) * u32::from(max) + 127) / 255
}

fn from_max(v: u32, max: u16) -> u8 {
    ((v * 255 + u32::from(max) / 2) / u32::from(max)) as u8
}

fn quantize(pf: &PixelFormat, [r, g, b]: [u8; 3]) -> [u8; 3] {
    [
        from_max(to_max(r, pf.red_max), pf.red_max),
        from_max(to_max(g, pf.green_max), pf.green_max),
        from_max(to_max(b, pf.blue_max), pf.blue_max),
    ]
}

/// The pixel value of an RGB colour in a true-colour format.
pub fn pixel_value(pf: &PixelFormat, [r, g, b]: [u8; 3]) -> u32 {
    (to_max(r, pf.red_max) << pf.red_shift)
        | (to_max(g, pf.green_max) << pf.green_shift)
        | (to_max(b, pf.blue_max) << pf.blue_shift)
}

/// An RGB colour as wire bytes (PIXEL) of a true-colour format.
pub fn pixel(pf: &PixelFormat, rgb: [u8; 3]) -> Vec<u8> {
    pf.wire_bytes(pixel_value(pf, rgb))
}

/// An RGB colour as a ZRLE compact pixel (CPIXEL) of a true-colour format.
pub fn cpixel(pf: &PixelFormat, rgb: [u8; 3]) -> Vec<u8> {
    let full = pixel(pf, rgb);
    match pf.cpixel3() {
        None => full,
        Some(crate::pixel_format::Cpixel3::LowLittle)
        | Some(crate::pixel_format::Cpixel3::HighBig) => full[..3].to_vec(),
        Some(_) => full[1..].to_vec(),
    }
}

/// How a ZRLE tile is encoded by [`ZrleEncoder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZrleTile {
    /// Sub-encoding 0: raw compact pixels.
    Raw,
    /// Packed palette (2 to 16 colours) when the tile has that few colours, else raw; solid
    /// (sub-encoding 1) for one colour.
    PackedPalette,
    /// Plain RLE (128).
    PlainRle,
    /// Palette RLE (130 to 255) when the tile has 2 to 127 colours, else plain RLE.
    PaletteRle,
}

/// A ZRLE encoder with one zlib stream, as a server keeps per connection.
pub struct ZrleEncoder {
    z: Compress,
}

impl Default for ZrleEncoder {
    fn default() -> Self {
        ZrleEncoder {
            z: Compress::new(Compression::default(), true),
        }
    }
}

impl ZrleEncoder {
    /// Encodes `rect` of `img` into a rectangle (header included), every tile with `mode`.
    pub fn rect(&mut self, pf: &PixelFormat, img: &Image, rect: Rect, mode: ZrleTile) -> Vec<u8> {
        let mut raw = Vec::new();
        for ty in (0..rect.height).step_by(64) {
            for tx in (0..rect.width).step_by(64) {
                let t = Rect::new(
                    rect.x + tx,
                    rect.y + ty,
                    (rect.width - tx).min(64),
                    (rect.height - ty).min(64),
                );
                zrle_tile(&mut raw, pf, &img.crop(t), t.width, mode);
            }
        }
        let data = self.compress(&raw);
        let mut out = rect_header(rect, 16);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Compresses `raw` (already-formed tile data) into the stream, with a sync flush as real
    /// servers do after each rectangle, and returns the rectangle (header included).
    pub fn rect_from_tile_data(&mut self, rect: Rect, raw: &[u8]) -> Vec<u8> {
        let data = self.compress(raw);
        let mut out = rect_header(rect, 16);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Compresses bytes into the stream with a sync flush.
    pub fn compress(&mut self, raw: &[u8]) -> Vec<u8> {
        compress_sync(&mut self.z, raw)
    }
}

/// Compresses `raw` into the stream `z` with a sync flush, as servers do after each rectangle.
fn compress_sync(z: &mut Compress, raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 1024);
    let mut input = raw;
    loop {
        let before = z.total_in();
        z.compress_vec(input, &mut out, FlushCompress::Sync)
            .expect("compress");
        input = &input[(z.total_in() - before) as usize..];
        if input.is_empty() && out.len() < out.capacity() {
            break;
        }
        out.reserve(out.capacity().max(1024));
    }
    out
}

/// A Zlib (6) encoder with one zlib stream, as a server keeps per connection.
pub struct ZlibEncoder {
    z: Compress,
}

impl Default for ZlibEncoder {
    fn default() -> Self {
        ZlibEncoder {
            z: Compress::new(Compression::default(), true),
        }
    }
}

impl ZlibEncoder {
    /// Encodes `rect` of `img` as Raw pixels through the stream (header included).
    pub fn rect(&mut self, pf: &PixelFormat, img: &Image, rect: Rect) -> Vec<u8> {
        let raw: Vec<u8> = img
            .crop(rect)
            .into_iter()
            .flat_map(|p| pixel(pf, p))
            .collect();
        self.rect_from_data(rect, &raw)
    }

    /// Compresses `raw` (what the rectangle inflates to, valid or not) into a rectangle.
    pub fn rect_from_data(&mut self, rect: Rect, raw: &[u8]) -> Vec<u8> {
        let data = compress_sync(&mut self.z, raw);
        let mut out = rect_header(rect, 6);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Compresses bytes into the stream with a sync flush.
    pub fn compress(&mut self, raw: &[u8]) -> Vec<u8> {
        compress_sync(&mut self.z, raw)
    }
}

/// A ZlibHex (8) encoder with its two zlib streams (raw tiles, other tiles).
pub struct ZlibHexEncoder {
    raw: Compress,
    hex: Compress,
}

impl Default for ZlibHexEncoder {
    fn default() -> Self {
        ZlibHexEncoder {
            raw: Compress::new(Compression::default(), true),
            hex: Compress::new(Compression::default(), true),
        }
    }
}

impl ZlibHexEncoder {
    /// Encodes `rect` of `img` as Hextile tiles (see [`Script::hextile_rect`]); raw tiles go
    /// through the raw stream (ZlibRaw) and other tiles whose data is at least `min` bytes
    /// through the other (Zlib); shorter ones stay plain Hextile.
    pub fn rect(&mut self, pf: &PixelFormat, img: &Image, rect: Rect, min: usize) -> Vec<u8> {
        let mut v = rect_header(rect, 8);
        hextile_tiles(pf, img, rect, |flags, body| {
            if body.len() < min || body.is_empty() {
                v.push(flags);
                v.extend(body);
                return;
            }
            let (flags, z) = if flags & 1 != 0 {
                (32, &mut self.raw)
            } else {
                (flags | 64, &mut self.hex)
            };
            let data = compress_sync(z, &body);
            v.push(flags);
            v.extend_from_slice(&(data.len() as u16).to_be_bytes());
            v.extend(data);
        });
        v
    }

    /// Compresses bytes into the raw-tile stream (`raw`) or the other one, with a sync flush.
    pub fn compress(&mut self, raw: bool, data: &[u8]) -> Vec<u8> {
        compress_sync(if raw { &mut self.raw } else { &mut self.hex }, data)
    }
}

fn distinct(px: &[[u8; 3]]) -> Vec<[u8; 3]> {
    let mut v: Vec<[u8; 3]> = Vec::new();
    for p in px {
        if !v.contains(p) {
            v.push(*p);
        }
    }
    v
}

fn runs(px: &[[u8; 3]]) -> Vec<([u8; 3], usize)> {
    let mut v: Vec<([u8; 3], usize)> = Vec::new();
    for &p in px {
        match v.last_mut() {
            Some((q, n)) if *q == p => *n += 1,
            _ => v.push((p, 1)),
        }
    }
    v
}

fn run_bytes(out: &mut Vec<u8>, len: usize) {
    let mut left = len - 1;
    while left >= 255 {
        out.push(255);
        left -= 255;
    }
    out.push(left as u8);
}

fn zrle_tile(out: &mut Vec<u8>, pf: &PixelFormat, px: &[[u8; 3]], tw: u16, mode: ZrleTile) {
    let colours = distinct(px);
    let tw = usize::from(tw);
    match mode {
        ZrleTile::PackedPalette if colours.len() == 1 => {
            out.push(1);
            out.extend(cpixel(pf, colours[0]));
        }
        ZrleTile::PackedPalette if colours.len() <= 16 => {
            out.push(colours.len() as u8);
            for c in &colours {
                out.extend(cpixel(pf, *c));
            }
            let bits = match colours.len() {
                2 => 1,
                3..=4 => 2,
                _ => 4,
            };
            for row in px.chunks(tw) {
                let mut byte = 0u8;
                let mut used = 0;
                for p in row {
                    let idx = colours.iter().position(|c| c == p).unwrap() as u8;
                    byte |= idx << (8 - bits - used);
                    used += bits;
                    if used == 8 {
                        out.push(byte);
                        byte = 0;
                        used = 0;
                    }
                }
                if used > 0 {
                    out.push(byte);
                }
            }
        }
        // One colour would be sub-encoding 129, which the spec leaves undefined.
        ZrleTile::PaletteRle if (2..=127).contains(&colours.len()) => {
            out.push(128 + colours.len() as u8);
            for c in &colours {
                out.extend(cpixel(pf, *c));
            }
            for (p, n) in runs(px) {
                let idx = colours.iter().position(|c| *c == p).unwrap() as u8;
                if n == 1 {
                    out.push(idx);
                } else {
                    out.push(idx | 128);
                    run_bytes(out, n);
                }
            }
        }
        ZrleTile::PlainRle | ZrleTile::PaletteRle => {
            out.push(128);
            for (p, n) in runs(px) {
                out.extend(cpixel(pf, p));
                run_bytes(out, n);
            }
        }
        ZrleTile::Raw | ZrleTile::PackedPalette => {
            out.push(0);
            for p in px {
                out.extend(cpixel(pf, *p));
            }
        }
    }
}

/// A rectangle header: position, size, encoding.
pub fn rect_header(r: Rect, encoding: i32) -> Vec<u8> {
    let mut v = Vec::with_capacity(12);
    for f in [r.x, r.y, r.width, r.height] {
        v.extend_from_slice(&f.to_be_bytes());
    }
    v.extend_from_slice(&encoding.to_be_bytes());
    v
}

/// The server's side of a conversation, built step by step.
#[derive(Clone, Debug, Default)]
pub struct Script {
    bytes: Vec<u8>,
}

impl Script {
    /// An empty script.
    pub fn new() -> Script {
        Script::default()
    }

    /// The bytes so far.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Appends raw bytes.
    pub fn raw(mut self, b: &[u8]) -> Script {
        self.bytes.extend_from_slice(b);
        self
    }

    /// The version string (must be 12 bytes to be valid).
    pub fn version(self, v: &str) -> Script {
        self.raw(v.as_bytes())
    }

    /// RFB 3.7+ security type list.
    pub fn security_types(self, types: &[u8]) -> Script {
        self.raw(&[types.len() as u8]).raw(types)
    }

    /// RFB 3.3 security type (u32).
    pub fn security_type_33(self, t: u32) -> Script {
        self.raw(&t.to_be_bytes())
    }

    /// A length-prefixed string (reason strings, names).
    pub fn string(self, s: &[u8]) -> Script {
        self.raw(&(s.len() as u32).to_be_bytes()).raw(s)
    }

    /// SecurityResult (0 = OK).
    pub fn security_result(self, code: u32) -> Script {
        self.raw(&code.to_be_bytes())
    }

    /// ServerInit.
    pub fn server_init(self, width: u16, height: u16, pf: &PixelFormat, name: &str) -> Script {
        self.raw(&width.to_be_bytes())
            .raw(&height.to_be_bytes())
            .raw(&pf.to_bytes())
            .string(name.as_bytes())
    }

    /// A FramebufferUpdate made of already-encoded rectangles (header included).
    pub fn update(self, rects: &[Vec<u8>]) -> Script {
        let mut s = self.raw(&[0, 0]).raw(&(rects.len() as u16).to_be_bytes());
        for r in rects {
            s = s.raw(r);
        }
        s
    }

    /// A FramebufferUpdate with the rectangle count given explicitly (for LastRect).
    pub fn update_with_count(self, count: u16, rects: &[Vec<u8>]) -> Script {
        let mut s = self.raw(&[0, 0]).raw(&count.to_be_bytes());
        for r in rects {
            s = s.raw(r);
        }
        s
    }

    /// Bell.
    pub fn bell(self) -> Script {
        self.raw(&[2])
    }

    /// ServerCutText.
    pub fn cut_text(self, text: &[u8]) -> Script {
        self.raw(&[3, 0, 0, 0]).string(text)
    }

    /// SetColourMapEntries with 16-bit RGB triples.
    pub fn colour_map(self, first: u16, colours: &[[u16; 3]]) -> Script {
        let mut s = self
            .raw(&[1, 0])
            .raw(&first.to_be_bytes())
            .raw(&(colours.len() as u16).to_be_bytes());
        for c in colours {
            for v in c {
                s = s.raw(&v.to_be_bytes());
            }
        }
        s
    }

    /// A Raw rectangle of `img`.
    pub fn raw_rect(pf: &PixelFormat, img: &Image, r: Rect) -> Vec<u8> {
        let mut v = rect_header(r, 0);
        for p in img.crop(r) {
            v.extend(pixel(pf, p));
        }
        v
    }

    /// A CopyRect rectangle.
    pub fn copy_rect(r: Rect, src_x: u16, src_y: u16) -> Vec<u8> {
        let mut v = rect_header(r, 1);
        v.extend_from_slice(&src_x.to_be_bytes());
        v.extend_from_slice(&src_y.to_be_bytes());
        v
    }

    /// An RRE rectangle of `img`: the most common colour as background, one subrectangle per
    /// horizontal run of other colours.
    pub fn rre_rect(pf: &PixelFormat, img: &Image, r: Rect) -> Vec<u8> {
        let px = img.crop(r);
        let bg = most_common(&px);
        let mut subs = Vec::new();
        for (y, row) in px.chunks(usize::from(r.width).max(1)).enumerate() {
            let mut x = 0;
            for (p, n) in runs(row) {
                if p != bg {
                    subs.push((p, Rect::new(x as u16, y as u16, n as u16, 1)));
                }
                x += n;
            }
        }
        let mut v = rect_header(r, 2);
        v.extend_from_slice(&(subs.len() as u32).to_be_bytes());
        v.extend(pixel(pf, bg));
        for (p, s) in subs {
            v.extend(pixel(pf, p));
            for f in [s.x, s.y, s.width, s.height] {
                v.extend_from_slice(&f.to_be_bytes());
            }
        }
        v
    }

    /// A Hextile rectangle of `img`. Tiles with one colour are solid, tiles with two use
    /// foreground subrectangles, tiles with more use coloured subrectangles or raw (whichever
    /// is shorter); background and foreground are only sent when they change, so the carry-
    /// over rules are exercised.
    pub fn hextile_rect(pf: &PixelFormat, img: &Image, r: Rect) -> Vec<u8> {
        let mut v = rect_header(r, 5);
        hextile_tiles(pf, img, r, |flags, body| {
            v.push(flags);
            v.extend(body);
        });
        v
    }

    /// A CoRRE rectangle of `img` (at most 255x255): as [`Script::rre_rect`], with one-byte
    /// subrectangle fields.
    pub fn corre_rect(pf: &PixelFormat, img: &Image, r: Rect) -> Vec<u8> {
        let rre = Script::rre_rect(pf, img, r);
        let bpp = pf.bytes_per_pixel();
        let mut v = rect_header(r, 4);
        v.extend_from_slice(&rre[12..16 + bpp]);
        for sub in rre[16 + bpp..].chunks(bpp + 8) {
            v.extend_from_slice(&sub[..bpp]);
            for f in sub[bpp..].chunks(2) {
                assert_eq!(f[0], 0, "CoRRE fields are one byte");
                v.push(f[1]);
            }
        }
        v
    }

    /// A TRLE rectangle of `img`: ZRLE's tiles (every one with `mode`) at 16x16, without
    /// zlib. With `reuse`, a palette tile whose palette is the previous palette tile's sends
    /// sub-encoding 127 or 129 instead of the palette again.
    pub fn trle_rect(
        pf: &PixelFormat,
        img: &Image,
        rect: Rect,
        mode: ZrleTile,
        reuse: bool,
    ) -> Vec<u8> {
        let mut out = rect_header(rect, 15);
        let mut last: Option<Vec<[u8; 3]>> = None;
        for ty in (0..rect.height).step_by(16) {
            for tx in (0..rect.width).step_by(16) {
                let t = Rect::new(
                    rect.x + tx,
                    rect.y + ty,
                    (rect.width - tx).min(16),
                    (rect.height - ty).min(16),
                );
                let px = img.crop(t);
                let mut tile = Vec::new();
                zrle_tile(&mut tile, pf, &px, t.width, mode);
                let sub = tile[0];
                let colours = distinct(&px);
                let palette_len = match sub {
                    1 => 1,
                    2..=16 => usize::from(sub),
                    130.. => usize::from(sub - 128),
                    _ => 0,
                };
                if palette_len > 0 {
                    if reuse && last.as_ref() == Some(&colours) {
                        let cpp = cpixel(pf, [0, 0, 0]).len();
                        let mut short = vec![if sub >= 130 { 129 } else { 127 }];
                        short.extend_from_slice(&tile[1 + palette_len * cpp..]);
                        tile = short;
                    }
                    last = Some(colours);
                }
                out.extend(tile);
            }
        }
        out
    }

    /// A pseudo-rectangle with no payload (DesktopSize, LastRect).
    pub fn pseudo_rect(r: Rect, encoding: i32) -> Vec<u8> {
        rect_header(r, encoding)
    }
}

/// Hextile's tiles of `r` in `img`: each tile's sub-encoding byte and the bytes after it.
fn hextile_tiles(pf: &PixelFormat, img: &Image, r: Rect, mut emit: impl FnMut(u8, Vec<u8>)) {
    let mut last_bg: Option<[u8; 3]> = None;
    let mut last_fg: Option<[u8; 3]> = None;
    for ty in (0..r.height).step_by(16) {
        for tx in (0..r.width).step_by(16) {
            let t = Rect::new(
                r.x + tx,
                r.y + ty,
                (r.width - tx).min(16),
                (r.height - ty).min(16),
            );
            let px = img.crop(t);
            let colours = distinct(&px);
            let bg = most_common(&px);
            let mut subs: Vec<([u8; 3], u8, u8)> = Vec::new();
            for (y, row) in px.chunks(usize::from(t.width)).enumerate() {
                let mut x = 0;
                for (p, n) in runs(row) {
                    if p != bg {
                        subs.push((p, ((x as u8) << 4) | y as u8, (((n - 1) as u8) << 4)));
                    }
                    x += n;
                }
            }
            let mono = colours.len() == 2;
            let bpp = pf.bytes_per_pixel();
            let sub_len = if mono { 2 } else { 2 + bpp };
            let raw_len = t.area() * bpp;
            if subs.len() > 255 || subs.len() * sub_len > raw_len {
                emit(1, px.into_iter().flat_map(|p| pixel(pf, p)).collect());
                continue;
            }
            let mut flags = 0u8;
            let mut body = Vec::new();
            if last_bg != Some(bg) {
                flags |= 2;
                body.extend(pixel(pf, bg));
                last_bg = Some(bg);
            }
            if !subs.is_empty() {
                flags |= 8;
                if mono {
                    let fg = subs[0].0;
                    if last_fg != Some(fg) {
                        flags |= 4;
                        body.extend(pixel(pf, fg));
                        last_fg = Some(fg);
                    }
                    body.push(subs.len() as u8);
                    for (_, xy, wh) in &subs {
                        body.extend([*xy, *wh]);
                    }
                } else {
                    flags |= 16;
                    body.push(subs.len() as u8);
                    for (p, xy, wh) in &subs {
                        body.extend(pixel(pf, *p));
                        body.extend([*xy, *wh]);
                    }
                    // Decoders disagree on the foreground after coloured subrectangles:
                    // send it again when it is next needed.
                    last_fg = None;
                }
            }
            emit(flags, body);
        }
    }
}

fn most_common(px: &[[u8; 3]]) -> [u8; 3] {
    let colours = distinct(px);
    colours
        .iter()
        .copied()
        .max_by_key(|c| px.iter().filter(|p| *p == c).count())
        .unwrap_or([0, 0, 0])
}
