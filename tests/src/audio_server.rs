//! A scripted VNC server that speaks QEMU's audio extension as QEMU does (ui/vnc.c): it
//! acknowledges the QEMU Audio pseudo-encoding (-259) with an empty rectangle of that
//! encoding (after each SetEncodings that holds it), and each time the client has set a
//! format and enabled audio (client message 255, submessage 1, operations 2 and 0) it sends
//! Audio Begin, a sine wave as Audio Data messages, in real time or all at once, and Audio
//! End. Used to test playback without a guest that plays sound.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vnc_core::PixelFormat;
use vnc_core::testing::{Script, rect_header};

use crate::sound::sine_s16;

/// QEMU Audio pseudo-encoding.
const AUDIO_ENCODING: i32 = -259;
/// Audio is paced in chunks of this many milliseconds, as a sound card's periods.
const CHUNK_MS: u64 = 10;

/// What the client did, as the server saw it.
#[derive(Clone, Debug, Default)]
pub struct AudioLog {
    /// Each Set Format: (format, channels, frequency).
    pub formats: Vec<(u8, u8, u32)>,
    /// Enable (true) and Disable (false) requests in order.
    pub switches: Vec<bool>,
    /// When the first Audio Data message was written.
    pub first_data: Option<Instant>,
    /// When the last Audio Data message so far was written.
    pub last_data: Option<Instant>,
    /// Plays finished (Audio End written).
    pub plays_done: usize,
    /// Audio Data bytes written.
    pub sent_bytes: usize,
    /// FramebufferUpdateRequests read since the audio acknowledgement was sent (followed by
    /// a 1x1 update, so the second one was sent after the client handled both).
    pub requests_after_ack: usize,
    /// Set when the client closed the connection.
    pub closed: bool,
}

/// What the server sends for one Enable.
#[derive(Clone, Copy, Debug)]
pub struct Play {
    /// How much sound.
    pub length: Duration,
    /// In real time (10 ms chunks as a sound card's periods), or else as fast as the
    /// connection takes it (a server whose clock runs ahead, or a hostile one).
    pub paced: bool,
}

/// The server: one connection on 127.0.0.1:`port`.
pub struct AudioServer {
    /// Its port.
    pub port: u16,
    log: Arc<Mutex<AudioLog>>,
}

impl AudioServer {
    /// Starts a server that plays a `frequency` Hz sine (S16, as the client asks channels
    /// and rate) in real time for `length` when audio is enabled.
    pub fn start(frequency: f64, length: Duration) -> AudioServer {
        AudioServer::start_plays(
            frequency,
            vec![Play {
                length,
                paced: true,
            }],
        )
    }

    /// Starts a server that answers the nth Enable with `plays[n]` (and later ones with
    /// nothing but Begin and End).
    pub fn start_plays(frequency: f64, plays: Vec<Play>) -> AudioServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(AudioLog::default()));
        let l = log.clone();
        std::thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let _ = serve(stream, &l, frequency, plays);
            l.lock().unwrap().closed = true;
        });
        AudioServer { port, log }
    }

    /// What the client has done so far.
    pub fn log(&self) -> AudioLog {
        self.log.lock().unwrap().clone()
    }
}

