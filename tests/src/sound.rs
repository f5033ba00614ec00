//! A private sound server for the audio tests: a PulseAudio daemon (or PipeWire with
//! pipewire-pulse) on a Unix socket in a temporary directory, with one null sink, and a
//! recording of that sink's monitor (`parec`) to hear what was played. Also the tone
//! analysis the tests assert on: onset and frequency by zero crossings.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::process::{self, Procs};
use crate::{TempDir, require, wait_for};

/// The rate the monitor is recorded at.
pub const RECORD_RATE: u32 = 44_100;

/// A sound server of the test's own. Clients reach it with `PULSE_SERVER` set to
/// [`server`](Self::server); its default sink is a null sink named `vnc`.
pub struct SoundServer {
    /// The value for `PULSE_SERVER` (`unix:/path`).
    pub server: String,
    procs: Procs,
    dir: TempDir,
}

impl SoundServer {
    /// A PulseAudio daemon: no configuration file, the native protocol on a socket in its
    /// own directory (anonymous, Unix only), a null sink as the default sink.
    pub fn pulseaudio() -> SoundServer {
        require("pulseaudio", "pulseaudio");
        require("parec", "pulseaudio-utils");
        let dir = TempDir::new("pulse");
        let socket = dir.path().join("native");
        let mut cmd = Command::new("pulseaudio");
        sandbox(&mut cmd, dir.path());
        cmd.args([
            "-n",
            "--daemonize=no",
            "--use-pid-file=false",
            "--exit-idle-time=-1",
            "--log-target=stderr",
            "--file=/dev/null",
        ])
        .arg(format!(
            "--load=module-native-protocol-unix auth-anonymous=1 socket={}",
            socket.display()
        ))
        .arg("--load=module-null-sink sink_name=vnc format=s16le rate=44100 channels=2")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log(dir.path(), "pulseaudio.log"));
        let daemon = process::spawn(cmd).expect("start pulseaudio");
        let server = SoundServer {
            server: format!("unix:{}", socket.display()),
            procs: Procs(vec![daemon]),
            dir,
        };
        server.wait_ready();
        server
    }

    /// PipeWire as a desktop runs it: the daemon, WirePlumber (the session manager, which
    /// links streams to sinks; it wants a session bus, given this process's private one) and
    /// pipewire-pulse serving the PulseAudio protocol, all in a runtime directory of their
    /// own; then a null sink made the default through that protocol.
    pub fn pipewire() -> SoundServer {
        require("pipewire", "pipewire");
        require("wireplumber", "wireplumber");
        require("pipewire-pulse", "pipewire-pulse");
        require("parec", "pulseaudio-utils");
        let dir = TempDir::new("pipewire");
        let mut procs = Procs::default();
        let start = |program: &str, procs: &mut Procs| {
            let mut cmd = Command::new(program);
            sandbox(&mut cmd, dir.path());
            cmd.env("DBUS_SESSION_BUS_ADDRESS", process::session_bus())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log(dir.path(), &format!("{program}.log")));
            procs
                .0
                .push(process::spawn(cmd).unwrap_or_else(|e| panic!("start {program}: {e}")));
        };
        start("pipewire", &mut procs);
        let core = dir.path().join("pipewire-0");
        wait_for("pipewire's socket", Duration::from_secs(20), || {
            core.exists()
        });
        start("wireplumber", &mut procs);
        start("pipewire-pulse", &mut procs);
        let socket = dir.path().join("pulse").join("native");
        let server = SoundServer {
            server: format!("unix:{}", socket.display()),
            procs,
            dir,
        };
        wait_for("pipewire-pulse", Duration::from_secs(20), || {
            server.pactl(&["info"]).is_some()
        });
        server
            .pactl(&[
                "load-module",
                "module-null-sink",
                "sink_name=vnc",
                "format=s16le",
                "rate=44100",
                "channels=2",
            ])
            .expect("a null sink on pipewire-pulse");
        // PipeWire makes the sink's node a moment after the module loads (PipeWire 1.4 in
        // Debian 13 sometimes after pactl has returned).
        wait_for(
            "the null sink as the default",
            Duration::from_secs(20),
            || server.pactl(&["set-default-sink", "vnc"]).is_some(),
        );
        server.wait_ready();
        server
    }

    /// Runs pactl against this server: its output when it succeeded.
    fn pactl(&self, args: &[&str]) -> Option<String> {
        let mut cmd = Command::new("pactl");
        cmd.env("PULSE_SERVER", &self.server).args(args);
        let out = process::output(cmd).ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The sound server's log so far, for failure messages.
    pub fn log(&self) -> String {
        let mut all = String::new();
        for name in [
            "pulseaudio.log",
            "pipewire.log",
            "wireplumber.log",
            "pipewire-pulse.log",
        ] {
            if let Ok(s) = std::fs::read_to_string(self.dir.path().join(name)) {
                all.push_str(&s);
            }
        }
        all
    }

    fn wait_ready(&self) {
        wait_for(
            "the sound server's null sink",
            Duration::from_secs(20),
            || {
                self.pactl(&["info"])
                    .is_some_and(|info| info.contains("Default Sink: vnc"))
            },
        );
    }

    /// Starts recording the null sink's monitor, mono at [`RECORD_RATE`], and waits until
    /// it runs at its low latency ([`Recording::wait_live`]).
    pub fn record(&self) -> Recording {
        let mut cmd = Command::new("parec");
        cmd.env("PULSE_SERVER", &self.server)
            .args([
                "--device=vnc.monitor",
                "--format=s16le",
                "--channels=1",
                "--rate=44100",
                "--latency-msec=5",
                "--raw",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = process::spawn(cmd).expect("start parec");
        let mut out = child.stdout.take().unwrap();
        let heard = Arc::new(Mutex::new(Heard::default()));
        let h = heard.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 8192];
            let mut carry = None;
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let now = Instant::now();
                let mut bytes: Vec<u8> = carry.take().into_iter().collect();
                bytes.extend_from_slice(&buf[..n]);
                if bytes.len() % 2 == 1 {
                    carry = bytes.pop();
                }
                let samples: Vec<i16> = bytes
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
                let mut h = h.lock().unwrap();
                h.reads += 1;
                h.add(&samples, now);
            }
        });
        let recording = Recording {
            heard,
            _parec: Procs(vec![child]),
        };
        recording.wait_live();
        recording
    }
}

