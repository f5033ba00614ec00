//! Apple Remote Desktop (type 30) and MS-Logon II (type 113) end to end: vnccapture logs in to
//! a scripted server that decrypts the user name and password with its own private key
//! (`vnc_tests::login_server`), and captures the frame it sends; a wrong password ends with
//! the authentication exit code; MS-Logon II is used only when allowed.

use vnc_tests::attacks::frame_picture;
use vnc_tests::login_server::{Login, serve_login};
use vnc_tests::{TempDir, assert_same, read_png, vnccapture};

/// Runs vnccapture against a login server; returns the exit code, the last stderr line, what
/// the server saw, and the picture if one was written.
fn login(
    kind: Login,
    offer: &[u8],
    extra: &[&str],
    password: &str,
) -> (
    Option<i32>,
    String,
    vnc_tests::login_server::Seen,
    Option<vnc_tests::Rgb>,
) {
    let (port, server) = serve_login(kind, offer, "alice", "s3cret \u{e9}t\u{e9}");
    let dir = TempDir::new("login");
    let png = dir.path().join("out.png");
    let server_arg = format!("127.0.0.1::{port}");
    let png_arg = png.display().to_string();
    let mut args = vec!["--timeout", "20", "--username", "alice"];
    args.extend_from_slice(extra);
    args.push(&server_arg);
    args.push(&png_arg);
    let out = vnccapture(&args, &[("VNC_PASSWORD", password)]);
    let seen = server.join().unwrap();
    let last = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned();
    let picture = png.exists().then(|| read_png(&png));
    (out.status.code(), last, seen, picture)
}

#[test]
fn ard_login_is_decrypted_by_the_server_and_the_capture_is_exact() {
    let (code, last, seen, picture) = login(Login::Ard, &[30], &[], "s3cret \u{e9}t\u{e9}");
    assert_eq!(code, Some(0), "{last}");
    assert_eq!(seen.chosen, Some(30));
    assert_eq!(
        (seen.username.as_str(), seen.password.as_str()),
        ("alice", "s3cret \u{e9}t\u{e9}")
    );
    assert_same(&picture.unwrap(), &frame_picture(), "ARD capture");
}

#[test]
fn ard_wrong_password_exits_4_with_the_reason() {
    let (code, last, seen, picture) = login(Login::Ard, &[30], &[], "guess");
    assert_eq!(code, Some(4), "{last}");
    assert!(last.contains("wrong user name or password"), "{last}");
    assert_eq!(seen.password, "guess");
    assert!(picture.is_none());
}

#[test]
fn ms_logon_ii_login_with_allow_insecure() {
    let (code, last, seen, picture) = login(
        Login::MsLogonII,
        &[113],
        &["--allow-insecure"],
        "s3cret \u{e9}t\u{e9}",
    );
    assert_eq!(code, Some(0), "{last}");
    assert_eq!(seen.chosen, Some(113));
    assert_eq!(
        (seen.username.as_str(), seen.password.as_str()),
        ("alice", "s3cret \u{e9}t\u{e9}")
    );
    assert_same(&picture.unwrap(), &frame_picture(), "MS-Logon II capture");
    let (code, last, _, _) = login(Login::MsLogonII, &[113], &["--allow-insecure"], "nope");
    assert_eq!(code, Some(4), "{last}");
}

#[test]
fn ms_logon_ii_is_not_used_unless_allowed() {
    // Its 64-bit key exchange is no protection: by default it is not in common, and with
    // --require-encryption neither it nor ARD is.
    let (code, last, seen, _) = login(Login::MsLogonII, &[113], &[], "x");
    assert_eq!(code, Some(6), "{last}");
    assert!(last.contains("MSLogonII (113)"), "{last}");
    assert_eq!(seen.chosen, None);
    let (code, last, seen, _) = login(Login::Ard, &[30, 113], &["--require-encryption"], "x");
    assert_eq!(code, Some(5), "{last}");
    assert_eq!(seen.chosen, None);
}
