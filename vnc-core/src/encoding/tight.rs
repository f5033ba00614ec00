//! Tight encoding (rfbproto §7.7.5, encoding 7): a fill colour, or rows filtered (copy,
//! palette, gradient) and compressed in one of four zlib streams that live as long as the
//! connection. Compressed rows are inflated as they arrive into a fixed window and drawn a row
//! at a time, so memory stays the same whatever the rectangle's size.

use crate::error::{Error, ProtocolError, Step};
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::{Bgra, Converter, PixelFormat};
use crate::reader::Reader;

use super::inflate::Inflater;
use super::{Decode, DecodeContext, Done};

mod jpeg;

/// The widest rectangle the encoding allows (rfbproto: wider ones must be split).
pub(crate) const MAX_WIDTH: u16 = 2048;

/// Filtered data shorter than this is sent as it is, without zlib.
const MIN_TO_COMPRESS: usize = 12;

/// Inflated bytes waiting to be drawn: several of the longest rows (2048 pixels of 4 bytes).
const WINDOW: usize = 64 << 10;

const FILL: u8 = 0x8;
const JPEG: u8 = 0x9;
const READ_FILTER: u8 = 0x4;

/// What lasts the connection: the four zlib streams, the window they inflate into, the
/// palette and the gradient filter's previous row (both reused from rectangle to rectangle).
pub(crate) struct TightStreams {
    /// A stream is made when first used, and again after the server resets it.
    z: [Option<Inflater>; 4],
    /// Allocated with the first compressed rectangle.
    window: Vec<u8>,
    start: usize,
    end: usize,
    palette: [Bgra; 256],
    /// The gradient filter's previous row: red, green and blue of each pixel.
    prev: Vec<[u16; 3]>,
    /// A JPEG image whose bytes came in pieces.
    jpeg: Vec<u8>,
    /// The JPEG decoder's state.
    decoder: jpeg::Jpeg,
}

impl TightStreams {
    pub(crate) fn new() -> TightStreams {
        TightStreams {
            z: [None, None, None, None],
            window: Vec::new(),
            start: 0,
            end: 0,
            palette: [[0, 0, 0, 255]; 256],
            prev: Vec::new(),
            jpeg: Vec::new(),
            decoder: jpeg::Jpeg::default(),
        }
    }

    /// Between rectangles: frees the window and the row and JPEG buffers, keeping the zlib
    /// streams. Each is made again by the next rectangle that needs it.
    pub(crate) fn release_buffers(&mut self) {
        self.window = Vec::new();
        self.start = 0;
        self.end = 0;
        self.prev = Vec::new();
        self.jpeg = Vec::new();
    }

    /// The window's, the previous row's and the JPEG buffer's bytes on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.window.capacity() + self.prev.capacity() * 6 + self.jpeg.capacity()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    Copy,
    /// A palette of 2 to 256 colours (in [`TightStreams::palette`]).
    Palette(u16),
    Gradient,
}

/// The part of a basic-compression rectangle after its header.
struct Rows {
    filter: Filter,
    /// Bytes of one filtered row.
    row_bytes: usize,
    /// Rows drawn so far.
    done: u16,
    stream: usize,
    /// Compressed bytes still to come.
    left: u32,
}

/// One Tight rectangle being decoded.
pub(crate) struct Tight {
    rect: Rect,
    /// `None` until the header (control byte, filter, palette, length) has arrived.
    rows: Option<Rows>,
    /// The length of a JPEG image, once its header has arrived.
    jpeg: Option<u32>,
}

/// True when pixels travel as TPIXELs: three bytes, red, green, blue.
fn is_tpixel(pf: &PixelFormat) -> bool {
    pf.true_colour
        && pf.bits_per_pixel == 32
        && pf.depth == 24
        && [pf.red_max, pf.green_max, pf.blue_max] == [255; 3]
}

/// The compact length: 7 bits in each of the first two bytes while the high bit is set, then
/// 8 bits (22 bits at most).
fn compact_len(t: &mut Reader) -> Option<u32> {
    let b0 = t.u8()?;
    let mut len = u32::from(b0 & 0x7F);
    if b0 & 0x80 != 0 {
        let b1 = t.u8()?;
        len |= u32::from(b1 & 0x7F) << 7;
        if b1 & 0x80 != 0 {
            len |= u32::from(t.u8()?) << 14;
        }
    }
    Some(len)
}

