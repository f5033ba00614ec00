//! Engine events to widget state and signals: the tiles, size and name notifications,
//! credentials, certificates, the bell, the server's clipboard and audio. Called with no borrow of
//! the session held, so a signal handler may call back into the widget.

use gtk::prelude::*;
use gtk::subclass::prelude::*;

use vnc_core::Event;

use super::imp::VncDisplay;
use crate::render::Tiles;

impl VncDisplay {
    pub(super) fn handle_events(&self, events: Vec<Event>) {
        let obj = self.obj();
        let mut redraw = false;
        let mut roots_wanted = false;
        let mut sync_locks = false;
        for ev in events {
            match ev {
                Event::Initialized { width, height, .. } => {
                    self.session_initialized();
                    self.tiles.replace(Some(Tiles::new(width, height)));
                    obj.queue_resize();
                    obj.notify("width");
                    obj.notify("height");
                    obj.notify("name");
                    obj.emit_by_name::<()>("vnc-initialized", &[]);
                }
                Event::FramebufferUpdated(r) => {
                    if let Some(t) = self.tiles.borrow_mut().as_mut() {
                        t.damage(r);
                    }
                    self.update_damage.set(self.update_damage.get().union(&r));
                    redraw = true;
                }
                Event::FramebufferUpdateEnd => {
                    let r = self.update_damage.take();
                    if r.area() > 0 {
                        obj.emit_by_name::<()>(
                            "vnc-framebuffer-update",
                            &[
                                &i32::from(r.x),
                                &i32::from(r.y),
                                &i32::from(r.width),
                                &i32::from(r.height),
                            ],
                        );
                    }
                }
                Event::DesktopResized { width, height } => {
                    self.tiles.replace(Some(Tiles::new(width, height)));
                    obj.queue_resize();
                    obj.notify("width");
                    obj.notify("height");
                    obj.emit_by_name::<()>(
                        "vnc-desktop-resize",
                        &[&i32::from(width), &i32::from(height)],
                    );
                }
                Event::DesktopRenamed(name) => {
                    obj.notify("name");
                    obj.emit_by_name::<()>("vnc-desktop-rename", &[&name]);
                }
                Event::CredentialsRequired(needs) => {
                    let wanted = super::CredentialFlags::from(needs);
                    obj.emit_by_name::<()>("vnc-auth-credential", &[&wanted]);
                }
                Event::CertificateUnverified {
                    certificate,
                    problem,
                } => {
                    obj.emit_by_name::<()>(
                        "vnc-certificate-verification",
                        &[
                            &crate::Certificate::new(&certificate),
                            &crate::CertificateProblem::from(&problem),
                            &problem.to_string(),
                        ],
                    );
                }
                // The widget's own question (see `config`): answered below, not signalled.
                Event::RootCertificatesRequired => roots_wanted = true,
                Event::CursorChanged(c) => self.set_remote_cursor(&c),
                Event::Bell => obj.emit_by_name::<()>("vnc-bell", &[]),
                Event::PowerControlReady { .. } => {
                    obj.emit_by_name::<()>("vnc-power-control-initialized", &[]);
                }
                Event::PowerControlFailed => {
                    obj.emit_by_name::<()>("vnc-power-control-failed", &[]);
                }
                Event::ServerCutText(text) => {
                    self.server_cut_text(&text);
                    obj.emit_by_name::<()>("vnc-server-cut-text", &[&text]);
                }
                Event::LedState(state) => {
                    self.lock_state_arrived(self.leds_seen.replace(Some(state)), state);
                    sync_locks = true;
                }
                Event::PointerMode { absolute } => self.pointer_mode_changed(absolute),
                #[cfg(feature = "audio")]
                Event::AudioBegin => self.audio_begin(),
                #[cfg(feature = "audio")]
                Event::AudioData(data) => self.audio_data(&data),
                Event::Closed => {}
                _ => {}
            }
        }
        if redraw {
            // GTK draws at most once per frame clock tick, however many updates came.
            obj.queue_draw();
        }
        if sync_locks {
            self.sync_lock_keys();
        }
        if roots_wanted {
            // Last: the session waits for the answer, so no event can follow this one.
            self.give_system_roots();
        }
    }
}
