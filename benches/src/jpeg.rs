//! The JPEG floor for Tight: the lab's side file of a recording's JPEG images, and the two
//! decoders vnc-core can use (zune-jpeg; libjpeg-turbo with the `turbojpeg` feature) called
//! with vnc-core's options into a BGRA buffer, and nothing else.

/// One image of a side file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JpegRecord<'a> {
    /// The rectangle's width, which the image must have.
    pub width: u16,
    /// The rectangle's height.
    pub height: u16,
    /// The JPEG file, header included.
    pub data: &'a [u8],
}

/// Splits a JPEG side file (records of u16 big-endian width, u16 height, u32 length, then
/// that many bytes of JPEG) into its records.
///
/// ```
/// let file = [0, 2, 0, 1, 0, 0, 0, 3, 0xFF, 0xD8, 0xFF];
/// let records = vnc_benches::jpeg::side_file(&file).unwrap();
/// assert_eq!((records[0].width, records[0].height, records[0].data.len()), (2, 1, 3));
/// assert!(vnc_benches::jpeg::side_file(&file[..10]).is_err());
/// ```
pub fn side_file(mut data: &[u8]) -> Result<Vec<JpegRecord<'_>>, String> {
    let mut records = Vec::new();
    while !data.is_empty() {
        let Some((head, rest)) = data.split_first_chunk::<8>() else {
            return Err(format!("record {}: header cut short", records.len()));
        };
        let width = u16::from_be_bytes([head[0], head[1]]);
        let height = u16::from_be_bytes([head[2], head[3]]);
        let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
        if len > rest.len() {
            return Err(format!("record {}: data cut short", records.len()));
        }
        let (jpeg, rest) = rest.split_at(len);
        records.push(JpegRecord {
            width,
            height,
            data: jpeg,
        });
        data = rest;
    }
    Ok(records)
}

/// The decoders to choose from: zune-jpeg, and libjpeg-turbo when built with the feature.
pub enum Decoder {
    /// zune-jpeg, as vnc-core calls it by default.
    Zune,
    /// The system libjpeg-turbo, as vnc-core calls it with the `turbojpeg` feature.
    #[cfg(feature = "turbojpeg")]
    Turbo(turbojpeg::Decompressor),
}

impl Decoder {
    /// The decoder of this name (`zune` or `turbo`).
    pub fn named(name: &str) -> Result<Decoder, String> {
        match name {
            "zune" => Ok(Decoder::Zune),
            #[cfg(feature = "turbojpeg")]
            "turbo" => turbojpeg::Decompressor::new()
                .map(Decoder::Turbo)
                .map_err(|e| e.to_string()),
            #[cfg(not(feature = "turbojpeg"))]
            "turbo" => Err("built without the turbojpeg feature".into()),
            _ => Err(format!("unknown decoder {name:?} (zune or turbo)")),
        }
    }

    /// The decoder's name.
    pub fn name(&self) -> &'static str {
        match self {
            Decoder::Zune => "zune",
            #[cfg(feature = "turbojpeg")]
            Decoder::Turbo(_) => "turbo",
        }
    }

    /// Decodes `r` into the first `width * height * 4` bytes of `out` as BGRA rows of
    /// `width` pixels, after checking the image has the record's size.
    pub fn decode(&mut self, r: &JpegRecord, out: &mut [u8]) -> Result<(), String> {
        let (w, h) = (usize::from(r.width), usize::from(r.height));
        let out = out.get_mut(..w * h * 4).ok_or("output buffer too small")?;
        match self {
            Decoder::Zune => zune(r.data, w, h, out),
            #[cfg(feature = "turbojpeg")]
            Decoder::Turbo(d) => turbo(d, r.data, w, h, out),
        }
    }
}

fn zune(data: &[u8], w: usize, h: usize, out: &mut [u8]) -> Result<(), String> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;

    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .jpeg_set_out_colorspace(ColorSpace::BGRA)
        .set_max_width(2048)
        .set_max_height(h.max(1));
    let mut d = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(data), options);
    d.decode_headers().map_err(|e| e.to_string())?;
    if d.dimensions() != Some((w, h)) {
        return Err(format!("image is {:?}, not {w}x{h}", d.dimensions()));
    }
    d.decode_into(out).map_err(|e| e.to_string())
}

#[cfg(feature = "turbojpeg")]
fn turbo(
    d: &mut turbojpeg::Decompressor,
    data: &[u8],
    w: usize,
    h: usize,
    out: &mut [u8],
) -> Result<(), String> {
    let header = d.read_header(data).map_err(|e| e.to_string())?;
    if (header.width, header.height) != (w, h) {
        return Err(format!(
            "image is {}x{}, not {w}x{h}",
            header.width, header.height
        ));
    }
    let image = turbojpeg::Image {
        pixels: out,
        width: w,
        pitch: w * 4,
        height: h,
        format: turbojpeg::PixelFormat::BGRA,
    };
    d.decompress(data, image).map_err(|e| e.to_string())
}
