//! Local input to the server: keyboard, pointer buttons and motion, scrolling, the keys held
//! (released on focus loss) and the keyboard and pointer grab with its key sequence.

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, graphene};

use super::imp::VncDisplay;
use crate::keymap::{KeycodeSource, qnum_from_keycode};

impl VncDisplay {
    /// Installs the key, focus, motion, click and scroll controllers.
    pub(super) fn add_input_controllers(&self) {
        let obj = self.obj();
        let keys = gtk::EventControllerKey::new();
        keys.connect_key_pressed(clone!(
            #[weak(rename_to = this)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, key, code, _| this.on_key(key, code, true)
        ));
        keys.connect_key_released(clone!(
            #[weak(rename_to = this)]
            self,
            move |_, key, code, _| {
                this.on_key(key, code, false);
            }
        ));
        obj.add_controller(keys);

        let focus = gtk::EventControllerFocus::new();
        focus.connect_enter(clone!(
            #[weak(rename_to = this)]
            self,
            move |_| this.focus_entered()
        ));
        focus.connect_leave(clone!(
            #[weak(rename_to = this)]
            self,
            move |_| this.release_all_keys()
        ));
        obj.add_controller(focus);

        let motion = gtk::EventControllerMotion::new();
        motion.connect_motion(clone!(
            #[weak(rename_to = this)]
            self,
            move |_, x, y| this.on_pointer(x, y, None)
        ));
        obj.add_controller(motion);

        let click = gtk::GestureClick::new();
        click.set_button(0);
        click.connect_pressed(clone!(
            #[weak(rename_to = this)]
            self,
            move |g, _, x, y| {
                this.obj().grab_focus();
                this.on_pointer(x, y, Some((g.current_button(), true)));
            }
        ));
        click.connect_released(clone!(
            #[weak(rename_to = this)]
            self,
            move |g, _, x, y| this.on_pointer(x, y, Some((g.current_button(), false)))
        ));
        obj.add_controller(click);

        let scroll = gtk::EventControllerScroll::new(gtk::EventControllerScrollFlags::BOTH_AXES);
        scroll.connect_scroll(clone!(
            #[weak(rename_to = this)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, dx, dy| {
                this.on_scroll(dx, dy);
                glib::Propagation::Stop
            }
        ));
        obj.add_controller(scroll);
    }

    pub(super) fn set_grab_keys(&self, keys: String) {
        match keys.parse::<crate::GrabSequence>() {
            Ok(seq) => self.set_grab_sequence(seq),
            Err(why) => tracing::warn!(keys, %why, "grab-keys: keeping the old sequence"),
        }
    }

    pub(super) fn grab_keys_string(&self) -> String {
        self.grab_sequence.borrow().0.to_string()
    }

    pub(super) fn set_grab_sequence(&self, seq: crate::GrabSequence) {
        if self.grab_sequence.borrow().0 == seq {
            return;
        }
        let syms = seq.keysyms();
        self.grab_sequence.replace((seq, syms));
        self.obj().notify_grab_keys();
    }

    pub(super) fn set_grab_keyboard(&self, v: bool) {
        if self.grab_keyboard.replace(v) == v {
            return;
        }
        let obj = self.obj();
        if let Some(toplevel) = obj
            .native()
            .and_then(|n| n.surface())
            .and_then(|s| s.downcast::<gdk::Toplevel>().ok())
        {
            if v {
                toplevel.inhibit_system_shortcuts(None::<&gdk::Event>);
            } else {
                toplevel.restore_system_shortcuts();
            }
        }
        obj.emit_by_name::<()>(
            if v {
                "vnc-keyboard-grab"
            } else {
                "vnc-keyboard-ungrab"
            },
            &[],
        );
    }

    pub(super) fn set_grab_pointer(&self, v: bool) {
        if self.grab_pointer.replace(v) == v {
            return;
        }
        self.show_cursor();
        self.pointer_grab_changed(v);
        self.obj().emit_by_name::<()>(
            if v {
                "vnc-pointer-grab"
            } else {
                "vnc-pointer-ungrab"
            },
            &[],
        );
    }

    pub(super) fn set_grab(&self, v: bool) {
        self.obj().set_grab_keyboard(v);
        self.obj().set_grab_pointer(v);
    }

    fn on_key(&self, key: gdk::Key, code: u32, down: bool) -> glib::Propagation {
        let Some(sym) = crate::keys::keysym(key) else {
            return glib::Propagation::Proceed;
        };
        // The grab sequence (grab-keys, Control_L+Alt_L by default) toggles the grab when its
        // last key goes down.
        if down {
            let held: Vec<u32> = self.pressed.borrow().values().copied().collect();
            let seq = self.grab_sequence.borrow().1.clone();
            if seq.contains(&sym) && seq.iter().all(|k| *k == sym || held.contains(k)) {
                self.set_grab(!self.grab_keyboard.get());
            }
        }
        if self.read_only.get() {
            return glib::Propagation::Stop;
        }
        if down {
            self.pressed.borrow_mut().insert(code, sym);
            self.hardware_key_event(sym, code, true);
        } else {
            // Release what the server saw pressed for this key, even if the keyval changed
            // (a modifier was released in between).
            let sym = self.pressed.borrow_mut().remove(&code).unwrap_or(sym);
            self.hardware_key_event(sym, code, false);
        }
        glib::Propagation::Stop
    }

    /// A key by keysym and scancode (0: unknown), see `Session::key_event_with_scancode`.
    pub(super) fn scancode_key_event(&self, sym: u32, scancode: u32, down: bool) {
        if self.read_only.get() {
            return;
        }
        self.with_session(|s| s.key_event_with_scancode(sym, scancode, down));
    }

    /// A key by its keysym and GDK hardware keycode: to a server that takes QEMU extended key
    /// events, with the key's position as a scancode (the guest's layout then decides what it
    /// types), else as the keysym alone.
    fn hardware_key_event(&self, sym: u32, code: u32, down: bool) {
        if self.read_only.get() {
            return;
        }
        let scancode = KeycodeSource::for_display(&self.obj().display())
            .and_then(|source| qnum_from_keycode(code, source))
            .map_or(0, u32::from);
        self.with_session(|s| s.key_event_with_scancode(sym, scancode, down));
    }

    fn release_all_keys(&self) {
        let held: Vec<(u32, u32)> = self.pressed.borrow_mut().drain().collect();
        for (code, sym) in held {
            self.hardware_key_event(sym, code, false);
        }
    }

    pub(super) fn release_all_keys_local(&self) {
        self.pressed.borrow_mut().clear();
        self.buttons.set(0);
    }

    fn on_pointer(&self, x: f64, y: f64, button: Option<(u32, bool)>) {
        if self.read_only.get() {
            return;
        }
        if let Some((b, down)) = button {
            // GDK buttons 1-3 are left, middle, right: RFB bits 0-2.
            let bit = match b {
                1..=3 => 1u8 << (b - 1),
                8 => 1 << 7,
                _ => 0,
            };
            let m = self.buttons.get();
            self.buttons.set(if down { m | bit } else { m & !bit });
        }
        if self.relative_pointer(x, y, matches!(button, Some((_, true)))) {
            return;
        }
        if let Some((fx, fy)) = self.to_framebuffer(x, y) {
            let mask = self.buttons.get();
            self.pointer_event(fx, fy, mask);
        }
    }

    pub(super) fn pointer_event(&self, x: u16, y: u16, mask: u8) {
        if self.read_only.get() {
            return;
        }
        self.with_session(|s| s.pointer_event(x, y, mask));
    }

    /// Turns scrolling (smooth or in steps) into clicks of buttons 4/5 (vertical) and 6/7
    /// (horizontal), one per whole step.
    fn on_scroll(&self, dx: f64, dy: f64) {
        if self.read_only.get() {
            return;
        }
        let (mut ax, mut ay) = self.scroll.get();
        ax += dx;
        ay += dy;
        let mut clicks = Vec::new();
        while ay <= -1.0 {
            clicks.push(1u8 << 3);
            ay += 1.0;
        }
        while ay >= 1.0 {
            clicks.push(1 << 4);
            ay -= 1.0;
        }
        while ax <= -1.0 {
            clicks.push(1 << 5);
            ax += 1.0;
        }
        while ax >= 1.0 {
            clicks.push(1 << 6);
            ax -= 1.0;
        }
        self.scroll.set((ax, ay));
        let base = self.buttons.get();
        if self.is_relative() {
            if self.grab_pointer.get() {
                for bit in clicks {
                    self.relative_buttons(base | bit);
                    self.relative_buttons(base);
                }
            }
            return;
        }
        let Some(pos) = self.last_pointer() else {
            return;
        };
        for bit in clicks {
            self.pointer_event(pos.0, pos.1, base | bit);
            self.pointer_event(pos.0, pos.1, base);
        }
    }

    fn last_pointer(&self) -> Option<(u16, u16)> {
        let obj = self.obj();
        let surface = obj.native()?.surface()?;
        let seat = obj.display().default_seat()?;
        let pointer = seat.pointer()?;
        let (sx, sy, _) = surface.device_position(&pointer)?;
        let (nx, ny) = obj.native()?.surface_transform();
        let p = obj.compute_point(&obj.native()?, &graphene::Point::new(0.0, 0.0))?;
        self.to_framebuffer(sx - nx - f64::from(p.x()), sy - ny - f64::from(p.y()))
    }
}
