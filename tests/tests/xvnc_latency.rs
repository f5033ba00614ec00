//! The latency figure: how long a change on Xvnc's screen takes to be in the engine's
//! framebuffer, with continuous updates and with request/response. An X client (Python
//! calling libX11 through ctypes) repaints a 16x16 square of the root window about 10 times
//! a second (every 100 to 120 ms) in a colour that counts the changes, and writes the wall-clock time at which the
//! X server had done each (after `XSync`); the client notes the time at which each count is
//! first in its framebuffer, at the end of an update. Median and 99th percentile over a
//! minute (`LATENCY_SECONDS` to change it), printed. Ignored by default (it takes two
//! minutes); run with:
//!
//! `cargo test -p vnc-tests --test xvnc_latency -- --ignored --nocapture`

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use vnc_core::{Config, Encoding, Event, Session};
use vnc_tests::{TempDir, XServer, XvncOptions, process, require};

/// Where the square is, on the root window away from the test scene's xterm.
const SQUARE: (u16, u16) = (320, 220);

/// The drawer: `n` changes, one every `period` seconds, counting from `base` + 1, each line
/// "count wall-clock-ns".
const DRAWER: &str = r#"
import ctypes, random, sys, time
c = ctypes
x = c.CDLL("libX11.so.6")
x.XOpenDisplay.restype = c.c_void_p
x.XOpenDisplay.argtypes = [c.c_char_p]
x.XDefaultRootWindow.restype = c.c_ulong
x.XDefaultRootWindow.argtypes = [c.c_void_p]
x.XSetWindowBackground.argtypes = [c.c_void_p, c.c_ulong, c.c_ulong]
x.XClearArea.argtypes = [c.c_void_p, c.c_ulong, c.c_int, c.c_int, c.c_uint, c.c_uint, c.c_int]
x.XSync.argtypes = [c.c_void_p, c.c_int]
d = x.XOpenDisplay(None)
root = x.XDefaultRootWindow(d)
n, period, sx, sy = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
out, base = open(sys.argv[5], "w"), int(sys.argv[6])
due = time.monotonic()
for i in range(base + 1, base + n + 1):
    x.XSetWindowBackground(d, root, i)
    x.XClearArea(d, root, sx, sy, 16, 16, 0)
    x.XSync(d, 0)
    out.write("%d %d\n" % (i, time.time_ns()))
    out.flush()
    # A jitter of up to 20 ms keeps the changes from locking onto the server's own update
    # clock (Xvnc sends at most 60 updates a second: 100 ms is six of its frames).
    due += period + random.uniform(0.0, 0.02)
    time.sleep(max(0.0, due - time.monotonic()))
"#;

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// Latencies in milliseconds of the changes the client saw, and how many changes there were.
/// Counts start after `base`, so that one measurement's last colour is not taken for the
/// next one's.
fn measure(s: &XServer, config: Config, seconds: u32, base: u32) -> (Vec<f64>, usize) {
    let dir = TempDir::new("latency");
    let script = dir.path().join("drawer.py");
    let log = dir.path().join("drawn.txt");
    std::fs::write(&script, DRAWER).unwrap();
    let continuous = config.encodings.contains(&Encoding::ContinuousUpdates);
    let sock = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    sock.set_nodelay(true).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();
    let mut sock = sock;
    let mut session = Session::new(config, Instant::now());
    let mut buf = vec![0u8; 1 << 16];
    let n = seconds as usize * 10;
    let last = base + n as u32;
    // Reads what has arrived, notes the counts, and answers at once (fence answers and
    // requests must not wait for the next read: TigerVNC paces its updates by the fences).
    let mut pump = |session: &mut Session, seen: &mut Vec<(u32, u128)>| {
        match sock.read(&mut buf) {
            Ok(0) => panic!("Xvnc closed the connection"),
            Ok(n) => session.feed(&buf[..n]).unwrap(),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("read: {e}"),
        }
        while let Some(e) = session.poll_event() {
            if e == Event::FramebufferUpdateEnd {
                let fb = session.framebuffer();
                if let Some([b, g, r, _]) = fb.pixel(SQUARE.0 + 8, SQUARE.1 + 8) {
                    let count = u32::from_be_bytes([0, r, g, b]);
                    let new = seen.last().is_none_or(|&(before, _)| count > before);
                    if (base + 1..=last).contains(&count) && new {
                        seen.push((count, now_ns()));
                    }
                }
            }
        }
        let out = session.take_output();
        if !out.is_empty() {
            sock.write_all(&out).unwrap();
        }
    };
    let mut seen = Vec::new();
    let end = Instant::now() + Duration::from_secs(30);
    while session.continuous_updates_enabled() != continuous
        || session.framebuffer().pixel(0, 0).is_none()
    {
        assert!(
            Instant::now() < end,
            "no ServerInit or no continuous updates"
        );
        pump(&mut session, &mut seen);
    }
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .args([n.to_string(), "0.1".into()])
        .args([SQUARE.0.to_string(), SQUARE.1.to_string()])
        .arg(&log)
        .arg(base.to_string())
        .env("DISPLAY", &s.display)
        .stdin(Stdio::null());
    let mut drawer = process::spawn(cmd).unwrap();
    seen.clear();
    let mut done_at = None;
    loop {
        pump(&mut session, &mut seen);
        if seen.last().is_some_and(|&(c, _)| c == last) {
            break;
        }
        if done_at.is_none() && drawer.try_wait().unwrap().is_some() {
            done_at = Some(Instant::now());
        }
        if done_at.is_some_and(|t| t.elapsed() > Duration::from_secs(5)) {
            break;
        }
    }
    drawer.wait().unwrap();
    let drawn: Vec<(u32, u128)> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| {
            let (c, t) = l.split_once(' ').unwrap();
            (c.parse().unwrap(), t.parse().unwrap())
        })
        .collect();
    assert_eq!(drawn.len(), n, "the drawer's changes");
    let latencies = seen
        .iter()
        .filter_map(|&(c, t)| {
            let (_, at) = drawn.get(c.checked_sub(base + 1)? as usize)?;
            Some((t as f64 - *at as f64) / 1e6)
        })
        .collect();
    (latencies, n)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[test]
#[ignore = "takes two minutes; prints the latency figure"]
fn latency_of_a_small_change_with_and_without_continuous_updates() {
    require("python3", "python3");
    let seconds: u32 = std::env::var("LATENCY_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let s = XServer::xvnc(XvncOptions::default());
    s.settle();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}", load.trim());
    let mut request_response = Config::default();
    request_response
        .encodings
        .retain(|e| *e != Encoding::ContinuousUpdates);
    for (base, name, config) in [
        (0, "continuous updates", Config::default()),
        (100_000, "request/response", request_response),
    ] {
        let (mut ms, n) = measure(&s, config, seconds, base);
        ms.sort_by(f64::total_cmp);
        assert!(
            ms.len() * 10 >= n * 9,
            "{name}: only {} of {n} changes seen",
            ms.len()
        );
        assert!(ms[0] >= -1.0, "{name}: a change seen before it was drawn");
        println!(
            "{name}: {} of {n} changes seen; latency median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms.len(),
            percentile(&ms, 0.5),
            percentile(&ms, 0.99),
            ms[ms.len() - 1]
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average after: {}", load.trim());
}
