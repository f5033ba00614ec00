//! Reverse connections for the tests: vnccapture waiting in listen mode (its port read from
//! the line it prints), and a scripted UltraVNC repeater that checks both sides' ID blocks
//! and relays bytes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

use crate::{Rgb, TempDir, process, read_png, workspace_bin};

/// A vnccapture started with `--listen 0` on 127.0.0.1, waiting for a server.
pub struct ListeningCapture {
    /// The port it listens on.
    pub port: u16,
    child: Child,
    stderr: JoinHandle<String>,
    png: PathBuf,
    _dir: TempDir,
}

/// How a listening vnccapture ended.
pub struct Ended {
    /// Its exit code.
    pub code: Option<i32>,
    /// Everything it wrote on stderr after the listening line.
    pub stderr: String,
    /// The image, when it wrote one.
    pub image: Option<Rgb>,
}

impl ListeningCapture {
    /// Starts vnccapture listening on 127.0.0.1 (a port the system picks) with extra `args`
    /// (which win over these: `--listen-address ::1`, `--timeout 1`...), and waits for the
    /// line that gives the port.
    pub fn start(args: &[&str]) -> ListeningCapture {
        let dir = TempDir::new("listen");
        let png = dir.path().join("out.png");
        let mut cmd = Command::new(workspace_bin("vnccapture"));
        cmd.args(["--listen", "0", "--listen-address", "127.0.0.1"])
            .args(["--listen-timeout", "60", "--timeout", "60"])
            .args(args)
            .arg(&png)
            .env_remove("VNC_PASSWORD")
            .env_remove("VNC_USERNAME")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = process::spawn(cmd).expect("start vnccapture");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        // The first line comes before any wait (or is the error that prevented listening);
        // vnccapture's own --listen-timeout bounds the rest.
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        let port = line
            .strip_prefix("vnccapture: listening on port ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("vnccapture did not say where it listens: {line:?}"));
        let stderr = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = err.read_to_string(&mut rest);
            rest
        });
        ListeningCapture {
            port,
            child,
            stderr,
            png,
            _dir: dir,
        }
    }

    /// Waits for vnccapture to end (its timeouts bound this).
    pub fn finish(mut self) -> Ended {
        let status = self.child.wait().unwrap();
        let stderr = self.stderr.join().unwrap();
        let image = status.success().then(|| read_png(&self.png));
        Ended {
            code: status.code(),
            stderr,
            image,
        }
    }

    /// Waits for vnccapture to end and returns its image, failing the test with its stderr
    /// if it wrote none.
    pub fn image(self) -> Rgb {
        let ended = self.finish();
        ended.image.unwrap_or_else(|| {
            panic!(
                "listening vnccapture failed with {:?}: {}",
                ended.code, ended.stderr
            )
        })
    }
}

/// The 250-byte, NUL-padded block that names `dest` to an UltraVNC repeater.
pub fn repeater_block(dest: &str) -> Vec<u8> {
    let mut block = dest.as_bytes().to_vec();
    block.resize(250, 0);
    block
}

/// A scripted UltraVNC repeater in mode II on 127.0.0.1, for one viewer and one server.
pub struct ScriptedRepeater {
    /// Where viewers connect: the repeater greets them with RFB version 0.0.
    pub viewer_port: u16,
    /// Where servers connect (x11vnc's `-connect repeater=ID:n+127.0.0.1:PORT`).
    pub server_port: u16,
    thread: JoinHandle<Result<(), String>>,
}

impl ScriptedRepeater {
    /// Starts a repeater that expects both sides to name `id` (such as "ID:1234").
    pub fn start(id: &str) -> ScriptedRepeater {
        let viewers = TcpListener::bind("127.0.0.1:0").unwrap();
        let servers = TcpListener::bind("127.0.0.1:0").unwrap();
        let viewer_port = viewers.local_addr().unwrap().port();
        let server_port = servers.local_addr().unwrap().port();
        let want = repeater_block(id);
        let thread = std::thread::spawn(move || {
            let (mut viewer, _) = viewers.accept().map_err(|e| e.to_string())?;
            viewer
                .write_all(b"RFB 000.000\n")
                .map_err(|e| e.to_string())?;
            let from_viewer = read_block(&mut viewer)?;
            let (mut server, _) = servers.accept().map_err(|e| e.to_string())?;
            let from_server = read_block(&mut server)?;
            if from_viewer != want || from_server != want {
                return Err(format!(
                    "blocks differ from {:?}: viewer sent {:?}, server sent {:?}",
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&from_viewer),
                    String::from_utf8_lossy(&from_server)
                ));
            }
            relay(viewer, server);
            Ok(())
        });
        ScriptedRepeater {
            viewer_port,
            server_port,
            thread,
        }
    }

    /// Starts a repeater in mode I: the viewer's block names `host:port`, which the repeater
    /// connects to and relays (no server port).
    pub fn start_mode_one() -> ScriptedRepeater {
        let viewers = TcpListener::bind("127.0.0.1:0").unwrap();
        let viewer_port = viewers.local_addr().unwrap().port();
        let thread = std::thread::spawn(move || {
            let (mut viewer, _) = viewers.accept().map_err(|e| e.to_string())?;
            viewer
                .write_all(b"RFB 000.000\n")
                .map_err(|e| e.to_string())?;
            let block = read_block(&mut viewer)?;
            let end = block.iter().position(|&b| b == 0).unwrap_or(block.len());
            if block[end..].iter().any(|&b| b != 0) {
                return Err(format!("not NUL padded: {block:?}"));
            }
            let dest = String::from_utf8_lossy(&block[..end]).into_owned();
            let server = TcpStream::connect(&dest).map_err(|e| format!("{dest}: {e}"))?;
            relay(viewer, server);
            Ok(())
        });
        ScriptedRepeater {
            viewer_port,
            server_port: 0,
            thread,
        }
    }

    /// Waits until both sides have closed; the error if a block was wrong.
    pub fn finish(self) -> Result<(), String> {
        self.thread.join().unwrap()
    }
}

fn read_block(s: &mut TcpStream) -> Result<Vec<u8>, String> {
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let mut block = vec![0u8; 250];
    s.read_exact(&mut block)
        .map_err(|e| format!("reading a 250-byte block: {e}"))?;
    s.set_read_timeout(None).map_err(|e| e.to_string())?;
    Ok(block)
}

/// Copies bytes both ways until each side has closed its half.
fn relay(a: TcpStream, b: TcpStream) {
    let (a2, b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let one_way = |mut from: TcpStream, mut to: TcpStream| {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Write);
        })
    };
    let t1 = one_way(a, b2);
    let t2 = one_way(b, a2);
    let _ = t1.join();
    let _ = t2.join();
}
