//! Images: the RGB picture every comparison works on, the screen-dump formats it is read
//! from (XWD from X servers, PPM from QEMU, PNG from vnccapture), and the pixel comparisons.

use std::io::BufReader;
use std::path::Path;

/// An RGB image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rgb {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Pixels, 3 bytes each, row-major.
    pub data: Vec<u8>,
}

impl Rgb {
    /// Writes the image as a PNG file (for a person to look at).
    pub fn save_png(&self, path: &Path) {
        let file = std::fs::File::create(path)
            .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        let mut enc = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()
            .unwrap()
            .write_image_data(&self.data)
            .unwrap();
    }

    /// The pixel at (x, y).
    pub fn get(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// The image turned clockwise by `degrees` (0, 90, 180 or 270).
    pub fn rotated(&self, degrees: u32) -> Rgb {
        let (w, h) = (self.width, self.height);
        let (rw, rh) = if degrees % 180 == 90 { (h, w) } else { (w, h) };
        let mut data = Vec::with_capacity(self.data.len());
        for v in 0..rh {
            for u in 0..rw {
                // The source pixel that lands at (u, v).
                let (x, y) = match degrees {
                    90 => (v, h - 1 - u),
                    180 => (w - 1 - u, h - 1 - v),
                    270 => (w - 1 - v, u),
                    _ => (u, v),
                };
                data.extend_from_slice(&self.get(x, y));
            }
        }
        Rgb {
            width: rw,
            height: rh,
            data,
        }
    }

    /// From a vnc-core framebuffer.
    pub fn from_framebuffer(fb: &vnc_core::Framebuffer) -> Rgb {
        Rgb {
            width: fb.width().into(),
            height: fb.height().into(),
            data: fb
                .data()
                .chunks_exact(4)
                .flat_map(|p| [p[2], p[1], p[0]])
                .collect(),
        }
    }
}

/// Parses an XWD (X Window Dump) file of a TrueColor or DirectColor screen.
pub fn parse_xwd(b: &[u8]) -> Rgb {
    let u = |i: usize| u32::from_be_bytes(b[i * 4..i * 4 + 4].try_into().unwrap());
    let header_size = u(0) as usize;
    let (width, height) = (u(4), u(5));
    let byte_order = u(7);
    let bits_per_pixel = u(11);
    let bytes_per_line = u(12) as usize;
    let (rmask, gmask, bmask) = (u(14), u(15), u(16));
    let ncolors = u(19) as usize;
    let start = header_size + ncolors * 12;
    let bpp = (bits_per_pixel / 8) as usize;
    let chan = |v: u32, mask: u32| -> u8 {
        let shift = mask.trailing_zeros();
        let max = mask >> shift;
        let c = (v & mask) >> shift;
        ((c * 255 + max / 2) / max) as u8
    };
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height as usize {
        let row = &b[start + y * bytes_per_line..];
        for x in 0..width as usize {
            let p = &row[x * bpp..x * bpp + bpp];
            let v = match (bpp, byte_order) {
                (4, 0) => u32::from_le_bytes(p.try_into().unwrap()),
                (4, _) => u32::from_be_bytes(p.try_into().unwrap()),
                // Packed 24-bit pixels: xwd writes these for some screens (a 1280x1024 Xvfb).
                (3, 0) => u32::from_le_bytes([p[0], p[1], p[2], 0]),
                (3, _) => u32::from_be_bytes([0, p[0], p[1], p[2]]),
                (2, 0) => u16::from_le_bytes(p.try_into().unwrap()).into(),
                (2, _) => u16::from_be_bytes(p.try_into().unwrap()).into(),
                _ => p[0].into(),
            };
            data.extend_from_slice(&[chan(v, rmask), chan(v, gmask), chan(v, bmask)]);
        }
    }
    Rgb {
        width,
        height,
        data,
    }
}

/// Parses a binary PPM (P6, maxval 255), as QEMU's screendump writes.
pub fn parse_ppm(b: &[u8]) -> Rgb {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i] == b'#' {
            while b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let s = i;
        while !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&b[s..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    assert_eq!(fields[3], "255");
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Rgb {
        width: w,
        height: h,
        data: b[i + 1..i + 1 + (w * h * 3) as usize].to_vec(),
    }
}

/// Decodes an 8-bit RGB PNG (as vnccapture writes), or an opaque RGBA one (as GDK's
/// `gdk_texture_save_to_png` writes; every alpha must be 255).
pub fn read_png(path: &Path) -> Rgb {
    let dec = png::Decoder::new(BufReader::new(std::fs::File::open(path).expect("open png")));
    let mut reader = dec.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("png data");
    buf.truncate(info.buffer_size());
    match info.color_type {
        png::ColorType::Rgb => {}
        png::ColorType::Rgba => {
            assert!(
                buf.chunks_exact(4).all(|p| p[3] == 255),
                "{}: not opaque",
                path.display()
            );
            buf = buf
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
        }
        other => panic!("{}: {other:?} PNG, not RGB", path.display()),
    }
    Rgb {
        width: info.width,
        height: info.height,
        data: buf,
    }
}

/// Asserts two images are equal pixel for pixel, naming the first difference.
pub fn assert_same(got: &Rgb, want: &Rgb, what: &str) {
    assert_eq!(
        (got.width, got.height),
        (want.width, want.height),
        "{what}: size"
    );
    assert_close(got, want, what, |a, b| a == b);
}

/// Asserts two images agree at the precision of a format with `bits` bits per channel
/// (red, green, blue): reduced to that many bits, each channel of `got` is the true value
/// rounded down or up. Servers differ in how they round (Xvnc rounds halves up) and in how
/// they widen 16-bit pixels to 24-bit, so the comparison is on levels, not on bytes.
pub fn assert_same_at_precision(got: &Rgb, want: &Rgb, bits: [u32; 3], what: &str) {
    assert_eq!(
        (got.width, got.height),
        (want.width, want.height),
        "{what}: size"
    );
    assert_close(got, want, what, |g, w| close_at_precision(g, w, bits));
}

/// True when [`assert_same_at_precision`] would pass (for polling until it does).
pub fn same_at_precision(got: &Rgb, want: &Rgb, bits: [u32; 3]) -> bool {
    (got.width, got.height) == (want.width, want.height)
        && (0..want.height).all(|y| {
            (0..want.width).all(|x| close_at_precision(got.get(x, y), want.get(x, y), bits))
        })
}

fn close_at_precision(g: [u8; 3], w: [u8; 3], bits: [u32; 3]) -> bool {
    (0..3).all(|c| {
        let max = (1u32 << bits[c]) - 1;
        let level = (u32::from(g[c]) * max + 127) / 255;
        let exact = u32::from(w[c]) * max;
        (exact / 255..=exact.div_ceil(255)).contains(&level)
    })
}

fn assert_close(got: &Rgb, want: &Rgb, what: &str, ok: impl Fn([u8; 3], [u8; 3]) -> bool) {
    let mut bad = 0;
    let mut first = None;
    for y in 0..want.height {
        for x in 0..want.width {
            let (g, w) = (got.get(x, y), want.get(x, y));
            if !ok(g, w) {
                bad += 1;
                first.get_or_insert((x, y, g, w));
            }
        }
    }
    if let Some((x, y, g, w)) = first {
        panic!("{what}: {bad} pixels differ; first at ({x},{y}): got {g:?}, true screen {w:?}");
    }
}

/// Where `needle` appears pixel for pixel in `hay`, if it does.
pub fn find_exact(hay: &Rgb, needle: &Rgb) -> Option<(u32, u32)> {
    if needle.width > hay.width || needle.height > hay.height {
        return None;
    }
    let (hw, nw) = (hay.width as usize, needle.width as usize);
    let hay_row = |x: u32, y: u32| {
        let at = (y as usize * hw + x as usize) * 3;
        &hay.data[at..at + nw * 3]
    };
    let needle_row = |y: u32| &needle.data[y as usize * nw * 3..(y as usize + 1) * nw * 3];
    for y in 0..=hay.height - needle.height {
        for x in 0..=hay.width - needle.width {
            if (0..needle.height).all(|r| hay_row(x, y + r) == needle_row(r)) {
                return Some((x, y));
            }
        }
    }
    None
}

/// Whether every pixel of the row or column of `img` from `(x, y)`, `len` long, is black: what
/// the display paints where the desktop does not cover it.
fn black_line(img: &Rgb, (x, y): (u32, u32), len: u32, vertical: bool) -> bool {
    (0..len).all(|i| {
        let (px, py) = if vertical { (x, y + i) } else { (x + i, y) };
        img.get(px, py) == [0, 0, 0]
    })
}

/// Whether the display is larger than the desktop at `(x, y)`: a black band beside it.
pub fn letterboxed(shot: &Rgb, truth: &Rgb, (x, y): (u32, u32)) -> bool {
    let (w, h) = (truth.width, truth.height);
    (x > 0 && black_line(shot, (x - 1, y), h, true))
        || (y > 0 && black_line(shot, (x, y - 1), w, false))
        || (x + w < shot.width && black_line(shot, (x + w, y), h, true))
        || (y + h < shot.height && black_line(shot, (x, y + h), w, false))
}

/// Peak signal-to-noise ratio of `got` against `want`, in dB, over all channels.
pub fn psnr(got: &Rgb, want: &Rgb) -> f64 {
    assert_eq!((got.width, got.height), (want.width, want.height));
    let se: f64 = got
        .data
        .iter()
        .zip(&want.data)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
        .sum();
    let mse = se / got.data.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}

/// The part of `img` at `at` of `size` (which must lie inside it).
pub fn crop(img: &Rgb, at: (i32, i32), size: (i32, i32)) -> Rgb {
    let (x, y, w, h) = (at.0 as u32, at.1 as u32, size.0 as u32, size.1 as u32);
    Rgb {
        width: w,
        height: h,
        data: (y..y + h)
            .flat_map(|row| (x..x + w).flat_map(move |col| img.get(col, row)))
            .collect(),
    }
}