fn sandbox(cmd: &mut Command, dir: &Path) {
    cmd.env("HOME", dir)
        .env("XDG_RUNTIME_DIR", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("PULSE_SERVER")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
}

fn log(dir: &Path, name: &str) -> Stdio {
    std::fs::File::create(dir.join(name))
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null())
}

impl Drop for SoundServer {
    fn drop(&mut self) {
        // The daemons first, then the directory with their sockets.
        self.procs.0.iter_mut().rev().for_each(process::stop);
    }
}

/// What the monitor has recorded: the samples from the first that was not silence on, and
/// when that one was heard.
pub struct Recording {
    heard: Arc<Mutex<Heard>>,
    _parec: Procs,
}

#[derive(Default)]
struct Heard {
    /// Reads from parec: once the sink runs, one every few milliseconds.
    reads: u64,
    onset: Option<Instant>,
    last_sound: Option<Instant>,
    samples: Vec<i16>,
}

/// Samples quieter than this are silence.
const SILENCE: i16 = 1000;

impl Heard {
    fn add(&mut self, chunk: &[i16], arrived: Instant) {
        if let Some(last) = chunk
            .iter()
            .rposition(|s| s.unsigned_abs() > SILENCE as u16)
        {
            let after = (chunk.len() - 1 - last) as f64 / f64::from(RECORD_RATE);
            self.last_sound = Some(arrived - Duration::from_secs_f64(after));
        }
        if self.onset.is_none() {
            let Some(first) = chunk.iter().position(|s| s.unsigned_abs() > SILENCE as u16) else {
                return;
            };
            // The chunk's last sample was recorded about when the chunk arrived.
            let before = (chunk.len() - first) as f64 / f64::from(RECORD_RATE);
            self.onset = Some(arrived - Duration::from_secs_f64(before));
            self.samples.extend_from_slice(&chunk[first..]);
            return;
        }
        // A bound: the tests record seconds, not minutes.
        if self.samples.len() < 60 * RECORD_RATE as usize {
            self.samples.extend_from_slice(chunk);
        }
    }
}

