//! What a session is configured with before it starts: security preferences, TLS trust (as
//! data), encodings, the pixel format to ask for, and the limits that bound what a server can
//! make us allocate. Every configuration type is non-exhaustive: start from `default()`.

use std::time::Duration;

use crate::encoding::Encoding;
use crate::jpeg::Jpeg;
use crate::pixel_format::PixelFormat;
use crate::security::SecurityType;

/// Upper bounds on what a server can make the session allocate or wait for.
///
/// Each limit is checked against the length or size field *before* anything is allocated.
/// New limits may be added: start from [`Limits::default`] and change fields.
///
/// Some bounds come from the protocol and need no field; with the framebuffer's size they
/// bound every encoding:
///
/// - Zlib data is inflated through fixed buffers (a 64 KiB window for ZRLE, one for Tight and
///   one for Zlib and ZlibHex, each allocated at most once per connection; ZRLE's helper
///   thread has a few of its own) and may never give more than its rectangle or tile needs,
///   so a small payload that inflates far more (a zlib bomb) ends in
///   [`ProtocolError::ZlibOverflow`](crate::ProtocolError::ZlibOverflow) after at most one
///   buffer of output. What is needed: ZRLE, the rectangle's tiles; Zlib, the rectangle's
///   pixel bytes (its data, whatever its 32-bit length says, is consumed as it arrives, never
///   buffered, as is Tight's); ZlibHex, a 16x16 tile's pixel bytes for a ZlibRaw tile, 1539
///   bytes (two colours, a count and 255 coloured subrectangles) for a Zlib one, whose
///   compressed data (a 16-bit length, at most 64 KiB) is read once all of it has arrived;
///   Tight, the rectangle's filtered rows.
/// - A Fence request is answered at once, so a server that sends them without reading the
///   answers makes output pile up: a request that finds more than 1 MiB unsent is a
///   [`Error::LimitExceeded`](crate::Error::LimitExceeded). A Fence payload is at most 64 bytes.
/// - TRLE has neither zlib nor lengths: 16x16 tiles, each read once its bytes (about 1.3 KiB
///   at most) have arrived, palettes of 2 to 16 (packed) or 2 to 127 (runs) colours in a
///   fixed array, reused only within a rectangle, and runs that never pass their tile.
/// - CoRRE, like RRE, cannot announce more subrectangles than its rectangle has pixels, and
///   every subrectangle must lie inside the rectangle.
/// - Tight: a rectangle is at most 2048 pixels wide and a palette 2 to 256 colours; a compact
///   length is at most 4 MiB - 1 (22 bits), so a JPEG image is buffered up to that, and only
///   as it arrives. A JPEG image's size is read from its header and must be exactly the
///   rectangle's (the decoder already refuses more than 2048 pixels wide or the framebuffer's
///   height) before any pixel is decoded: its pixels go straight into the framebuffer, or for
///   a rectangle narrower than the framebuffer through a buffer of the rectangle's pixels
///   (4 bytes each) that the connection keeps.
///
/// ```
/// let mut limits = vnc_core::Limits::default();
/// limits.max_width = 4096;
/// limits.max_height = 4096;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest framebuffer width accepted (ServerInit, DesktopSize).
    pub max_width: u16,
    /// Largest framebuffer height accepted.
    pub max_height: u16,
    /// Largest framebuffer in bytes (4 bytes per pixel).
    pub max_framebuffer_bytes: usize,
    /// Largest ServerCutText accepted; longer texts are skipped (read and dropped) with a
    /// warning, as TigerVNC does, and the session goes on.
    pub max_cut_text: u32,
    /// Largest desktop name (ServerInit, DesktopName); longer is an error.
    pub max_name: u32,
    /// Largest failure-reason string; longer is an error.
    pub max_reason: u32,
    /// Largest cursor width or height; larger is an error.
    pub max_cursor_size: u16,
    /// Most rectangles (pseudo-rectangles included) in one FramebufferUpdate; more is an
    /// error. The count field allows 65535, and with LastRect a server could otherwise keep
    /// one update going without end.
    pub max_rects_per_update: u32,
    /// Largest QEMU audio data message in bytes; longer is an error, refused once its length
    /// has arrived. QEMU sends what its mixer produced since the last one, a few KiB (about
    /// 10 ms: 1764 bytes of 44.1 kHz 16-bit stereo); 1 MiB is over 5 seconds of the largest
    /// stream QEMU sends (48 kHz, 32-bit, stereo).
    pub max_audio_data: u32,
    /// Largest SASL data the server may send in one turn; more is an error. DIGEST-MD5 and
    /// SCRAM send a few hundred bytes, a Kerberos ticket some KiB (QEMU refuses over 1 MiB).
    pub max_sasl_data: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_width: 16384,
            max_height: 16384,
            max_framebuffer_bytes: 512 << 20,
            max_cut_text: 1 << 20,
            max_name: 64 << 10,
            max_reason: 64 << 10,
            max_cursor_size: 1024,
            max_rects_per_update: 65535,
            max_audio_data: 1 << 20,
            max_sasl_data: 100 << 10,
        }
    }
}

