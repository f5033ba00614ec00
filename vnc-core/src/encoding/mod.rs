//! Rectangle encodings: the numbers announced in SetEncodings, one decoder module each, and
//! [`RectDecoder`], the one place that maps an encoding to its decoder. Every decoder writes
//! straight into the [`Framebuffer`]; pseudo-encodings report what they
//! carry as a [`Done`] for the update reader to apply.

pub(crate) mod alpha_cursor;
pub(crate) mod copy_rect;
pub(crate) mod corre;
pub(crate) mod cursor;
pub(crate) mod cursor_position;
pub(crate) mod desktop_name;
pub(crate) mod desktop_size;
pub(crate) mod extended_clipboard;
pub(crate) mod hextile;
pub(crate) mod inflate;
pub(crate) mod last_rect;
pub(crate) mod led_state;
pub(crate) mod pointer_mode;
pub(crate) mod qemu_audio;
pub(crate) mod qemu_key;
pub(crate) mod raw;
pub(crate) mod rre;
pub(crate) mod tight;
pub(crate) mod trle;
pub(crate) mod x_cursor;
pub(crate) mod xvp;
pub(crate) mod zlib;
pub(crate) mod zlibhex;
pub(crate) mod zrle;
pub(crate) mod zrle_inflate;
pub(crate) mod zrle_thread;

use std::fmt;
use std::str::FromStr;

use crate::config::Limits;
use crate::error::{Error, ProtocolError, Step};
use crate::event::Cursor;
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::Converter;
use crate::reader::Reader;

use self::desktop_size::Screen;
use self::tight::TightStreams;
use self::zlib::ZlibStreams;
use self::zrle_inflate::ZrleInflate;

/// What a decoder may use: the framebuffer it draws into, the pixel converter, the limits, and
/// the connection's ZRLE stream.
pub(crate) struct DecodeContext<'a> {
    pub(crate) fb: &'a mut Framebuffer,
    pub(crate) conv: &'a Converter,
    pub(crate) limits: &'a Limits,
    pub(crate) zrle: &'a mut ZrleInflate,
    /// The connection's Tight streams.
    pub(crate) tight: &'a mut TightStreams,
    /// The connection's Zlib and ZlibHex streams and TRLE's palette.
    pub(crate) zlib: &'a mut ZlibStreams,
    /// How much protocol output the session has written (ZRLE's helper withdraws what came
    /// after a rectangle that fails).
    pub(crate) out_len: usize,
}

/// What a finished rectangle means for the session.
pub(crate) enum Done {
    /// Pixels were drawn in this rectangle.
    Pixels(Rect),
    /// The rectangle went to ZRLE's helper thread, which draws it later.
    Queued,
    /// A new cursor image.
    Cursor(Cursor),
    /// The server's pointer is here.
    CursorPosition { x: u16, y: u16 },
    /// The desktop has a new name.
    DesktopName(String),
    /// The framebuffer has a new size (already checked against the limits).
    DesktopSize { width: u16, height: u16 },
    /// ExtendedDesktopSize: the rectangle's fields (reason, status, size) and the screens.
    ExtendedDesktopSize { rect: Rect, screens: Vec<Screen> },
    /// The update ends after this rectangle.
    LastRect,
    /// The server takes QEMU Extended Key Event messages.
    ScancodesAcknowledged,
    /// The server's lock keys.
    LedState(led_state::LockState),
    /// How the server reads pointer positions.
    PointerMode { absolute: bool },
    /// The server takes QEMU audio messages.
    AudioAcknowledged,
}

/// A decoder of one encoding: built from the rectangle header, then given input as it arrives
/// until it is done.
pub(crate) trait Decode: Sized {
    /// A decoder for `rect`, whose data starts at `r`.
    fn new(rect: Rect, r: &Reader, cx: &mut DecodeContext) -> Self;
    /// Consumes what has arrived; `Some` once the rectangle is complete.
    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error>;
    /// True if the rectangle goes to a helper thread, so that earlier ones need not be drawn
    /// before it begins.
    fn is_threaded(&self) -> bool {
        false
    }
}

