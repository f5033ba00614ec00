//! vncviewer's trust on first use, against a real X509Vnc Xvnc with a self-signed
//! certificate and `XDG_DATA_HOME` in a temporary directory: the first time the certificate
//! dialog appears, Return accepts and remembers it (the store names the server and the
//! certificate's SHA-256) and the desktop is shown exactly; the second time nothing is asked;
//! after the server is given a new certificate with the same name, the dialog says CHANGED
//! and its default answer refuses.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{gtk_program, run_xdotool, xdotool};
use vnc_tests::pki::Pki;
use vnc_tests::{Rgb, TempDir, XServer, XvncOptions, find_exact, process, wait_for, workspace_bin};

const PW: &str = "tofupass";

/// The viewer process, killed with the test.
struct Viewer(Child);

impl Viewer {
    fn start(local: &XServer, server: &XServer, data: &Path, extra: &[&str]) -> Viewer {
        let mut cmd = Command::new(workspace_bin("vncviewer"));
        cmd.args(extra)
            .arg(format!("localhost::{}", server.port))
            .env("VNC_PASSWORD", PW)
            .env("XDG_DATA_HOME", data)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        gtk_program(&mut cmd, &local.display);
        Viewer(process::spawn(cmd).expect("start vncviewer"))
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The visible windows whose title matches `name`.
fn windows(local: &XServer, name: &str) -> Vec<String> {
    let out = run_xdotool(&local.display, &["search", "--onlyvisible", "--name", name]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits for the certificate dialog titled `title`, then answers with its default button.
fn answer_with_return(local: &XServer, title: &str) {
    let mut found = Vec::new();
    wait_for(title, Duration::from_secs(30), || {
        found = windows(local, title);
        !found.is_empty()
    });
    let text = xdotool(&local.display, &["getwindowname", &found[0]]);
    assert!(text.starts_with(title), "{text}");
    xdotool(&local.display, &["windowfocus", "--sync", &found[0]]);
    xdotool(&local.display, &["key", "--clearmodifiers", "Return"]);
}

fn wait_for_desktop(local: &XServer, truth: &Rgb, what: &str) {
    wait_for(what, Duration::from_secs(30), || {
        find_exact(&local.screen(), truth).is_some()
    });
}

/// Serves `pki`'s `leaf` certificate at the paths Xvnc reads for every connection.
fn serve_certificate(pki: &Pki, leaf: &str, dir: &Path) {
    for part in ["cert", "key"] {
        std::fs::copy(
            pki.path(&format!("{leaf}-{part}.pem")),
            dir.join(format!("{part}.pem")),
        )
        .unwrap();
    }
}

#[test]
fn viewer_remembers_an_accepted_certificate_and_warns_when_it_changes() {
    vnc_tests::require("xdotool", "xdotool");
    let pki = Pki::new();
    let certs = TempDir::new("tofu-certs");
    serve_certificate(&pki, "selfsigned", certs.path());
    let server = XServer::xvnc(XvncOptions {
        security: Some("X509Vnc"),
        password: Some(PW),
        extra: vec![
            "-X509Cert".into(),
            certs.path().join("cert.pem").display().to_string(),
            "-X509Key".into(),
            certs.path().join("key.pem").display().to_string(),
        ],
        ..Default::default()
    });
    let truth = server.settle();
    let local = XServer::xvfb("800x600");
    let data = TempDir::new("tofu-data");
    let store = data.path().join("vnc-rs/known-certificates");

    // First use: asked, accepted with Return, remembered, and the desktop shown exactly.
    let viewer = Viewer::start(&local, &server, data.path(), &[]);
    answer_with_return(&local, "Untrusted certificate - vncviewer");
    wait_for_desktop(&local, &truth, "the desktop after accepting");
    let remembered = std::fs::read_to_string(&store).expect("the store is written");
    assert_eq!(
        remembered,
        format!(
            "localhost::{} {}\n",
            server.port,
            pki.fingerprint("selfsigned-cert.pem")
        )
    );
    drop(viewer);

    // Second use: trusted without asking.
    let viewer = Viewer::start(&local, &server, data.path(), &[]);
    wait_for_desktop(&local, &truth, "the desktop without a dialog");
    assert!(
        windows(&local, "certificate").is_empty(),
        "a dialog was shown"
    );
    drop(viewer);

    // A new certificate with the same name (CN localhost, from the test CA, unknown here):
    // asked again as CHANGED, and Return (the default, Refuse) ends the session.
    serve_certificate(&pki, "server", certs.path());
    let mut viewer = Viewer::start(&local, &server, data.path(), &["--exit-on-disconnect"]);
    answer_with_return(&local, "CHANGED certificate - vncviewer");
    let mut status = None;
    wait_for("vncviewer to exit", Duration::from_secs(30), || {
        status = viewer.0.try_wait().unwrap();
        status.is_some()
    });
    assert_eq!(status.and_then(|s| s.code()), Some(1));
    assert_eq!(std::fs::read_to_string(&store).unwrap(), remembered);
}