/// How x509 TLS sessions verify the server. Everything here is data: the session reads no
/// file and no system store. Applications and adapters load those with
/// [`trust_store`](crate::trust_store) and [`known_certs`](crate::known_certs).
///
/// New settings may be added: start from [`TlsConfig::default`] (which trusts nothing but
/// what is added to it) and change fields.
///
/// ```
/// let mut tls = vnc_core::TlsConfig::default();
/// tls.pinned_sha256.push([0x5a; 32]);
/// tls.ask_on_untrusted = true;
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct TlsConfig {
    /// Trusted CA certificates, each in DER. Empty: only [`pinned_sha256`](Self::pinned_sha256),
    /// [`known_sha256`](Self::known_sha256) or the application's answer (with
    /// [`ask_on_untrusted`](Self::ask_on_untrusted)) can make a certificate trusted.
    pub root_certificates: Vec<Vec<u8>>,
    /// Certificate revocation lists in PEM (may be empty).
    pub crls_pem: Vec<u8>,
    /// A client certificate chain and its private key, both PEM, for servers that require one
    /// (QEMU's `verify-peer=on`).
    pub client_cert_pem: Option<(Vec<u8>, Vec<u8>)>,
    /// Trust exactly the certificates with these SHA-256 fingerprints (of the DER form), and
    /// no other, whatever their issuer or name.
    pub pinned_sha256: Vec<[u8; 32]>,
    /// Fingerprints of certificates the user accepted for this server before (trust on first
    /// use; see [`known_certs`](crate::known_certs)). A certificate that fails verification is
    /// still trusted when it is one of these; when it is not but this list is not empty, the
    /// certificate has changed and is refused as [`CertificateProblem::Changed`]
    /// (or asked about, with [`ask_on_untrusted`](Self::ask_on_untrusted)).
    ///
    /// [`CertificateProblem::Changed`]: crate::CertificateProblem::Changed
    pub known_sha256: Vec<[u8; 32]>,
    /// When a certificate fails verification, finish the handshake, send nothing, and ask the
    /// application with [`Event::CertificateUnverified`](crate::Event); it answers with
    /// [`Session::accept_certificate`](crate::Session::accept_certificate) (trust on first use).
    /// When false such a certificate is an error.
    pub ask_on_untrusted: bool,
    /// Ask for the trusted CA certificates only when they are needed: when
    /// [`root_certificates`](Self::root_certificates) and
    /// [`pinned_sha256`](Self::pinned_sha256) are empty and an x509 TLS step (one that
    /// verifies the server) is about to start, the session sends no ClientHello yet and asks
    /// with [`Event::RootCertificatesRequired`](crate::Event); the application answers with
    /// [`Session::set_root_certificates`](crate::Session::set_root_certificates), usually
    /// giving [`trust_store::system_roots`](crate::trust_store::system_roots). Sessions
    /// without x509 TLS (None, VNC authentication, anonymous TLS) never read a store. The
    /// tokio adapter and the GTK widget set this and answer it themselves. False by default:
    /// the session then uses `root_certificates` as they are.
    pub system_roots_on_demand: bool,
}

