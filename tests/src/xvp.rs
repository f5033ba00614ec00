//! A libvncserver program that offers xvp power control, compiled on demand: no Debian VNC
//! server offers xvp (x11vnc has no option for it, and libvncserver sends XVP_INIT only when
//! the program sets `xvpHook`; TigerVNC and QEMU do not speak it).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::process::{output, spawn};
use crate::{TempDir, free_port, require, wait_for};

/// The server: a 64x48 black desktop on 127.0.0.1:PORT (argv 1) that appends "xvp VERSION
/// CODE" to the file in argv 2 for each request and refuses XVP_RESET (4).
const SERVER: &str = r#"
#include <rfb/rfb.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

static const char *log_path;

static rfbBool power(rfbClientPtr cl, uint8_t version, uint8_t code) {
    FILE *f = fopen(log_path, "a");
    if (f) { fprintf(f, "xvp %u %u\n", version, code); fclose(f); }
    return code != 4;
}

int main(int argc, char **argv) {
    int one = 1;
    log_path = argv[2];
    rfbScreenInfoPtr s = rfbGetScreen(&one, argv, 64, 48, 8, 3, 4);
    s->frameBuffer = calloc(64 * 48, 4);
    s->port = atoi(argv[1]);
    s->ipv6port = 0;
    s->listenInterface = htonl(INADDR_LOOPBACK);
    s->listen6Interface = "::1";
    s->xvpHook = power;
    rfbInitServer(s);
    rfbRunEventLoop(s, -1, FALSE);
    return 0;
}
"#;

/// The running server; killed when dropped.
pub struct XvpServer {
    child: Child,
    log: PathBuf,
    /// Its port on 127.0.0.1.
    pub port: u16,
    _dir: TempDir,
}

impl XvpServer {
    /// Compiles (needs gcc and libvncserver-dev) and starts the server; returns once it listens.
    pub fn start() -> XvpServer {
        require("cc", "gcc");
        let dir = TempDir::new("xvp");
        let src = dir.path().join("server.c");
        let bin = dir.path().join("server");
        let log = dir.path().join("requests");
        std::fs::write(&src, SERVER).unwrap();
        let mut cc = Command::new("cc");
        cc.arg(&src).arg("-o").arg(&bin).arg("-lvncserver");
        let built = output(cc).expect("run cc");
        assert!(
            built.status.success(),
            "cc (needs libvncserver-dev): {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let port = free_port();
        let mut cmd = Command::new(&bin);
        cmd.arg(port.to_string()).arg(&log);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let child = spawn(cmd).expect("start the xvp server");
        wait_for("the xvp server to listen", Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        XvpServer {
            child,
            log,
            port,
            _dir: dir,
        }
    }

    /// The requests its hook received so far, one "xvp VERSION CODE" line each.
    pub fn requests(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for XvpServer {
    fn drop(&mut self) {
        crate::process::stop(&mut self.child);
    }
}
