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
        }
    }
}

/// The pixel format the client asks the server for after ServerInit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormatRequest {
    /// Keep the server's own format (send no SetPixelFormat).
    ServerNative,
    /// Ask for this format with SetPixelFormat.
    Exact(PixelFormat),
}

impl PixelFormatRequest {
    /// Full colour, 32 bits per pixel ([`PixelFormat::RGB888`]). The default.
    pub const FULL: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::RGB888);
    /// Medium colour, 16 bits per pixel ([`PixelFormat::RGB565`]).
    pub const MEDIUM: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::RGB565);
    /// Low colour, 8 bits per pixel ([`PixelFormat::BGR233`]).
    pub const LOW: PixelFormatRequest = PixelFormatRequest::Exact(PixelFormat::BGR233);
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
            shared: true,
            encodings: Encoding::DEFAULT.to_vec(),
            pixel_format: PixelFormatRequest::default(),
            continuous_updates: true,
            handshake_timeout: Some(Duration::from_secs(30)),
            limits: Limits::default(),
        }
    }
}
