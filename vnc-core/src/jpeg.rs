//! The lossy setting: whether Tight may send JPEG, at which quality and chroma subsampling,
//! and the pseudo-encodings that say so in SetEncodings. Values out of range cannot be built:
//! the constructors check them and say what was wrong.

use std::fmt;
use std::str::FromStr;

/// QualityLevel0 (rfbproto); levels 0 to 9 follow it.
const QUALITY_LEVEL_0: i32 = -32;
/// FineQualityLevel0 (TurboVNC, also understood by TigerVNC); levels 0 to 100 follow it.
const FINE_QUALITY_LEVEL_0: i32 = -512;

/// Chroma subsampling of Tight's JPEG images, as TurboVNC defined it and TigerVNC's servers
/// understand it (the pseudo-encodings -768 to -763). Subsampling keeps the brightness of
/// every pixel and shares the colour between neighbours: smaller images, softer colour edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Subsampling {
    /// No subsampling, 4:4:4 ("1X", -768): every pixel keeps its colour.
    Full,
    /// Colour of 2 pixels shared, 4:2:2 ("2X", -766).
    Half,
    /// Colour of 2x2 pixels shared, 4:2:0 ("4X", -767).
    Quarter,
    /// Colour of 4x2 pixels shared ("8X", -764).
    Eighth,
    /// Colour of 4x4 pixels shared ("16X", -763).
    Sixteenth,
    /// No colour at all: grey images ("gray", -765).
    Gray,
}

impl Subsampling {
    /// Every subsampling, least lossy first.
    pub const ALL: [Subsampling; 6] = [
        Subsampling::Full,
        Subsampling::Half,
        Subsampling::Quarter,
        Subsampling::Eighth,
        Subsampling::Sixteenth,
        Subsampling::Gray,
    ];

    /// The pseudo-encoding's number on the wire.
    pub fn number(self) -> i32 {
        match self {
            Subsampling::Full => -768,
            Subsampling::Quarter => -767,
            Subsampling::Half => -766,
            Subsampling::Gray => -765,
            Subsampling::Eighth => -764,
            Subsampling::Sixteenth => -763,
        }
    }

    /// The name used on command lines: `1x`, `2x`, `4x`, `8x`, `16x` or `gray` (TurboVNC's).
    pub fn name(self) -> &'static str {
        match self {
            Subsampling::Full => "1x",
            Subsampling::Half => "2x",
            Subsampling::Quarter => "4x",
            Subsampling::Eighth => "8x",
            Subsampling::Sixteenth => "16x",
            Subsampling::Gray => "gray",
        }
    }
}

impl fmt::Display for Subsampling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Subsampling {
    type Err = JpegSettingOutOfRange;

    /// Parses [`Subsampling::name`], case-insensitively, and the J:a:b names `444`, `422`
    /// and `420` (also with colons), and `grey`.
    ///
    /// ```
    /// use vnc_core::Subsampling;
    /// assert_eq!("4:2:0".parse(), Ok(Subsampling::Quarter));
    /// assert_eq!("Gray".parse(), Ok(Subsampling::Gray));
    /// assert!("3x".parse::<Subsampling>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase().replace(':', "");
        let found = match lower.as_str() {
            "444" => Some(Subsampling::Full),
            "422" => Some(Subsampling::Half),
            "420" => Some(Subsampling::Quarter),
            "grey" => Some(Subsampling::Gray),
            name => Subsampling::ALL.into_iter().find(|x| x.name() == name),
        };
        found.ok_or_else(|| JpegSettingOutOfRange::Subsampling(s.to_owned()))
    }
}

/// A JPEG setting that does not exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JpegSettingOutOfRange {
    /// The quality level is not 0 to 9.
    #[error("JPEG quality level {0} is out of range: use 0 (smallest) to 9 (best)")]
    Quality(u32),
    /// The fine quality is not 0 to 100.
    #[error("JPEG fine quality {0} is out of range: use 0 (smallest) to 100 (best)")]
    FineQuality(u32),
    /// An unknown subsampling name.
    #[error("unknown JPEG subsampling {0:?}: use 1x, 2x, 4x, 8x, 16x or gray")]
    Subsampling(String),
}

