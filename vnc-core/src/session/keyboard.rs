//! Keys: plain KeyEvents by keysym, and QEMU Extended Key Events that add the key's scancode
//! once the server has acknowledged them; the server's lock-key state (QEMU LED State).

use std::collections::VecDeque;

use crate::config::Config;
use crate::encoding::Encoding;
use crate::encoding::led_state::LockState;
use crate::event::Event;
use crate::messages::client;

use super::Session;

/// What the session knows about the server's keyboard.
#[derive(Default)]
pub(crate) struct Keyboard {
    /// The server acknowledged QEMU Extended Key Events, and they are still announced.
    pub(crate) scancodes: bool,
    /// The last lock-key state the server sent.
    pub(crate) leds: Option<LockState>,
}

impl Keyboard {
    /// The server acknowledged the QEMU Extended Key Event pseudo-encoding. Taken only while
    /// it is announced: a server that sends it unasked is not believed.
    pub(crate) fn acknowledged(&mut self, config: &Config, events: &mut VecDeque<Event>) {
        if self.scancodes || !config.encodings.contains(&Encoding::QemuExtendedKeyEvent) {
            return;
        }
        tracing::debug!("the server takes QEMU extended key events");
        self.scancodes = true;
        events.push_back(Event::ScancodesAvailable);
    }

    /// The application announces `encodings` from now on.
    pub(crate) fn encodings_changed(&mut self, encodings: &[Encoding]) {
        if !encodings.contains(&Encoding::QemuExtendedKeyEvent) {
            self.scancodes = false;
        }
    }
}

impl Session {
    /// Sends a key press or release (`keysym` as in X11 keysymdef.h). Ignored before
    /// initialisation.
    pub fn key_event(&mut self, keysym: u32, down: bool) {
        if self.is_initialized() {
            client::key_event(&mut self.cx.io.out, down, keysym);
        }
        self.pump_or_close();
    }

    /// Sends a key press or release by its position on the keyboard and its keysym. Once the
    /// server has acknowledged the QEMU Extended Key Event pseudo-encoding
    /// ([`scancodes_available`](Self::scancodes_available)), this is a QEMU Extended Key Event
    /// with both, and the server's own keymap (a virtual machine's guest layout) decides what
    /// the key means; before that, or with `scancode` 0 (unknown), it is a plain KeyEvent with
    /// `keysym`, as [`key_event`](Self::key_event) sends. So callers can always use it.
    ///
    /// `scancode` is in QEMU's "qnum" numbering: the XT (PC scancode set 1) make code, with
    /// keys whose code has an 0xE0 prefix as 0x80 | code (Right arrow, 0xE0 0x4D, is 0xCD;
    /// Pause is 0xC6 and Print Screen 0x54, as rfbproto asks). `keysym` may be 0 when no
    /// keysym is known; then nothing is sent on the plain path. Ignored before
    /// initialisation.
    ///
    /// ```
    /// # use vnc_core::{Config, Session};
    /// # let mut session = Session::new(Config::default(), std::time::Instant::now());
    /// // 'a' on a PC keyboard: scancode 0x1E, keysym XK_a.
    /// session.key_event_with_scancode(0x61, 0x1e, true);
    /// session.key_event_with_scancode(0x61, 0x1e, false);
    /// ```
    pub fn key_event_with_scancode(&mut self, keysym: u32, scancode: u32, down: bool) {
        if self.is_initialized() {
            let out = &mut self.cx.io.out;
            if self.cx.keyboard.scancodes && scancode != 0 {
                client::qemu_extended_key_event(out, down, keysym, scancode);
            } else if keysym != 0 {
                client::key_event(out, down, keysym);
            }
        }
        self.pump_or_close();
    }

    /// True once the server has acknowledged the QEMU Extended Key Event pseudo-encoding (see
    /// [`Event::ScancodesAvailable`]), while [`Encoding::QemuExtendedKeyEvent`] stays
    /// announced: [`key_event_with_scancode`](Self::key_event_with_scancode) then sends
    /// scancodes. Announcing encodings without it turns this off (without an event: the
    /// application did it).
    pub fn scancodes_available(&self) -> bool {
        self.cx.keyboard.scancodes
    }

    /// The server's lock-key state as last sent (QEMU LED State, see [`Event::LedState`]);
    /// `None` until the server has sent one.
    pub fn led_state(&self) -> Option<LockState> {
        self.cx.keyboard.leds
    }
}
