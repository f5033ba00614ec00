//! RFB pixel formats: the 16-byte PIXEL_FORMAT structure, its validation and the common
//! formats. [`convert`] turns a server's pixels into the framebuffer's BGRA layout.

mod convert;

pub(crate) use self::convert::{Bgra, Converter, Cpixel3, native_pixel};

use crate::error::ProtocolError;

/// An RFB pixel format, as in ServerInit and SetPixelFormat (RFC 6143 §7.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PixelFormat {
    /// Bits per pixel on the wire: 8, 16 or 32.
    pub bits_per_pixel: u8,
    /// Useful bits in a pixel.
    pub depth: u8,
    /// Multi-byte pixels are big endian.
    pub big_endian: bool,
    /// True colour (channels packed with max/shift) rather than colour-map indexes.
    pub true_colour: bool,
    /// Largest red value (2^n - 1).
    pub red_max: u16,
    /// Largest green value.
    pub green_max: u16,
    /// Largest blue value.
    pub blue_max: u16,
    /// Bit position of red.
    pub red_shift: u8,
    /// Bit position of green.
    pub green_shift: u8,
    /// Bit position of blue.
    pub blue_shift: u8,
}

impl PixelFormat {
    /// 32 bits per pixel, depth 24, little endian, 8 bits per channel (red at bit 16): full
    /// colour, and the same layout as the framebuffer, so it converts fastest.
    pub const RGB888: PixelFormat = PixelFormat {
        bits_per_pixel: 32,
        depth: 24,
        big_endian: false,
        true_colour: true,
        red_max: 255,
        green_max: 255,
        blue_max: 255,
        red_shift: 16,
        green_shift: 8,
        blue_shift: 0,
    };

    /// 16 bits per pixel, 5-6-5 (red at bit 11), little endian: half the bandwidth.
    pub const RGB565: PixelFormat = PixelFormat {
        bits_per_pixel: 16,
        depth: 16,
        big_endian: false,
        true_colour: true,
        red_max: 31,
        green_max: 63,
        blue_max: 31,
        red_shift: 11,
        green_shift: 5,
        blue_shift: 0,
    };

    /// 8 bits per pixel true colour, 3-3-2 with blue in the top bits ("bgr233"): a quarter
    /// of the bandwidth, 256 colours.
    pub const BGR233: PixelFormat = PixelFormat {
        bits_per_pixel: 8,
        depth: 8,
        big_endian: false,
        true_colour: true,
        red_max: 7,
        green_max: 7,
        blue_max: 3,
        red_shift: 0,
        green_shift: 3,
        blue_shift: 6,
    };

    /// 8 bits per pixel true colour with one bit per channel ("rgb111", gtk-vnc's ultra-low
    /// depth): eight colours, for the slowest links.
    pub const RGB111: PixelFormat = PixelFormat {
        bits_per_pixel: 8,
        depth: 3,
        big_endian: false,
        true_colour: true,
        red_max: 1,
        green_max: 1,
        blue_max: 1,
        red_shift: 2,
        green_shift: 1,
        blue_shift: 0,
    };

    /// Parses the 16-byte wire form. Padding bytes are ignored.
    pub fn from_bytes(b: &[u8; 16]) -> PixelFormat {
        PixelFormat {
            bits_per_pixel: b[0],
            depth: b[1],
            big_endian: b[2] != 0,
            true_colour: b[3] != 0,
            red_max: u16::from_be_bytes([b[4], b[5]]),
            green_max: u16::from_be_bytes([b[6], b[7]]),
            blue_max: u16::from_be_bytes([b[8], b[9]]),
            red_shift: b[10],
            green_shift: b[11],
            blue_shift: b[12],
        }
    }

    /// The 16-byte wire form, padding zeroed.
    pub fn to_bytes(&self) -> [u8; 16] {
        let [rm0, rm1] = self.red_max.to_be_bytes();
        let [gm0, gm1] = self.green_max.to_be_bytes();
        let [bm0, bm1] = self.blue_max.to_be_bytes();
        [
            self.bits_per_pixel,
            self.depth,
            self.big_endian as u8,
            self.true_colour as u8,
            rm0,
            rm1,
            gm0,
            gm1,
            bm0,
            bm1,
            self.red_shift,
            self.green_shift,
            self.blue_shift,
            0,
            0,
            0,
        ]
    }

