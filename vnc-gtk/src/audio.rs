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
    flip: bool,
    sample_bytes: usize,
    /// Bytes received so far, to find each sample's most significant byte across chunks.
    received: u64,
    /// Converted audio waiting for room in the stream; starts on a frame boundary.
    queue: Vec<u8>,
    max_queued: usize,
    dropped: u64,
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
            flip,
            sample_bytes: audio.format.bytes_per_sample(),
            received: 0,
            queue: Vec::new(),
            max_queued,
            dropped: 0,
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
        s.append(data);
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
        let queued = s.spec.bytes_to_usec(s.queue.len() as u64);
        Some(stream + Duration::from_micros(queued.0))
    }

    /// Bytes of audio dropped because they arrived faster than they played.
    pub(crate) fn dropped(&self) -> u64 {
        self.shared.try_borrow().map_or(0, |s| s.dropped)
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

    /// Appends `data`, converted, and drops the oldest whole frames past the bound.
    fn append(&mut self, data: &[u8]) {
        let start = self.queue.len();
        self.queue.extend_from_slice(data);
        if self.flip {
            let msb = self.sample_bytes - 1;
            let first = self.received;
            for (i, b) in self.queue[start..].iter_mut().enumerate() {
                if (first + i as u64) % self.sample_bytes as u64 == msb as u64 {
                    *b ^= 0x80;
                }
            }
        }
        self.received += data.len() as u64;
        if self.queue.len() > self.max_queued {
            let frame = self.spec.frame_size();
            let excess = self.queue.len() - self.max_queued;
            let drop = excess.div_ceil(frame) * frame;
            let drop = drop.min(self.queue.len() / frame * frame);
            self.queue.drain(..drop);
            self.dropped += drop as u64;
        }
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
        let frame = self.spec.frame_size();
        let n = room.min(self.queue.len()) / frame * frame;
        if n == 0 {
            return;
        }
        match stream.write(&self.queue[..n], None, 0, SeekMode::Relative) {
            Ok(()) => {
                self.queue.drain(..n);
            }
            Err(e) => tracing::warn!("audio: write failed: {e}"),
        }
    }
}
