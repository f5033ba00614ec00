//! One security-type policy for vnccapture and vncviewer: `--security-types` against a real
//! Xvnc offering VncAuth, TLSVnc and X509Vnc picks the first listed type the server offers
//! (seen in the program's log and in Xvnc's), `--require-encryption` refuses a VncAuth-only
//! server, and a policy that can accept no server is a usage error before any connection.

use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::gtk_program;
use vnc_tests::pki::Pki;
use vnc_tests::{
    TempDir, XServer, XvncOptions, assert_same, process, read_png, vnccapture, wait_for,
    workspace_bin,
};

const PW: &str = "policy1";

/// Xvnc offering VncAuth, TLSVnc and X509Vnc, with the test CA's `server` certificate.
fn xvnc_three(pki: &Pki) -> XServer {
    XServer::xvnc(XvncOptions {
        security: Some("VncAuth,TLSVnc,X509Vnc"),
        password: Some(PW),
        extra: pki.xvnc_args("server"),
        ..Default::default()
    })
}

/// Xvnc's line for the type a client chose: top-level, or a VeNCrypt sub-type.
fn xvnc_saw(server: &XServer, name: &str, number: u32) -> bool {
    let log = server.log();
    log.contains(&format!(
        "SConnection: Client requests security type {name}({number})"
    )) || log.contains(&format!(
        "SVeNCrypt:   Client requests security type {name} ({number})"
    ))
}

#[test]
fn vnccapture_takes_the_first_listed_type_the_server_offers() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let s = xvnc_three(&pki);
    let truth = s.settle();
    let srv = format!("localhost::{}", s.port);
    let dir = TempDir::new("types");
    let png = dir.path().join("o.png");
    let png_s = png.display().to_string();
    for (args, name, number) in [
        // VncAuth first: taken though the server prefers TLSVnc.
        (vec!["--security-types", "vnc,x509vnc"], "VncAuth", 2),
        (vec!["--security-types", "TLSVnc, 2"], "TLSVnc", 258),
        // ard is not offered: the next one is taken.
        (
            vec!["--ca-file", &ca, "--security-types", "ard,261,tlsvnc"],
            "X509Vnc",
            261,
        ),
    ] {
        let mut all = vec!["-v", "--timeout", "30"];
        all.extend(&args);
        all.extend([srv.as_str(), &png_s]);
        let out = vnccapture(&all, &[("VNC_PASSWORD", PW)]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(
            err.contains(&format!("security_type={name} ({number})")),
            "{args:?}: {err}"
        );
        wait_for("Xvnc to log the choice", Duration::from_secs(10), || {
            xvnc_saw(&s, name, number)
        });
        assert_same(&read_png(&png), &truth, name);
        std::fs::remove_file(&png).unwrap();
    }
    // Nothing in common: the server is incompatible (6), the message lists both sides.
    let out = vnccapture(
        &["--security-types", "none,plain", &srv, &png_s],
        &[("VNC_PASSWORD", PW)],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(!png.exists());
}

#[test]
fn policies_that_accept_nothing_are_usage_errors() {
    let pin = "ab".repeat(32);
    // (arguments, what the message says, whether vncviewer takes the same arguments)
    for (args, says, viewer) in [
        (
            vec!["--security-types", "vnc,none", "--require-encryption"],
            "none of the listed security types (vnc,none) encrypts",
            true,
        ),
        (
            vec!["--security-types", "vnc", "--pin-sha256", &pin],
            "TLS options imply --require-encryption",
            false,
        ),
        (
            vec!["--security-types", "vnc,rsa-aes"],
            "unknown security type \"rsa-aes\"; known: x509vnc",
            true,
        ),
        (
            vec!["--security-types", ","],
            "the list of security types is empty",
            true,
        ),
        (
            vec!["--require-encryption", "--allow-insecure"],
            "contradict each other",
            false,
        ),
    ] {
        let mut all = args.clone();
        all.extend(["127.0.0.1::1", "/nonexistent/x.png"]);
        let out = vnccapture(&all, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        if viewer {
            // Refused before GTK starts: no display is needed.
            let mut cmd = Command::new(workspace_bin("vncviewer"));
            cmd.args(&args)
                .arg("127.0.0.1::1")
                .env_remove("DISPLAY")
                .stdin(Stdio::null());
            let out = process::output(cmd).expect("run vncviewer");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "vncviewer {args:?}: {err}");
            assert!(err.contains(says), "vncviewer {args:?}: {err}");
        }
    }
}

/// Runs vncviewer on its own Xvfb until the session ends (`--exit-on-disconnect`, closed
/// with the first update's window: `--print-crc` is not needed, the Xvnc log is what is
/// checked); returns its exit status and stderr.
fn viewer_run(server: &XServer, args: &[&str], until: impl Fn() -> bool) -> (Option<i32>, String) {
    vnc_tests::require("xdotool", "xdotool");
    let local = XServer::xvfb("800x600");
    let dir = TempDir::new("viewer");
    let err_file = dir.path().join("stderr");
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(["--exit-on-disconnect"])
        .args(args)
        .arg(format!("localhost::{}", server.port))
        .env("VNC_PASSWORD", PW)
        .env("XDG_DATA_HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_file).unwrap());
    gtk_program(&mut cmd, &local.display);
    let mut child = process::spawn(cmd).expect("start vncviewer");
    let mut status = None;
    wait_for(
        "vncviewer to connect or end",
        Duration::from_secs(30),
        || {
            status = child.try_wait().unwrap();
            status.is_some() || until()
        },
    );
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    (
        status.and_then(|s| s.code()),
        std::fs::read_to_string(&err_file).unwrap_or_default(),
    )
}

#[test]
fn vncviewer_takes_the_first_listed_type_and_can_require_encryption() {
    let pki = Pki::new();
    let s = xvnc_three(&pki);
    s.settle();
    for (list, name, number) in [("vnc,tlsvnc", "VncAuth", 2), ("tlsvnc,vnc", "TLSVnc", 258)] {
        let (status, err) = viewer_run(&s, &["--security-types", list], || {
            xvnc_saw(&s, name, number)
        });
        assert_eq!(status, None, "{list}: vncviewer ended: {err}");
        assert!(xvnc_saw(&s, name, number), "{list}: {}", s.log());
    }
    // A VncAuth-only server and --require-encryption: refused, status 1, the reason said.
    let clear = XServer::xvnc(XvncOptions {
        security: Some("VncAuth"),
        password: Some(PW),
        ..Default::default()
    });
    let (status, err) = viewer_run(&clear, &["--require-encryption"], || false);
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("encryption"), "{err}");
    assert!(
        !clear.log().contains("Client requests security type"),
        "{}",
        clear.log()
    );
}
