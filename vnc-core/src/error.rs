//! The engine's error type. Every way a session can end badly is one variant here, with enough
//! context (which handshake step, which message, which field) for a person to act on it, and
//! an [`ErrorKind`] for a program to act on (exit codes, asking for a password again).

use std::fmt;

use crate::security::SecurityType;

/// The part of the RFB exchange that was under way when something went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// Reading the server's `RFB xxx.yyy` version string.
    Version,
    /// Reading the security types and choosing one.
    Security,
    /// Running the chosen security type (VNC challenge, credentials, SecurityResult).
    Authentication,
    /// ClientInit / ServerInit.
    Initialization,
    /// A FramebufferUpdate message (rectangle headers and encoded data).
    FramebufferUpdate,
    /// Any other server-to-client message after initialisation.
    ServerMessage,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Version => "protocol version",
            Step::Security => "security negotiation",
            Step::Authentication => "authentication",
            Step::Initialization => "initialisation",
            Step::FramebufferUpdate => "framebuffer update",
            Step::ServerMessage => "server message",
        })
    }
}

/// The broad class of an [`Error`] (or of an adapter's error), for programs that react to
/// failures without reading messages: an exit code, asking for credentials again, retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The peer is not a VNC server (it sent no RFB version string).
    NotVnc,
    /// The server refused the connection before authentication, giving a reason.
    Refused,
    /// The server speaks an RFB version this client does not.
    Incompatible,
    /// No security type both sides accept: none in common, encryption required but not
    /// offered, or anonymous TLS not built in.
    Security,
    /// The server rejected the credentials.
    Authentication,
    /// The server broke the protocol.
    Protocol,
    /// The server sent a value above one of the [`Limits`](crate::Limits).
    Limit,
    /// The connection ended in the middle of the handshake or of a message.
    UnexpectedEof,
    /// The handshake (or, in an adapter, connecting) took too long.
    Timeout,
    /// TLS itself failed (an alert, a corrupt record, the server refused our certificate).
    Tls,
    /// The server's certificate is not trusted, or cannot be checked (no host name).
    Certificate,
    /// The session's settings cannot be used (for example a malformed client key).
    Configuration,
    /// The session already ended.
    Closed,
    /// An adapter could not resolve the server's name.
    Resolve,
    /// An adapter could not connect.
    Connect,
    /// Reading or writing the connection failed.
    Io,
}

