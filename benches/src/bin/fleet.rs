//! fleet: one tokio process holding many sessions at once, as tools that watch VM fleets do.
//!
//! A server process (this program with `--serve`, started by it, listening on 127.0.0.1 only
//! and ending when this one closes its input) gives every connection the same scripted
//! conversation: the handshake, a ServerInit of `--width`x`--height`, and one ZRLE update of
//! the whole screen (in bands of 32 rows), then nothing more. This process connects
//! `--sessions` sessions through the tokio adapter at once, waits until each has its first
//! frame, then leaves them idle and reports, on one line:
//!
//! * `connect_ms`: time until all sessions had their first frame;
//! * `rss_kib`, `hwm_kib`: resident and peak resident memory (`/proc/self/status` VmRSS and
//!   VmHWM); `per_session_kib` and `peak_per_session_kib`: their growth since before the
//!   first connection divided by the sessions, less each one's framebuffer (`fb_kib`);
//! * `heap_per_session_kib`: the same for the bytes allocated and not freed (counted by this
//!   program's global allocator), which leaves out what the allocator keeps for reuse;
//! * `threads`: the process's OS threads (`/proc/self/status` Threads) once all are idle,
//!   and `peak_threads` the most seen (every 5 ms) while they connected;
//! * `idle_cpu_us_per_s`: CPU time (user and system, `getrusage`) spent while idle
//!   for `--idle` seconds, per session and per second (measured from 2 s after the last first
//!   frame, past the second without input after which the adapter frees buffers), and
//!   `idle_process_cpu_us_per_s` the whole process's per second (the runtime's own share
//!   included).
//!
//! With `--trim`, the allocator gives its free memory back to the system (`malloc_trim`)
//! before the memory is read: what the idle sessions hold, without what the allocator kept
//! from their first frames.
//!
//! Usage: `fleet --sessions 1000 [--idle 5] [--width 320 --height 240] [--content noise]
//! [--read-ahead when|never|always] [--threading default|single|thread] [--trim]`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;
use vnc_core::testing::{Image, Script, ZrleEncoder, ZrleTile};
use vnc_core::tokio::{ConnectOptions, Connection, ReadAhead};
use vnc_core::{Address, Config, Event, PixelFormat, Rect, Threading};

/// The system allocator, counting the bytes allocated and not yet freed: what the sessions
/// hold, apart from what the allocator keeps around it.
struct Counting;

static LIVE_HEAP: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only the count is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_HEAP.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_HEAP.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_HEAP.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_HEAP.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_HEAP.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const USAGE: &str = "usage: fleet --sessions N [--idle SECONDS] [--width W --height H] \
     [--content noise|pattern] [--read-ahead when|never|always] \
     [--threading default|single|thread] [--trim]";

struct Options {
    sessions: usize,
    idle: u64,
    width: u16,
    height: u16,
    noise: bool,
    read_ahead: ReadAhead,
    threading: Threading,
    trim: bool,
}