    /// A pixel value as it goes on the wire in this format (tests and encoders).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn wire_bytes(&self, v: u32) -> Vec<u8> {
        match (self.bits_per_pixel, self.big_endian) {
            (32, false) => v.to_le_bytes().to_vec(),
            (32, true) => v.to_be_bytes().to_vec(),
            (16, false) => (v as u16).to_le_bytes().to_vec(),
            (16, true) => (v as u16).to_be_bytes().to_vec(),
            _ => vec![v as u8],
        }
    }

    /// Bytes per pixel on the wire (1, 2 or 4) for a valid format.
    pub fn bytes_per_pixel(&self) -> usize {
        usize::from(self.bits_per_pixel / 8)
    }

    /// Checks that the format can be decoded: 8, 16 or 32 bits per pixel; in true colour,
    /// maxima of the form 2^n - 1 (n >= 1) with every channel inside the pixel; colour-map
    /// mode only at 8 bits per pixel.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if !matches!(self.bits_per_pixel, 8 | 16 | 32) {
            return Err(ProtocolError::InvalidPixelFormat(
                "bits per pixel must be 8, 16 or 32",
            ));
        }
        if self.true_colour {
            for (max, shift) in [
                (self.red_max, self.red_shift),
                (self.green_max, self.green_shift),
                (self.blue_max, self.blue_shift),
            ] {
                if max == 0 || max & max.wrapping_add(1) != 0 {
                    return Err(ProtocolError::InvalidPixelFormat(
                        "a colour maximum is not 2^n - 1",
                    ));
                }
                let bits = 16 - max.leading_zeros();
                if u32::from(shift) + bits > u32::from(self.bits_per_pixel) {
                    return Err(ProtocolError::InvalidPixelFormat(
                        "a colour lies past the pixel",
                    ));
                }
            }
        } else if self.bits_per_pixel != 8 {
            return Err(ProtocolError::InvalidPixelFormat(
                "colour-map mode is only supported at 8 bits per pixel",
            ));
        }
        Ok(())
    }

    /// True colour in 32 bits with 8-bit channels: a format worth keeping as it is for
    /// [`PixelFormatRequest::Full32`](crate::PixelFormatRequest::Full32).
    pub(crate) fn is_full_colour_32(&self) -> bool {
        self.true_colour
            && self.bits_per_pixel == 32
            && self.depth >= 24
            && [self.red_max, self.green_max, self.blue_max] == [255; 3]
            && self.validate().is_ok()
    }

    /// How the compact pixel (ZRLE's CPIXEL) is stored: three bytes for 32-bit true-colour
    /// formats of depth 24 or less whose channels fit in the low or the high three bytes.
    pub(crate) fn cpixel3(&self) -> Option<Cpixel3> {
        if !self.true_colour || self.bits_per_pixel != 32 || self.depth > 24 {
            return None;
        }
        let mask = |max: u16, shift: u8| u64::from(max) << shift;
        let all = mask(self.red_max, self.red_shift)
            | mask(self.green_max, self.green_shift)
            | mask(self.blue_max, self.blue_shift);
        let low = all & !0x00FF_FFFF_u64 == 0;
        let high = all & !0xFFFF_FF00_u64 == 0;
        match (low, high, self.big_endian) {
            (true, _, false) => Some(Cpixel3::LowLittle),
            (true, _, true) => Some(Cpixel3::LowBig),
            (false, true, false) => Some(Cpixel3::HighLittle),
            (false, true, true) => Some(Cpixel3::HighBig),
            _ => None,
        }
    }
}

impl Default for PixelFormat {
    fn default() -> Self {
        PixelFormat::RGB888
    }
}

#[cfg(test)]
mod tests {
    use super::convert::expand_bgr;
    use super::*;

    #[test]
    fn expanding_compact_pixels_matches_one_at_a_time() {
        for n in 0..40 {
            let src: Vec<u8> = (0..n * 3).map(|i| (i * 37 + 5) as u8).collect();
            let mut fast = vec![0u8; n * 4];
            expand_bgr(&src, &mut fast);
            let slow: Vec<u8> = src
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            assert_eq!(fast, slow, "{n} pixels");
        }
    }

    fn encode(pf: &PixelFormat, r: u32, g: u32, b: u32) -> Vec<u8> {
        pf.wire_bytes((r << pf.red_shift) | (g << pf.green_shift) | (b << pf.blue_shift))
    }

    #[test]
    fn wire_form_round_trips() {
        for pf in [
            PixelFormat::RGB888,
            PixelFormat::RGB565,
            PixelFormat::BGR233,
        ] {
            assert_eq!(PixelFormat::from_bytes(&pf.to_bytes()), pf);
            pf.validate().unwrap();
        }
        assert_eq!(
            PixelFormat::RGB888.to_bytes(),
            [32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]
        );
    }

    #[test]
    fn invalid_formats_are_rejected() {
        let mut pf = PixelFormat::RGB888;
        pf.bits_per_pixel = 24;
        assert!(pf.validate().is_err());
        let mut pf = PixelFormat::RGB888;
        pf.green_max = 0;
        assert!(pf.validate().is_err());
        let mut pf = PixelFormat::RGB565;
        pf.red_shift = 16;
        assert!(pf.validate().is_err());
        let mut pf = PixelFormat::RGB565;
        pf.true_colour = false;
        assert!(pf.validate().is_err());
        let mut pf = PixelFormat::RGB888;
        pf.red_max = 200;
        assert!(pf.validate().is_err());
        let mut pf = PixelFormat::RGB565;
        pf.red_shift = 12; // 5 bits from bit 12 run past 16
        assert!(pf.validate().is_err());
    }

