//! A sans-IO RFB (VNC) client engine.
//!
//! [`Session`] speaks the client side of the Remote Framebuffer protocol (RFC 6143 and the
//! community rfbproto extensions) without owning a socket, a clock or an executor: bytes from
//! the server go in through [`Session::feed`], bytes for the server come out of
//! [`Session::pending_output`], things that happened come out of [`Session::poll_event`], and
//! time is passed in through [`Session::handle_timeout`]. The same engine runs under tokio,
//! the glib main loop or a plain blocking loop. One thing may run beside the caller's thread:
//! ZRLE's zlib stream can be inflated on a helper thread of the session's own (see
//! [`Threading`]), which changes nothing the caller sees but the time it takes.
//!
//! What it does:
//! - the handshake for RFB 3.3, 3.7 and 3.8 (3.4 to 3.6 answered as 3.3, later 3.x and 4.x/5.x
//!   as 3.8), with a handshake deadline that stops while the application is asked for
//!   credentials or about a certificate;
//! - security types None and VNC authentication; VeNCrypt with its TLS and x509 sub-types
//!   (None, VNC authentication or Plain inside) and Plain; anonymous TLS (type 18, feature
//!   `anon-tls`) with its inner negotiation; Apple Remote Desktop (type 30) and UltraVNC
//!   MS-Logon II (type 113), which encrypt the user name and password but not the session;
//!   the types allowed are [`Config::security_types`], most preferred first (a user's list
//!   such as `"x509vnc,tlsvnc,vnc"` is read by [`SecurityType::parse_list`], the one parser
//!   the widget and the example programs share), and [`Config::require_encryption`] refuses
//!   every type that sends the password or the screen in the clear;
//! - TLS inside the engine (rustls, sans-IO like the rest): x509 verification against the
//!   configured trust (or the system store, asked for only when an x509 step needs it through
//!   [`Event::RootCertificatesRequired`]), CRLs, client certificates, pinned fingerprints, and
//!   trust on first use through [`Event::CertificateUnverified`];
//! - credentials asked for through [`Event::CredentialsRequired`] rather than by blocking;
//! - every valid true-colour pixel format (8, 16 and 32 bits, either byte order, any shifts
//!   and maxima) and 8-bit colour maps, converted into a BGRA [`Framebuffer`], with pixel
//!   format changes between updates;
//! - the Tight, ZRLE, TRLE, ZlibHex, Hextile, Zlib, CoRRE, RRE, CopyRect and Raw encodings,
//!   all announced by default ([`Encoding::DEFAULT`], Tight first); Tight (lossless filters,
//!   and JPEG by the system libjpeg-turbo, default feature `turbojpeg`, or else zune-jpeg) with its
//!   quality and compression-level pseudo-encodings (lossy JPEG only when asked for with
//!   [`Config::jpeg`], with TurboVNC's fine quality and chroma subsampling, switchable on a
//!   running session); the
//!   DesktopSize, LastRect, DesktopName and ExtendedDesktopSize pseudo-encodings (with
//!   SetDesktopSize to resize the remote desktop), and the cursor ones: Cursor With Alpha,
//!   Cursor and X Cursor ([`Event::CursorChanged`], straight RGBA) and Cursor Position
//!   ([`Event::CursorMoved`]);
//! - QEMU's keyboard extensions: keys by scancode and keysym
//!   ([`Session::key_event_with_scancode`]), sent as QEMU Extended Key Events once the server
//!   acknowledges them ([`Event::ScancodesAvailable`]) and as plain KeyEvents before, and the
//!   server's lock keys ([`Event::LedState`]); whether the server reads pointer positions as
//!   absolute or relative ([`Event::PointerMode`], QEMU Pointer Motion Change), with relative
//!   motion ([`Session::pointer_motion`]) and absolute positions turned into motion in
//!   relative mode;
//! - QEMU audio: the guest's sound as [`Event::AudioData`] in the format asked for with
//!   [`Session::enable_audio`], once the server acknowledges it ([`Event::AudioAvailable`]);
//! - xvp power control: [`Session::power_control`] asks the server to shut down, reboot or
//!   reset the machine once it has offered to ([`Event::PowerControlReady`]);
//! - continuous update requests, Bell, and clipboard text both ways (ServerCutText and
//!   ClientCutText, Latin-1; UTF-8 with the Extended Clipboard, whose caps, notify, request,
//!   peek and zlib-compressed provide are handled; the Latin-1 fallback reports what it
//!   could not carry);
//! - hostile input: any byte sequence ends in a typed [`Error`], never a panic, a hang or an
//!   allocation a server can choose beyond the [`Limits`].
//!
//! Where things are: `session/` holds [`Session`] and what lasts the whole connection;
//! `handshake/` one file per handshake step; `messages/` the client's and the server's
//! messages; `running/` the message loop, the FramebufferUpdate reader and the update-request
//! flow; `encoding/` one file per encoding, registered in `encoding/mod.rs`.
//!
//! ```
//! use std::time::Instant;
//! use vnc_core::{Config, Credential, Event, Session};
//!
//! let mut session = Session::new(Config::default(), Instant::now());
//! session.set_credential(Credential::Password, "secret");
//! // In a real program these bytes come from a socket, and `take_output` goes back to it.
//! session.feed(b"RFB 003.008\n").unwrap();
//! let _to_server = session.take_output();
//! while let Some(event) = session.poll_event() {
//!     if let Event::FramebufferUpdateEnd = event {
//!         let fb = session.framebuffer();
//!         println!("{}x{}", fb.width(), fb.height());
//!     }
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod address;
#[cfg(feature = "anon-tls")]
mod anon_tls;
mod burst_buffer;
mod config;
mod encoding;
mod error;
mod event;
mod framebuffer;
mod handshake;
mod jpeg;
pub mod known_certs;
mod messages;
mod pixel_format;
mod pixel_memory;
mod random;
mod reader;
pub mod repeater;
mod running;
mod security;
mod security_list;
mod session;
#[cfg(feature = "testing")]
pub mod testing;
mod threading;
mod tls;
#[cfg(feature = "tokio")]
pub mod tokio;
pub mod trust_store;

pub use address::{Address, AddressError};
pub use config::{Config, Limits, PixelFormatRequest, TlsConfig, parse_sha256_fingerprint};
pub use encoding::desktop_size::{ResizeReason, ResizeStatus, Screen};
pub use encoding::led_state::LockState;
pub use encoding::qemu_audio::{AudioFormat, AudioSpec};
pub use encoding::{Encoding, UnknownEncoding};
pub use error::{CertificateInfo, CertificateProblem, Error, ErrorKind, ProtocolError, Step};
pub use event::{Cursor, Event};
pub use framebuffer::{Framebuffer, Rect};
pub use handshake::version::ProtocolVersion;
pub use jpeg::{Jpeg, JpegSettingOutOfRange, Subsampling};
pub use pixel_format::PixelFormat;
pub use pixel_memory::{PixelAllocator, PixelMemory};
pub use security::{Credential, CredentialsNeeded, Protection, SecurityType, security_type_name};
pub use security_list::SecurityTypesError;
pub use session::{PowerAction, Session};
pub use threading::Threading;