impl Recording {
    /// Waits until the monitor delivers audio every few milliseconds. A null sink that had
    /// no client renders in blocks of up to two seconds; the recorder's low latency applies
    /// only from the next block, so a sound played before then is heard late.
    pub fn wait_live(&self) {
        wait_for(
            "the null sink's monitor to run at parec's latency",
            Duration::from_secs(20),
            || self.heard.lock().unwrap().reads >= 20,
        );
    }

    /// Seconds of sound recorded since the first sample that was not silence.
    pub fn heard_secs(&self) -> f64 {
        self.heard.lock().unwrap().samples.len() as f64 / f64::from(RECORD_RATE)
    }

    /// When the first sample that was not silence was recorded (by the recorder's clock,
    /// which lags the sink by parec's few milliseconds of capture latency).
    pub fn onset(&self) -> Option<Instant> {
        self.heard.lock().unwrap().onset
    }

    /// When the last sample so far that was not silence was recorded (same clock as
    /// [`onset`](Self::onset)).
    pub fn last_sound(&self) -> Option<Instant> {
        self.heard.lock().unwrap().last_sound
    }

    /// Samples recorded so far (silence before the onset not counted).
    pub fn recorded(&self) -> usize {
        self.heard.lock().unwrap().samples.len()
    }

    /// The samples from the onset on.
    pub fn samples(&self) -> Vec<i16> {
        self.heard.lock().unwrap().samples.clone()
    }

    /// Asserts that the second from 0.25 s after the onset (away from the start of
    /// playback) is a tone of `want` Hz within 2%, with `sound`'s log on failure; returns the
    /// frequency heard. Needs 1.25 s recorded.
    pub fn assert_tone(&self, want: f64, sound: &SoundServer) -> f64 {
        let samples = self.samples();
        let rate = RECORD_RATE as usize;
        let f = tone_frequency(&samples[rate / 4..rate * 5 / 4], RECORD_RATE)
            .expect("a tone on the monitor");
        assert!(
            (f - want).abs() < want * 0.02,
            "heard {f:.1} Hz, the source plays {want:.1} Hz\n{}",
            sound.log()
        );
        f
    }
}

/// The frequency of a steady tone in `samples` (at `rate`), from its zero crossings: each
/// upward crossing (with a dead band, so that noise near zero is not counted) starts a
/// period; the frequency is periods over the time between the first and the last.
pub fn tone_frequency(samples: &[i16], rate: u32) -> Option<f64> {
    let dead = SILENCE / 2;
    let mut below = false;
    let mut ups = Vec::new();
    for (i, &s) in samples.iter().enumerate() {
        if s < -dead {
            below = true;
        } else if s > dead && below {
            below = false;
            ups.push(i);
        }
    }
    let (first, last) = (*ups.first()?, *ups.last()?);
    if ups.len() < 3 {
        return None;
    }
    let periods = (ups.len() - 1) as f64;
    Some(periods * f64::from(rate) / (last - first) as f64)
}

/// `count` interleaved S16 frames of a sine wave at `frequency` Hz and `rate`, the same
/// sample on each of `channels`, starting at frame `start` (so that chunks join up), at
/// half of full scale.
pub fn sine_s16(frequency: f64, rate: u32, channels: u8, start: u64, count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * usize::from(channels) * 2);
    for n in 0..count as u64 {
        let t = (start + n) as f64 / f64::from(rate);
        let v = (16_384.0 * (2.0 * std::f64::consts::PI * frequency * t).sin()) as i16;
        for _ in 0..channels {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}