    #[test]
    fn every_layout_converts_to_bgra() {
        let formats = [
            PixelFormat::RGB888,
            PixelFormat {
                big_endian: true,
                ..PixelFormat::RGB888
            },
            PixelFormat {
                red_shift: 0,
                blue_shift: 16,
                ..PixelFormat::RGB888
            },
            PixelFormat {
                red_shift: 24,
                green_shift: 16,
                blue_shift: 8,
                ..PixelFormat::RGB888
            },
            PixelFormat {
                big_endian: true,
                red_shift: 24,
                green_shift: 16,
                blue_shift: 8,
                ..PixelFormat::RGB888
            },
            PixelFormat {
                depth: 30,
                red_max: 1023,
                green_max: 1023,
                blue_max: 1023,
                red_shift: 20,
                green_shift: 10,
                blue_shift: 0,
                ..PixelFormat::RGB888
            },
            PixelFormat::RGB565,
            PixelFormat {
                big_endian: true,
                ..PixelFormat::RGB565
            },
            PixelFormat {
                depth: 15,
                red_max: 31,
                green_max: 31,
                red_shift: 10,
                ..PixelFormat::RGB565
            },
            PixelFormat::BGR233,
        ];
        for pf in formats {
            let conv = Converter::new(&pf);
            let (rm, gm, bm) = (
                u32::from(pf.red_max),
                u32::from(pf.green_max),
                u32::from(pf.blue_max),
            );
            for (r, g, b) in [
                (0, 0, 0),
                (rm, gm, bm),
                (rm, 0, 0),
                (0, gm, 0),
                (0, 0, bm),
                (rm / 2, gm / 3, 1),
            ] {
                let want = [
                    ((b * 255 + bm / 2) / bm) as u8,
                    ((g * 255 + gm / 2) / gm) as u8,
                    ((r * 255 + rm / 2) / rm) as u8,
                    255,
                ];
                let wire = encode(&pf, r, g, b);
                assert_eq!(conv.pixel(&wire), want, "{pf:?} {r} {g} {b}");
                let mut row = vec![0; 8];
                let two: Vec<u8> = wire.iter().chain(wire.iter()).copied().collect();
                conv.convert_row(&two, &mut row);
                assert_eq!(row[..4], want);
                assert_eq!(row[4..], want);
                if let Some(layout) = pf.cpixel3() {
                    let c: Vec<u8> = match layout {
                        Cpixel3::LowLittle => wire[..3].to_vec(),
                        Cpixel3::HighLittle => wire[1..].to_vec(),
                        Cpixel3::LowBig => wire[1..].to_vec(),
                        Cpixel3::HighBig => wire[..3].to_vec(),
                    };
                    assert_eq!(conv.cpixel(&c), want, "cpixel {pf:?}");
                    let mut row = vec![0; 4];
                    conv.convert_cpixel_row(&c, &mut row);
                    assert_eq!(row, want);
                }
            }
        }
    }

    #[test]
    fn cpixel_layouts() {
        assert_eq!(PixelFormat::RGB888.cpixel3(), Some(Cpixel3::LowLittle));
        let high = PixelFormat {
            red_shift: 24,
            green_shift: 16,
            blue_shift: 8,
            ..PixelFormat::RGB888
        };
        assert_eq!(high.cpixel3(), Some(Cpixel3::HighLittle));
        assert_eq!(
            PixelFormat {
                big_endian: true,
                ..high
            }
            .cpixel3(),
            Some(Cpixel3::HighBig)
        );
        assert_eq!(
            PixelFormat {
                big_endian: true,
                ..PixelFormat::RGB888
            }
            .cpixel3(),
            Some(Cpixel3::LowBig)
        );
        // Depth 32 or a 10-bit format cannot use 3-byte compact pixels.
        assert_eq!(
            PixelFormat {
                depth: 32,
                ..PixelFormat::RGB888
            }
            .cpixel3(),
            None
        );
        let spread = PixelFormat {
            red_shift: 24,
            blue_shift: 0,
            ..PixelFormat::RGB888
        };
        assert_eq!(spread.cpixel3(), None);
        assert_eq!(PixelFormat::RGB565.cpixel3(), None);
    }

    #[test]
    fn colour_map_entries_set_the_table() {
        let pf = PixelFormat {
            true_colour: false,
            ..PixelFormat::BGR233
        };
        let mut conv = Converter::new(&pf);
        conv.set_colour_map(3, &[0xAB, 0xCD, 0x12, 0x34, 0xFF, 0x00]);
        assert_eq!(conv.pixel(&[3]), [0xFF, 0x12, 0xAB, 255]);
        assert_eq!(conv.pixel(&[4]), [0, 0, 0, 255]);
    }
}