/// Lossy compression: Tight may send rectangles as JPEG images (see
/// [`Config::jpeg`](crate::Config::jpeg)).
///
/// The quality level (0 to 9) is rfbproto's QualityLevel pseudo-encoding, which every Tight
/// server knows and maps to its own JPEG quality and subsampling. TurboVNC's fine quality
/// (0 to 100, the JPEG quality itself) and chroma subsampling, understood by TurboVNC's and
/// TigerVNC's servers, override those two when set; other servers ignore them.
///
/// ```
/// use vnc_core::{Jpeg, Subsampling};
/// let jpeg = Jpeg::new(8)?.with_fine_quality(95)?.with_subsampling(Subsampling::Full);
/// assert_eq!(jpeg.pseudo_encodings().collect::<Vec<_>>(), [-24, -417, -768]);
/// assert!(Jpeg::new(10).is_err());
/// # Ok::<(), vnc_core::JpegSettingOutOfRange>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Jpeg {
    quality: u8,
    fine_quality: Option<u8>,
    subsampling: Option<Subsampling>,
}

impl Jpeg {
    /// JPEG at quality `level`, 0 (smallest) to 9 (best), with the server's own choice of
    /// subsampling for that level.
    pub fn new(level: u8) -> Result<Jpeg, JpegSettingOutOfRange> {
        if level > 9 {
            return Err(JpegSettingOutOfRange::Quality(level.into()));
        }
        Ok(Jpeg {
            quality: level,
            fine_quality: None,
            subsampling: None,
        })
    }

    /// The same, with the JPEG quality itself set to `quality`, 0 to 100.
    pub fn with_fine_quality(self, quality: u8) -> Result<Jpeg, JpegSettingOutOfRange> {
        if quality > 100 {
            return Err(JpegSettingOutOfRange::FineQuality(quality.into()));
        }
        Ok(Jpeg {
            fine_quality: Some(quality),
            ..self
        })
    }

    /// The same, with this chroma subsampling.
    pub fn with_subsampling(self, subsampling: Subsampling) -> Jpeg {
        Jpeg {
            subsampling: Some(subsampling),
            ..self
        }
    }

    /// The quality level, 0 to 9.
    pub fn quality(&self) -> u8 {
        self.quality
    }

    /// The fine quality, 0 to 100, if set.
    pub fn fine_quality(&self) -> Option<u8> {
        self.fine_quality
    }

    /// The chroma subsampling, if set.
    pub fn subsampling(&self) -> Option<Subsampling> {
        self.subsampling
    }

    /// The pseudo-encodings announced for this setting, in this order: the quality level
    /// (-32 + level), the fine quality (-512 + quality) and the subsampling, the last two
    /// only when set.
    pub fn pseudo_encodings(&self) -> impl Iterator<Item = i32> + use<> {
        let quality = QUALITY_LEVEL_0 + i32::from(self.quality);
        let fine = self
            .fine_quality
            .map(|q| FINE_QUALITY_LEVEL_0 + i32::from(q));
        let subsampling = self.subsampling.map(Subsampling::number);
        std::iter::once(quality).chain(fine).chain(subsampling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert_eq!(Jpeg::new(10), Err(JpegSettingOutOfRange::Quality(10)));
        let nine = Jpeg::new(9).unwrap();
        assert_eq!(
            nine.with_fine_quality(101),
            Err(JpegSettingOutOfRange::FineQuality(101))
        );
        let numbers: Vec<i32> = nine
            .with_fine_quality(100)
            .unwrap()
            .pseudo_encodings()
            .collect();
        assert_eq!(numbers, [-23, -412]);
        let zero: Vec<i32> = Jpeg::new(0)
            .unwrap()
            .with_fine_quality(0)
            .unwrap()
            .pseudo_encodings()
            .collect();
        assert_eq!(zero, [-32, -512]);
    }

    #[test]
    fn subsampling_numbers_and_names() {
        let numbers: Vec<i32> = Subsampling::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [-768, -766, -767, -764, -763, -765]);
        for s in Subsampling::ALL {
            assert_eq!(s.name().parse(), Ok(s));
            assert_eq!(s.to_string().to_uppercase().parse(), Ok(s));
        }
        assert_eq!("422".parse(), Ok(Subsampling::Half));
        assert!(matches!(
            "32x".parse::<Subsampling>(),
            Err(JpegSettingOutOfRange::Subsampling(_))
        ));
    }
}
