//! Audio playback (feature `audio`): a PulseAudio playback stream fed with the samples of a
//! server's audio stream, run by PulseAudio's client library on the glib main loop (no
//! thread). PipeWire desktops serve the same protocol through pipewire-pulse.
//!
//! Latency is bounded at both ends: the server side holds at most [`TARGET`] (the stream's
//! target length, which PulseAudio also sizes the device's buffer to), and samples that
//! arrive faster than they play wait here only up to [`MAX_QUEUED`]; beyond that the oldest
//! are dropped, so the stream catches up instead of drifting behind the guest.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use libpulse_binding as pulse;
use libpulse_glib_binding::Mainloop;
use pulse::context::{self, Context};
use pulse::def::BufferAttr;
use pulse::sample::{Format, Spec};
use pulse::stream::{self, Latency, SeekMode, Stream};
use vnc_core::AudioSpec;

/// The stream's target length: what PulseAudio keeps buffered (and playing ahead of us).
pub(crate) const TARGET: Duration = Duration::from_millis(50);
/// The most audio waiting in this process for room in the stream.
pub(crate) const MAX_QUEUED: Duration = Duration::from_millis(100);

/// PulseAudio's format for `spec`, and whether each sample's sign bit is to be flipped on
/// the way: PulseAudio has no unsigned 16/32-bit or signed 8-bit formats, so those become
/// their other-signed twin by flipping the most significant byte's top bit (samples are
/// little-endian, as QEMU sends them).
fn pulse_spec(spec: AudioSpec) -> Option<(Spec, bool)> {
    let signed = spec.format.is_signed();
    let (format, flip) = match spec.format.bytes_per_sample() {
        1 => (Format::U8, signed),
        2 => (Format::S16le, !signed),
        4 => (Format::S32le, !signed),
        _ => return None,
    };
    let pulse = Spec {
        format,
        rate: spec.frequency,
        channels: spec.channels,
    };
    pulse.is_valid().then_some((pulse, flip))
}

/// A playback stream on the default (or `$PULSE_SERVER`'s) sound server. Dropping it stops
/// the sound at once.
pub(crate) struct Player {
    shared: Rc<RefCell<Shared>>,
    // Dropped after `shared`, whose context and stream run on it.
    _mainloop: Mainloop,
}

struct Shared {
    context: Context,
    stream: Option<Stream>,
    spec: Spec,
    queue: Queue,
}

/// Audio waiting for room in the stream, converted for PulseAudio, bounded.
struct Queue {
    /// Starts on a frame boundary.
    bytes: Vec<u8>,
    frame: usize,
    /// Bytes per sample when each sample's sign bit is to be flipped.
    flip: Option<usize>,
    /// Bytes received so far, to find each sample's most significant byte across chunks.
    received: u64,
    max: usize,
    dropped: u64,
}

impl Queue {
    /// Appends `data`, converted, and drops the oldest whole frames past the bound.
    fn append(&mut self, data: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(data);
        if let Some(width) = self.flip {
            let width = width as u64;
            let first = self.received;
            for (i, b) in self.bytes[start..].iter_mut().enumerate() {
                if (first + i as u64) % width == width - 1 {
                    *b ^= 0x80;
                }
            }
        }
        self.received += data.len() as u64;
        if self.bytes.len() > self.max {
            let excess = self.bytes.len() - self.max;
            let drop = (excess.div_ceil(self.frame) * self.frame)
                .min(self.bytes.len() / self.frame * self.frame);
            self.bytes.drain(..drop);
            self.dropped += drop as u64;
        }
    }

    /// The first whole frames, at most `room` bytes of them.
    fn front(&self, room: usize) -> &[u8] {
        &self.bytes[..room.min(self.bytes.len()) / self.frame * self.frame]
    }

    /// Removes the first `n` bytes (what [`front`](Self::front) gave was written).
    fn consume(&mut self, n: usize) {
        self.bytes.drain(..n);
    }
}

