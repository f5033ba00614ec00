//! Helpers for tests against real VNC servers: start TigerVNC `Xvnc`, `x11vnc` on `Xvfb` and
//! QEMU's VNC server on loopback with deterministic content, read their true screens (`xwd`,
//! QMP `screendump`), run `vnccapture`, and compare images. Every process started here is
//! killed when its guard is dropped.

pub mod attacks;
pub mod gtk_support;
pub mod pki;
pub mod soak;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// An RGB image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rgb {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Pixels, 3 bytes each, row-major.
    pub data: Vec<u8>,
}

impl Rgb {
    /// The pixel at (x, y).
    pub fn get(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// From a vnc-core framebuffer.
    pub fn from_framebuffer(fb: &vnc_core::Framebuffer) -> Rgb {
        Rgb {
            width: fb.width().into(),
            height: fb.height().into(),
            data: fb
                .data()
                .chunks_exact(4)
                .flat_map(|p| [p[2], p[1], p[0]])
                .collect(),
        }
    }
}

/// A scratch directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "vnc-tests-{}-{}-{tag}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fails the test with a message saying which package to install.
pub fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{program} is not installed: install the Debian package {package} (scripts/test.sh does)"
    );
}

/// A memory figure of this process from /proc/self/status, in KiB (`field` is for example
/// `"VmRSS:"` or `"VmHWM:"`, the peak).
pub fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// A single-threaded tokio runtime, as the tests drive the tokio adapter on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A TCP port free on both 127.0.0.1 and ::1, from 5900 up so that it is also a display.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = 6000 + (std::process::id() % 2000) as u16;
    loop {
        let port = base + (NEXT.fetch_add(7, Ordering::Relaxed) % 3000) as u16;
        let v4 = TcpListener::bind(("127.0.0.1", port));
        let v6 = TcpListener::bind((Ipv6Addr::LOCALHOST, port));
        if v4.is_ok() && v6.is_ok() {
            return port;
        }
    }
}

/// Waits until `cond` holds, checking every 50 ms, for at most `limit`. This polls a
/// condition; it never sleeps to let time pass for its own sake.
pub fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// A one-connection scripted server on 127.0.0.1: sends `script` (all at once, or one byte
/// at a time with `trickle` between bytes, like a slowloris server), then reads until the
/// client closes. Returns the port and the thread to join.
pub fn serve_once(
    script: Vec<u8>,
    trickle: Option<Duration>,
) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut sink = [0u8; 4096];
        match trickle {
            None => {
                let _ = s.write_all(&script);
            }
            Some(pause) => {
                s.set_read_timeout(Some(Duration::from_millis(100)))
                    .unwrap();
                for b in &script {
                    if s.write_all(&[*b]).is_err() {
                        return;
                    }
                    // The client may give up meanwhile.
                    if let Ok(0) = s.read(&mut sink) {
                        return;
                    }
                    std::thread::sleep(pause);
                }
            }
        }
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        while let Ok(n) = s.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
    });
    (port, t)
}

/// Processes that die with the guard.
struct Procs(Vec<Child>);

