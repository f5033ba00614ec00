//! X servers: TigerVNC's Xvnc, x11vnc on Xvfb, and a plain Xvfb for local GTK clients, each
//! painted with a deterministic scene and read back with `xwd`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::net::{free_port, port_open};
use crate::process::{self, Procs};
use crate::{Rgb, TempDir, parse_xwd, require, wait_for};

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
    /// The VNC port (default a free one): a server started again on the port of one stopped.
    pub port: Option<u16>,
    /// Leave the screen as the server starts it (no test scene): ready as soon as it listens.
    pub bare: bool,
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
        let port = opts.port.unwrap_or_else(free_port);
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
            let mut cmd = Command::new("vncpasswd");
            cmd.arg("-f").stdin(Stdio::piped()).stdout(Stdio::piped());
            let mut child = process::spawn(cmd).expect("vncpasswd");
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
        if !opts.bare {
            s.paint_scene();
        }
        s
    }

    /// An X server without VNC (Xvfb) for local GTK clients, and its display.
    pub fn xvfb(geometry: &str) -> XServer {
        XServer::xvfb_with(geometry, &[])
    }

    /// An Xvfb with more arguments, such as `-wr` (a white root window instead of black).
    pub fn xvfb_with(geometry: &str, extra: &[&str]) -> XServer {
        require("Xvfb", "xvfb");
        let dir = TempDir::new("xvfb");
        let mut args: Vec<String> = vec![
            "-screen".into(),
            "0".into(),
            format!("{geometry}x24"),
            "-nolisten".into(),
            "tcp".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let (display, procs) = start_x(&dir, "Xvfb", &args);
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
        let mut cmd = Command::new("x11vnc");
        cmd.args(&args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        let child = process::spawn(cmd).expect("start x11vnc");
        s.procs.0.push(child);
        let port = s.port;
        let log = s.dir.path().join("x11vnc.log");
        let x11vnc = s.procs.0.last_mut().unwrap();
        wait_for("x11vnc to listen", Duration::from_secs(30), || {
            // One that gave up (a port taken, shared memory exhausted) says why in its log.
            if let Ok(Some(status)) = x11vnc.try_wait() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(15).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                panic!(
                    "x11vnc ended ({status}) before listening:\n{}",
                    tail.join("\n")
                );
            }
            port_open(port)
        });
        s
    }

    /// Runs an X client on this display and keeps it until the server is dropped. (An xterm's
    /// own children go with it: they get SIGHUP when its terminal closes.)
    pub fn spawn_client(&mut self, program: &str, args: &[&str]) {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = process::spawn(cmd).unwrap_or_else(|e| panic!("start {program}: {e}"));
        self.procs.0.push(child);
    }

    /// What the server has logged so far (its stdout and stderr), such as Xvnc's
    /// `SVeNCrypt: Client requests security type X509Vnc (261)`.
    pub fn log(&self) -> String {
        let name = if self.dir.path().join("Xvnc.log").exists() {
            "Xvnc.log"
        } else {
            "Xvfb.log"
        };
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// Runs an X command to completion.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args).env("DISPLAY", &self.display);
        let out = process::output(cmd).unwrap_or_else(|e| panic!("run {program}: {e}"));
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
        let mut cmd = Command::new("display");
        cmd.args(["-window", "root"])
            .arg(&scene)
            .env("DISPLAY", &self.display);
        let _ = process::output(cmd);
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
        // Two dumps alike do not prove the xterm has drawn (on a busy machine it may not even
        // be mapped yet): wait for its second line of text, whose glyphs ("0123456789 ABC xyz"
        // in the fixed font) paint far more black pixels than the cursor alone could.
        if w >= 140 && h >= 60 {
            wait_for("the xterm's text", Duration::from_secs(30), || {
                let img = self.screen();
                let black = (47..59)
                    .flat_map(|y| (22..140).map(move |x| (x, y)))
                    .filter(|&(x, y)| img.get(x, y) == [0, 0, 0])
                    .count();
                black > 150
            });
        }
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
    ///
    /// On a screen with windows of more than one visual (a GTK window's 32-bit one beside the
    /// root's), xwd reads each window apart, and a window that is resized or unmapped meanwhile
    /// fails its read with BadMatch: such a dump is taken again.
    pub fn screen(&self) -> Rgb {
        let mut shot = None;
        wait_for("xwd -root to succeed", Duration::from_secs(10), || {
            let mut cmd = Command::new("xwd");
            cmd.args(["-root", "-silent"]).env("DISPLAY", &self.display);
            let out = process::output(cmd).expect("run xwd");
            if out.status.success() {
                shot = Some(parse_xwd(&out.stdout));
            } else {
                let error = String::from_utf8_lossy(&out.stderr);
                assert!(
                    error.contains("BadMatch"),
                    "xwd -root on {} failed: {error}",
                    self.display
                );
            }
            shot.is_some()
        });
        shot.unwrap()
    }
}

fn start_x(dir: &TempDir, program: &str, args: &[String]) -> (String, Procs) {
    let dfile = dir.path().join("display");
    let log = dir.path().join(format!("{program}.log"));
    // -displayfd wants a descriptor number; the shell provides descriptor 3 and then execs
    // the server, so the child (the process killed with the guard or with this process) is
    // the server itself.
    let script = format!(
        "exec \"$0\" -displayfd 3 \"$@\" 3>'{}' >'{}' 2>&1",
        dfile.display(),
        log.display()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(program)
        .args(args)
        .stdin(Stdio::null());
    let child = process::spawn(cmd).unwrap_or_else(|e| panic!("start {program}: {e}"));
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
