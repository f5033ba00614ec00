//! QEMU audio (rfbproto pseudo-encoding -259, messages 255/1): once the server acknowledges
//! the pseudo-encoding, the client sends SetFormat and Enable, and the server sends the
//! guest's sound as Begin, Data and End messages until the client sends Disable.
//!
//! QEMU's behaviour decides what is lenient here (QEMU 7.2, observed in
//! `tests/tests/qemu_audio.rs`). It says Begin when it starts a capture while the guest
//! plays, or when the guest starts; a client that joins a running capture of the same format
//! gets Data without any Begin, so Data before Begin is taken. When another client starts a
//! capture, QEMU tells the running ones End then Begin, and their Data goes on. It answers
//! Disable with nothing, not even End, and Data already on the way still arrives; Data, Begin
//! or End while audio is not enabled are therefore dropped (logged), not errors. A new format
//! only applies to a new capture (Disable, SetFormat, Enable), and nothing in the stream marks
//! where the old format's data ends, so a second Enable in a connection is preceded by a
//! SetEncodings that QEMU answers with another acknowledgement, in order: Data before that
//! acknowledgement is dropped. QEMU closes the connection on an audio message it has not
//! acknowledged -259 for, so nothing is sent before [`Event::AudioAvailable`], and Disable
//! goes out before a SetEncodings that drops -259.

use std::collections::VecDeque;

use crate::config::Config;
use crate::encoding::Encoding;
use crate::encoding::qemu_audio::AudioSpec;
use crate::event::Event;
use crate::messages::client::{self, AUDIO_DISABLE, AUDIO_ENABLE};
use crate::messages::server::QemuAudio;

use super::Session;

/// What the session knows about the audio stream.
#[derive(Default)]
pub(crate) struct Audio {
    /// The server acknowledged -259, and it is still announced.
    available: bool,
    /// The format the application asked for; `None` when it wants no sound.
    wanted: Option<AudioSpec>,
    /// The format of the capture the server runs for us (Enable sent, Disable not).
    enabled: Option<AudioSpec>,
    /// An Enable went out earlier in this connection, so old data may still be on the way.
    enabled_before: bool,
    /// SetEncodings holding -259 sent and not yet acknowledged.
    acks_due: u32,
    /// Data is dropped until `acks_due` falls to zero (a format change's fence).
    fenced: bool,
    /// Between the first Begin or Data and End (or Disable).
    playing: bool,
}

impl Audio {
    /// A SetEncodings holding -259 went out; QEMU acknowledges each one.
    pub(crate) fn acknowledgement_due(&mut self) {
        self.acks_due = self.acks_due.saturating_add(1);
    }

    /// The server acknowledged the QEMU Audio pseudo-encoding. Believed only while it is
    /// announced. Starts the stream the application asked for, if any.
    pub(crate) fn acknowledged(
        &mut self,
        config: &Config,
        events: &mut VecDeque<Event>,
        out: &mut Vec<u8>,
    ) {
        self.acks_due = self.acks_due.saturating_sub(1);
        if self.acks_due == 0 {
            self.fenced = false;
        }
        if !config.encodings.contains(&Encoding::QemuAudio) {
            tracing::debug!("QEMU audio acknowledged while not announced; ignored");
            return;
        }
        if !self.available {
            tracing::debug!("the server takes QEMU audio messages");
            self.available = true;
            events.push_back(Event::AudioAvailable);
        }
        if let (Some(spec), None) = (self.wanted, self.enabled) {
            self.send_enable(spec, out);
        }
    }

    /// SetFormat and Enable.
    fn send_enable(&mut self, spec: AudioSpec, out: &mut Vec<u8>) {
        tracing::debug!(?spec, "enabling QEMU audio");
        client::qemu_audio_set_format(out, &spec);
        client::qemu_audio(out, AUDIO_ENABLE);
        self.enabled = Some(spec);
        self.enabled_before = true;
    }

    /// Disable, if the server captures for us; the stream ends here for the application.
    fn send_disable(&mut self, events: &mut VecDeque<Event>, out: &mut Vec<u8>) {
        if self.enabled.take().is_some() {
            tracing::debug!("disabling QEMU audio");
            client::qemu_audio(out, AUDIO_DISABLE);
            if std::mem::take(&mut self.playing) {
                events.push_back(Event::AudioEnd);
            }
        }
    }