impl Drop for Procs {
    fn drop(&mut self) {
        for c in self.0.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Which X-based VNC server.
#[derive(Clone, Debug, Default)]
pub struct XvncOptions {
    /// `-SecurityTypes` value (default None).
    pub security: Option<&'static str>,
    /// A VNC password (makes a `-PasswordFile`).
    pub password: Option<&'static str>,
    /// `-Protocol3.3`.
    pub rfb33: bool,
    /// `-depth`.
    pub depth: Option<u8>,
    /// `-pixelformat` (rgb565, bgr888...).
    pub pixelformat: Option<&'static str>,
    /// `-geometry` (default 400x300).
    pub geometry: Option<&'static str>,
    /// Also listen on a Unix socket (`-rfbunixpath`).
    pub unix_socket: bool,
    /// More arguments (TLS certificates, Plain users...).
    pub extra: Vec<String>,
}

/// A running X server with a VNC server on it.
pub struct XServer {
    /// The VNC port (on 127.0.0.1 and ::1).
    pub port: u16,
    /// The X display, such as ":12".
    pub display: String,
    /// The password, if any.
    pub password: Option<&'static str>,
    /// The Unix socket, if asked for.
    pub unix_socket: Option<PathBuf>,
    procs: Procs,
    dir: TempDir,
}

impl XServer {
    /// Starts TigerVNC's Xvnc and paints the test scene.
    pub fn xvnc(opts: XvncOptions) -> XServer {
        require("Xvnc", "tigervnc-standalone-server");
        let dir = TempDir::new("xvnc");
        let port = free_port();
        let mut args: Vec<String> = vec![
            "-rfbport".into(),
            port.to_string(),
            "-localhost".into(),
            "-UseBlacklist=0".into(),
            "-noreset".into(),
            "-AlwaysShared".into(),
            "-desktop".into(),
            "vnc-tests".into(),
            "-geometry".into(),
            opts.geometry.unwrap_or("400x300").into(),
            "-depth".into(),
            opts.depth.unwrap_or(24).to_string(),
            "-SecurityTypes".into(),
            opts.security.unwrap_or("None").into(),
        ];
        if let Some(pf) = opts.pixelformat {
            args.extend(["-pixelformat".into(), pf.into()]);
        }
        if opts.rfb33 {
            args.push("-Protocol3.3".into());
        }
        args.extend(opts.extra.iter().cloned());
        let unix_socket = opts.unix_socket.then(|| dir.path().join("vnc.sock"));
        if let Some(p) = &unix_socket {
            args.extend(["-rfbunixpath".into(), p.display().to_string()]);
        }
        if let Some(pw) = opts.password {
            require("vncpasswd", "tigervnc-tools");
            let file = dir.path().join("passwd");
            let mut child = Command::new("vncpasswd")
                .arg("-f")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("vncpasswd");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{pw}\n").as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            std::fs::write(&file, out.stdout).unwrap();
            args.extend(["-PasswordFile".into(), file.display().to_string()]);
        }
        let (display, procs) = start_x(&dir, "Xvnc", &args);
        let mut s = XServer {
            port,
            display,
            password: opts.password,
            unix_socket,
            procs,
            dir,
        };
        wait_for("Xvnc to listen", Duration::from_secs(20), || {
            port_open(port)
        });
        s.paint_scene();
        s
    }

    /// An X server without VNC (Xvfb) for local GTK clients, and its display.
    pub fn xvfb(geometry: &str) -> XServer {
        require("Xvfb", "xvfb");
        let dir = TempDir::new("xvfb");
        let (display, procs) = start_x(
            &dir,
            "Xvfb",
            &[
                "-screen".into(),
                "0".into(),
                format!("{geometry}x24"),
                "-nolisten".into(),
                "tcp".into(),
            ],
        );
        XServer {
            port: 0,
            display,
            password: None,
            unix_socket: None,
            procs,
            dir,
        }
    }

    /// Starts Xvfb with x11vnc on it and paints the test scene.
    pub fn x11vnc(password: Option<&'static str>) -> XServer {
        XServer::x11vnc_with(password, &[], &[])
    }

    /// x11vnc with more arguments and environment (for -ssl).
    pub fn x11vnc_with(
        password: Option<&'static str>,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> XServer {
        require("Xvfb", "xvfb");
        require("x11vnc", "x11vnc");
        let dir = TempDir::new("x11vnc");
        let (display, procs) = start_x(
            &dir,
            "Xvfb",
            &[
                "-screen".into(),
                "0".into(),
                "400x300x24".into(),
                "-nolisten".into(),
                "tcp".into(),
                "-noreset".into(),
            ],
        );
        let mut s = XServer {
            port: free_port(),
            display,
            password,
            unix_socket: None,
            procs,
            dir,
        };
        s.paint_scene();
        let mut args: Vec<String> = vec![
            "-display".into(),
            s.display.clone(),
            "-rfbport".into(),
            s.port.to_string(),
            "-localhost".into(),
            "-forever".into(),
            "-shared".into(),
            "-nocursor".into(),
            "-noxdamage".into(),
        ];
        match password {
            None => args.push("-nopw".into()),
            Some(pw) => args.extend(["-passwd".into(), pw.into()]),
        }
        args.extend(extra.iter().map(|a| a.to_string()));
        let log = std::fs::File::create(s.dir.path().join("x11vnc.log")).unwrap();
        let child = Command::new("x11vnc")
            .args(&args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start x11vnc");
        s.procs.0.push(child);
        let port = s.port;
        wait_for("x11vnc to listen", Duration::from_secs(30), || {
            port_open(port)
        });
        s
    }

    /// Runs an X client on this display and keeps it until the server is dropped.
    pub fn spawn_client(&mut self, program: &str, args: &[&str]) {
        let child = Command::new(program)
            .args(args)
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        self.procs.0.push(child);
    }

    /// Runs an X command to completion.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        let out = Command::new(program)
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Paints a scene with gradients, noise, flat areas and text: something every encoding has
    /// to work for.
    fn paint_scene(&mut self) {
        require("xwd", "x11-apps");
        require("display", "imagemagick");
        require("xterm", "xterm");
        let (w, h) = self.size();
        let scene = self.dir.path().join("scene.ppm");
        std::fs::write(&scene, scene_ppm(w, h)).unwrap();
        // `display -window root` sets the root background and exits (non-zero, by design).
        let _ = Command::new("display")
            .args(["-window", "root"])
            .arg(&scene)
            .env("DISPLAY", &self.display)
            .output();
        self.spawn_client(
            "xterm",
            &[
                "-geometry",
                "30x6+20+30",
                "-fn",
                "fixed",
                "-e",
                "sh",
                "-c",
                "printf 'Hello from a real X server\\n0123456789 ABC xyz\\n'; exec sleep 100000",
            ],
        );
        self.settle();
    }

    /// The screen size.
    pub fn size(&self) -> (u32, u32) {
        let out = self.run("xdpyinfo", &[]);
        let text = String::from_utf8_lossy(&out.stdout);
        let dims = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("dimensions:"))
            .and_then(|d| d.split_whitespace().next())
            .expect("xdpyinfo dimensions");
        let (w, h) = dims.split_once('x').unwrap();
        (w.parse().unwrap(), h.parse().unwrap())
    }

    /// Waits until two screen dumps in a row are the same, and returns it.
    pub fn settle(&self) -> Rgb {
        let mut last = self.screen();
        let mut same = 0;
        wait_for(
            "the screen to stop changing",
            Duration::from_secs(30),
            || {
                let now = self.screen();
                same = if now == last { same + 1 } else { 0 };
                last = now;
                same >= 2
            },
        );
        last
    }

    /// The true screen, from `xwd -root`.
    pub fn screen(&self) -> Rgb {
        let out = self.run("xwd", &["-root", "-silent"]);
        parse_xwd(&out.stdout)
    }
}

fn start_x(dir: &TempDir, program: &str, args: &[String]) -> (String, Procs) {
    let dfile = dir.path().join("display");
    let log = dir.path().join(format!("{program}.log"));
    // -displayfd wants a descriptor number; the shell provides descriptor 3.
    let script = format!(
        "exec \"$0\" -displayfd 3 \"$@\" 3>'{}' >'{}' 2>&1",
        dfile.display(),
        log.display()
    );
    let child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {program}: {e}"));
    let procs = Procs(vec![child]);
    wait_for(
        &format!("{program} to pick a display (log {})", log.display()),
        Duration::from_secs(20),
        || {
            std::fs::read_to_string(&dfile)
                .map(|s| s.trim().parse::<u32>().is_ok() && s.ends_with('\n'))
                .unwrap_or(false)
        },
    );
    let n: u32 = std::fs::read_to_string(&dfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (format!(":{n}"), procs)
}

/// A deterministic PPM scene.
pub fn scene_ppm(w: u32, h: u32) -> Vec<u8> {
    let mut v = format!("P6\n{w} {h}\n255\n").into_bytes();
    let mut seed = 0x2545F491u32;
    for y in 0..h {
        for x in 0..w {
            let px = if y < h / 3 {
                [
                    (x * 255 / w.max(1)) as u8,
                    (y * 255 / (h / 3).max(1)) as u8,
                    128,
                ]
            } else if y < h / 2 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                [(seed >> 24) as u8, (seed >> 16) as u8, (seed >> 8) as u8]
            } else if x < w / 2 {
                if (x / 8 + y / 8) % 2 == 0 {
                    [240, 240, 240]
                } else {
                    [20, 40, 200]
                }
            } else {
                [0x33, 0x66, 0x99]
            };
            v.extend_from_slice(&px);
        }
    }
    v
}

/// Parses an XWD (X Window Dump) file of a TrueColor or DirectColor screen.
pub fn parse_xwd(b: &[u8]) -> Rgb {
    let u = |i: usize| u32::from_be_bytes(b[i * 4..i * 4 + 4].try_into().unwrap());
    let header_size = u(0) as usize;
    let (width, height) = (u(4), u(5));
    let byte_order = u(7);
    let bits_per_pixel = u(11);
    let bytes_per_line = u(12) as usize;
    let (rmask, gmask, bmask) = (u(14), u(15), u(16));
    let ncolors = u(19) as usize;
    let start = header_size + ncolors * 12;
    let bpp = (bits_per_pixel / 8) as usize;
    let chan = |v: u32, mask: u32| -> u8 {
        let shift = mask.trailing_zeros();
        let max = mask >> shift;
        let c = (v & mask) >> shift;
        ((c * 255 + max / 2) / max) as u8
    };
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height as usize {
        let row = &b[start + y * bytes_per_line..];
        for x in 0..width as usize {
            let p = &row[x * bpp..x * bpp + bpp];
            let v = match (bpp, byte_order) {
                (4, 0) => u32::from_le_bytes(p.try_into().unwrap()),
                (4, _) => u32::from_be_bytes(p.try_into().unwrap()),
                (2, 0) => u16::from_le_bytes(p.try_into().unwrap()).into(),
                (2, _) => u16::from_be_bytes(p.try_into().unwrap()).into(),
                // Packed 24-bit pixels: xwd writes them for a screen with windows of more
                // than one visual, such as a GTK window's 32-bit one.
                (3, 0) => u32::from_le_bytes([p[0], p[1], p[2], 0]),
                (3, _) => u32::from_be_bytes([0, p[0], p[1], p[2]]),
                _ => p[0].into(),
            };
            data.extend_from_slice(&[chan(v, rmask), chan(v, gmask), chan(v, bmask)]);
        }
    }
    Rgb {
        width,
        height,
        data,
    }
}

/// Parses a binary PPM (P6, maxval 255), as QEMU's screendump writes.
pub fn parse_ppm(b: &[u8]) -> Rgb {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i] == b'#' {
            while b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let s = i;
        while !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&b[s..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    assert_eq!(fields[3], "255");
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Rgb {
        width: w,
        height: h,
        data: b[i + 1..i + 1 + (w * h * 3) as usize].to_vec(),
    }
}

/// Decodes an 8-bit RGB PNG (as vnccapture writes).
pub fn read_png(path: &Path) -> Rgb {
    let dec = png::Decoder::new(BufReader::new(std::fs::File::open(path).expect("open png")));
    let mut reader = dec.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("png data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    Rgb {
        width: info.width,
        height: info.height,
        data: buf,
    }
}

/// Asserts two images are equal pixel for pixel, naming the first difference.
pub fn assert_same(got: &Rgb, want: &Rgb, what: &str) {
    assert_eq!(
        (got.width, got.height),
        (want.width, want.height),
        "{what}: size"
    );
    assert_close(got, want, what, |a, b| a == b);
}

/// Asserts two images agree at the precision of a format with `bits` bits per channel
/// (red, green, blue): reduced to that many bits, each channel of `got` is the true value
/// rounded down or up. Servers differ in how they round (Xvnc rounds halves up) and in how
/// they widen 16-bit pixels to 24-bit, so the comparison is on levels, not on bytes.
pub fn assert_same_at_precision(got: &Rgb, want: &Rgb, bits: [u32; 3], what: &str) {
    assert_eq!(
        (got.width, got.height),
        (want.width, want.height),
        "{what}: size"
    );
    assert_close(got, want, what, |g, w| {
        (0..3).all(|c| {
            let max = (1u32 << bits[c]) - 1;
            let level = (u32::from(g[c]) * max + 127) / 255;
            let exact = u32::from(w[c]) * max;
            (exact / 255..=exact.div_ceil(255)).contains(&level)
        })
    });
}

fn assert_close(got: &Rgb, want: &Rgb, what: &str, ok: impl Fn([u8; 3], [u8; 3]) -> bool) {
    let mut bad = 0;
    let mut first = None;
    for y in 0..want.height {
        for x in 0..want.width {
            let (g, w) = (got.get(x, y), want.get(x, y));
            if !ok(g, w) {
                bad += 1;
                first.get_or_insert((x, y, g, w));
            }
        }
    }
    if let Some((x, y, g, w)) = first {
        panic!("{what}: {bad} pixels differ; first at ({x},{y}): got {g:?}, true screen {w:?}");
    }
}

/// The path of a binary of this workspace, built by the same `cargo test` run.
pub fn workspace_bin(name: &str) -> PathBuf {
    // Test executables live in target/<profile>/deps; binaries in target/<profile>.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let p = profile_dir.join(name);
    assert!(
        p.is_file(),
        "{} is missing: build the workspace first (cargo build --workspace, or cargo test --workspace)",
        p.display()
    );
    p
}

/// Runs vnccapture with `args` and returns its output.
pub fn vnccapture(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(workspace_bin("vnccapture"));
    cmd.args(args)
        .stdin(Stdio::null())
        .env_remove("VNC_PASSWORD")
        .env_remove("VNC_USERNAME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run vnccapture")
}

/// Captures `server` with vnccapture and extra `args`; asserts success and returns the image.
pub fn capture(server: &str, args: &[&str], env: &[(&str, &str)]) -> Rgb {
    let dir = TempDir::new("capture");
    let png = dir.path().join("out.png");
    let mut all: Vec<&str> = vec!["--timeout", "60"];
    all.extend_from_slice(args);
    let png_s = png.display().to_string();
    all.push(server);
    all.push(&png_s);
    let out = vnccapture(&all, env);
    assert!(
        out.status.success(),
        "vnccapture {all:?} failed with {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    read_png(&png)
}

/// TLS for QEMU's VNC server.
pub enum QemuTls {
    /// None.
    None,
    /// `tls-creds-anon`.
    Anonymous,
    /// `tls-creds-x509` from a directory (see [`pki::Pki::qemu_dir`]).
    X509 {
        /// The credentials directory.
        dir: PathBuf,
        /// Require a client certificate.
        verify_peer: bool,
    },
}

/// QEMU with no disk, paused on its BIOS screen ("No bootable device").
pub struct Qemu {
    /// The VNC display number (port 5900 + display).
    pub display: u16,
    /// The password, if any.
    pub password: Option<&'static str>,
    qmp: PathBuf,
    _procs: Procs,
    dir: TempDir,
}

impl Qemu {
    /// Starts QEMU's VNC server on 127.0.0.1 and ::1.
    pub fn start(password: Option<&'static str>) -> Qemu {
        Qemu::start_with(password, QemuTls::None)
    }

    /// Starts QEMU with TLS on its VNC server.
    pub fn start_with(password: Option<&'static str>, tls: QemuTls) -> Qemu {
        require("qemu-system-x86_64", "qemu-system-x86");
        let dir = TempDir::new("qemu");
        let port = free_port();
        let display = port - 5900;
        let qmp = dir.path().join("qmp.sock");
        let debugcon = dir.path().join("debugcon.log");
        let mut vnc = format!("127.0.0.1:{display},vnc=[::1]:{display}");
        let mut cmd = Command::new("qemu-system-x86_64");
        cmd.args([
            "-accel",
            "tcg",
            "-machine",
            "pc",
            "-nodefaults",
            "-vga",
            "std",
            "-display",
            "none",
        ])
        .arg("-qmp")
        .arg(format!("unix:{},server=on,wait=off", qmp.display()))
        .arg("-debugcon")
        .arg(format!("file:{}", debugcon.display()))
        .args(["-global", "isa-debugcon.iobase=0x402"]);
        if let Some(pw) = password {
            cmd.args(["-object", &format!("secret,id=vncpw,data={pw}")]);
            vnc.push_str(",password-secret=vncpw");
        }
        match &tls {
            QemuTls::None => {}
            QemuTls::Anonymous => {
                cmd.args(["-object", "tls-creds-anon,id=tls0,endpoint=server"]);
                vnc.push_str(",tls-creds=tls0");
            }
            QemuTls::X509 { dir, verify_peer } => {
                cmd.arg("-object").arg(format!(
                    "tls-creds-x509,id=tls0,dir={},endpoint=server,verify-peer={}",
                    dir.display(),
                    if *verify_peer { "on" } else { "off" }
                ));
                vnc.push_str(",tls-creds=tls0");
            }
        }
        cmd.arg("-vnc").arg(&vnc);
        let log = std::fs::File::create(dir.path().join("qemu.log")).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start qemu");
        let q = Qemu {
            display,
            password,
            qmp,
            _procs: Procs(vec![child]),
            dir,
        };
        wait_for("QEMU to listen", Duration::from_secs(30), || {
            port_open(port)
        });
        wait_for(
            "the BIOS to give up booting",
            Duration::from_secs(60),
            || {
                std::fs::read_to_string(&debugcon)
                    .map(|s| s.contains("No bootable device"))
                    .unwrap_or(false)
            },
        );
        // Pause the VM so that the screen (and the blinking text cursor) stays still.
        q.qmp("{\"execute\":\"stop\"}");
        q
    }

    /// The VNC port.
    pub fn port(&self) -> u16 {
        5900 + self.display
    }

    /// Runs one QMP command and returns the response line.
    pub fn qmp(&self, command: &str) -> String {
        let mut s = UnixStream::connect(&self.qmp).expect("qmp connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut line = String::new();
        r.read_line(&mut line).unwrap(); // greeting
        s.write_all(b"{\"execute\":\"qmp_capabilities\"}\n")
            .unwrap();
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line.contains("\"return\"") {
                break;
            }
        }
        s.write_all(command.as_bytes()).unwrap();
        s.write_all(b"\n").unwrap();
        loop {
            line.clear();
            assert!(r.read_line(&mut line).unwrap() > 0, "QMP closed");
            if line.contains("\"return\"") || line.contains("\"error\"") {
                assert!(!line.contains("\"error\""), "QMP {command}: {line}");
                return line;
            }
        }
    }

    /// The true screen, from QMP `screendump`.
    pub fn screen(&self) -> Rgb {
        let file = self.dir.path().join("screen.ppm");
        self.qmp(&format!(
            "{{\"execute\":\"screendump\",\"arguments\":{{\"filename\":\"{}\"}}}}",
            file.display()
        ));
        let mut b = Vec::new();
        std::fs::File::open(&file)
            .unwrap()
            .read_to_end(&mut b)
            .unwrap();
        parse_ppm(&b)
    }
}
