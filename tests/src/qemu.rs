//! QEMU's VNC server: a diskless PC paused on its BIOS screen, read back with QMP.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::net::{free_port, port_open};
use crate::process::{self, Procs};
use crate::{Rgb, TempDir, parse_ppm, require, wait_for};

/// TLS for QEMU's VNC server.
#[derive(Default)]
pub enum QemuTls {
    /// None.
    #[default]
    None,
    /// `tls-creds-anon`.
    Anonymous,
    /// `tls-creds-x509` from a directory (see [`crate::pki::Pki::qemu_dir`]).
    X509 {
        /// The credentials directory.
        dir: PathBuf,
        /// Require a client certificate.
        verify_peer: bool,
    },
}

/// How to start QEMU ([`Qemu::start_setup`]); the default is the plain diskless PC paused
/// on its BIOS screen.
#[derive(Default)]
pub struct QemuSetup<'a> {
    /// The VNC password, if any.
    pub password: Option<&'static str>,
    /// TLS on the VNC server.
    pub tls: QemuTls,
    /// Trace events (`-trace NAME`), written to a log read with [`Qemu::trace`].
    pub trace: &'a [&'a str],
    /// A boot sector to boot instead of stopping at the BIOS, and the text it writes to the
    /// debug console (port 0x402) once it runs; the VM then runs (is not paused).
    pub boot: Option<(&'a [u8; 512], &'a str)>,
    /// More QEMU arguments (devices, `-audiodev`, ...).
    pub args: &'a [&'a str],
    /// Appended to the `-vnc` option (e.g. `",audiodev=snd0"`).
    pub vnc_options: &'a str,
    /// SASL on the VNC server (`sasl=on`).
    pub sasl: Option<QemuSasl<'a>>,
}

/// SASL for QEMU's VNC server: its "qemu" Cyrus SASL configuration (read through
/// `SASL_CONF_PATH`) allowing `mechanisms`, and a sasldb made with saslpasswd2 holding one
/// user.
pub struct QemuSasl<'a> {
    /// Cyrus's `mech_list`, e.g. `"digest-md5"` or `"scram-sha-256"`.
    pub mechanisms: &'a str,
    /// The user name.
    pub user: &'a str,
    /// The user's password.
    pub password: &'a str,
}

/// What [`KEYBOARD_LOOP`] writes to the debug console once it runs.
const KEYBOARD_LOOP_READY: &str = "kbd-loop\n";

/// A boot sector (x86 real mode, hand-assembled) that writes [`KEYBOARD_LOOP_READY`] to the
/// debug console (port 0x402) and then polls the keyboard through the BIOS for ever (int 16h
/// function 1, and function 0 to take a key when there is one). SeaBIOS updates the keyboard
/// LEDs from its lock flags on every int 16h call, so a Caps Lock press reaches the LEDs and
/// QEMU's LED State.
const KEYBOARD_LOOP: [u8; 512] = keyboard_loop();