/// What a rectangle's header said.
enum Header {
    /// Not all of it has arrived.
    Incomplete,
    /// The rectangle is drawn (fill, or data short enough to come uncompressed).
    Drawn,
    /// Compressed rows follow.
    Rows(Rows),
    /// A JPEG image of this many bytes follows.
    Jpeg(u32),
}

/// How pixels of the connection's format are read in Tight.
#[derive(Clone, Copy)]
struct Pixels<'a> {
    conv: &'a Converter,
    tpixel: bool,
    /// Bytes per pixel in Tight's data.
    size: usize,
}

impl Pixels<'_> {
    fn new(conv: &Converter) -> Pixels<'_> {
        let tpixel = is_tpixel(conv.format());
        Pixels {
            conv,
            tpixel,
            size: if tpixel { 3 } else { conv.bpp() },
        }
    }

    fn pixel(self, p: &[u8]) -> Bgra {
        if self.tpixel {
            [p[2], p[1], p[0], 255]
        } else {
            self.conv.pixel(p)
        }
    }

    fn row(self, src: &[u8], dst: &mut [u8]) {
        if self.tpixel {
            tpixel_row(src, dst);
        } else {
            self.conv.convert_row(src, dst);
        }
    }
}

/// TPIXELs (red, green, blue) to the framebuffer's blue, green, red, 255: four at a time,
/// each read as one big-endian word (12 bytes in, 16 out), which the compiler turns into a
/// load and a byte swap per pixel instead of three byte loads and stores.
fn tpixel_row(src: &[u8], dst: &mut [u8]) {
    let word = |s: &[u8]| (u32::from_be_bytes([s[0], s[1], s[2], s[3]]) >> 8) | 0xff00_0000;
    let mut s12 = src.chunks_exact(12);
    let mut d16 = dst.chunks_exact_mut(16);
    for (s, d) in (&mut s12).zip(&mut d16) {
        let last = [s[9], s[10], s[11], 0];
        d[0..4].copy_from_slice(&word(&s[0..4]).to_le_bytes());
        d[4..8].copy_from_slice(&word(&s[3..7]).to_le_bytes());
        d[8..12].copy_from_slice(&word(&s[6..10]).to_le_bytes());
        d[12..16].copy_from_slice(&word(&last).to_le_bytes());
    }
    let (src, dst) = (s12.remainder(), d16.into_remainder());
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(3)) {
        d.copy_from_slice(&[s[2], s[1], s[0], 255]);
    }
}

impl Tight {
    pub(crate) fn new(rect: Rect) -> Tight {
        Tight {
            rect,
            rows: None,
            jpeg: None,
        }
    }

    fn decode_rect(
        &mut self,
        r: &mut Reader,
        st: &mut TightStreams,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        if self.rows.is_none() && self.jpeg.is_none() {
            match self.header(r, st, fb, conv)? {
                Header::Incomplete => return Ok(false),
                Header::Drawn => return Ok(true),
                Header::Rows(rows) => self.rows = Some(rows),
                Header::Jpeg(len) => {
                    st.jpeg.clear();
                    self.jpeg = Some(len);
                }
            }
        }
        if let Some(len) = self.jpeg {
            return self.jpeg(len, r, st, fb);
        }
        self.inflate(r, st, fb, conv)
    }

