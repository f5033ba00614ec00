//! vnccapture's command line and its failures: usage, unreachable servers, servers that are
//! not VNC servers, and the exit codes that tell them apart.

use std::io::Write;
use std::net::TcpListener;

use vnc_tests::{TempDir, free_port, vnccapture};

fn stderr_last_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn help_documents_options_and_exit_codes() {
    let out = vnccapture(&["--help"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "--password-file",
        "--username",
        "--encodings",
        "--pixel-format",
        "--quality",
        "--fine-quality",
        "--subsampling",
        "--timeout",
        "--listen",
        "--listen-timeout",
        "--repeater",
        "--security-types",
        "--require-encryption",
        "Exit codes",
        "VNC_PASSWORD",
    ] {
        assert!(text.contains(word), "--help lacks {word}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["host"],
        &["a", "b", "c"],
        &["--bogus", "h", "o.png"],
        &["--encodings", "bogus", "h", "o.png"],
        &["--pixel-format", "rgb999", "h", "o.png"],
        &["--quality", "10", "h", "o.png"],
        &["--quality", "high", "h", "o.png"],
        &["--quality", "8", "--fine-quality", "101", "h", "o.png"],
        &["--quality", "8", "--subsampling", "3x", "h", "o.png"],
        &["--fine-quality", "50", "h", "o.png"],
        &["--subsampling", "gray", "h", "o.png"],
        &["host:x", "o.png"],
        &["--listen"],
        &["--listen", "5500", "h", "o.png"],
        &["--listen=5500", "5501", "o.png"],
        &["--listen", "65536", "o.png"],
        &["--listen", "--listen-address", "localhost", "o.png"],
        &["--listen-address", "127.0.0.1", "h", "o.png"],
        &["--listen", "--repeater", "ID:1", "o.png"],
        &["--listen", "--trust-on-first-use", "o.png"],
        &["--listen", "--listen-timeout", "0", "o.png"],
        &["--repeater", "ID:12x", "h", "o.png"],
        &["--repeater", "nohost", "h", "o.png"],
        &["--security-types", "vnc,sasl2", "h", "o.png"],
        &["--security-types", "", "h", "o.png"],
        &[
            "--security-types",
            "none",
            "--require-encryption",
            "h",
            "o.png",
        ],
    ] {
        let out = vnccapture(args, &[]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A bad address: the accepted forms are listed.
    let out = vnccapture(&["[::1", "o.png"], &[]);
    assert!(stderr_last_line(&out).contains(vnc_core::address::ADDRESS_FORMS));
}

#[test]
fn nobody_listening_exits_3_without_waiting_for_the_timeout() {
    let port = free_port();
    let dir = TempDir::new("cli");
    let out = vnccapture(
        &[
            "--timeout",
            "120",
            &format!("127.0.0.1::{port}"),
            dir.path().join("o.png").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The message names the server.
    let last = stderr_last_line(&out);
    assert!(last.contains(&port.to_string()), "{last}");
    // An unresolvable name is a connection failure too.
    let out = vnccapture(
        &[
            "no-such-host.invalid",
            dir.path().join("o.png").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn something_that_is_not_vnc_exits_6() {
    let (port, server) =
        vnc_tests::serve_once(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".to_vec(), None);
    let dir = TempDir::new("cli");
    let out = vnccapture(
        &[
            &format!("127.0.0.1::{port}"),
            dir.path().join("o.png").to_str().unwrap(),
        ],
        &[],
    );
    server.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The message shows what came instead of a version string.
    let last = stderr_last_line(&out);
    assert!(last.contains("SSH-2.0"), "{last}");
}

#[test]
fn a_silent_server_times_out_with_exit_7() {
    let (port, server) = vnc_tests::serve_once(Vec::new(), None);
    let dir = TempDir::new("cli");
    let out = vnccapture(
        &[
            "--timeout",
            "0.5",
            &format!("127.0.0.1::{port}"),
            dir.path().join("o.png").to_str().unwrap(),
        ],
        &[],
    );
    server.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unasked_cursor_update_is_not_taken_for_the_frame() {
    use vnc_core::testing::{Image, Script, rect_header};
    use vnc_core::{PixelFormat, Rect};
    let img = Image::pattern(8, 4);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let screen = img.clone();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let pf = PixelFormat::RGB888;
        s.write_all(Script::new().version("RFB 003.008\n").bytes())
            .unwrap();
        let mut buf = [0u8; 4096];
        let _ = std::io::Read::read(&mut s, &mut buf).unwrap();
        s.write_all(
            Script::new()
                .security_types(&[1])
                .security_result(0)
                .server_init(8, 4, &pf, "q")
                .bytes(),
        )
        .unwrap();
        // As QEMU does on SetEncodings: a cursor shape before any request is answered.
        let mut cursor = rect_header(Rect::new(0, 0, 1, 1), -239);
        cursor.extend_from_slice(&[0, 0, 255, 0, 0x80]);
        s.write_all(Script::new().update(&[cursor]).bytes())
            .unwrap();
        // A client that took that update for the frame hangs up now; give it the chance
        // (up to a second) before the real frame comes, so that such a client is caught.
        s.set_read_timeout(Some(std::time::Duration::from_secs(1)))
            .unwrap();
        if matches!(std::io::Read::read(&mut s, &mut buf), Ok(0)) {
            return;
        }
        let frame = Script::new().update(&[Script::raw_rect(&pf, &screen, Rect::new(0, 0, 8, 4))]);
        s.write_all(frame.bytes()).unwrap();
        s.set_read_timeout(None).unwrap();
        while std::io::Read::read(&mut s, &mut buf)
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
    });
    let got = vnc_tests::capture(&format!("127.0.0.1::{port}"), &[], &[]);
    server.join().unwrap();
    let want = vnc_tests::Rgb {
        width: 8,
        height: 4,
        data: img.pixels.iter().flatten().copied().collect(),
    };
    vnc_tests::assert_same(&got, &want, "frame after a cursor-only update");
}