const fn keyboard_loop() -> [u8; 512] {
    let mut s = [0u8; 512];
    let mut i = 0;
    // mov dx, 0x402
    s[0] = 0xBA;
    s[1] = 0x02;
    s[2] = 0x04;
    let mut at = 3;
    let msg = KEYBOARD_LOOP_READY.as_bytes();
    while i < msg.len() {
        // mov al, c; out dx, al
        s[at] = 0xB0;
        s[at + 1] = msg[i];
        s[at + 2] = 0xEE;
        at += 3;
        i += 1;
    }
    let tail = [
        0xFB, // sti
        0xB4, 0x01, // loop: mov ah, 1 (is a key waiting?)
        0xCD, 0x16, // int 16h
        0x74, 0x04, // jz +4 (none: poll again)
        0xB4, 0x00, // mov ah, 0 (take it)
        0xCD, 0x16, // int 16h
        0xEB, 0xF4, // jmp loop
    ];
    let mut j = 0;
    while j < tail.len() {
        s[at + j] = tail[j];
        j += 1;
    }
    s[510] = 0x55;
    s[511] = 0xAA;
    s
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
        Qemu::start_full(password, tls, &[])
    }

    /// Starts QEMU with these trace events (`-trace NAME`) written to a log file (`-D`),
    /// read back with [`trace`](Self::trace). Instead of stopping at the BIOS it boots a disk
    /// whose boot sector (`KEYBOARD_LOOP`) reads the keyboard, so that the BIOS keeps the
    /// keyboard's lock LEDs in step with its Caps, Num and Scroll Lock state. It runs (is not
    /// paused).
    pub fn start_traced(events: &[&str]) -> Qemu {
        Qemu::start_setup(QemuSetup {
            trace: events,
            boot: Some((&KEYBOARD_LOOP, KEYBOARD_LOOP_READY)),
            ..QemuSetup::default()
        })
    }

    /// What QEMU's trace log holds so far (empty if nothing has been traced yet).
    pub fn trace(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("trace.log")).unwrap_or_default()
    }

    fn start_full(password: Option<&'static str>, tls: QemuTls, trace: &[&str]) -> Qemu {
        Qemu::start_setup(QemuSetup {
            password,
            tls,
            trace,
            ..QemuSetup::default()
        })
    }

    /// Starts QEMU as `setup` says: the general form of the other start functions.
    pub fn start_setup(setup: QemuSetup<'_>) -> Qemu {
        let QemuSetup {
            password,
            tls,
            trace,
            boot,
            args,
            vnc_options,
            sasl,
        } = setup;
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
        if let Some(sasl) = &sasl {
            sasl_config(&mut cmd, dir.path(), sasl);
            vnc.push_str(",sasl=on");
        }
        if !trace.is_empty() {
            for event in trace {
                cmd.args(["-trace", event]);
            }
            cmd.arg("-D").arg(dir.path().join("trace.log"));
        }
        if let Some((sector, _)) = boot {
            let disk = dir.path().join("boot.img");
            let mut image = sector.to_vec();
            image.resize(1 << 20, 0);
            std::fs::write(&disk, image).unwrap();
            cmd.arg("-drive")
                .arg(format!("file={},format=raw,if=ide", disk.display()));
        }
        cmd.args(args);
        vnc.push_str(vnc_options);
        cmd.arg("-vnc").arg(&vnc);
        let log = std::fs::File::create(dir.path().join("qemu.log")).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        let child = process::spawn(cmd).expect("start qemu");
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
        if let Some((_, ready)) = boot {
            wait_for("the boot sector to start", Duration::from_secs(60), || {
                std::fs::read_to_string(&debugcon)
                    .map(|s| s.contains(ready))
                    .unwrap_or(false)
            });
            return q;
        }
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

/// Writes the "qemu" SASL application's configuration and user database into `dir` and
/// points QEMU's Cyrus SASL at them.
fn sasl_config(cmd: &mut Command, dir: &std::path::Path, sasl: &QemuSasl<'_>) {
    require("saslpasswd2", "sasl2-bin");
    let db = dir.join("passwd.db");
    std::fs::write(
        dir.join("qemu.conf"),
        format!(
            "mech_list: {}\nsasldb_path: {}\n",
            sasl.mechanisms,
            db.display()
        ),
    )
    .unwrap();
    // -p: the password from stdin, not a prompt; -c: create the user. The realm is the
    // host name, as QEMU's SASL server (no realm of its own) uses it.
    let mut passwd = Command::new("saslpasswd2");
    passwd
        .arg("-f")
        .arg(&db)
        .args(["-a", "qemu", "-p", "-c", sasl.user])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = process::spawn(passwd).expect("run saslpasswd2");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sasl.password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "saslpasswd2: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    cmd.env("SASL_CONF_PATH", dir);
}

/// The (down, keysym, keycode) of the trace's `event` lines, in order. QEMU 7.2 writes
/// `vnc_key_event_ext down 1, sym 0x61, keycode 0x1e [a]`, and for the keysym path
/// `vnc_key_event_map down 1, sym 0x62 -> keycode 0x30 [b]`.
pub fn traced_keys(trace: &str, event: &str) -> Vec<(u32, u32, u32)> {
    trace
        .lines()
        .filter(|l| l.contains(&format!("{event} ")))
        .map(|l| {
            let field = |name: &str| {
                let at = l.find(name).unwrap_or_else(|| panic!("no {name:?} in {l}"));
                let rest = &l[at + name.len()..];
                let hex = rest.strip_prefix("0x");
                let digits: String = hex
                    .unwrap_or(rest)
                    .chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect();
                u32::from_str_radix(&digits, if hex.is_some() { 16 } else { 10 }).unwrap()
            };
            (field("down "), field("sym "), field("keycode "))
        })
        .collect()
}

/// Ctrl+Alt+Del as QEMU traces it from extended key events: (down, keysym, scancode) of
/// Control_L, Alt_L and Delete pressed in that order and released in reverse.
pub const CTRL_ALT_DEL: [(u32, u32, u32); 6] = [
    (1, 0xffe3, 0x1d),
    (1, 0xffe9, 0x38),
    (1, 0xffff, 0xd3),
    (0, 0xffff, 0xd3),
    (0, 0xffe9, 0x38),
    (0, 0xffe3, 0x1d),
];

/// Polls `q`'s trace until `cond` holds, at most 20 s, without blocking the runtime (a
/// connection's task keeps running meanwhile); returns the trace.
pub async fn trace_until(q: &Qemu, what: &str, cond: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let trace = q.trace();
        if cond(&trace) {
            return trace;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}:\n{trace}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