/// Counts instead of bytes: a system store is a hundred certificates, and the client key is
/// a secret.
impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("root_certificates", &self.root_certificates.len())
            .field("crls_pem", &self.crls_pem.len())
            .field("client_cert", &self.client_cert_pem.is_some())
            .field("pinned_sha256", &self.pinned_sha256.len())
            .field("known_sha256", &self.known_sha256.len())
            .field("ask_on_untrusted", &self.ask_on_untrusted)
            .field("system_roots_on_demand", &self.system_roots_on_demand)
            .finish()
    }
}

impl TlsConfig {
    /// Adds the CA certificates of a PEM text (the contents of a CA file) to
    /// [`root_certificates`](Self::root_certificates); returns how many there were. A text
    /// with no certificate is an error ([`Error::TlsConfig`](crate::Error::TlsConfig)).
    pub fn add_root_certificates_pem(&mut self, pem: &[u8]) -> Result<usize, crate::Error> {
        let certs = crate::tls::pem_certificates(pem)?;
        let n = certs.len();
        self.root_certificates.extend(certs);
        Ok(n)
    }
}

/// Parses a SHA-256 fingerprint given as 64 hex digits, with or without `:` separators.
pub fn parse_sha256_fingerprint(s: &str) -> Option<[u8; 32]> {
    let hex: String = s.chars().filter(|c| *c != ':').collect();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The pixel format the client asks the server for after ServerInit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormatRequest {
    /// Keep the server's own format (send no SetPixelFormat).
    ServerNative,
    /// Ask for this format with SetPixelFormat.
    Exact(PixelFormat),
    /// Full colour without making the server convert when it need not: keep the server's own
    /// format if it is 32-bit true colour with 8-bit channels (in any order and byte order;
    /// the client converts those as fast as its own layout), and ask for
    /// [`PixelFormat::RGB888`] otherwise. What a viewer wants; the GTK widget uses it.
    ///
    /// ```
    /// use vnc_core::{Config, PixelFormatRequest};
    /// let mut config = Config::default();
    /// config.pixel_format = PixelFormatRequest::Full32;
    /// ```
    Full32,
}

impl PixelFormatRequest {
    /// Full colour, 32 bits per pixel ([`PixelFormat::RGB888`]). The default.
    pub const FULL: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::RGB888);
    /// Medium colour, 16 bits per pixel ([`PixelFormat::RGB565`]).
    pub const MEDIUM: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::RGB565);
    /// Low colour, 8 bits per pixel ([`PixelFormat::BGR233`]).
    pub const LOW: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::BGR233);
    /// Ultra-low colour, 8 bits per pixel with one bit per channel ([`PixelFormat::RGB111`]).
    pub const ULTRA_LOW: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::RGB111);

    /// The format this request means with a server whose own format is `server`, and whether
    /// that is the server's own (so that no SetPixelFormat is needed at initialisation).
    pub(crate) fn resolve(&self, server: PixelFormat) -> (PixelFormat, bool) {
        match *self {
            PixelFormatRequest::ServerNative => (server, true),
            PixelFormatRequest::Full32 if server.is_full_colour_32() => (server, true),
            PixelFormatRequest::Full32 => (PixelFormat::RGB888, false),
            PixelFormatRequest::Exact(pf) => (pf, false),
        }
    }
}

impl Default for PixelFormatRequest {
    fn default() -> Self {
        PixelFormatRequest::FULL
    }
}

