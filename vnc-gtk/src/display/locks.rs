//! The guest's lock keys (QEMU LED State): the read-only `caps-lock`, `num-lock` and
//! `scroll-lock` properties, and keeping the guest's Caps Lock and Num Lock in step with the
//! local keyboard's, as gtk-vnc does. When the widget has keyboard focus and the server's
//! state differs from the local one, the widget taps that lock key (press and release, by
//! scancode where the server takes them) so that the guest follows the local keyboard. It
//! checks when it gains focus and when the server sends a new state while focused. Scroll
//! Lock is only reported: GDK does not tell its local state.

use gtk::prelude::*;
use gtk::subclass::prelude::*;

use vnc_core::LockState;

use super::imp::VncDisplay;

/// Caps Lock: keysym XK_Caps_Lock, QEMU qnum (XT make code) 0x3A.
const CAPS_LOCK: (u32, u32) = (0xffe5, 0x3a);
/// Num Lock: keysym XK_Num_Lock, qnum 0x45.
const NUM_LOCK: (u32, u32) = (0xff7f, 0x45);

impl VncDisplay {
    /// The server's lock-key state as last sent (all off until one came).
    pub(super) fn lock_state(&self) -> LockState {
        self.session
            .borrow()
            .as_ref()
            .and_then(|s| s.led_state())
            .unwrap_or_default()
    }

    pub(super) fn caps_lock_on(&self) -> bool {
        self.lock_state().caps_lock
    }

    pub(super) fn num_lock_on(&self) -> bool {
        self.lock_state().num_lock
    }

    pub(super) fn scroll_lock_on(&self) -> bool {
        self.lock_state().scroll_lock
    }

    /// The server sent `state`: notifies the properties that changed, and forgets a tap
    /// under way for a key whose state changed (the guest has answered it).
    pub(super) fn lock_state_arrived(&self, old: Option<LockState>, state: LockState) {
        let old = old.unwrap_or_default();
        let obj = self.obj();
        if old.caps_lock != state.caps_lock {
            self.lock_taps.set((false, self.lock_taps.get().1));
            obj.notify_caps_lock();
        }
        if old.num_lock != state.num_lock {
            self.lock_taps.set((self.lock_taps.get().0, false));
            obj.notify_num_lock();
        }
        if old.scroll_lock != state.scroll_lock {
            obj.notify_scroll_lock();
        }
    }

    /// Focus came: a tap that the guest never answered may be tried again. (GTK sets
    /// `has-focus` only after the focus controllers' enter handlers have run, so this one
    /// cannot ask it.)
    pub(super) fn focus_entered(&self) {
        self.lock_taps.set((false, false));
        self.tap_differing_locks();
    }

    /// The server's state changed: taps where it differs from the local keyboard's, if the
    /// widget has the focus.
    pub(super) fn sync_lock_keys(&self) {
        if self.obj().has_focus() {
            self.tap_differing_locks();
        }
    }

    /// Taps Caps Lock and Num Lock where the server's state (once it has sent one) differs
    /// from the local keyboard's, if the widget may send input. At most one tap per key until
    /// the server's state for it changes (or focus comes again), so a state sent before the
    /// guest saw the tap does not make the widget tap again.
    fn tap_differing_locks(&self) {
        let obj = self.obj();
        if self.read_only.get() {
            return;
        }
        let Some(remote) = self.session.borrow().as_ref().and_then(|s| s.led_state()) else {
            return;
        };
        let Some(keyboard) = obj.display().default_seat().and_then(|s| s.keyboard()) else {
            return;
        };
        let (caps_tapped, num_tapped) = self.lock_taps.get();
        let caps = !caps_tapped && keyboard.is_caps_locked() != remote.caps_lock;
        let num = !num_tapped && keyboard.is_num_locked() != remote.num_lock;
        self.lock_taps.set((caps_tapped || caps, num_tapped || num));
        for (key, differs) in [(CAPS_LOCK, caps), (NUM_LOCK, num)] {
            if differs {
                tracing::debug!(keysym = key.0, "making the server's lock key follow ours");
                self.with_session(|s| {
                    s.key_event_with_scancode(key.0, key.1, true);
                    s.key_event_with_scancode(key.0, key.1, false);
                });
            }
        }
    }
}
