//! The `audio` property: QEMU's audio stream (-259) asked for while the property is on and
//! the server offers it, and played through [`crate::audio::Player`] when vnc-gtk is built
//! with the `audio` feature. Without the feature the widget never asks for audio.

use vnc_core::{AudioFormat, AudioSpec, Session};

use super::imp::VncDisplay;

/// What the widget asks the server for: CD-quality stereo, which every sound server plays
/// without converting and QEMU's mixer produces natively.
pub(super) const PLAY_SPEC: AudioSpec = AudioSpec {
    format: AudioFormat::S16,
    channels: 2,
    frequency: 44_100,
};

impl VncDisplay {
    pub(super) fn set_audio(&self, on: bool) {
        if self.audio.replace(on) != on {
            self.apply_audio();
        }
    }

    /// Asks the session for audio, or stops it, as the property says; stops playing at once
    /// when off. The engine sends the request as soon as the server takes it.
    pub(super) fn apply_audio(&self) {
        let want = self.wants_audio();
        if !want {
            self.stop_audio();
        }
        if self.session.borrow().is_none() {
            return;
        }
        self.with_session(|s| {
            if want {
                s.enable_audio(PLAY_SPEC);
            } else {
                s.disable_audio();
            }
        });
    }

    /// A new session asks for audio from the start if the property is on.
    pub(super) fn audio_for_new(&self, session: &mut Session) {
        self.stop_audio();
        if self.wants_audio() {
            session.enable_audio(PLAY_SPEC);
        }
    }

    fn wants_audio(&self) -> bool {
        self.audio.get() && cfg!(feature = "audio")
    }

    /// Audio Begin, or Data without it (QEMU sends Begin only when the guest's sound device
    /// starts): a player for the stream, if none is playing already. It stays after End
    /// (the guest pausing its sound), so what it holds plays out.
    #[cfg(feature = "audio")]
    pub(super) fn audio_begin(&self) {
        if !self.wants_audio() || self.player.borrow().is_some() || self.player_failed.get() {
            return;
        }
        let name =
            gtk::glib::application_name().map_or_else(|| "VNC".to_owned(), |n| n.to_string());
        match crate::audio::Player::new(PLAY_SPEC, &name) {
            Ok(p) => {
                self.player.replace(Some(p));
            }
            Err(e) => {
                tracing::warn!("audio: {e}");
                self.player_failed.set(true);
            }
        }
    }

    /// Audio Data: to the player.
    #[cfg(feature = "audio")]
    pub(super) fn audio_data(&self, data: &[u8]) {
        self.audio_begin();
        if let Some(p) = self.player.borrow().as_ref() {
            p.push(data);
        }
    }

    /// Stops playing at once (the property turned off, the connection ended); the next
    /// stream tries a player again.
    pub(super) fn stop_audio(&self) {
        #[cfg(feature = "audio")]
        {
            self.player.replace(None);
            self.player_failed.set(false);
        }
    }
}
