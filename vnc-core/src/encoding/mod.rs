//! Rectangle encodings: the numbers announced in SetEncodings and one decoder module each.
//! Every decoder writes straight into the [`Framebuffer`](crate::Framebuffer).

pub(crate) mod copy_rect;
pub(crate) mod cursor;
pub(crate) mod desktop_size;
pub(crate) mod hextile;
pub(crate) mod inflate;
pub(crate) mod raw;
pub(crate) mod rre;
pub(crate) mod zrle;
pub(crate) mod zrle_inflate;
pub(crate) mod zrle_thread;

use std::fmt;
use std::str::FromStr;

/// An encoding or pseudo-encoding that this client can announce and decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Raw pixels (0). Always accepted, even if not announced.
    Raw,
    /// Copy from elsewhere in the framebuffer (1).
    CopyRect,
    /// Rise-and-run-length: a background and solid subrectangles (2).
    Rre,
    /// 16x16 tiles of raw pixels or coloured subrectangles (5).
    Hextile,
    /// Zlib-compressed 64x64 tiles with palettes and runs (16).
    Zrle,
    /// Pseudo-encoding: the server may change the framebuffer size (-223).
    DesktopSize,
    /// Pseudo-encoding: a FramebufferUpdate may end early with a marker rectangle (-224).
    LastRect,
    /// Pseudo-encoding: the server sends its cursor image to draw locally (-239).
    Cursor,
    /// Pseudo-encoding: the server may rename the desktop (-307).
    DesktopName,
    /// Pseudo-encoding: desktop size with a screen layout, and client-requested resizing
    /// with SetDesktopSize (-308).
    ExtendedDesktopSize,
}

impl Encoding {
    /// All encodings this client supports, best first: what [`Config`](crate::Config) announces
    /// by default.
    pub const DEFAULT: &'static [Encoding] = &[
        Encoding::Zrle,
        Encoding::Hextile,
        Encoding::Rre,
        Encoding::CopyRect,
        Encoding::Raw,
        Encoding::DesktopSize,
        Encoding::LastRect,
        Encoding::Cursor,
        Encoding::DesktopName,
        Encoding::ExtendedDesktopSize,
    ];

    /// The number on the wire.
    pub fn number(self) -> i32 {
        match self {
            Encoding::Raw => 0,
            Encoding::CopyRect => 1,
            Encoding::Rre => 2,
            Encoding::Hextile => 5,
            Encoding::Zrle => 16,
            Encoding::DesktopSize => -223,
            Encoding::LastRect => -224,
            Encoding::Cursor => -239,
            Encoding::DesktopName => -307,
            Encoding::ExtendedDesktopSize => -308,
        }
    }

    /// The encoding for a wire number, if this client supports it.
    pub fn from_number(n: i32) -> Option<Encoding> {
        Some(match n {
            0 => Encoding::Raw,
            1 => Encoding::CopyRect,
            2 => Encoding::Rre,
            5 => Encoding::Hextile,
            16 => Encoding::Zrle,
            -223 => Encoding::DesktopSize,
            -224 => Encoding::LastRect,
            -239 => Encoding::Cursor,
            -307 => Encoding::DesktopName,
            -308 => Encoding::ExtendedDesktopSize,
            _ => return None,
        })
    }

    /// True for pseudo-encodings (they carry information, not pixels).
    pub fn is_pseudo(self) -> bool {
        self.number() < 0
    }

    /// The lower-case name used on command lines (`zrle`, `copyrect`, `desktop-size`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Raw => "raw",
            Encoding::CopyRect => "copyrect",
            Encoding::Rre => "rre",
            Encoding::Hextile => "hextile",
            Encoding::Zrle => "zrle",
            Encoding::DesktopSize => "desktop-size",
            Encoding::LastRect => "last-rect",
            Encoding::Cursor => "cursor",
            Encoding::DesktopName => "desktop-name",
            Encoding::ExtendedDesktopSize => "extended-desktop-size",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an [`Encoding`] name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding {0:?}; known: zrle, hextile, rre, copyrect, raw, desktop-size, last-rect, cursor, desktop-name, extended-desktop-size"
)]
pub struct UnknownEncoding(pub String);

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    /// Parses a name as printed by [`Encoding::name`], case-insensitively.
    ///
    /// ```
    /// use vnc_core::Encoding;
    /// assert_eq!("ZRLE".parse::<Encoding>(), Ok(Encoding::Zrle));
    /// assert!("tight".parse::<Encoding>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Encoding::DEFAULT
            .iter()
            .copied()
            .find(|e| e.name() == lower)
            .ok_or_else(|| UnknownEncoding(s.to_owned()))
    }
}
