//! A malicious server over real TCP against vnccapture: each attack ends with the right exit
//! code (and the engine, fed the same bytes, with the right error variant), within its time
//! limit, with a bounded peak memory (the child's peak resident set, from `wait4`), and the
//! client never panics. The same attacks face the widget in
//! `gtk_malicious.rs`.

use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use vnc_tests::attacks::{Expect, attacks, engine_error, hello};
use vnc_tests::reverse::ListeningCapture;
use vnc_tests::{TempDir, process, serve_once, workspace_bin};

/// Peak memory allowed for a client that refuses an attack: the program itself plus small
/// buffers, far below what any of these attacks asks for.
const SMALL_KIB: u64 = 64 << 10;

/// Runs vnccapture against `script`; returns (exit code, last stderr line, peak RSS in KiB).
fn attack(
    script: Vec<u8>,
    trickle: Option<Duration>,
    timeout_s: &str,
) -> (Option<i32>, String, u64) {
    attack_with(script, trickle, &["--timeout", timeout_s])
}

/// As [`attack`], with vnccapture's options `args`.
fn attack_with(
    script: Vec<u8>,
    trickle: Option<Duration>,
    args: &[&str],
) -> (Option<i32>, String, u64) {
    let (port, server) = serve_once(script, trickle);
    let dir = TempDir::new("attack");
    let mut cmd = Command::new(workspace_bin("vnccapture"));
    cmd.args(args)
        .arg(format!("127.0.0.1::{port}"))
        .arg(dir.path().join("x.png"))
        .env_remove("VNC_PASSWORD");
    let (status, stderr, kib) = process::run_measured(cmd);
    server.join().unwrap();
    let err = String::from_utf8_lossy(&stderr);
    // A panic exits with 101, which no failure of vnccapture uses.
    assert_ne!(status.code(), Some(101), "vnccapture panicked: {err}");
    (
        status.code(),
        err.lines().last().unwrap_or("").to_owned(),
        kib,
    )
}

#[test]
fn every_attack_against_vnccapture() {
    for a in attacks() {
        let (code, last, kib) = attack(a.script.clone(), a.trickle, "2");
        match a.expect {
            Expect::Error { is, exit_code } => {
                assert_eq!(code, Some(exit_code), "{}: {last}", a.name);
                let error = engine_error(&a.script);
                assert!(error.as_ref().is_some_and(is), "{}: {error:?}", a.name);
            }
            Expect::Frame => assert_eq!(code, Some(0), "{}: {last}", a.name),
        }
        assert!(kib < SMALL_KIB, "{}: peak RSS {kib} KiB", a.name);
    }
}

#[test]
fn extended_clipboard_of_i32_min_is_dropped_as_it_comes() {
    // An Extended Clipboard message whose length is i32::MIN (2 GiB): skipped, not buffered;
    // the capture times out.
    let s = hello(64, 64)
        .raw(&[3, 0, 0, 0])
        .raw(&i32::MIN.to_be_bytes())
        .raw(&[2; 1 << 16]);
    let (code, last, kib) = attack(s.bytes().to_vec(), None, "2");
    assert_eq!(code, Some(7), "{last}");
    assert!(kib < SMALL_KIB, "{kib} KiB");
}

#[test]
fn cut_text_of_2_gib_is_dropped_as_it_comes() {
    // A cut text of 2 GiB (the largest Latin-1 length; above it the length is negative, an
    // Extended Clipboard message) that never comes: skipped, not buffered; the capture times
    // out.
    let s = hello(64, 64)
        .raw(&[3, 0, 0, 0])
        .raw(&i32::MAX.to_be_bytes())
        .raw(&[2; 1 << 16]);
    let (code, last, kib) = attack(s.bytes().to_vec(), None, "2");
    assert_eq!(code, Some(7), "{last}");
    assert!(kib < SMALL_KIB, "{kib} KiB");
}

#[test]
fn a_server_posing_as_a_repeater_is_refused() {
    // A VNC server's own version where an UltraVNC repeater's "RFB 000.000\n" belongs: the
    // 250-byte ID block is not sent and the capture ends as a protocol error.
    let args = ["--timeout", "2", "--repeater", "ID:1234"];
    let (code, last, kib) = attack_with(hello(64, 64).bytes().to_vec(), None, &args);
    assert_eq!(code, Some(6), "{last}");
    assert!(last.contains("not an UltraVNC repeater"), "{last}");
    assert!(kib < SMALL_KIB, "{kib} KiB");
    // One that greets a byte at a time (slower than the limit), one that greets and then
    // never brings the server, one that never greets: the time limit, each.
    let timed = ["--timeout", "1", "--repeater", "ID:1"];
    for (script, trickle) in [
        (b"RFB 000.000\n".to_vec(), Some(Duration::from_millis(300))),
        (b"RFB 000.000\n".to_vec(), None),
        (Vec::new(), None),
    ] {
        let (code, last, _) = attack_with(script, trickle, &timed);
        assert_eq!(code, Some(7), "{trickle:?}: {last}");
    }
}

#[test]
fn a_listening_vnccapture_refuses_a_peer_sending_garbage_or_nothing() {
    for (what, bytes, code) in [
        ("garbage", &[0xff_u8; 64][..], 6),
        ("nothing", &[][..], 7),
        ("half a version", &b"RFB 003"[..], 7),
    ] {
        let listening = ListeningCapture::start(&["--timeout", "1"]);
        let mut peer = TcpStream::connect(("127.0.0.1", listening.port)).unwrap();
        peer.write_all(bytes).unwrap();
        let ended = listening.finish();
        assert_eq!(ended.code, Some(code), "{what}: {}", ended.stderr);
        assert!(
            ended.stderr.contains("127.0.0.1:"),
            "{what}: {}",
            ended.stderr
        );
    }
    // No peer at all: the wait is bounded too.
    let listening = ListeningCapture::start(&["--listen-timeout", "0.3"]);
    let ended = listening.finish();
    assert_eq!(ended.code, Some(7), "{}", ended.stderr);
    assert!(
        ended.stderr.contains("no server connected"),
        "{}",
        ended.stderr
    );
}
