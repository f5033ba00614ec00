//! Loopback networking for the tests: free ports, waiting for a server to listen, and a
//! one-connection scripted server.

use std::io::{Read, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

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

/// Whether something accepts connections on 127.0.0.1:`port`.
pub(crate) fn port_open(port: u16) -> bool {
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