/// Errors of a [`Session`](crate::Session).
///
/// Once an error has been returned the session is finished: every later call that feeds it
/// input returns [`Error::Closed`]. The transport should be closed.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The first 12 bytes were not an `RFB xxx.yyy\n` version string: probably not a VNC server.
    #[error("the server did not send an RFB version string (got {got:?}); is this a VNC server?")]
    NotRfb {
        /// What arrived instead, escaped.
        got: String,
    },
    /// The server speaks an RFB version this client cannot talk to.
    #[error(
        "the server speaks RFB {major}.{minor}, which this client does not support (3.3 to 3.8 are)"
    )]
    UnsupportedVersion {
        /// Major version the server sent.
        major: u16,
        /// Minor version the server sent.
        minor: u16,
    },
    /// The server refused the connection before authentication and said why.
    #[error("the server refused the connection: {reason}")]
    ConnectionRefused {
        /// The server's reason string.
        reason: String,
    },
    /// None of the security types the server offers is one this session accepts.
    #[error(
        "no common security type: the server offers [{}], this client accepts [{}]",
        fmt_named(.offered),
        fmt_list(.accepted)
    )]
    NoCommonSecurityType {
        /// What the server offered (raw numbers, known or not; VeNCrypt sub-types are 256+).
        offered: Vec<u32>,
        /// What the session's configuration accepts, in order of preference.
        accepted: Vec<SecurityType>,
    },
    /// The server rejected the credentials.
    #[error("authentication failed: {}", .reason.as_deref().unwrap_or("the server gave no reason"))]
    AuthenticationFailed {
        /// The reason string the server sent (RFB 3.8 only).
        reason: Option<String>,
    },
    /// The server sent something that breaks the protocol.
    #[error("protocol error during {step}: {error}")]
    Protocol {
        /// What was under way.
        step: Step,
        /// What exactly was wrong.
        error: ProtocolError,
    },
    /// A value the server sent is above one of the session's [`Limits`](crate::Limits).
    #[error(
        "during {step}: the server sent {what} of {value}, above this client's limit of {limit}"
    )]
    LimitExceeded {
        /// What was under way.
        step: Step,
        /// Which quantity (for example "a desktop name length").
        what: &'static str,
        /// The value the server sent.
        value: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The server closed the connection in the middle of the handshake or of a message.
    #[error("the server closed the connection during {step}")]
    UnexpectedEof {
        /// What was under way.
        step: Step,
    },
    /// The handshake did not finish within [`Config::handshake_timeout`](crate::Config).
    #[error("timed out during {step}: the server stopped answering")]
    Timeout {
        /// What was under way.
        step: Step,
    },
    /// TLS failed (handshake alert, protocol error, corrupt record).
    #[error("TLS failed: {message}")]
    Tls {
        /// What failed.
        message: String,
    },
    /// The TLS settings cannot be used (unreadable CA, key or CRL, bad server name).
    #[error("TLS settings: {message}")]
    TlsConfig {
        /// What is wrong.
        message: String,
    },
    /// The server's certificate was not trusted.
    #[error("the server's certificate was rejected: {problem} (subject {}, issuer {}, SHA-256 {})",
        .certificate.subject, .certificate.issuer, .certificate.sha256_hex())]
    Certificate {
        /// Why.
        problem: CertificateProblem,
        /// The certificate.
        certificate: Box<CertificateInfo>,
    },
    /// The application refused the certificate it was asked about.
    #[error("the server's certificate was refused by the user ({problem}; SHA-256 {})", .certificate.sha256_hex())]
    CertificateRefused {
        /// Why it was asked about.
        problem: CertificateProblem,
        /// The certificate.
        certificate: Box<CertificateInfo>,
    },
    /// An x509 security type was chosen, but no host name was given to check the server's
    /// certificate against ([`Config::server_name`](crate::Config::server_name); a stream or a
    /// Unix socket has none of its own) and no certificate is pinned.
    #[error(
        "the server's certificate cannot be checked: x509 TLS needs the server's host name, and \
         none was given (set the TLS host name, or pin the certificate's SHA-256 fingerprint)"
    )]
    ServerNameMissing,
    /// An anonymous-TLS security type was chosen but this build has no anonymous TLS.
    #[error(
        "the server wants anonymous TLS, but this client was not built with anonymous TLS (feature anon-tls)"
    )]
    AnonTlsUnavailable,
    /// Encryption is required and the server offers nothing encrypted.
    #[error("encryption is required, but the server offers only unencrypted security types [{}]", fmt_list(.offered))]
    EncryptionRequired {
        /// What the server offered (names and numbers).
        offered: Vec<String>,
    },
    /// The security-type policy can accept no server at all: an empty list, or encryption
    /// required while every listed type is unencrypted. Reported when the server's offer
    /// arrives; [`SecurityType::check_policy`] finds it before connecting.
    #[error(transparent)]
    SecurityPolicy(#[from] crate::SecurityTypesError),
    /// The system's random number generator failed, so no key exchange could be made (ARD,
    /// MS-Logon II).
    #[error("the system's random number generator is unavailable, so no key can be made")]
    RandomnessUnavailable,
    /// SASL failed on this side: no usable mechanism, a mechanism's step, or a security
    /// layer too weak or broken (the message is Cyrus SASL's).
    #[error("SASL: {message}")]
    Sasl {
        /// What failed.
        message: String,
    },
    /// The session already ended (after an error or the end of the stream).
    #[error("the session is closed")]
    Closed,
}