    /// A QEMU audio message from the server.
    pub(crate) fn message(&mut self, events: &mut VecDeque<Event>, m: QemuAudio) {
        if self.enabled.is_none() || self.fenced {
            let what = match m {
                QemuAudio::End => "End",
                QemuAudio::Begin => "Begin",
                QemuAudio::Data(_) => "Data",
            };
            if self.enabled_before {
                tracing::trace!(
                    what,
                    "QEMU audio from before a Disable or a new format; dropped"
                );
            } else {
                tracing::warn!(what, "QEMU audio while audio was never enabled; dropped");
            }
            return;
        }
        match m {
            QemuAudio::Begin => {
                self.playing = true;
                events.push_back(Event::AudioBegin);
            }
            QemuAudio::End => {
                self.playing = false;
                events.push_back(Event::AudioEnd);
            }
            QemuAudio::Data(samples) => {
                self.playing = true;
                events.push_back(Event::AudioData(samples.to_vec()));
            }
        }
    }

    /// The application announces `encodings` from now on (before they are sent): without
    /// -259, QEMU would close the connection on a later Disable, so it goes out now.
    pub(crate) fn encodings_changed(
        &mut self,
        encodings: &[Encoding],
        events: &mut VecDeque<Event>,
        out: &mut Vec<u8>,
    ) {
        if !encodings.contains(&Encoding::QemuAudio) {
            self.send_disable(events, out);
            self.available = false;
        }
    }
}

impl Session {
    /// Asks for the machine's sound in `spec`'s format (QEMU audio SetFormat, then Enable).
    /// Sent at once when the server has acknowledged QEMU audio
    /// ([`audio_available`](Self::audio_available)), otherwise as soon as it does; the
    /// samples then arrive as [`Event::AudioData`]. Calling it again with another format
    /// restarts the stream in that one (data still in the old format is dropped); with the
    /// same format it does nothing.
    ///
    /// False, and nothing changes, when the server cannot be asked for `spec`
    /// ([`AudioSpec::is_supported`]: 1 or 2 channels, at most 48 kHz).
    ///
    /// ```
    /// # use vnc_core::{AudioFormat, AudioSpec, Config, Session};
    /// # let mut session = Session::new(Config::default(), std::time::Instant::now());
    /// let spec = AudioSpec { format: AudioFormat::S16, channels: 2, frequency: 44100 };
    /// // Not connected yet: remembered, and sent once the server acknowledges QEMU audio.
    /// assert!(session.enable_audio(spec));
    /// assert_eq!(session.audio_spec(), Some(spec));
    /// assert!(!session.audio_available());
    /// ```
    pub fn enable_audio(&mut self, spec: AudioSpec) -> bool {
        if !spec.is_supported() {
            tracing::warn!(?spec, "QEMU audio cannot carry this format; not asked for");
            return false;
        }
        let initialized = self.is_initialized();
        let audio = &mut self.cx.audio;
        audio.wanted = Some(spec);
        if initialized && audio.available && audio.enabled != Some(spec) {
            let fence = audio.enabled_before;
            audio.send_disable(&mut self.cx.events, &mut self.cx.io.out);
            if fence {
                // QEMU acknowledges -259 again after this, in order: what comes before the
                // acknowledgement is the old capture's.
                self.cx.send_encodings();
                self.cx.audio.fenced = true;
            }
            self.cx.audio.send_enable(spec, &mut self.cx.io.out);
        }
        self.pump_or_close();
        true
    }

    /// Stops the machine's sound (QEMU audio Disable, if it was enabled). QEMU does not
    /// answer; if the stream was playing, [`Event::AudioEnd`] comes at once, and no
    /// [`Event::AudioData`] after it.
    pub fn disable_audio(&mut self) {
        self.cx.audio.wanted = None;
        self.cx
            .audio
            .send_disable(&mut self.cx.events, &mut self.cx.io.out);
        self.pump_or_close();
    }

    /// True once the server has acknowledged the QEMU Audio pseudo-encoding (see
    /// [`Event::AudioAvailable`]), while [`Encoding::QemuAudio`] stays announced. Announcing
    /// encodings without it turns this off (and the stream, without an event but
    /// [`Event::AudioEnd`] if it was playing).
    pub fn audio_available(&self) -> bool {
        self.cx.audio.available
    }

    /// The format asked for with [`enable_audio`](Self::enable_audio), which
    /// [`Event::AudioData`] carries; `None` when audio is not wanted.
    pub fn audio_spec(&self) -> Option<AudioSpec> {
        self.cx.audio.wanted
    }
}
