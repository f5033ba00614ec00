//! QEMU playing a known tone for the audio tests: a boot sector that starts the PC speaker
//! at 1000 Hz, QEMU's arguments that give the speaker an audio backend the VNC server
//! captures, and a measure of a captured stream's frequency and amplitude.

use vnc_core::{AudioFormat, AudioSpec};

use crate::qemu::{Qemu, QemuSetup};

/// What [`TONE`] writes to the debug console once the speaker sounds.
const TONE_READY: &str = "tone-on\n";

/// The PIT's input clock (Hz).
const PIT_HZ: f64 = 1_193_182.0;

/// The PIT channel 2 divisor [`TONE`] programs: 1193182 / 1193, about 1000.15 Hz.
const DIVISOR: u16 = 1193;

/// The frequency the speaker plays.
pub const TONE_HZ: f64 = PIT_HZ / DIVISOR as f64;

/// A boot sector (x86 real mode, hand-assembled) that sets PIT channel 2 to a square wave
/// (mode 3) of [`TONE_HZ`], connects it to the PC speaker (port 0x61 bits 0 and 1: the
/// channel's gate and the speaker's data), writes [`TONE_READY`] to the debug console (port
/// 0x402) and halts for ever, the tone sounding.
const TONE: [u8; 512] = tone();

const fn tone() -> [u8; 512] {
    let [lo, hi] = DIVISOR.to_le_bytes();
    let head = [
        0xB0, 0xB6, // mov al, 0xB6 (channel 2, low then high byte, mode 3, binary)
        0xE6, 0x43, // out 0x43, al
        0xB8, lo, hi, // mov ax, DIVISOR
        0xE6, 0x42, // out 0x42, al
        0x88, 0xE0, // mov al, ah
        0xE6, 0x42, // out 0x42, al
        0xE4, 0x61, // in al, 0x61
        0x0C, 0x03, // or al, 3
        0xE6, 0x61, // out 0x61, al
        0xBA, 0x02, 0x04, // mov dx, 0x402
    ];
    let mut s = [0u8; 512];
    let mut at = 0;
    while at < head.len() {
        s[at] = head[at];
        at += 1;
    }
    let msg = TONE_READY.as_bytes();
    let mut i = 0;
    while i < msg.len() {
        // mov al, c; out dx, al
        s[at] = 0xB0;
        s[at + 1] = msg[i];
        s[at + 2] = 0xEE;
        at += 3;
        i += 1;
    }
    s[at] = 0xF4; // hlt
    s[at + 1] = 0xEB; // jmp back to the hlt
    s[at + 2] = 0xFD;
    s[510] = 0x55;
    s[511] = 0xAA;
    s
}

/// Starts QEMU with the PC speaker on the `none` audio backend (which plays nothing but keeps
/// the mixer, and so the VNC server's capture, running), the VNC server capturing that
/// backend, and the guest playing [`TONE_HZ`]; returns once the tone sounds.
pub fn start_tone(trace: &[&str]) -> Qemu {
    Qemu::start_setup(QemuSetup {
        trace,
        boot: Some((&TONE, TONE_READY)),
        args: &[
            "-audiodev",
            "none,id=snd0",
            "-machine",
            "pcspk-audiodev=snd0",
        ],
        vnc_options: ",audiodev=snd0",
        ..QemuSetup::default()
    })
}

/// What a captured stream holds.
#[derive(Debug)]
pub struct Tone {
    /// Frequency from the rising crossings of the first channel's midpoint (Hz).
    pub frequency: f64,
    /// The first channel's lowest and highest sample, as signed values (unsigned formats
    /// shifted so that silence is 0).
    pub range: (i64, i64),
    /// Frames measured.
    pub frames: usize,
}

/// One sample as a signed value: little-endian, unsigned formats shifted by half their
/// range.
fn sample(format: AudioFormat, b: &[u8]) -> i64 {
    match format {
        AudioFormat::U8 => i64::from(b[0]) - 128,
        AudioFormat::S8 => i64::from(b[0] as i8),
        AudioFormat::U16 => i64::from(u16::from_le_bytes([b[0], b[1]])) - 32768,
        AudioFormat::S16 => i64::from(i16::from_le_bytes([b[0], b[1]])),
        AudioFormat::U32 => i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])) - (1 << 31),
        AudioFormat::S32 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        _ => unreachable!("no other format is asked for"),
    }
}

/// Measures `chunks` (each a whole number of frames in `spec`) as one continuous stream:
/// QEMU drops audio only for a client that reads too slowly, which its trace shows
/// (`vnc_client_throttle_audio`).
pub fn measure(spec: AudioSpec, chunks: &[Vec<u8>]) -> Tone {
    let frame = spec.bytes_per_frame();
    let width = spec.format.bytes_per_sample();
    let channel: Vec<i64> = chunks
        .iter()
        .flat_map(|c| c.chunks_exact(frame))
        .map(|f| sample(spec.format, &f[..width]))
        .collect();
    let lo = channel.iter().copied().min().unwrap_or(0);
    let hi = channel.iter().copied().max().unwrap_or(0);
    let mid = (lo + hi) / 2;
    let rising = channel
        .windows(2)
        .filter(|w| w[0] < mid && w[1] >= mid)
        .count();
    Tone {
        frequency: rising as f64 * f64::from(spec.frequency) / channel.len().max(1) as f64,
        range: (lo, hi),
        frames: channel.len(),
    }
}