impl Error {
    /// What kind of failure this is.
    ///
    /// ```
    /// use vnc_core::{Error, ErrorKind};
    /// let e = Error::AuthenticationFailed { reason: None };
    /// assert_eq!(e.kind(), ErrorKind::Authentication);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotRfb { .. } => ErrorKind::NotVnc,
            Error::UnsupportedVersion { .. } => ErrorKind::Incompatible,
            Error::ConnectionRefused { .. } => ErrorKind::Refused,
            Error::NoCommonSecurityType { .. }
            | Error::EncryptionRequired { .. }
            | Error::AnonTlsUnavailable
            | Error::Sasl { .. } => ErrorKind::Security,
            Error::AuthenticationFailed { .. } => ErrorKind::Authentication,
            Error::Protocol { .. } => ErrorKind::Protocol,
            Error::LimitExceeded { .. } => ErrorKind::Limit,
            Error::UnexpectedEof { .. } => ErrorKind::UnexpectedEof,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::TlsConfig { .. } | Error::RandomnessUnavailable | Error::SecurityPolicy(_) => {
                ErrorKind::Configuration
            }
            Error::Certificate { .. }
            | Error::CertificateRefused { .. }
            | Error::ServerNameMissing => ErrorKind::Certificate,
            Error::Closed => ErrorKind::Closed,
        }
    }

    /// The part of the exchange that was under way, where the error records it.
    pub fn step(&self) -> Option<Step> {
        match self {
            Error::Protocol { step, .. }
            | Error::LimitExceeded { step, .. }
            | Error::UnexpectedEof { step }
            | Error::Timeout { step } => Some(*step),
            Error::NotRfb { .. } | Error::UnsupportedVersion { .. } => Some(Step::Version),
            Error::NoCommonSecurityType { .. }
            | Error::EncryptionRequired { .. }
            | Error::SecurityPolicy(_) => Some(Step::Security),
            Error::AuthenticationFailed { .. } => Some(Step::Authentication),
            _ => None,
        }
    }

    /// True when the server rejected the credentials (as opposed to a transport or protocol
    /// problem), so a client can ask again.
    pub fn is_authentication_failure(&self) -> bool {
        matches!(self, Error::AuthenticationFailed { .. })
    }

    /// True for TLS and certificate failures.
    pub fn is_tls_failure(&self) -> bool {
        matches!(
            self,
            Error::Tls { .. }
                | Error::TlsConfig { .. }
                | Error::Certificate { .. }
                | Error::CertificateRefused { .. }
                | Error::ServerNameMissing
                | Error::AnonTlsUnavailable
        )
    }

    pub(crate) fn protocol(step: Step, error: ProtocolError) -> Self {
        Error::Protocol { step, error }
    }
}

fn fmt_named(types: &[u32]) -> String {
    types
        .iter()
        .map(|&t| format!("{} ({t})", crate::security::security_type_name(t)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fmt_list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A server certificate, as a person needs to judge it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity.
    pub not_before: String,
    /// End of validity.
    pub not_after: String,
    /// SHA-256 of the DER certificate.
    pub sha256: [u8; 32],
}

impl CertificateInfo {
    /// The fingerprint as lower-case hex without separators (what `--pin-sha256` takes).
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Why a certificate is not trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// It does not chain to a trusted CA (self-signed, or from another CA).
    UnknownIssuer,
    /// It has expired.
    Expired,
    /// It is not valid yet.
    NotYetValid,
    /// It is not for the host name or IP address that was connected to.
    WrongHost,
    /// It was revoked (CRL).
    Revoked,
    /// Its fingerprint is not the pinned one.
    FingerprintMismatch,
    /// A certificate known for this server has changed.
    Changed,
    /// Something else.
    Other(String),
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateProblem::UnknownIssuer => {
                f.write_str("unknown issuer (not signed by a trusted CA)")
            }
            CertificateProblem::Expired => f.write_str("expired"),
            CertificateProblem::NotYetValid => f.write_str("not valid yet"),
            CertificateProblem::WrongHost => {
                f.write_str("wrong host name (not issued for the address connected to)")
            }
            CertificateProblem::Revoked => f.write_str("revoked"),
            CertificateProblem::FingerprintMismatch => {
                f.write_str("fingerprint does not match the pinned one")
            }
            CertificateProblem::Changed => {
                f.write_str("CHANGED since it was last accepted for this server")
            }
            CertificateProblem::Other(s) => f.write_str(s),
        }
    }
}