impl Player {
    /// Connects to the sound server; the stream opens once it answers, and audio pushed
    /// meanwhile waits (bounded) until then.
    pub(crate) fn new(audio: AudioSpec, name: &str) -> Result<Player, String> {
        let (spec, flip) =
            pulse_spec(audio).ok_or_else(|| format!("audio format not playable: {audio:?}"))?;
        let mainloop = Mainloop::new(None).ok_or("no PulseAudio glib main loop")?;
        let context = Context::new(&mainloop, name).ok_or("cannot create a PulseAudio context")?;
        let max_queued =
            spec.usec_to_bytes(pulse::time::MicroSeconds(MAX_QUEUED.as_micros() as u64));
        let shared = Rc::new(RefCell::new(Shared {
            context,
            stream: None,
            spec,
            queue: Queue {
                bytes: Vec::new(),
                frame: spec.frame_size(),
                flip: flip.then(|| audio.format.bytes_per_sample()),
                received: 0,
                max: max_queued,
                dropped: 0,
            },
        }));
        {
            let weak = Rc::downgrade(&shared);
            let mut s = shared.borrow_mut();
            s.context
                .set_state_callback(Some(Box::new(move || context_changed(&weak))));
            s.context
                .connect(None, context::FlagSet::NOAUTOSPAWN, None)
                .map_err(|e| format!("cannot reach the sound server: {e}"))?;
        }
        Ok(Player {
            shared,
            _mainloop: mainloop,
        })
    }

    /// Queues `data` (samples as described at creation) and writes what the stream has room
    /// for.
    pub(crate) fn push(&self, data: &[u8]) {
        let Ok(mut s) = self.shared.try_borrow_mut() else {
            return;
        };
        s.queue.append(data);
        s.write_out();
    }

    /// How long a sample pushed now takes to be heard: what waits here for room in the
    /// stream, plus the stream's latency as the sound server reports it (its buffer and the
    /// device's). `None` until the stream runs.
    pub(crate) fn latency(&self) -> Option<Duration> {
        let s = self.shared.try_borrow().ok()?;
        let stream = match s.stream.as_ref()?.get_latency() {
            Ok(Latency::Positive(us)) => Duration::from_micros(us.0),
            Ok(Latency::None | Latency::Negative(_)) => Duration::ZERO,
            Err(_) => return None,
        };
        let queued = s.spec.bytes_to_usec(s.queue.bytes.len() as u64);
        Some(stream + Duration::from_micros(queued.0))
    }

    /// Bytes of audio dropped because they arrived faster than they played.
    pub(crate) fn dropped(&self) -> u64 {
        self.shared.try_borrow().map_or(0, |s| s.queue.dropped)
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let Ok(mut s) = self.shared.try_borrow_mut() else {
            return;
        };
        if let Some(mut stream) = s.stream.take() {
            stream.set_state_callback(None);
            stream.set_write_callback(None);
            let _ = stream.disconnect();
        }
        s.context.set_state_callback(None);
        s.context.disconnect();
    }
}

fn context_changed(weak: &Weak<RefCell<Shared>>) {
    let Some(shared) = weak.upgrade() else { return };
    // Busy: a state set from inside one of our own calls (connecting, disconnecting).
    let Ok(mut s) = shared.try_borrow_mut() else {
        return;
    };
    match s.context.get_state() {
        context::State::Ready if s.stream.is_none() => {
            if let Err(e) = s.open_stream(weak.clone()) {
                tracing::warn!("audio: {e}");
            }
        }
        context::State::Failed => {
            tracing::warn!(
                "audio: sound server connection failed: {}",
                s.context.errno()
            );
        }
        _ => {}
    }
}

impl Shared {
    fn open_stream(&mut self, weak: Weak<RefCell<Shared>>) -> Result<(), String> {
        let mut stream = Stream::new(&mut self.context, "VNC audio", &self.spec, None)
            .ok_or("cannot create a playback stream")?;
        let target = self
            .spec
            .usec_to_bytes(pulse::time::MicroSeconds(TARGET.as_micros() as u64))
            as u32;
        let attr = BufferAttr {
            maxlength: target.saturating_mul(2),
            tlength: target,
            // Playback starts (and restarts after an underrun) with the target buffered.
            prebuf: u32::MAX,
            minreq: u32::MAX,
            fragsize: u32::MAX,
        };
        stream.set_write_callback(Some(Box::new(move |_room| {
            if let Some(shared) = weak.upgrade()
                && let Ok(mut s) = shared.try_borrow_mut()
            {
                s.write_out();
            }
        })));
        let flags = stream::FlagSet::ADJUST_LATENCY
            | stream::FlagSet::INTERPOLATE_TIMING
            | stream::FlagSet::AUTO_TIMING_UPDATE;
        stream
            .connect_playback(None, Some(&attr), flags, None, None)
            .map_err(|e| format!("cannot open a playback stream: {e}"))?;
        self.stream = Some(stream);
        Ok(())
    }

