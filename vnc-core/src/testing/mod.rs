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

use crate::{PixelFormat, Rect};

mod play;
mod tight;
mod zlib;
pub use play::*;
pub use tight::*;
pub use zlib::*;

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

    /// An xvp message (type 250): padding, the server's xvp version, the code (0 XVP_FAIL,
    /// 1 XVP_INIT).
    pub fn xvp(self, version: u8, code: u8) -> Script {
        self.raw(&[250, 0, version, code])
    }

    /// EndOfContinuousUpdates (type 150, no body).
    pub fn end_of_continuous_updates(self) -> Script {
        self.raw(&[150])
    }

    /// A Fence (type 248): padding, the flags, the payload's length byte (not checked, so
    /// that a hostile length can be written) and the payload.
    pub fn fence(self, flags: u32, len: u8, payload: &[u8]) -> Script {
        let [a, b, c, d] = flags.to_be_bytes();
        self.raw(&[248, 0, 0, 0, a, b, c, d, len]).raw(payload)
    }

    /// A FramebufferUpdate holding only QEMU's acknowledgement of the QEMU Audio
    /// pseudo-encoding (-259): a rectangle with no data (QEMU gives it the screen's size).
    pub fn audio_ack(self) -> Script {
        self.update(&[rect_header(Rect::new(0, 0, 640, 480), -259)])
    }

    /// A QEMU audio message (type 255, sub-type 1) with this operation (0 End, 1 Begin) and
    /// nothing after it.
    pub fn audio_op(self, operation: u16) -> Script {
        let [a, b] = operation.to_be_bytes();
        self.raw(&[255, 1, a, b])
    }

    /// A QEMU audio Data message (operation 2): the length, then the samples.
    pub fn audio_data(self, samples: &[u8]) -> Script {
        self.audio_op(2).string(samples)
    }

    /// ServerCutText.
    pub fn cut_text(self, text: &[u8]) -> Script {
        self.raw(&[3, 0, 0, 0]).string(text)
    }

    /// An Extended Clipboard message: a ServerCutText whose length is minus the payload's.
    pub fn extended_cut_text(self, payload: &[u8]) -> Script {
        let len = -(payload.len() as i32);
        self.raw(&[3, 0, 0, 0]).raw(&len.to_be_bytes()).raw(payload)
    }

    /// Extended Clipboard caps: text only, with `actions` (bits 24-31) and this maximum size.
    pub fn clipboard_caps(self, actions: u32, max_text: u32) -> Script {
        let mut p = (actions | 1).to_be_bytes().to_vec();
        p.extend_from_slice(&max_text.to_be_bytes());
        self.extended_cut_text(&p)
    }

    /// An Extended Clipboard message that is its flags alone (request, peek, notify).
    pub fn clipboard_flags(self, flags: u32) -> Script {
        self.extended_cut_text(&flags.to_be_bytes())
    }

    /// An Extended Clipboard provide of text: the flags, then one zlib stream of the text's
    /// u32 length and `text` as given (so CR LF and the NUL are the caller's).
    pub fn clipboard_provide(self, text: &[u8]) -> Script {
        let mut raw = (text.len() as u32).to_be_bytes().to_vec();
        raw.extend_from_slice(text);
        let mut p = (CLIPBOARD_PROVIDE | 1).to_be_bytes().to_vec();
        p.extend_from_slice(&zlib_stream(&raw));
        self.extended_cut_text(&p)
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

/// The Extended Clipboard's caps action (bit 24).
pub const CLIPBOARD_CAPS: u32 = 1 << 24;
/// The Extended Clipboard's request action (bit 25).
pub const CLIPBOARD_REQUEST: u32 = 1 << 25;
/// The Extended Clipboard's peek action (bit 26).
pub const CLIPBOARD_PEEK: u32 = 1 << 26;
/// The Extended Clipboard's notify action (bit 27).
pub const CLIPBOARD_NOTIFY: u32 = 1 << 27;
/// The Extended Clipboard's provide action (bit 28).
pub const CLIPBOARD_PROVIDE: u32 = 1 << 28;
/// Every Extended Clipboard action, as TigerVNC's caps list them.
pub const CLIPBOARD_ALL_ACTIONS: u32 =
    CLIPBOARD_CAPS | CLIPBOARD_REQUEST | CLIPBOARD_PEEK | CLIPBOARD_NOTIFY | CLIPBOARD_PROVIDE;

/// `raw` as one whole zlib stream.
pub fn zlib_stream(raw: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(raw).expect("deflating into memory");
    z.finish().expect("deflating into memory")
}