fn parse() -> Result<(Options, bool), String> {
    let mut o = Options {
        sessions: 100,
        idle: 5,
        width: 320,
        height: 240,
        noise: true,
        read_ahead: ReadAhead::default(),
        threading: Threading::default(),
        trim: false,
    };
    let mut serve = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{a}: {e}"));
        match a.as_str() {
            "--help" => return Err(USAGE.into()),
            "--serve" => serve = true,
            "--trim" => o.trim = true,
            "--sessions" => o.sessions = num(value()?)? as usize,
            "--idle" => o.idle = num(value()?)?,
            "--width" => o.width = num(value()?)? as u16,
            "--height" => o.height = num(value()?)? as u16,
            "--content" => {
                o.noise = match value()?.as_str() {
                    "noise" => true,
                    "pattern" => false,
                    v => return Err(format!("--content {v}: noise or pattern")),
                }
            }
            "--read-ahead" => {
                o.read_ahead = match value()?.as_str() {
                    "when" => ReadAhead::WhenDecodeBound,
                    "never" => ReadAhead::Never,
                    "always" => ReadAhead::Always,
                    v => return Err(format!("--read-ahead {v}: when, never or always")),
                }
            }
            "--threading" => {
                o.threading = match value()?.as_str() {
                    "default" => Threading::default(),
                    "single" => Threading::SingleThreaded,
                    "thread" => Threading::INFLATE_THREAD,
                    v => return Err(format!("--threading {v}: default, single or thread")),
                }
            }
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok((o, serve))
}

/// The server's side of every connection: one full-screen ZRLE update.
fn script(o: &Options) -> Vec<u8> {
    let pf = PixelFormat::RGB888;
    let mut img = Image::pattern(o.width, o.height);
    if o.noise {
        // Incompressible pixels: the compressed update is as large as the raw one, so that
        // it comes in large reads (and goes to the inflate helper when threading allows).
        let mut x = 0x2545_f491_u32;
        for py in 0..o.height {
            for px in 0..o.width {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let [r, g, b, _] = x.to_le_bytes();
                img.set(px, py, [r, g, b]);
            }
        }
    }
    // Bands of 32 rows, so that whole rectangles arrive in one large read, as the inflate
    // helper wants (the sessions then compete for the process's helpers).
    let mut enc = ZrleEncoder::default();
    let bands: Vec<Vec<u8>> = (0..o.height)
        .step_by(32)
        .map(|y| {
            let band = Rect::new(0, y, o.width, 32.min(o.height - y));
            enc.rect(&pf, &img, band, ZrleTile::Raw)
        })
        .collect();
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(o.width, o.height, &pf, "fleet")
        .update(&bands)
        .bytes()
        .to_vec()
}

/// The server process: prints its port, then serves until its input closes.
fn serve(o: &Options) -> Result<(), String> {
    raise_nofile();
    let bytes: Arc<[u8]> = script(o).into();
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async move {
        // A backlog for every session connecting at once (the kernel caps it at somaxconn):
        // with tokio's default a burst of a thousand overflows it, and the dropped SYNs are
        // sent again a second later, which would be measured as connection time.
        let listener = TcpSocket::new_v4()
            .and_then(|s| {
                s.bind(([127, 0, 0, 1], 0).into())?;
                s.listen(4096)
            })
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("{port}");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        // The parent closes our stdin when it is done (or dies).
        let stdin_closed = tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().lines().count();
        });
        let accept = async {
            loop {
                let Ok((mut s, _)) = listener.accept().await else {
                    continue;
                };
                let bytes = bytes.clone();
                tokio::spawn(async move {
                    if s.write_all(&bytes).await.is_err() {
                        return;
                    }
                    // Ignore what the client says, until it hangs up.
                    let mut sink = [0u8; 4096];
                    while matches!(s.read(&mut sink).await, Ok(n) if n > 0) {}
                });
            }
        };
        tokio::select! {
            _ = stdin_closed => Ok(()),
            r = accept => r,
        }
    })
}

