//! What the application asks a spawned [`Connection`](super::Connection) to do: the
//! [`Command`]s and the [`Handle`] that sends them.

use ::tokio::sync::{mpsc, oneshot};

use crate::{
    AudioSpec, Credential, Encoding, Framebuffer, PixelFormatRequest, PowerAction, Rect, Session,
};

/// What the application can ask a spawned connection to do.
#[derive(Debug)]
#[non_exhaustive]
pub enum Command {
    /// A key press or release (X11 keysym).
    Key {
        /// The keysym.
        keysym: u32,
        /// Pressed (true) or released.
        down: bool,
    },
    /// A key press or release by scancode and keysym
    /// ([`Session::key_event_with_scancode`]): a QEMU Extended Key Event once the server
    /// takes them, a plain key event otherwise.
    KeyWithScancode {
        /// The keysym (0 if unknown).
        keysym: u32,
        /// The scancode in QEMU's numbering (XT set 1, 0xE0-prefixed keys as 0x80 | code).
        scancode: u32,
        /// Pressed (true) or released.
        down: bool,
    },
    /// Pointer position and buttons.
    Pointer {
        /// x.
        x: u16,
        /// y.
        y: u16,
        /// Button mask.
        buttons: u8,
    },
    /// Relative pointer motion and buttons ([`Session::pointer_motion`]).
    PointerMotion {
        /// Motion to the right (negative: left).
        dx: i32,
        /// Motion down (negative: up).
        dy: i32,
        /// Button mask.
        buttons: u8,
    },
    /// Local clipboard text.
    CutText(String),
    /// A FramebufferUpdateRequest.
    RequestUpdate {
        /// The area.
        rect: Option<Rect>,
        /// Incremental or full.
        incremental: bool,
    },
    /// New encodings.
    SetEncodings(Vec<Encoding>),
    /// Lossy compression on or off ([`Session::set_jpeg`]).
    SetJpeg(Option<crate::Jpeg>),
    /// A new pixel format.
    SetPixelFormat(PixelFormatRequest),
    /// A credential.
    SetCredential(Credential, String),
    /// Pause or resume automatic updates.
    SetUpdatesPaused(bool),
    /// Shut down, reboot or reset the server's machine ([`Session::power_control`]): sent
    /// only once the server has offered power control, dropped with a warning before.
    PowerControl(PowerAction),
    /// Start the guest's sound in this format ([`Session::enable_audio`]): at once if the
    /// server has acknowledged QEMU audio, else when it does.
    EnableAudio(AudioSpec),
    /// Stop the guest's sound ([`Session::disable_audio`]).
    DisableAudio,
    /// A copy of the framebuffer.
    Snapshot(oneshot::Sender<Framebuffer>),
    /// Flush and end the loop.
    Close,
}

impl Command {
    pub(super) fn apply(self, s: &mut Session) {
        match self {
            Command::Key { keysym, down } => s.key_event(keysym, down),
            Command::KeyWithScancode {
                keysym,
                scancode,
                down,
            } => s.key_event_with_scancode(keysym, scancode, down),
            Command::Pointer { x, y, buttons } => s.pointer_event(x, y, buttons),
            Command::PointerMotion { dx, dy, buttons } => s.pointer_motion(dx, dy, buttons),
            Command::CutText(t) => {
                s.client_cut_text(&t);
            }
            Command::RequestUpdate {
                rect: Some(r),
                incremental,
            } => s.request_update_region(r, incremental),
            Command::RequestUpdate {
                rect: None,
                incremental,
            } => s.request_update(incremental),
            Command::SetEncodings(e) => s.set_encodings(&e),
            Command::SetJpeg(j) => s.set_jpeg(j),
            Command::SetPixelFormat(p) => s.set_pixel_format(p),
            Command::SetCredential(k, v) => s.set_credential(k, &v),
            Command::SetUpdatesPaused(p) => s.set_updates_paused(p),
            Command::PowerControl(a) => {
                s.power_control(a);
            }
            Command::EnableAudio(spec) => {
                s.enable_audio(spec);
            }
            Command::DisableAudio => s.disable_audio(),
            Command::Snapshot(tx) => {
                let _ = tx.send(s.framebuffer().clone());
            }
            Command::Close => {}
        }
    }
}

/// Sends [`Command`]s to a spawned connection. Cloneable; the loop ends when all are dropped.
#[derive(Clone, Debug)]
pub struct Handle {
    pub(super) commands: mpsc::UnboundedSender<Command>,
}

impl Handle {
    /// Sends a command; false if the connection has ended.
    pub fn send(&self, cmd: Command) -> bool {
        self.commands.send(cmd).is_ok()
    }

    /// A copy of the current framebuffer, or `None` if the connection has ended.
    pub async fn snapshot(&self) -> Option<Framebuffer> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Snapshot(tx));
        rx.await.ok()
    }
}
