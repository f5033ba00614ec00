//! What a session is configured with before it starts: security preferences, encodings, the
//! pixel format to ask for, and the limits that bound what a server can make us allocate.

use std::time::Duration;

use crate::encoding::Encoding;
use crate::pixel_format::PixelFormat;
use crate::security::SecurityType;

/// Upper bounds on what a server can make the session allocate or wait for.
///
/// Each limit is checked against the length or size field *before* anything is allocated.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        }
    }
}

/// Where trusted CA certificates come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Trust {
    /// The operating system's store.
    #[default]
    System,
    /// CA certificates in PEM (the contents of a CA file).
    Pem(Vec<u8>),
}

/// How x509 TLS sessions verify the server.
#[derive(Clone, Debug, Default)]
pub struct TlsConfig {
    /// Trusted CAs.
    pub trust: Trust,
    /// Certificate revocation lists in PEM (may be empty).
    pub crls_pem: Vec<u8>,
    /// A client certificate chain and its private key, both PEM, for servers that require one
    /// (QEMU's `verify-peer=on`).
    pub client_cert_pem: Option<(Vec<u8>, Vec<u8>)>,
    /// Trust exactly the certificates with these SHA-256 fingerprints (of the DER form), and
    /// no other, whatever their issuer or name.
    pub pinned_sha256: Vec<[u8; 32]>,
    /// When a certificate fails verification, finish the handshake, send nothing, and ask the
    /// application with [`Event::CertificateUnverified`](crate::Event); it answers with
    /// [`Session::accept_certificate`](crate::Session::accept_certificate) (trust on first use).
    /// When false such a certificate is an error.
    pub ask_on_untrusted: bool,
}

impl TlsConfig {
    /// Reads the files of a typical command line: a CA file, a CRL file, a client certificate
    /// and key. (The session itself does no file I/O.)
    pub fn from_files(
        ca: Option<&std::path::Path>,
        crl: Option<&std::path::Path>,
        client: Option<(&std::path::Path, &std::path::Path)>,
    ) -> std::io::Result<TlsConfig> {
        let read = |p: &std::path::Path| {
            std::fs::read(p)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))
        };
        Ok(TlsConfig {
            trust: match ca {
                Some(p) => Trust::Pem(read(p)?),
                None => Trust::System,
            },
            crls_pem: match crl {
                Some(p) => read(p)?,
                None => Vec::new(),
            },
            client_cert_pem: match client {
                Some((c, k)) => Some((read(c)?, read(k)?)),
                None => None,
            },
            ..TlsConfig::default()
        })
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
    /// let config = Config {
    ///     pixel_format: PixelFormatRequest::Full32,
    ///     ..Config::default()
    /// };
    /// # let _ = config;
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
/// ```
/// use vnc_core::{Config, Encoding, PixelFormatRequest, SecurityType};
/// let config = Config {
///     security_types: vec![SecurityType::VncAuth],
///     encodings: vec![Encoding::Hextile, Encoding::Raw],
///     pixel_format: PixelFormatRequest::MEDIUM,
///     ..Config::default()
/// };
/// assert!(config.shared);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// Accepted security types, most preferred first. Types the server offers that are not in
    /// this list are never chosen.
    pub security_types: Vec<SecurityType>,
    /// Refuse every security type that sends the password or the screen in the clear.
    pub require_encryption: bool,
    /// The host name or IP address the user asked for: checked against the server's
    /// certificate and sent as SNI. Adapters fill it in from the address.
    pub server_name: Option<String>,
    /// How x509 TLS verifies the server.
    pub tls: TlsConfig,
    /// The ClientInit shared flag: leave other clients connected (true) or ask the server to
    /// disconnect them.
    pub shared: bool,
    /// Encodings to announce with SetEncodings, in order of preference.
    pub encodings: Vec<Encoding>,
    /// The pixel format to ask for after ServerInit.
    pub pixel_format: PixelFormatRequest,
    /// Keep an incremental FramebufferUpdateRequest outstanding: ask for the next update as
    /// soon as one ends. When false the application sends every request itself.
    pub continuous_updates: bool,
    /// How long the handshake (version to ServerInit) may take, not counting time spent
    /// waiting for the application to supply credentials. `None` waits forever.
    pub handshake_timeout: Option<Duration>,
    /// Bounds on what the server can make the session allocate.
    pub limits: Limits,
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
            pixel_format: PixelFormatRequest::default(),
            continuous_updates: true,
            handshake_timeout: Some(Duration::from_secs(30)),
            limits: Limits::default(),
        }
    }
}