fn serve(
    mut s: TcpStream,
    log: &Mutex<AudioLog>,
    frequency: f64,
    plays: Vec<Play>,
) -> io::Result<()> {
    let mut plays = plays.into_iter();
    s.set_nodelay(true)?;
    s.write_all(b"RFB 003.008\n")?;
    let mut version = [0; 12];
    s.read_exact(&mut version)?;
    s.write_all(&[1, 1])?;
    let mut byte = [0; 1];
    s.read_exact(&mut byte)?;
    s.write_all(&0u32.to_be_bytes())?;
    s.read_exact(&mut byte)?; // ClientInit
    let (w, h) = (64, 48);
    s.write_all(
        Script::new()
            .server_init(w, h, &PixelFormat::RGB888, "audio")
            .bytes(),
    )?;
    let mut spec = None;
    let mut acked = false;
    loop {
        s.read_exact(&mut byte)?;
        match byte[0] {
            0 => skip(&mut s, 19)?,
            2 => {
                let mut head = [0; 3];
                s.read_exact(&mut head)?;
                let n = usize::from(u16::from_be_bytes([head[1], head[2]]));
                let mut list = vec![0; n * 4];
                s.read_exact(&mut list)?;
                let audio = list
                    .chunks_exact(4)
                    .any(|e| i32::from_be_bytes([e[0], e[1], e[2], e[3]]) == AUDIO_ENCODING);
                // QEMU acknowledges each SetEncodings that holds -259.
                if audio {
                    acked = true;
                    let mut pixel = rect_header(vnc_core::Rect::new(0, 0, 1, 1), 0);
                    pixel.extend_from_slice(&[0x80; 4]);
                    let ack = Script::new()
                        .update(&[rect_header(vnc_core::Rect::new(0, 0, w, h), AUDIO_ENCODING)])
                        .update(&[pixel]);
                    s.write_all(ack.bytes())?;
                }
            }
            3 => {
                skip(&mut s, 9)?;
                if acked {
                    log.lock().unwrap().requests_after_ack += 1;
                }
            }
            4 => skip(&mut s, 7)?,
            5 => skip(&mut s, 5)?,
            6 => {
                let mut head = [0; 7];
                s.read_exact(&mut head)?;
                let n = u32::from_be_bytes([head[3], head[4], head[5], head[6]]);
                skip(&mut s, n.min(1 << 20) as usize)?;
            }
            255 => {
                let mut head = [0; 3];
                s.read_exact(&mut head)?;
                let op = u16::from_be_bytes([head[1], head[2]]);
                match (head[0], op) {
                    // Extended key event: down flag, keysym, keycode.
                    (0, _) => skip(&mut s, 8)?,
                    (1, 2) => {
                        let mut f = [0; 6];
                        s.read_exact(&mut f)?;
                        let format = (f[0], f[1], u32::from_be_bytes([f[2], f[3], f[4], f[5]]));
                        log.lock().unwrap().formats.push(format);
                        spec = Some(format);
                    }
                    (1, 0) => {
                        log.lock().unwrap().switches.push(true);
                        let (format, channels, rate) =
                            spec.expect("the client enabled audio before setting a format");
                        // 3 = S16, the format this server can make.
                        assert_eq!(format, 3, "the client asked for a format other than S16");
                        let next = plays.next().unwrap_or(Play {
                            length: Duration::ZERO,
                            paced: true,
                        });
                        play(&mut s, log, frequency, (channels, rate), next)?;
                    }
                    (1, 1) => log.lock().unwrap().switches.push(false),
                    other => panic!("unexpected QEMU client message {other:?}"),
                }
            }
            other => panic!("unexpected client message type {other}"),
        }
    }
}

fn skip(s: &mut TcpStream, n: usize) -> io::Result<()> {
    io::copy(&mut s.take(n as u64), &mut io::sink()).map(|_| ())
}

/// Audio Begin, the tone (paced: chunk k is written at start + k chunks, as a sound card
/// would produce it), Audio End.
fn play(
    s: &mut TcpStream,
    log: &Mutex<AudioLog>,
    frequency: f64,
    (channels, rate): (u8, u32),
    Play { length, paced }: Play,
) -> io::Result<()> {
    s.write_all(&[255, 1, 0, 1])?;
    let per_chunk = (u64::from(rate) * CHUNK_MS / 1000) as usize;
    let chunks = length.as_millis() as u64 / CHUNK_MS;
    let start = Instant::now();
    for k in 0..chunks {
        let due = start + Duration::from_millis(k * CHUNK_MS);
        if let Some(wait) = due.checked_duration_since(Instant::now()).filter(|_| paced) {
            std::thread::sleep(wait);
        }
        let data = sine_s16(frequency, rate, channels, k * per_chunk as u64, per_chunk);
        let mut msg = vec![255, 1, 0, 2];
        msg.extend_from_slice(&(data.len() as u32).to_be_bytes());
        msg.extend_from_slice(&data);
        s.write_all(&msg)?;
        let mut l = log.lock().unwrap();
        let now = Instant::now();
        l.first_data.get_or_insert(now);
        l.last_data = Some(now);
        l.sent_bytes += data.len();
    }
    s.write_all(&[255, 1, 0, 0])?;
    log.lock().unwrap().plays_done += 1;
    Ok(())
}