    /// Reads the header, all of it or nothing; draws the rectangle if it is all there.
    fn header(
        &mut self,
        r: &mut Reader,
        st: &mut TightStreams,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<Header, ProtocolError> {
        let rect = self.rect;
        if rect.width > MAX_WIDTH {
            return Err(ProtocolError::TightTooWide { rect });
        }
        let px = Pixels::new(conv);
        let mut t = *r;
        let Some(control) = t.u8() else {
            return Ok(Header::Incomplete);
        };
        let kind = control >> 4;
        let resets = control & 0x0F;
        let filter = match kind {
            FILL => {
                let Some(p) = t.take(px.size) else {
                    return Ok(Header::Incomplete);
                };
                reset(st, resets);
                *r = t;
                if rect.area() > 0 {
                    fb.fill_rect(rect, px.pixel(p));
                }
                return Ok(Header::Drawn);
            }
            JPEG if !conv.format().true_colour || conv.bpp() == 1 => {
                return Err(ProtocolError::TightNotForFormat { rect, what: "JPEG" });
            }
            JPEG => {
                let Some(len) = compact_len(&mut t) else {
                    return Ok(Header::Incomplete);
                };
                reset(st, resets);
                *r = t;
                return Ok(Header::Jpeg(len));
            }
            0..=7 if kind & READ_FILTER != 0 => {
                let Some(id) = t.u8() else {
                    return Ok(Header::Incomplete);
                };
                match id {
                    0 => Filter::Copy,
                    1 => {
                        let Some(n) = t.u8() else {
                            return Ok(Header::Incomplete);
                        };
                        let size = u16::from(n) + 1;
                        if size < 2 {
                            return Err(ProtocolError::TightPaletteSize { rect, size });
                        }
                        let Some(colours) = t.take(usize::from(size) * px.size) else {
                            return Ok(Header::Incomplete);
                        };
                        for (p, c) in st.palette.iter_mut().zip(colours.chunks_exact(px.size)) {
                            *p = px.pixel(c);
                        }
                        Filter::Palette(size)
                    }
                    2 if !conv.format().true_colour => {
                        return Err(ProtocolError::TightNotForFormat {
                            rect,
                            what: "the gradient filter",
                        });
                    }
                    2 => Filter::Gradient,
                    _ => return Err(ProtocolError::TightBadFilter { rect, filter: id }),
                }
            }
            0..=7 => Filter::Copy,
            _ => return Err(ProtocolError::TightBadControl { rect, control }),
        };
        let w = usize::from(rect.width);
        let row_bytes = match filter {
            Filter::Copy | Filter::Gradient => w * px.size,
            Filter::Palette(2) => w.div_ceil(8),
            Filter::Palette(_) => w,
        };
        if filter == Filter::Gradient {
            st.prev.clear();
            st.prev.resize(w, [0; 3]);
        }
        let size = row_bytes * usize::from(rect.height);
        if size < MIN_TO_COMPRESS {
            let Some(data) = t.take(size) else {
                return Ok(Header::Incomplete);
            };
            reset(st, resets);
            *r = t;
            if row_bytes > 0 {
                for (y, src) in data.chunks_exact(row_bytes).enumerate() {
                    draw_row(
                        src,
                        rect,
                        y as u16,
                        filter,
                        px,
                        &st.palette,
                        &mut st.prev,
                        fb,
                    )?;
                }
            }
            return Ok(Header::Drawn);
        }
        let Some(left) = compact_len(&mut t) else {
            return Ok(Header::Incomplete);
        };
        reset(st, resets);
        *r = t;
        if st.window.is_empty() {
            st.window = vec![0; WINDOW];
        }
        st.start = 0;
        st.end = 0;
        Ok(Header::Rows(Rows {
            filter,
            row_bytes,
            done: 0,
            stream: usize::from(kind & 3),
            left,
        }))
    }

    /// Inflates what has arrived and draws every complete row; true once all are drawn.
    fn inflate(
        &mut self,
        r: &mut Reader,
        st: &mut TightStreams,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        let rect = self.rect;
        let Some(rows) = self.rows.as_mut() else {
            return Ok(true);
        };
        let px = Pixels::new(conv);
        let mut zlib_error = None;
        loop {
            while rows.done < rect.height && st.end - st.start >= rows.row_bytes {
                let end = st.start + rows.row_bytes;
                let row = &st.window[st.start..end];
                draw_row(
                    row,
                    rect,
                    rows.done,
                    rows.filter,
                    px,
                    &st.palette,
                    &mut st.prev,
                    fb,
                )?;
                st.start = end;
                rows.done += 1;
            }
            if rows.done == rect.height && st.end > st.start {
                return Err(ProtocolError::ZlibOverflow {
                    encoding: "Tight",
                    rect,
                });
            }
            // Errors come in stream order: the rows inflated before a zlib error are drawn
            // first.
            if let Some(detail) = zlib_error {
                return Err(ProtocolError::Zlib {
                    encoding: "Tight",
                    detail,
                });
            }
            if st.start > 0 {
                st.window.copy_within(st.start..st.end, 0);
                st.end -= st.start;
                st.start = 0;
            }
            let input = r.take_up_to(rows.left as usize);
            let z = st.z[rows.stream].get_or_insert_with(Inflater::new);
            let done = z.inflate(input, &mut st.window[st.end..]);
            *r = r.rewound(input.len() - done.consumed);
            rows.left -= done.consumed as u32;
            st.end += done.produced;
            zlib_error = done.error;
            if zlib_error.is_none() && done.produced == 0 && done.consumed == 0 {
                if rows.left > 0 {
                    return Ok(false);
                }
                if rows.done < rect.height {
                    return Err(ProtocolError::TightTruncated { rect });
                }
                return Ok(true);
            }
        }
    }
}

impl Tight {
    /// Gathers the JPEG image of `len` bytes (taken straight from the input when it is all
    /// there) and draws it once complete.
    fn jpeg(
        &mut self,
        len: u32,
        r: &mut Reader,
        st: &mut TightStreams,
        fb: &mut Framebuffer,
    ) -> Result<bool, ProtocolError> {
        let len = len as usize;
        if st.jpeg.is_empty() {
            if let Some(data) = r.take(len) {
                st.decoder.draw(data, self.rect, fb)?;
                return Ok(true);
            }
        }
        // The buffer grows only with bytes that came (at most 4 MiB, the compact length's
        // ceiling).
        st.jpeg.extend_from_slice(r.take_up_to(len - st.jpeg.len()));
        if st.jpeg.len() < len {
            return Ok(false);
        }
        let data = std::mem::take(&mut st.jpeg);
        let drawn = st.decoder.draw(&data, self.rect, fb);
        st.jpeg = data;
        drawn.map(|()| true)
    }
}

/// Starts afresh the streams whose bits are set in `resets`.
fn reset(st: &mut TightStreams, resets: u8) {
    for (i, z) in st.z.iter_mut().enumerate() {
        if resets & (1 << i) != 0 {
            *z = None;
        }
    }
}

/// Draws filtered row `y` of `rect` from `src`.
#[allow(clippy::too_many_arguments)]
fn draw_row(
    src: &[u8],
    rect: Rect,
    y: u16,
    filter: Filter,
    px: Pixels,
    palette: &[Bgra; 256],
    prev: &mut [[u16; 3]],
    fb: &mut Framebuffer,
) -> Result<(), ProtocolError> {
    let dst = fb.row_mut(rect.x, rect.y + y, rect.width);
    match filter {
        Filter::Copy => px.row(src, dst),
        Filter::Palette(2) => {
            let [c0, c1] = [palette[0], palette[1]];
            for (&bits, d) in src.iter().zip(dst.chunks_mut(32)) {
                for (i, d) in d.chunks_exact_mut(4).enumerate() {
                    let c = if bits & (0x80 >> i) != 0 { c1 } else { c0 };
                    d.copy_from_slice(&c);
                }
            }
        }
        Filter::Palette(size) => {
            // A maximum over the row vectorises; the index search runs only for the error.
            let max = src.iter().fold(0, |m: u8, &i| m.max(i));
            if u16::from(max) >= size {
                let index = src.iter().copied().find(|&i| u16::from(i) >= size);
                return Err(ProtocolError::TightPaletteIndex {
                    rect,
                    index: index.unwrap_or(max),
                    palette_size: size,
                });
            }
            for (&i, d) in src.iter().zip(dst.chunks_exact_mut(4)) {
                d.copy_from_slice(&palette[usize::from(i)]);
            }
        }
        Filter::Gradient => gradient_row(src, dst, prev, px),
    }
    Ok(())
}

/// The gradient filter: each channel is sent as its difference from left + up - up-left
/// (clamped to the channel's range), modulo the range. TPIXELs are rebuilt straight into the
/// framebuffer; other formats into a row of wire pixels, converted as a whole row.
fn gradient_row(src: &[u8], dst: &mut [u8], prev: &mut [[u16; 3]], px: Pixels) {
    if px.tpixel {
        let pixels = src.chunks_exact(3).zip(dst.chunks_exact_mut(4));
        let mut left = [0; 3];
        let mut up_left = [0; 3];
        for ((s, d), up) in pixels.zip(prev.iter_mut()) {
            let cur = predict(
                [s[0], s[1], s[2]].map(i32::from),
                left,
                up,
                &mut up_left,
                [255; 3],
            );
            left = cur;
            d.copy_from_slice(&[cur[2] as u8, cur[1] as u8, cur[0] as u8, 255]);
        }
        return;
    }
    let pf = px.conv.format();
    let channels = Channels {
        shifts: [pf.red_shift, pf.green_shift, pf.blue_shift],
        maxes: [pf.red_max, pf.green_max, pf.blue_max].map(i32::from),
    };
    // The row rebuilt in the wire format; Tight rows are at most MAX_WIDTH pixels of 4 bytes.
    let mut wire = [0u8; MAX_WIDTH as usize * 4];
    let wire = &mut wire[..src.len()];
    match (px.size, pf.big_endian) {
        (4, false) => channels.row(src, wire, prev, u32::from_le_bytes, u32::to_le_bytes),
        (4, true) => channels.row(src, wire, prev, u32::from_be_bytes, u32::to_be_bytes),
        (2, false) => channels.row(src, wire, prev, u16_le, |v| (v as u16).to_le_bytes()),
        (2, true) => channels.row(src, wire, prev, u16_be, |v| (v as u16).to_be_bytes()),
        _ => channels.row(src, wire, prev, |[b]: [u8; 1]| b.into(), |v| [v as u8]),
    }
    px.conv.convert_row(wire, dst);
}

/// One pixel of the gradient filter: `diff` plus the prediction from `left`, `up` and
/// `up_left`, per channel, modulo the channel's maximum + 1. Moves `up` into `up_left` and the pixel into
/// `up`, and returns it.
#[inline(always)]
fn predict(
    diff: [i32; 3],
    left: [i32; 3],
    up: &mut [u16; 3],
    up_left: &mut [i32; 3],
    maxes: [i32; 3],
) -> [i32; 3] {
    let above = up.map(i32::from);
    let cur = [0, 1, 2].map(|c| {
        let predicted = (left[c] + above[c] - up_left[c]).clamp(0, maxes[c]);
        (diff[c] + predicted) & maxes[c]
    });
    *up_left = above;
    // Channels are masked by a u16 maximum: they fit.
    *up = cur.map(|v| v as u16);
    cur
}

/// Where the channels of a wire pixel sit: red, green, blue.
struct Channels {
    shifts: [u8; 3],
    maxes: [i32; 3],
}

impl Channels {
    /// Undoes the gradient filter over a row of `N`-byte wire pixels, read and written with
    /// `read` and `write` (the format's byte order, picked once per row).
    #[inline(always)]
    fn row<const N: usize>(
        &self,
        src: &[u8],
        wire: &mut [u8],
        prev: &mut [[u16; 3]],
        read: impl Fn([u8; N]) -> u32,
        write: impl Fn(u32) -> [u8; N],
    ) {
        let (shifts, maxes) = (self.shifts, self.maxes);
        let mut left = [0; 3];
        let mut up_left = [0; 3];
        let pixels = src.chunks_exact(N).zip(wire.chunks_exact_mut(N));
        for ((s, w), up) in pixels.zip(prev.iter_mut()) {
            let v = read(s.try_into().unwrap_or([0; N]));
            let diff = [0, 1, 2].map(|c| (v >> shifts[c]) as i32 & maxes[c]);
            let cur = predict(diff, left, up, &mut up_left, maxes);
            left = cur;
            let v = [0, 1, 2]
                .into_iter()
                .fold(0, |v, c| v | (cur[c] as u32) << shifts[c]);
            w.copy_from_slice(&write(v));
        }
    }
}

fn u16_le(b: [u8; 2]) -> u32 {
    u16::from_le_bytes(b).into()
}

fn u16_be(b: [u8; 2]) -> u32 {
    u16::from_be_bytes(b).into()
}

impl Decode for Tight {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Tight {
        Tight::new(rect)
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done = self
            .decode_rect(r, cx.tight, cx.fb, cx.conv)
            .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.rect)))
    }
}

/// The quality and compression-level pseudo-encodings (`N` is the number): the client
/// announces them, and a server never sends a rectangle in them.
pub(crate) struct Level<const N: i32>(Rect);

impl<const N: i32> Decode for Level<N> {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Self {
        Level(rect)
    }

    fn decode(&mut self, _: &mut Reader, _: &mut DecodeContext) -> Result<Option<Done>, Error> {
        Err(Error::protocol(
            Step::FramebufferUpdate,
            ProtocolError::UnsupportedEncoding {
                encoding: N,
                rect: self.0,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tpixel_rows_of_every_length_match_the_pixel_by_pixel_form() {
        for n in 0..14usize {
            let src: Vec<u8> = (0..n * 3).map(|i| (i * 37 + 11) as u8).collect();
            let mut got = vec![0u8; n * 4];
            super::tpixel_row(&src, &mut got);
            let want: Vec<u8> = src
                .chunks_exact(3)
                .flat_map(|s| [s[2], s[1], s[0], 255])
                .collect();
            assert_eq!(got, want, "{n} pixels");
        }
    }
}
