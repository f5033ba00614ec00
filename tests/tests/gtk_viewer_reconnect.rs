//! vncviewer when its server is killed and another started on the same port (a different
//! size, so a different scene): with `--reconnect` it shows the new desktop 1:1 without anyone
//! touching it, in its one window, and says on its standard error that it reconnected;
//! without, its disconnect dialog's Reconnect (Alt+R) does the same.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{gtk_program, run_xdotool, wait_desktop_shown, xdotool};
use vnc_tests::{TempDir, XServer, XvncOptions, process, wait_for, workspace_bin};

use vnc_tests::process::KillOnDrop as Viewer;

/// Starts vncviewer with `args` on `local`, its standard error into `log`.
fn viewer(local: &XServer, args: &[&str], log: &Path) -> Viewer {
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(args);
    gtk_program(&mut cmd, &local.display);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    Viewer(process::spawn(cmd).expect("start vncviewer"))
}

/// The visible windows on `local` whose title matches the regular expression `title`.
fn windows(local: &XServer, title: &str) -> Vec<String> {
    let out = run_xdotool(
        &local.display,
        &["search", "--onlyvisible", "--name", title],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

// Both wider than the viewer's header bar, so that its window fits each desktop exactly.
fn first_server() -> XServer {
    XServer::xvnc(XvncOptions {
        geometry: Some("640x400"),
        ..Default::default()
    })
}

fn second_server(port: u16) -> XServer {
    XServer::xvnc(XvncOptions {
        port: Some(port),
        geometry: Some("720x450"),
        ..Default::default()
    })
}

#[test]
fn vncviewer_reconnects_to_a_restarted_server() {
    let local = XServer::xvfb("1024x768");
    let first = first_server();
    let port = first.port;
    let dir = TempDir::new("viewer-reconnect");
    let log = dir.path().join("stderr.txt");
    let server = format!("127.0.0.1::{port}");
    let mut viewer = viewer(&local, &["--reconnect", &server], &log);
    wait_desktop_shown(&local, &first);

    drop(first);
    let second = second_server(port);
    wait_desktop_shown(&local, &second);
    assert!(
        viewer.0.try_wait().unwrap().is_none(),
        "the viewer is still running"
    );
    assert_eq!(windows(&local, "vncviewer$").len(), 1, "one viewer window");
    assert!(windows(&local, "^Disconnected$").is_empty(), "no dialog");
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("reconnecting in"), "stderr: {said}");
}

#[test]
fn the_disconnect_dialog_reconnects() {
    let local = XServer::xvfb("1024x768");
    let first = first_server();
    let port = first.port;
    let dir = TempDir::new("viewer-reconnect-dialog");
    let log = dir.path().join("stderr.txt");
    let server = format!("127.0.0.1::{port}");
    let mut viewer = viewer(&local, &[&server], &log);
    wait_desktop_shown(&local, &first);

    drop(first);
    let mut dialog = Vec::new();
    wait_for("the disconnect dialog", Duration::from_secs(30), || {
        dialog = windows(&local, "^Disconnected$");
        !dialog.is_empty()
    });
    let second = second_server(port);
    xdotool(&local.display, &["windowfocus", "--sync", &dialog[0]]);
    xdotool(&local.display, &["key", "alt+r"]);
    wait_desktop_shown(&local, &second);
    assert!(
        viewer.0.try_wait().unwrap().is_none(),
        "the viewer is still running"
    );
    assert!(
        windows(&local, "^Disconnected$").is_empty(),
        "the dialog went"
    );
    assert_eq!(windows(&local, "vncviewer$").len(), 1, "one viewer window");
}
