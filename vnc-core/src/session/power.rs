//! Power control (rfbproto xvp extension, pseudo-encoding -309, message type 250): the client
//! asks the server to shut down, reboot or reset the machine it shows, once the server has
//! said it is ready.
//!
//! What the server sends is always three bytes after the type, so nothing it puts in them can
//! throw the stream out of step; the meaning is decided here. XVP_INIT makes requests
//! available ([`Event::PowerControlReady`]), XVP_FAIL gives [`Event::PowerControlFailed`].
//! Other codes (rfbproto defines 2 to 4 for the client only), XVP_INIT naming version 0 (no
//! version at all), and any xvp message while [`Encoding::Xvp`] is not announced are ignored
//! with a warning rather than ending the session: they cannot make the client do anything, and
//! rfbproto says nothing that makes them fatal.

use std::collections::VecDeque;

use crate::config::Config;
use crate::encoding::Encoding;
use crate::event::Event;
use crate::messages::client;
use crate::messages::server::Xvp;
use crate::messages::server::xvp::{XVP_FAIL, XVP_INIT};

use super::Session;

/// The xvp extension version this client speaks; every server that supports xvp supports it.
const XVP_VERSION: u8 = 1;

/// What the client can ask a server with power control to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PowerAction {
    /// Shut the machine down cleanly (XVP_SHUTDOWN, 2).
    Shutdown,
    /// Reboot it cleanly (XVP_REBOOT, 3).
    Reboot,
    /// Reset it at once, like its reset button (XVP_RESET, 4).
    Reset,
}

impl PowerAction {
    /// The xvp message code.
    pub fn code(self) -> u8 {
        match self {
            PowerAction::Shutdown => 2,
            PowerAction::Reboot => 3,
            PowerAction::Reset => 4,
        }
    }
}

/// What the session knows about the server's power control.
#[derive(Default)]
pub(crate) struct Power {
    /// The server sent XVP_INIT, and xvp is still announced.
    pub(crate) available: bool,
}

impl Power {
    /// An xvp message from the server.
    pub(crate) fn message(&mut self, config: &Config, events: &mut VecDeque<Event>, m: Xvp) {
        if !config.encodings.contains(&Encoding::Xvp) {
            tracing::warn!(
                code = m.code,
                "xvp message while xvp is not announced; ignored"
            );
            return;
        }
        match m.code {
            XVP_INIT if m.version >= XVP_VERSION => {
                tracing::debug!(
                    version = m.version,
                    "the server takes power-control requests"
                );
                self.available = true;
                events.push_back(Event::PowerControlReady { version: m.version });
            }
            XVP_FAIL => events.push_back(Event::PowerControlFailed),
            code => tracing::warn!(code, version = m.version, "unknown xvp message; ignored"),
        }
    }

    /// The application announces `encodings` from now on.
    pub(crate) fn encodings_changed(&mut self, encodings: &[Encoding]) {
        if !encodings.contains(&Encoding::Xvp) {
            self.available = false;
        }
    }
}

impl Session {
    /// Asks the server to shut down, reboot or reset the machine (an xvp message, version 1).
    /// Sent only once the server has said it takes such requests
    /// ([`power_control_available`](Self::power_control_available), after
    /// [`Event::PowerControlReady`]); before that nothing is sent and this returns false.
    /// True means the request was sent, not that it worked: a server that cannot do it sends
    /// [`Event::PowerControlFailed`], one that can simply does it (the connection usually ends).
    ///
    /// ```
    /// # use vnc_core::{Config, PowerAction, Session};
    /// # let mut session = Session::new(Config::default(), std::time::Instant::now());
    /// // Not connected yet, so the server has not offered power control.
    /// assert!(!session.power_control(PowerAction::Reboot));
    /// ```
    pub fn power_control(&mut self, action: PowerAction) -> bool {
        let sent = self.is_initialized() && self.cx.power.available;
        if sent {
            client::xvp(&mut self.cx.io.out, XVP_VERSION, action.code());
        } else {
            tracing::warn!(
                ?action,
                "the server has not offered power control; not sent"
            );
        }
        self.pump_or_close();
        sent
    }

    /// True once the server has said it takes power-control requests (see
    /// [`Event::PowerControlReady`]), while [`Encoding::Xvp`] stays announced. Announcing
    /// encodings without it turns this off (without an event: the application did it).
    pub fn power_control_available(&self) -> bool {
        self.cx.power.available
    }
}