/// A pseudo-encoding announced for messages, never sent as a rectangle: such a rectangle is
/// an unsupported encoding.
pub(crate) struct NoRect<const N: i32>(Rect);

impl<const N: i32> Decode for NoRect<N> {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> Self {
        NoRect(rect)
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

/// The one registration of every encoding: its doc line, its [`Encoding`] variant, its number
/// on the wire, its name on command lines, and the type that decodes it. This generates the
/// public [`Encoding`] enum and [`RectDecoder`], whose dispatch is one `match` per call with
/// input, never per pixel.
macro_rules! encodings {
    ($($(#[doc = $doc:expr])* $encoding:ident = $number:literal, $name:literal, $decoder:ty;)*) => {
        /// An encoding or pseudo-encoding that this client can announce and decode.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Encoding {
            $($(#[doc = $doc])* $encoding,)*
        }

        impl Encoding {
            /// Every encoding this client can decode, in table order (what names parse to;
            /// [`Encoding::DEFAULT`] is what is announced unless configured otherwise).
            pub const ALL: &'static [Encoding] = &[$(Encoding::$encoding,)*];

            /// The position in [`Encoding::ALL`]: the variants are declared in table order
            /// with no explicit discriminants, so the discriminant is that position.
            pub(crate) fn index(self) -> usize {
                self as usize
            }

            /// The number on the wire.
            pub fn number(self) -> i32 {
                match self {
                    $(Encoding::$encoding => $number,)*
                }
            }

            /// The encoding for a wire number, if this client supports it.
            pub fn from_number(n: i32) -> Option<Encoding> {
                match n {
                    $($number => Some(Encoding::$encoding),)*
                    _ => None,
                }
            }

            /// The lower-case name used on command lines (`zrle`, `copyrect`, `desktop-size`,
            /// ...).
            pub fn name(self) -> &'static str {
                match self {
                    $(Encoding::$encoding => $name,)*
                }
            }
        }

        /// The decoder of the rectangle being read.
        pub(crate) enum RectDecoder {
            $($encoding($decoder),)*
        }

        impl RectDecoder {
            pub(crate) fn new(
                encoding: Encoding,
                rect: Rect,
                r: &Reader,
                cx: &mut DecodeContext,
            ) -> RectDecoder {
                match encoding {
                    $(Encoding::$encoding => {
                        RectDecoder::$encoding(<$decoder as Decode>::new(rect, r, cx))
                    })*
                }
            }

            pub(crate) fn decode(
                &mut self,
                r: &mut Reader,
                cx: &mut DecodeContext,
            ) -> Result<Option<Done>, Error> {
                match self {
                    $(RectDecoder::$encoding(d) => Decode::decode(d, r, cx),)*
                }
            }

            pub(crate) fn is_threaded(&self) -> bool {
                match self {
                    $(RectDecoder::$encoding(d) => Decode::is_threaded(d),)*
                }
            }
        }
    };
}

encodings! {
    /// Raw pixels (0). Always accepted, even if not announced.
    Raw = 0, "raw", raw::Raw;
    /// Copy from elsewhere in the framebuffer (1).
    CopyRect = 1, "copyrect", copy_rect::CopyRect;
    /// Rise-and-run-length: a background and solid subrectangles (2).
    Rre = 2, "rre", rre::Rre;
    /// RRE with one-byte subrectangle positions and sizes (4).
    CoRre = 4, "corre", corre::CoRre;
    /// 16x16 tiles of raw pixels or coloured subrectangles (5).
    Hextile = 5, "hextile", hextile::Hextile;
    /// Fill, filtered (copy, palette, gradient) and zlib-compressed rows in four streams (7).
    Tight = 7, "tight", tight::Tight;
    /// Raw pixels through the connection's zlib stream (6).
    Zlib = 6, "zlib", zlib::Zlib;
    /// Hextile whose tiles may go through one of two zlib streams (8).
    ZlibHex = 8, "zlibhex", zlibhex::ZlibHex;
    /// ZRLE's tiles without zlib, 16x16, with palette reuse (15).
    Trle = 15, "trle", trle::Trle;
    /// Zlib-compressed 64x64 tiles with palettes and runs (16).
    Zrle = 16, "zrle", zrle_inflate::ZrleRect;
    /// Pseudo-encoding: the server may change the framebuffer size (-223).
    DesktopSize = -223, "desktop-size", desktop_size::DesktopSize;
    /// Pseudo-encoding: a FramebufferUpdate may end early with a marker rectangle (-224).
    LastRect = -224, "last-rect", last_rect::LastRect;
    /// Pseudo-encoding: the server sends its cursor image to draw locally (-239).
    Cursor = -239, "cursor", cursor::CursorRect;
    /// Pseudo-encoding: the server sends its cursor image with 8-bit alpha (Cursor With
    /// Alpha, -314); preferred by TigerVNC's server over [`Encoding::Cursor`].
    CursorWithAlpha = -314, "cursor-with-alpha", alpha_cursor::AlphaCursorRect;
    /// Pseudo-encoding: the server sends its cursor as a two-colour X11 core cursor (X
    /// Cursor, -240).
    XCursor = -240, "x-cursor", x_cursor::XCursorRect;
    /// Pseudo-encoding: the server says where its pointer is when it moves by other means
    /// than this client (VMware Cursor Position, -232).
    CursorPosition = -232, "cursor-position", cursor_position::CursorPosition;
    /// Pseudo-encoding: the server may rename the desktop (-307).
    DesktopName = -307, "desktop-name", desktop_name::DesktopName;
    /// Pseudo-encoding: desktop size with a screen layout, and client-requested resizing
    /// with SetDesktopSize (-308).
    ExtendedDesktopSize = -308, "extended-desktop-size", desktop_size::ExtendedDesktopSize;
    /// Pseudo-encoding: the client can send key events with a scancode (QEMU Extended Key
    /// Event), used once the server acknowledges it (-258).
    QemuExtendedKeyEvent = -258, "qemu-extended-key-event", qemu_key::ExtendedKeyEvent;
    /// Pseudo-encoding: the server sends the state of its Caps, Num and Scroll Lock (QEMU
    /// LED State) (-261).
    QemuLedState = -261, "qemu-led-state", led_state::LedState;
    /// Pseudo-encoding: the client can ask the server to shut down, reboot or reset the
    /// machine (xvp), once the server says it is ready (-309).
    Xvp = -309, "xvp", xvp::Xvp;
    /// Pseudo-encoding: the server says whether it reads pointer positions as absolute or
    /// relative (QEMU Pointer Motion Change) (-257). While it is announced, QEMU reads every
    /// PointerEvent of a relative guest mouse as motion from (0x7FFF, 0x7FFF):
    /// [`Session::pointer_motion`](crate::Session::pointer_motion) sends that, and
    /// [`Session::pointer_event`](crate::Session::pointer_event) turns positions into it.
    QemuPointerMotionChange = -257, "qemu-pointer-motion-change", pointer_mode::PointerMotionChange;
    /// Pseudo-encoding: the client can take the machine's sound (QEMU Audio), once the
    /// server acknowledges it (-259).
    QemuAudio = -259, "qemu-audio", qemu_audio::QemuAudio;
    /// Pseudo-encoding: the server may push updates without being asked (ContinuousUpdates,
    /// -313): it says so with an EndOfContinuousUpdates message, and the session then
    /// enables them when [`Config::continuous_updates`](crate::Config::continuous_updates)
    /// is on. Never a rectangle.
    ContinuousUpdates = -313, "continuous-updates", NoRect<-313>;
    /// Pseudo-encoding: the client and the server may send each other Fence messages (-312),
    /// which the session answers, and uses to switch pixel formats at the right point of the
    /// stream. Never a rectangle.
    Fence = -312, "fence", NoRect<-312>;
    /// Pseudo-encoding: clipboard text goes both ways as UTF-8 in Extended Clipboard
    /// messages, once the server sends its caps (0xC0A1E5CE); Latin-1 until then.
    ExtendedClipboard = -1063131698, "extended-clipboard", extended_clipboard::ExtendedClipboard;
    /// Pseudo-encoding: Tight may use JPEG at quality level 0 (0 worst, 9 best) (-32).
    QualityLevel0 = -32, "quality-level-0", tight::Level<-32>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 1 (0 worst, 9 best) (-31).
    QualityLevel1 = -31, "quality-level-1", tight::Level<-31>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 2 (0 worst, 9 best) (-30).
    QualityLevel2 = -30, "quality-level-2", tight::Level<-30>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 3 (0 worst, 9 best) (-29).
    QualityLevel3 = -29, "quality-level-3", tight::Level<-29>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 4 (0 worst, 9 best) (-28).
    QualityLevel4 = -28, "quality-level-4", tight::Level<-28>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 5 (0 worst, 9 best) (-27).
    QualityLevel5 = -27, "quality-level-5", tight::Level<-27>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 6 (0 worst, 9 best) (-26).
    QualityLevel6 = -26, "quality-level-6", tight::Level<-26>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 7 (0 worst, 9 best) (-25).
    QualityLevel7 = -25, "quality-level-7", tight::Level<-25>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 8 (0 worst, 9 best) (-24).
    QualityLevel8 = -24, "quality-level-8", tight::Level<-24>;
    /// Pseudo-encoding: Tight may use JPEG at quality level 9 (0 worst, 9 best) (-23).
    QualityLevel9 = -23, "quality-level-9", tight::Level<-23>;
    /// Pseudo-encoding: asks Tight for compression level 0 (0 fastest, 9 smallest) (-256).
    CompressLevel0 = -256, "compress-level-0", tight::Level<-256>;
    /// Pseudo-encoding: asks Tight for compression level 1 (0 fastest, 9 smallest) (-255).
    CompressLevel1 = -255, "compress-level-1", tight::Level<-255>;
    /// Pseudo-encoding: asks Tight for compression level 2 (0 fastest, 9 smallest) (-254).
    CompressLevel2 = -254, "compress-level-2", tight::Level<-254>;
    /// Pseudo-encoding: asks Tight for compression level 3 (0 fastest, 9 smallest) (-253).
    CompressLevel3 = -253, "compress-level-3", tight::Level<-253>;
    /// Pseudo-encoding: asks Tight for compression level 4 (0 fastest, 9 smallest) (-252).
    CompressLevel4 = -252, "compress-level-4", tight::Level<-252>;
    /// Pseudo-encoding: asks Tight for compression level 5 (0 fastest, 9 smallest) (-251).
    CompressLevel5 = -251, "compress-level-5", tight::Level<-251>;
    /// Pseudo-encoding: asks Tight for compression level 6 (0 fastest, 9 smallest) (-250).
    CompressLevel6 = -250, "compress-level-6", tight::Level<-250>;
    /// Pseudo-encoding: asks Tight for compression level 7 (0 fastest, 9 smallest) (-249).
    CompressLevel7 = -249, "compress-level-7", tight::Level<-249>;
    /// Pseudo-encoding: asks Tight for compression level 8 (0 fastest, 9 smallest) (-248).
    CompressLevel8 = -248, "compress-level-8", tight::Level<-248>;
    /// Pseudo-encoding: asks Tight for compression level 9 (0 fastest, 9 smallest) (-247).
    CompressLevel9 = -247, "compress-level-9", tight::Level<-247>;
}

impl Encoding {
    /// What [`Config`](crate::Config) announces by default, best first: every encoding this
    /// client decodes, Tight (lossless unless [`Config::jpeg`](crate::Config::jpeg) asks for
    /// JPEG) before ZRLE, and the pseudo-encodings but the quality and compression levels.
    ///
    /// Tight is first because, on the lab's recording of a real Xvnc session (205 Mpixel),
    /// it decodes with a quarter fewer instructions than ZRLE (19.5 against 26.2 per pixel,
    /// callgrind) for 8% more bytes on the wire (69.4 MB against 64.0 MB), and because a
    /// Tight session can turn lossy later without another list. TRLE and ZlibHex come before
    /// Hextile, Zlib and CoRRE before RRE, for servers with neither Tight nor ZRLE.
    pub const DEFAULT: &'static [Encoding] = &[
        Encoding::Tight,
        Encoding::Zrle,
        Encoding::Trle,
        Encoding::ZlibHex,
        Encoding::Hextile,
        Encoding::Zlib,
        Encoding::CoRre,
        Encoding::Rre,
        Encoding::CopyRect,
        Encoding::Raw,
        Encoding::DesktopSize,
        Encoding::LastRect,
        Encoding::CursorWithAlpha,
        Encoding::Cursor,
        Encoding::XCursor,
        Encoding::CursorPosition,
        Encoding::DesktopName,
        Encoding::ExtendedDesktopSize,
        Encoding::QemuExtendedKeyEvent,
        Encoding::QemuLedState,
        Encoding::Xvp,
        Encoding::QemuPointerMotionChange,
        Encoding::QemuAudio,
        Encoding::ContinuousUpdates,
        Encoding::Fence,
        Encoding::ExtendedClipboard,
    ];

    /// The pseudo-encoding that lets Tight use JPEG at `level` (0 to 9, 9 best), announced
    /// with [`Encoding::Tight`].
    pub fn quality_level(level: u8) -> Option<Encoding> {
        (level <= 9).then(|| Encoding::from_number(-32 + i32::from(level)))?
    }

    /// The pseudo-encoding that asks Tight for zlib compression `level` (0 to 9).
    pub fn compress_level(level: u8) -> Option<Encoding> {
        (level <= 9).then(|| Encoding::from_number(-256 + i32::from(level)))?
    }

    /// True for pseudo-encodings (they carry information, not pixels).
    pub fn is_pseudo(self) -> bool {
        self.number() < 0
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an [`Encoding`] name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown encoding {0:?}; known: {known}", known = known_names())]
pub struct UnknownEncoding(pub String);

/// The names [`Encoding::from_str`] knows, in table order.
fn known_names() -> String {
    let names: Vec<&str> = Encoding::ALL.iter().map(|e| e.name()).collect();
    names.join(", ")
}

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    /// Parses a name as printed by [`Encoding::name`], case-insensitively.
    ///
    /// ```
    /// use vnc_core::Encoding;
    /// assert_eq!("ZRLE".parse::<Encoding>(), Ok(Encoding::Zrle));
    /// assert_eq!("tight".parse::<Encoding>(), Ok(Encoding::Tight));
    /// assert!("h264".parse::<Encoding>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Encoding::ALL
            .iter()
            .copied()
            .find(|e| e.name() == lower)
            .ok_or_else(|| UnknownEncoding(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        for (i, &e) in Encoding::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(Encoding::from_number(e.number()), Some(e));
            assert_eq!(e.name().parse::<Encoding>(), Ok(e));
            assert_eq!(e.is_pseudo(), e.number() < 0);
        }
        assert_eq!(Encoding::from_number(3), None);
        assert_eq!(Encoding::quality_level(8), Some(Encoding::QualityLevel8));
        assert_eq!(
            Encoding::compress_level(0).map(Encoding::number),
            Some(-256)
        );
        assert_eq!(Encoding::compress_level(10), None);
        assert_eq!("compress-level-9".parse(), Ok(Encoding::CompressLevel9));
    }
}