/// A field of `/proc/self/status`, in its unit (kB for sizes).
fn status(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// User and system CPU time of the process so far (`getrusage`).
fn cpu_time() -> Duration {
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes the struct given.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Raises the soft limit on open files to the hard limit: a thousand sockets need more than
/// the usual 1024.
fn raise_nofile() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn run(o: &Options) -> Result<(), String> {
    raise_nofile();
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut server = Command::new(exe)
        .args(std::env::args().skip(1))
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting the server: {e}"))?;
    let mut line = String::new();
    let out = server.stdout.take().ok_or("no server output")?;
    BufReader::new(out)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let port: u16 = line
        .trim()
        .parse()
        .map_err(|e| format!("server port {line:?}: {e}"))?;

    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let result = rt.block_on(sessions(o, port));
    drop(server.stdin.take());
    let _ = server.wait();
    result
}

async fn sessions(o: &Options, port: u16) -> Result<(), String> {
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    let mut options = ConnectOptions::default();
    options.read_ahead = o.read_ahead;
    options.threading = o.threading;
    let rss0 = status("VmRSS");
    let heap0 = LIVE_HEAP.load(Ordering::Relaxed);
    let (ready_tx, mut ready) = tokio::sync::mpsc::unbounded_channel::<Result<usize, String>>();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    // The most OS threads seen while the sessions connect (helpers included).
    let (sampling_tx, mut sampling) = tokio::sync::watch::channel(true);
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        while *sampling.borrow_and_update() {
            peak = peak.max(status("Threads"));
            let _ = tokio::time::timeout(Duration::from_millis(5), sampling.changed()).await;
        }
        peak
    });
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(o.sessions);
    for _ in 0..o.sessions {
        let (address, options, ready_tx, mut stop) = (
            address.clone(),
            options.clone(),
            ready_tx.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut conn = match Connection::connect(&address, Config::default(), &options).await {
                Ok(c) => c,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            loop {
                match conn.next_event().await {
                    Ok(Some(Event::FramebufferUpdateEnd)) => break,
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        let _ = ready_tx.send(Err("the server closed".into()));
                        return;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                }
            }
            let fb = conn.session().framebuffer();
            let _ = ready_tx.send(Ok(fb.stride() * usize::from(fb.height())));
            // Idle: the session waits for the server, which says nothing more.
            tokio::select! {
                _ = stop.changed() => {}
                r = conn.next_event() => if let Err(e) = r {
                    eprintln!("fleet: a session failed while idle: {e}");
                },
            }
        }));
    }
    drop(ready_tx);
    let mut fb_bytes = 0;
    for _ in 0..o.sessions {
        match ready.recv().await {
            Some(Ok(n)) => fb_bytes = n,
            Some(Err(e)) => return Err(format!("a session failed: {e}")),
            None => return Err("sessions ended early".into()),
        }
    }
    let connect = start.elapsed();
    let _ = sampling_tx.send(false);
    let peak_threads = sampler.await.map_err(|e| e.to_string())?;
    // Past the adapter's second without input, after which idle connections free their
    // buffers: what is measured next is the idle state.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu0 = cpu_time();
    let idle_from = Instant::now();
    tokio::time::sleep(Duration::from_secs(o.idle)).await;
    let idle = idle_from.elapsed();
    let cpu = cpu_time() - cpu0;
    if o.trim {
        // What the sessions hold, without what the allocator keeps from their first frames.
        // SAFETY: malloc_trim only returns free memory to the system.
        unsafe { libc::malloc_trim(0) };
    }
    let heap = LIVE_HEAP.load(Ordering::Relaxed);
    let (rss, hwm, threads) = (status("VmRSS"), status("VmHWM"), status("Threads"));
    let n = o.sessions as f64;
    let fb_kib = fb_bytes as f64 / 1024.0;
    let per_session = (rss.saturating_sub(rss0)) as f64 / n - fb_kib;
    let peak_per_session = (hwm.saturating_sub(rss0)) as f64 / n - fb_kib;
    let heap_per_session = heap.saturating_sub(heap0) as f64 / 1024.0 / n - fb_kib;
    println!(
        "sessions={} connect_ms={:.1} rss_kib={rss} hwm_kib={hwm} fb_kib={:.1} \
         per_session_kib={per_session:.1} peak_per_session_kib={peak_per_session:.1} \
         heap_per_session_kib={heap_per_session:.1} threads={threads} \
         peak_threads={peak_threads} idle_cpu_us_per_s={:.2} idle_process_cpu_us_per_s={:.1} \
         cpus={}",
        o.sessions,
        connect.as_secs_f64() * 1e3,
        fb_kib,
        cpu.as_secs_f64() * 1e6 / n / idle.as_secs_f64(),
        cpu.as_secs_f64() * 1e6 / idle.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    Ok(())
}

fn main() -> ExitCode {
    let (o, serving) = match parse() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fleet: {e}");
            return ExitCode::from(2);
        }
    };
    let r = if serving { serve(&o) } else { run(&o) };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fleet: {e}");
            ExitCode::FAILURE
        }
    }
}