    /// Writes as many whole frames as the stream has room for.
    fn write_out(&mut self) {
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        if stream.get_state() != stream::State::Ready {
            return;
        }
        let Some(room) = stream.writable_size() else {
            return;
        };
        let front = self.queue.front(room);
        if front.is_empty() {
            return;
        }
        let n = front.len();
        match stream.write(front, None, 0, SeekMode::Relative) {
            Ok(()) => self.queue.consume(n),
            Err(e) => tracing::warn!("audio: write failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vnc_core::AudioFormat;

    fn queue(format: AudioFormat, channels: u8, max: usize) -> Queue {
        let spec = AudioSpec {
            format,
            channels,
            frequency: 8000,
        };
        let (pulse, flip) = pulse_spec(spec).unwrap();
        Queue {
            bytes: Vec::new(),
            frame: pulse.frame_size(),
            flip: flip.then(|| format.bytes_per_sample()),
            received: 0,
            max,
            dropped: 0,
        }
    }

    #[test]
    fn formats_pulseaudio_lacks_become_their_twin() {
        let cases = [
            (AudioFormat::U8, Format::U8, false),
            (AudioFormat::S8, Format::U8, true),
            (AudioFormat::U16, Format::S16le, true),
            (AudioFormat::S16, Format::S16le, false),
            (AudioFormat::U32, Format::S32le, true),
            (AudioFormat::S32, Format::S32le, false),
        ];
        for (format, pulse, flip) in cases {
            let spec = AudioSpec {
                format,
                channels: 2,
                frequency: 44_100,
            };
            let (p, f) = pulse_spec(spec).unwrap();
            assert_eq!((p.format, p.channels, p.rate, f), (pulse, 2, 44_100, flip));
        }
    }

    #[test]
    fn sign_flips_follow_samples_across_chunks() {
        // U16 silence (0x8000) and full scale (0xFFFF), split at odd bytes: S16 0 and 0x7FFF.
        let mut q = queue(AudioFormat::U16, 1, 1 << 20);
        let wire = [0x00, 0x80, 0xFF, 0xFF];
        q.append(&wire[..1]);
        q.append(&wire[1..3]);
        q.append(&wire[3..]);
        assert_eq!(q.bytes, [0x00, 0x00, 0xFF, 0x7F]);
        // S8 -128, 0, 127 as U8: 0, 128, 255.
        let mut q = queue(AudioFormat::S8, 1, 1 << 20);
        q.append(&[0x80, 0x00, 0x7F]);
        assert_eq!(q.bytes, [0x00, 0x80, 0xFF]);
    }

    #[test]
    fn only_whole_frames_are_written() {
        // S16 stereo: 4-byte frames; 7 bytes queued, room for 6.
        let mut q = queue(AudioFormat::S16, 2, 1 << 20);
        q.append(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(q.front(6), [1, 2, 3, 4]);
        q.consume(4);
        assert!(
            q.front(100).is_empty(),
            "a partial frame waits for its rest"
        );
        q.append(&[8]);
        assert_eq!(q.front(100), [5, 6, 7, 8]);
    }

    #[test]
    fn the_oldest_frames_are_dropped_past_the_bound() {
        // 4-byte frames, at most 10 bytes: 3 frames in, the first is dropped; what stays is
        // the newest audio and starts on a frame.
        let mut q = queue(AudioFormat::S16, 2, 10);
        q.append(&[1, 1, 1, 1, 2, 2, 2, 2]);
        q.append(&[3, 3, 3, 3]);
        assert_eq!(q.bytes, [2, 2, 2, 2, 3, 3, 3, 3]);
        assert_eq!(q.dropped, 4);
        // A flood in one piece keeps only the bound's worth of whole frames.
        q.append(&[9; 4000]);
        assert!(q.bytes.len() <= 10 && q.bytes.len() % 4 == 0);
        assert!(q.bytes.iter().all(|&b| b == 9));
        assert_eq!(q.dropped, 4 + 8 + 4000 - q.bytes.len() as u64);
    }
}
