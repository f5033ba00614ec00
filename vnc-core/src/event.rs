//! Events the session hands to the application through
//! [`Session::poll_event`](crate::Session::poll_event).

use crate::encoding::desktop_size::{ResizeReason, ResizeStatus, Screen};
use crate::encoding::led_state::LockState;
use crate::error::{CertificateInfo, CertificateProblem};
use crate::framebuffer::Rect;
use crate::handshake::version::ProtocolVersion;
use crate::pixel_format::PixelFormat;
use crate::security::{CredentialsNeeded, SecurityType};

/// Something the application may want to react to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The protocol version was agreed.
    VersionNegotiated(ProtocolVersion),
    /// A security type was chosen from the server's offer.
    SecurityNegotiated(SecurityType),
    /// The session needs credentials it does not have; answer with
    /// [`Session::set_credential`](crate::Session::set_credential). Nothing blocks meanwhile.
    CredentialsRequired(CredentialsNeeded),
    /// An x509 TLS step is about to start and the trusted CA certificates are to be given
    /// now ([`TlsConfig::system_roots_on_demand`](crate::TlsConfig) is set and there are no
    /// roots nor pins). Nothing is sent until the application answers with
    /// [`Session::set_root_certificates`](crate::Session::set_root_certificates), usually
    /// with [`trust_store::system_roots`](crate::trust_store::system_roots); the handshake
    /// deadline keeps running. The tokio adapter and the GTK widget answer it themselves and
    /// never pass it on.
    RootCertificatesRequired,
    /// The server's certificate failed verification and
    /// [`TlsConfig::ask_on_untrusted`](crate::TlsConfig) is set: the TLS handshake is done but
    /// nothing has been sent. Answer with
    /// [`Session::accept_certificate`](crate::Session::accept_certificate).
    CertificateUnverified {
        /// The certificate.
        certificate: CertificateInfo,
        /// Why it is not trusted.
        problem: CertificateProblem,
    },
    /// ServerInit arrived: the session is ready and the first full update has been requested.
    Initialized {
        /// Framebuffer width.
        width: u16,
        /// Framebuffer height.
        height: u16,
        /// The desktop name (decoded as UTF-8, or Latin-1 where that fails).
        name: String,
        /// The server's native pixel format.
        server_pixel_format: PixelFormat,
    },
    /// An area of the framebuffer changed.
    FramebufferUpdated(Rect),
    /// A FramebufferUpdate message ended: the framebuffer is consistent now.
    FramebufferUpdateEnd,
    /// The framebuffer changed size (DesktopSize); its content was cleared.
    DesktopResized {
        /// New width.
        width: u16,
        /// New height.
        height: u16,
    },
    /// An ExtendedDesktopSize rectangle: the screen layout, why it was sent, and for an answer
    /// to [`Session::set_desktop_size`](crate::Session::set_desktop_size) whether it worked.
    /// A size change also gives [`Event::DesktopResized`].
    DesktopLayout {
        /// Why the server sent it.
        reason: ResizeReason,
        /// The outcome (meaningful for [`ResizeReason::ThisClient`]).
        status: ResizeStatus,
        /// The screens.
        screens: Vec<Screen>,
    },
    /// The desktop has a new name (DesktopName).
    DesktopRenamed(String),
    /// The server's cursor image changed (Cursor With Alpha, rich Cursor or X Cursor
    /// pseudo-encoding, whichever the server chose among those announced).
    CursorChanged(Cursor),
    /// The server's pointer moved by other means than this client's pointer events (an
    /// application on the server warped it): its position in the framebuffer (VMware Cursor
    /// Position pseudo-encoding).
    CursorMoved {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
    },
    /// The server rang the bell.
    Bell,
    /// The server acknowledged the QEMU Extended Key Event pseudo-encoding: from now on
    /// [`Session::key_event_with_scancode`](crate::Session::key_event_with_scancode) sends
    /// scancodes (see [`Session::scancodes_available`](crate::Session::scancodes_available)).
    /// Sent when scancodes become available: at the first acknowledgement, not at the ones
    /// QEMU repeats after each SetEncodings (again only after an announcement without the
    /// pseudo-encoding turned them off).
    ScancodesAvailable,
    /// The server's Caps, Num and Scroll Lock state (QEMU LED State pseudo-encoding), each
    /// time the server sends it, changed or not (the spec lets it resend the same state).
    LedState(LockState),
    /// The server takes power-control requests (an xvp XVP_INIT message, while
    /// [`Encoding::Xvp`](crate::Encoding::Xvp) is announced): from now on
    /// [`Session::power_control`](crate::Session::power_control) sends them. Sent each time
    /// the server says so.
    PowerControlReady {
        /// The highest xvp extension version the server supports (at least 1).
        version: u8,
    },
    /// The server could not do a power-control request, or does not support it (an xvp
    /// XVP_FAIL message).
    PowerControlFailed,
    /// The server reads pointer positions as absolute (`true`) or as relative motion (QEMU
    /// Pointer Motion Change pseudo-encoding, [`Encoding::QemuPointerMotionChange`], when
    /// announced), each time the server sends it. See
    /// [`Session::is_pointer_absolute`](crate::Session::is_pointer_absolute).
    ///
    /// [`Encoding::QemuPointerMotionChange`]: crate::Encoding::QemuPointerMotionChange
    PointerMode {
        /// True for absolute positions, false for relative motion.
        absolute: bool,
    },
    /// The server acknowledged the QEMU Audio pseudo-encoding
    /// ([`Encoding::QemuAudio`](crate::Encoding::QemuAudio)): from now on
    /// [`Session::enable_audio`](crate::Session::enable_audio) starts the stream (see
    /// [`Session::audio_available`](crate::Session::audio_available)). Sent when audio becomes
    /// available, not at the acknowledgements QEMU repeats after each SetEncodings.
    AudioAvailable,
    /// The guest started playing (a QEMU audio Begin), while audio is enabled.
    /// [`Event::AudioData`] may come without it: QEMU says Begin when it starts a capture,
    /// not to a client that joins another client's capture of the same format.
    AudioBegin,
    /// The stream stopped: the server said so (a QEMU audio End; QEMU also says End, then
    /// Begin, to running streams when another client starts one), or the application disabled
    /// audio ([`Session::disable_audio`](crate::Session::disable_audio), which QEMU does not
    /// answer) or changed its format with
    /// [`Session::enable_audio`](crate::Session::enable_audio) while it was playing. After an
    /// AudioEnd of the application's making, [`Event::AudioData`] is in the new format (or
    /// does not come): the events queued before it are the old one's.
    AudioEnd,
    /// Samples, exactly as the server sent them, in the [`AudioSpec`](crate::AudioSpec) given
    /// to [`Session::enable_audio`](crate::Session::enable_audio): frames of interleaved
    /// channels, little-endian when samples have more than one byte. Only while audio is
    /// enabled: data still in flight after a disable, or from before a change of format, is
    /// dropped, so every byte here is in the current format.
    AudioData(Vec<u8>),
    /// Continuous updates were turned on (the server showed it supports them, or updates
    /// were resumed) or off (updates were paused, or the server ended them: the session then
    /// asks for updates again). See
    /// [`Session::continuous_updates_enabled`](crate::Session::continuous_updates_enabled).
    ContinuousUpdates {
        /// True when the server now pushes updates without requests.
        enabled: bool,
    },
    /// A round trip to the server and back measured with a fence (BlockBefore, so the time
    /// includes the server's catching up with what was sent before): once when the server
    /// shows it supports fences, and after each
    /// [`Session::measure_round_trip`](crate::Session::measure_round_trip). See
    /// [`Session::round_trip_time`](crate::Session::round_trip_time).
    RoundTrip(std::time::Duration),
    /// The server's clipboard text: from a plain ServerCutText (decoded from Latin-1), or,
    /// with the Extended Clipboard, the UTF-8 text the session asked for when the server
    /// announced a change (CR LF line ends become LF).
    ServerCutText(String),
    /// The server closed the connection cleanly after initialisation.
    Closed,
}

/// A cursor image to draw locally.
#[derive(Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Width in pixels (0 means: no cursor, hide it).
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Hot spot x, inside the image.
    pub hotspot_x: u16,
    /// Hot spot y, inside the image.
    pub hotspot_y: u16,
    /// Straight (not premultiplied) RGBA, rows top to bottom, `width * 4` bytes each. Alpha
    /// is 0 or 255 (from the cursor's bitmask) but for Cursor With Alpha, where it is the
    /// server's 8-bit alpha.
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cursor")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("hotspot_x", &self.hotspot_x)
            .field("hotspot_y", &self.hotspot_y)
            .finish_non_exhaustive()
    }
}