/// Configuration of a [`Session`](crate::Session).
///
/// New settings may be added, so a configuration starts from [`Config::default`] and changes
/// fields:
///
/// ```
/// use vnc_core::{Config, Encoding, PixelFormatRequest, SecurityType};
/// let mut config = Config::default();
/// config.security_types = vec![SecurityType::VncAuth];
/// config.encodings = vec![Encoding::Hextile, Encoding::Raw];
/// config.pixel_format = PixelFormatRequest::MEDIUM;
/// assert!(config.shared);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Accepted security types, most preferred first. Types the server offers that are not in
    /// this list are never chosen. A user's list (`"x509vnc,vnc"`) is read with
    /// [`SecurityType::parse_list`] and checked with [`SecurityType::check_policy`].
    pub security_types: Vec<SecurityType>,
    /// Refuse every security type that sends the password or the screen in the clear.
    pub require_encryption: bool,
    /// The host name or IP address the user asked for: checked against the server's
    /// certificate and sent as SNI. Adapters fill it in from a TCP address; over a stream or
    /// a Unix socket the application gives it (as gtk-vnc's `open_fd_with_hostname`).
    /// Without one, x509 TLS fails with
    /// [`Error::ServerNameMissing`](crate::Error::ServerNameMissing) unless a certificate is
    /// pinned ([`TlsConfig::pinned_sha256`]).
    pub server_name: Option<String>,
    /// How x509 TLS verifies the server.
    pub tls: TlsConfig,
    /// The ClientInit shared flag: leave other clients connected (true) or ask the server to
    /// disconnect them.
    pub shared: bool,
    /// Encodings to announce with SetEncodings, in order of preference.
    pub encodings: Vec<Encoding>,
    /// Lossy compression: `None` (the default) keeps every pixel exact; `Some` lets the
    /// server send Tight rectangles as JPEG images with these settings, announced as
    /// pseudo-encodings after [`encodings`](Self::encodings). JPEG exists only inside Tight:
    /// [`Encoding::Tight`] must be among the encodings, and when it is not nothing lossy
    /// happens (the server has no encoding to send JPEG in; the session logs a warning).
    /// Changed on a running session with [`Session::set_jpeg`](crate::Session::set_jpeg).
    /// A quality level put in `encodings` by hand is still sent as it is; do not use both
    /// (servers differ in which one wins: TigerVNC's takes the earlier in the list).
    ///
    /// ```
    /// use vnc_core::{Config, Encoding, Jpeg};
    /// let mut config = Config::default();
    /// config.encodings.insert(0, Encoding::Tight);
    /// config.jpeg = Some(Jpeg::new(8)?);
    /// # Ok::<(), vnc_core::JpegSettingOutOfRange>(())
    /// ```
    pub jpeg: Option<Jpeg>,
    /// The pixel format to ask for after ServerInit.
    pub pixel_format: PixelFormatRequest,
    /// Updates come by themselves: with a server that supports the ContinuousUpdates
    /// extension ([`Encoding::ContinuousUpdates`] announced, as by default) the session
    /// enables it over the whole framebuffer and the server pushes updates unasked;
    /// otherwise one incremental FramebufferUpdateRequest is kept outstanding (the next is
    /// sent as soon as an update begins). When false the application sends every request
    /// itself and the extension is never enabled.
    pub continuous_updates: bool,
    /// How long the handshake (version to ServerInit) may take, not counting time spent
    /// waiting for the application to supply credentials. `None` waits forever.
    pub handshake_timeout: Option<Duration>,
    /// Bounds on what the server can make the session allocate.
    pub limits: Limits,
    /// Where the framebuffer's pixels live: `None` (the default) keeps them in a vector the
    /// session owns; an allocator supplies the memory, for an application that shares it
    /// with a toolkit instead of copying it (see [`PixelAllocator`](crate::PixelAllocator)).
    pub pixel_allocator: Option<crate::PixelAllocator>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            security_types: SecurityType::default_preference(),
            require_encryption: false,
            server_name: None,
            tls: TlsConfig::default(),
            shared: true,
            encodings: Encoding::DEFAULT.to_vec(),
            jpeg: None,
            pixel_format: PixelFormatRequest::default(),
            continuous_updates: true,
            handshake_timeout: Some(Duration::from_secs(30)),
            limits: Limits::default(),
            pixel_allocator: None,
        }
    }
}
