//! `vncviewer --reconnect`: the server killed and another started on its port (a different
//! size, so a different scene), the viewer shows the new desktop 1:1 without anyone touching
//! it, and says on its standard error that it reconnected.

use std::process::{Child, Command, Stdio};

use vnc_tests::gtk_support::{gtk_program, wait_desktop_shown};
use vnc_tests::{TempDir, XServer, XvncOptions, process, workspace_bin};

struct Viewer(Child);

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn vncviewer_reconnects_to_a_restarted_server() {
    let local = XServer::xvfb("1024x768");
    // Both wider than the viewer's header bar, so that its window fits each desktop exactly.
    let first = XServer::xvnc(XvncOptions {
        geometry: Some("640x400"),
        ..Default::default()
    });
    let port = first.port;
    let dir = TempDir::new("viewer-reconnect");
    let log = dir.path().join("stderr.txt");
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(["--reconnect", &format!("127.0.0.1::{port}")]);
    gtk_program(&mut cmd, &local.display);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut viewer = Viewer(process::spawn(cmd).expect("start vncviewer"));
    wait_desktop_shown(&local, &first);

    drop(first);
    let second = XServer::xvnc(XvncOptions {
        port: Some(port),
        geometry: Some("720x450"),
        ..Default::default()
    });
    wait_desktop_shown(&local, &second);
    assert!(
        viewer.0.try_wait().unwrap().is_none(),
        "the viewer is still running"
    );
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("reconnecting in"), "stderr: {said}");
}