/// What was wrong with data the server sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// A pixel format that cannot describe pixels (bits per pixel not 8/16/32, a zero colour
    /// maximum, a shift past the pixel, colour-map mode above 8 bits per pixel).
    #[error("invalid pixel format: {0}")]
    InvalidPixelFormat(&'static str),
    /// A framebuffer of zero width or height.
    #[error("a framebuffer size of {width}x{height} is invalid")]
    InvalidFramebufferSize {
        /// Width sent.
        width: u16,
        /// Height sent.
        height: u16,
    },
    /// A security type the server may not choose (RFB 3.3) or that needs support we lack.
    #[error("the server chose security type {0}, which this client does not support")]
    UnsupportedSecurityType(u32),
    /// A message type this client does not know; the stream cannot be followed past it.
    #[error("unknown server message type {0}")]
    UnknownMessageType(u8),
    /// A QEMU server message (type 255) of a sub-type this client does not know (only 1,
    /// audio, is defined); the stream cannot be followed past it.
    #[error("unknown QEMU server message sub-type {0}")]
    UnknownQemuMessage(u8),
    /// A QEMU audio message with an operation other than End (0), Begin (1) and Data (2).
    #[error("unknown QEMU audio operation {0}")]
    UnknownAudioOperation(u16),
    /// A cursor pseudo-rectangle whose image comes in an encoding this client does not take
    /// for it (Cursor With Alpha: Raw only, as TigerVNC sends it).
    #[error(
        "cursor pseudo-encoding {pseudo} carries its image in encoding {encoding}; only Raw (0) is taken"
    )]
    UnsupportedCursorEncoding {
        /// The cursor pseudo-encoding.
        pseudo: i32,
        /// The encoding of its image.
        encoding: i32,
    },
    /// A Fence message with a payload longer than the 64 bytes the protocol allows.
    #[error("a Fence payload of {0} bytes (at most 64 are allowed)")]
    FenceTooLong(u8),
    /// An Extended Clipboard message (a ServerCutText with a negative length) whose payload
    /// does not hold what its flags announce, or whose text is not a text.
    #[error("malformed Extended Clipboard message: {0}")]
    MalformedExtendedClipboard(&'static str),
    /// A rectangle in an encoding this client cannot decode.
    #[error("rectangle {rect} uses encoding {encoding}, which this client cannot decode")]
    UnsupportedEncoding {
        /// The encoding number.
        encoding: i32,
        /// The rectangle.
        rect: crate::Rect,
    },
    /// A rectangle reaching past the framebuffer.
    #[error("rectangle {rect} lies outside the {fb_width}x{fb_height} framebuffer")]
    RectOutOfBounds {
        /// The rectangle.
        rect: crate::Rect,
        /// Framebuffer width.
        fb_width: u16,
        /// Framebuffer height.
        fb_height: u16,
    },
    /// A CopyRect whose source reaches past the framebuffer.
    #[error(
        "CopyRect source at ({src_x},{src_y}) for {rect} lies outside the {fb_width}x{fb_height} framebuffer"
    )]
    CopyRectSourceOutOfBounds {
        /// Source x.
        src_x: u16,
        /// Source y.
        src_y: u16,
        /// Destination rectangle.
        rect: crate::Rect,
        /// Framebuffer width.
        fb_width: u16,
        /// Framebuffer height.
        fb_height: u16,
    },
    /// A subrectangle (RRE, Hextile) reaching past its rectangle or tile.
    #[error("{encoding} subrectangle {sub} lies outside its {outer}")]
    SubrectOutOfBounds {
        /// Which encoding.
        encoding: &'static str,
        /// The subrectangle, relative to its container.
        sub: crate::Rect,
        /// The containing rectangle or tile, relative to itself (size only).
        outer: crate::Rect,
    },
    /// More RRE subrectangles than the rectangle has pixels.
    #[error("RRE rectangle {rect} claims {count} subrectangles, more than its pixels")]
    TooManySubrects {
        /// The rectangle.
        rect: crate::Rect,
        /// The count sent.
        count: u32,
    },
    /// A ZRLE or TRLE tile sub-encoding that the spec leaves unused (17 to 126, and for
    /// ZRLE 127 and 129).
    #[error("ZRLE/TRLE tile at ({x},{y}) uses the undefined sub-encoding {subencoding}")]
    ZrleBadSubencoding {
        /// Tile x (framebuffer coordinates).
        x: u16,
        /// Tile y.
        y: u16,
        /// The sub-encoding byte.
        subencoding: u8,
    },
    /// A ZRLE or TRLE palette index past the tile's palette.
    #[error(
        "ZRLE/TRLE tile at ({x},{y}) uses palette index {index} of a {palette_size}-colour palette"
    )]
    ZrlePaletteIndex {
        /// Tile x.
        x: u16,
        /// Tile y.
        y: u16,
        /// The index.
        index: u8,
        /// Palette size.
        palette_size: u8,
    },
    /// A ZRLE or TRLE run longer than what is left of its tile.
    #[error(
        "ZRLE/TRLE run of {run} pixels in tile at ({x},{y}) overruns the tile ({left} pixels left)"
    )]
    ZrleRunTooLong {
        /// Tile x.
        x: u16,
        /// Tile y.
        y: u16,
        /// Run length.
        run: usize,
        /// Pixels left in the tile.
        left: usize,
    },
    /// A ZRLE rectangle whose decompressed data ends before its tiles do.
    #[error("ZRLE rectangle {rect}: decompressed data ends in the middle of a tile")]
    ZrleTruncated {
        /// The rectangle.
        rect: crate::Rect,
    },
    /// zlib data that decompresses to more than the rectangle needs.
    #[error("{encoding} rectangle {rect}: zlib data inflates to more than the rectangle needs")]
    ZlibOverflow {
        /// Which encoding.
        encoding: &'static str,
        /// The rectangle.
        rect: crate::Rect,
    },
    /// zlib data that ends before the rectangle (or tile) it carries does.
    #[error("{encoding} rectangle {rect}: zlib data ends before the rectangle does")]
    ZlibTruncated {
        /// Which encoding.
        encoding: &'static str,
        /// The rectangle (or, for ZlibHex, the tile).
        rect: crate::Rect,
    },
    /// A TRLE tile that reuses the previous palette (sub-encoding 127 or 129) where no
    /// earlier tile of the rectangle left one that fits.
    #[error(
        "TRLE tile at ({x},{y}) reuses a palette with sub-encoding {subencoding}, but the previous one has {palette_size} colours"
    )]
    TrlePaletteReuse {
        /// Tile x.
        x: u16,
        /// Tile y.
        y: u16,
        /// The sub-encoding byte (127 or 129).
        subencoding: u8,
        /// Colours in the palette left by earlier tiles (0: none).
        palette_size: u8,
    },
    /// Corrupt zlib data.
    #[error("{encoding}: corrupt zlib data ({detail})")]
    Zlib {
        /// Which encoding.
        encoding: &'static str,
        /// zlib's message.
        detail: String,
    },
    /// A Tight rectangle wider than the 2048 pixels the encoding allows.
    #[error("Tight rectangle {rect} is wider than 2048 pixels")]
    TightTooWide {
        /// The rectangle.
        rect: crate::Rect,
    },
    /// A Tight compression-control byte of an undefined kind (TightPNG's 0xA included: it is
    /// not announced).
    #[error("Tight rectangle {rect}: undefined compression control 0x{control:02x}")]
    TightBadControl {
        /// The rectangle.
        rect: crate::Rect,
        /// The compression-control byte.
        control: u8,
    },
    /// A Tight filter id other than copy (0), palette (1) and gradient (2).
    #[error("Tight rectangle {rect}: undefined filter {filter}")]
    TightBadFilter {
        /// The rectangle.
        rect: crate::Rect,
        /// The filter id.
        filter: u8,
    },
    /// A Tight palette of one colour (a palette has 2 to 256).
    #[error("Tight rectangle {rect}: a palette of {size} colour(s); 2 to 256 are allowed")]
    TightPaletteSize {
        /// The rectangle.
        rect: crate::Rect,
        /// The size sent.
        size: u16,
    },
    /// A Tight palette index past the palette.
    #[error("Tight rectangle {rect} uses palette index {index} of a {palette_size}-colour palette")]
    TightPaletteIndex {
        /// The rectangle.
        rect: crate::Rect,
        /// The index.
        index: u8,
        /// Palette size.
        palette_size: u16,
    },
    /// A Tight rectangle whose kind the pixel format does not allow: gradient in colour-map
    /// mode, JPEG outside 16 and 32 bits per pixel true colour.
    #[error("Tight rectangle {rect}: {what} is not allowed in this pixel format")]
    TightNotForFormat {
        /// The rectangle.
        rect: crate::Rect,
        /// What came ("the gradient filter", "JPEG").
        what: &'static str,
    },
    /// A Tight JPEG image that cannot be decoded.
    #[error("Tight rectangle {rect}: bad JPEG data ({detail})")]
    TightJpeg {
        /// The rectangle.
        rect: crate::Rect,
        /// The JPEG decoder's message.
        detail: String,
    },
    /// A Tight JPEG image whose size is not the rectangle's.
    #[error("Tight rectangle {rect} carries a {width}x{height} JPEG image")]
    TightJpegSize {
        /// The rectangle.
        rect: crate::Rect,
        /// The image's width.
        width: usize,
        /// The image's height.
        height: usize,
    },
    /// A Tight rectangle whose compressed data ends before its rows do.
    #[error("Tight rectangle {rect}: its data ends before its last row")]
    TightTruncated {
        /// The rectangle.
        rect: crate::Rect,
    },
    /// Data arrived where the server must wait for the client (while credentials are asked).
    #[error("the server sent {len} bytes without waiting for the client's answer")]
    UnexpectedData {
        /// How many bytes were waiting.
        len: u64,
    },
    /// A VeNCrypt version other than 0.2.
    #[error("the server speaks VeNCrypt {major}.{minor}; this client speaks 0.2")]
    UnsupportedVencryptVersion {
        /// Major.
        major: u8,
        /// Minor.
        minor: u8,
    },
    /// The server refused a VeNCrypt version or sub-type.
    #[error("the server refused VeNCrypt {0}")]
    VencryptRefused(&'static str),
    /// A SASL "complete" flag other than 0 or 1.
    #[error("a SASL complete flag of {0} (0 or 1 expected)")]
    InvalidSaslComplete(u8),
    /// SASL data from the server whose last byte is not the NUL that ends it.
    #[error("SASL data from the server without its terminating NUL")]
    UnterminatedSaslData,
    /// An Apple Remote Desktop (type 30) key length of 0 or above 512 bytes (4096 bits).
    #[error("an ARD key length of {0} bytes (1 to 512 are accepted)")]
    ArdKeyLength(u16),
    /// Diffie-Hellman parameters (ARD, MS-Logon II) that would make the shared secret
    /// predictable: a modulus below 3 or even, a generator outside 2 to p-1, or a server
    /// public key outside 2 to p-2.
    #[error("{security}: degenerate Diffie-Hellman parameters: {what}")]
    DegenerateDiffieHellman {
        /// The security type ("ARD", "MS-Logon II").
        security: &'static str,
        /// What is wrong.
        what: &'static str,
    },
    /// SetColourMapEntries while the pixel format is true colour.
    #[error("the server sent SetColourMapEntries while the pixel format is true colour")]
    ColourMapInTrueColour,
    /// SetColourMapEntries past entry 255.
    #[error("SetColourMapEntries for entries {first}..{end} goes past the 256-entry colour map")]
    ColourMapOutOfRange {
        /// First entry.
        first: u16,
        /// One past the last entry.
        end: u32,
    },
}
