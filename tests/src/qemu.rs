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
pub enum QemuTls {
    /// None.
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
