//! Power control (xvp) against libvncserver, the one xvp server on Debian (x11vnc links it
//! but has no power hook of its own; TigerVNC and QEMU do not speak xvp): a twenty-line
//! libvncserver program, compiled here, logs each request its xvp hook receives and refuses
//! Reset, so libvncserver answers that one with XVP_FAIL.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, timeout_at};
use vnc_core::tokio::{Command, ConnectOptions, Connection};
use vnc_core::{Address, Config, Event, PowerAction};
use vnc_tests::process::{output, spawn};
use vnc_tests::{TempDir, free_port, require, wait_for};

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

/// Waits (at most until `deadline`) for an event that `want` picks.
async fn event(events: &mut UnboundedReceiver<Event>, deadline: Instant, want: fn(&Event) -> bool) {
    loop {
        match timeout_at(deadline, events.recv()).await {
            Ok(Some(e)) if want(&e) => return,
            Ok(Some(_)) => {}
            Ok(None) => panic!("the connection ended"),
            Err(_) => panic!("timed out waiting for an event"),
        }
    }
}

#[test]
fn libvncserver_takes_power_control_requests() {
    require("cc", "gcc");
    let dir = TempDir::new("xvp");
    let src = dir.path().join("server.c");
    let bin = dir.path().join("server");
    let log = dir.path().join("requests");
    std::fs::write(&src, SERVER).unwrap();
    let mut cc = std::process::Command::new("cc");
    cc.arg(&src).arg("-o").arg(&bin).arg("-lvncserver");
    let built = output(cc).expect("run cc");
    assert!(
        built.status.success(),
        "cc (needs libvncserver-dev): {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let port = free_port();
    let mut cmd = std::process::Command::new(&bin);
    cmd.arg(port.to_string()).arg(&log);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut server = spawn(cmd).expect("start the server");
    wait_for("the server to listen", Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });

    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    vnc_tests::runtime().block_on(async {
        let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .expect("connect to the server");
        let (handle, mut events, task) = conn.spawn();
        let deadline = Instant::now() + Duration::from_secs(20);
        event(&mut events, deadline, |e| {
            matches!(e, Event::PowerControlReady { version: 1.. })
        })
        .await;
        handle.send(Command::PowerControl(PowerAction::Reboot));
        handle.send(Command::PowerControl(PowerAction::Reset));
        event(&mut events, deadline, |e| *e == Event::PowerControlFailed).await;
        handle.send(Command::Close);
        let session = task.await.unwrap().expect("session");
        assert!(session.power_control_available());
    });
    // Both requests arrived, in order, as version 1 with their codes.
    let got = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(got, "xvp 1 3\nxvp 1 4\n");
    let _ = server.kill();
    let _ = server.wait();
}
