//! Tight's JPEG rectangles, decoded by zune-jpeg or (feature `turbojpeg`) by the system
//! libjpeg-turbo. Either way the image's header is checked against the rectangle before any
//! pixel memory is touched, and the pixels land in the framebuffer as BGRA with alpha 255.

use crate::error::ProtocolError;
use crate::framebuffer::{Framebuffer, Rect};

#[cfg(feature = "turbojpeg")]
use self::turbo::Backend;
#[cfg(not(feature = "turbojpeg"))]
use self::zune::Backend;

/// The most scans an image may have. Each scan of a progressive image goes over the whole
/// image again, so a few bytes per scan would buy seconds of work (a 4 MiB image of 15,000
/// scans kept libjpeg-turbo 2.1 busy for 3.7 s); real progressive images have about ten.
/// zune-jpeg has the same limit of its own.
const MAX_SCANS: usize = 100;

/// The decoder compiled in, and what it keeps from rectangle to rectangle.
#[derive(Default)]
pub(super) struct Jpeg(Backend);

impl Jpeg {
    /// Decodes `data`, a JPEG image of exactly `rect`'s size, into `rect`.
    pub(super) fn draw(
        &mut self,
        data: &[u8],
        rect: Rect,
        fb: &mut Framebuffer,
    ) -> Result<(), ProtocolError> {
        if scans(data) > MAX_SCANS {
            return Err(ProtocolError::TightJpeg {
                rect,
                detail: format!("more than {MAX_SCANS} scans"),
            });
        }
        self.0.draw(data, rect, fb)
    }
}

/// How many start-of-scan markers `data` holds (a 0xFF in entropy-coded data is followed by
/// 0x00, so every 0xFF 0xDA is a marker). The count of 0xDA bytes, which vectorises, bounds
/// it and is all most images need.
fn scans(data: &[u8]) -> usize {
    let bound = data.iter().filter(|&&b| b == 0xDA).count();
    if bound <= MAX_SCANS {
        return bound;
    }
    data.windows(2).filter(|w| w == &[0xFF, 0xDA]).count()
}

/// Refuses an image whose size is not the rectangle's. The rectangle is at most Tight's
/// widest and lies within the framebuffer, so this also bounds the image.
fn same_size(rect: Rect, width: usize, height: usize) -> Result<(), ProtocolError> {
    if (width, height) != (usize::from(rect.width), usize::from(rect.height)) {
        return Err(ProtocolError::TightJpegSize {
            rect,
            width,
            height,
        });
    }
    Ok(())
}

#[cfg(not(feature = "turbojpeg"))]
mod zune {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    use zune_jpeg::JpegDecoder;

    use super::{Framebuffer, ProtocolError, Rect, same_size};
    use crate::encoding::tight::MAX_WIDTH;

    /// What zune-jpeg keeps from rectangle to rectangle.
    #[derive(Default)]
    pub(crate) struct Backend {
        /// Decoded pixels of a rectangle narrower than the framebuffer: zune-jpeg writes
        /// only contiguous rows.
        pixels: Vec<u8>,
    }

    impl Backend {
        /// Decodes `data`, a JPEG image of exactly `rect`'s size, into `rect`: straight into
        /// the framebuffer when the rectangle spans its width, else through a buffer.
        pub(crate) fn draw(
            &mut self,
            data: &[u8],
            rect: Rect,
            fb: &mut Framebuffer,
        ) -> Result<(), ProtocolError> {
            let bad = |e: zune_jpeg::errors::DecodeErrors| ProtocolError::TightJpeg {
                rect,
                detail: e.to_string(),
            };
            // The decoder refuses images past Tight's width and the framebuffer's height from
            // their header, before it allocates for them. Strict: data that ends early is an
            // error, as with libjpeg-turbo, not a picture padded with grey.
            let options = DecoderOptions::default()
                .set_strict_mode(true)
                .jpeg_set_out_colorspace(ColorSpace::BGRA)
                .set_max_width(MAX_WIDTH.into())
                .set_max_height(fb.height().into());
            let mut d = JpegDecoder::new_with_options(ZCursor::new(data), options);
            d.decode_headers().map_err(bad)?;
            // A grey image (TurboVNC's "gray" subsampling) has one component, which the
            // decoder widens to RGBA but not to BGRA; with R = G = B the bytes are the same.
            if d.input_colorspace() == Some(ColorSpace::Luma) {
                d.set_options(options.jpeg_set_out_colorspace(ColorSpace::RGBA));
            }
            let (w, h) = d.dimensions().unwrap_or((0, 0));
            same_size(rect, w, h)?;
            if rect.x == 0 && rect.width == fb.width() {
                let (area, _) = fb.area_mut(rect);
                return d.decode_into(area).map_err(bad);
            }
            self.pixels.resize(w * h * 4, 0);
            d.decode_into(&mut self.pixels).map_err(bad)?;
            for (y, row) in self.pixels.chunks_exact(w * 4).enumerate() {
                fb.row_mut(rect.x, rect.y + y as u16, rect.width)
                    .copy_from_slice(row);
            }
            Ok(())
        }
    }
}

#[cfg(feature = "turbojpeg")]
mod turbo {
    use std::sync::Mutex;

    use turbojpeg::{Decompressor, Image, PixelFormat};

    use super::{Framebuffer, ProtocolError, Rect, same_size};

    /// What libjpeg-turbo keeps from rectangle to rectangle.
    #[derive(Default)]
    pub(crate) struct Backend {
        /// Made with the first image. In a mutex only to keep the session `Sync` (the handle
        /// is a raw pointer); `&mut self` reaches it through `get_mut`, which never locks.
        decompressor: Option<Mutex<Decompressor>>,
    }

    impl Backend {
        /// Decodes `data`, a JPEG image of exactly `rect`'s size, straight into `rect` at the
        /// framebuffer's stride, whatever the rectangle's width.
        pub(crate) fn draw(
            &mut self,
            data: &[u8],
            rect: Rect,
            fb: &mut Framebuffer,
        ) -> Result<(), ProtocolError> {
            let bad = |e: turbojpeg::Error| ProtocolError::TightJpeg {
                rect,
                detail: e.to_string(),
            };
            let d = match &mut self.decompressor {
                Some(d) => d,
                None => self
                    .decompressor
                    .insert(Mutex::new(Decompressor::new().map_err(bad)?)),
            };
            // A poisoned lock cannot hold a half-made handle: libjpeg-turbo resets it on
            // every call.
            let d = d.get_mut().unwrap_or_else(|e| e.into_inner());
            // Reading the header allocates nothing for the image's size.
            let header = d.read_header(data).map_err(bad)?;
            same_size(rect, header.width, header.height)?;
            let (pixels, pitch) = fb.area_mut(rect);
            let image = Image {
                pixels,
                width: header.width,
                pitch,
                height: header.height,
                // BGRA, not BGRX: the X of BGRX is documented as undefined, alpha is 255.
                format: PixelFormat::BGRA,
            };
            // Corrupt or truncated data is an error, not a grey picture: libjpeg-turbo's
            // warnings fail the call too.
            d.decompress(data, image).map_err(bad)
        }
    }
}
