//! A malicious server over real TCP against vnccapture: each attack ends with a clear error
//! and the right exit code, within its time limit, with a bounded peak memory (measured with
//! GNU time), and the client never panics.

use std::process::Command;
use std::time::Duration;

use vnc_core::testing::{Script, ZrleEncoder, rect_header};
use vnc_core::{PixelFormat, Rect};
use vnc_tests::{TempDir, require, serve_once, workspace_bin};

/// Runs vnccapture under GNU time; returns (exit code, last stderr line, peak RSS in KiB).
fn attack(
    script: Vec<u8>,
    trickle: Option<Duration>,
    timeout_s: &str,
) -> (Option<i32>, String, u64) {
    require("time", "time");
    let (port, server) = serve_once(script, trickle);
    let dir = TempDir::new("attack");
    let rss = dir.path().join("rss");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss)
        .arg(workspace_bin("vnccapture"))
        .args(["--timeout", timeout_s, &format!("127.0.0.1::{port}")])
        .arg(dir.path().join("x.png"))
        .env_remove("VNC_PASSWORD")
        .output()
        .unwrap();
    server.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "vnccapture panicked: {err}");
    let kib = std::fs::read_to_string(&rss)
        .unwrap()
        .trim()
        .lines()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    (
        out.status.code(),
        err.lines().last().unwrap_or("").to_owned(),
        kib,
    )
}

fn hello(w: u16, h: u16) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(w, h, &PixelFormat::RGB888, "evil")
}

/// Peak memory allowed for a client that refuses an attack: the program itself plus small
/// buffers, far below what any of these attacks asks for.
const SMALL_KIB: u64 = 64 << 10;

#[test]
fn huge_framebuffer_is_refused() {
    let (code, last, kib) = attack(hello(65535, 65535).bytes().to_vec(), None, "30");
    assert_eq!(code, Some(6), "{last}");
    assert!(last.contains("framebuffer"), "{last}");
    assert!(kib < SMALL_KIB, "{kib} KiB");
}

#[test]
fn zlib_bomb_is_refused() {
    // 16 MiB of zeros compress to a few KiB; the rectangle is 4x4.
    let mut enc = ZrleEncoder::default();
    let script = hello(64, 64)
        .update(&[enc.rect_from_tile_data(Rect::new(0, 0, 4, 4), &vec![0u8; 16 << 20])]);
    let (code, last, kib) = attack(script.bytes().to_vec(), None, "30");
    assert_eq!(code, Some(6), "{last}");
    assert!(last.contains("inflates to more"), "{last}");
    assert!(kib < SMALL_KIB, "{kib} KiB");
}

#[test]
fn length_fields_near_4_gib() {
    // A desktop name of 4 GiB in ServerInit.
    let mut s = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .raw(&64u16.to_be_bytes())
        .raw(&64u16.to_be_bytes());
    s = s
        .raw(&PixelFormat::RGB888.to_bytes())
        .raw(&u32::MAX.to_be_bytes());
    let (code, last, kib) = attack(s.bytes().to_vec(), None, "30");
    assert_eq!(code, Some(6), "{last}");
    assert!(last.contains("desktop name"), "{last}");
    assert!(kib < SMALL_KIB);
    // A refusal reason of 4 GiB.
    let s = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[])
        .raw(&u32::MAX.to_be_bytes());
    let (code, last, kib) = attack(s.bytes().to_vec(), None, "30");
    assert_eq!(code, Some(6), "{last}");
    assert!(kib < SMALL_KIB);
    // A cut text of 4 GiB that never comes: skipped, not buffered; the capture times out.
    let s = hello(64, 64)
        .raw(&[3, 0, 0, 0])
        .raw(&u32::MAX.to_be_bytes())
        .raw(&[0; 1 << 16]);
    let (code, last, kib) = attack(s.bytes().to_vec(), None, "2");
    assert_eq!(code, Some(7), "{last}");
    assert!(kib < SMALL_KIB, "{kib} KiB");
}

#[test]
fn rectangles_outside_the_framebuffer() {
    let mut raw = rect_header(Rect::new(60, 60, 10, 10), 0);
    raw.extend(vec![0; 400]);
    let (code, last, _) = attack(hello(64, 64).update(&[raw]).bytes().to_vec(), None, "30");
    assert_eq!(code, Some(6));
    assert!(last.contains("outside"), "{last}");
}

#[test]
fn slowloris_is_dropped_at_the_timeout() {
    // The version string one byte every 300 ms: the 2 s limit ends it.
    let (code, last, _) = attack(
        b"RFB 003.008\n".to_vec(),
        Some(Duration::from_millis(300)),
        "2",
    );
    assert_eq!(code, Some(7), "{last}");
    assert!(last.contains("timed out"), "{last}");
}
