//! vncviewer on QEMU's relative pointer (its PS/2 mouse), with xdotool as the user: a click
//! grabs, the window title then says how to release ("(Press Ctrl+Alt to release pointer)",
//! as virt-viewer), relative moves reach QEMU as the same motion (its trace,
//! `input_event_rel`), and Ctrl+Alt releases: the title goes back and the pointer is free.

use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{gtk_program, window_name, xdotool_value};
use vnc_tests::qemu_pointer::{start_pointer_qemu, traced_motion};
use vnc_tests::{XServer, process, require, wait_for, workspace_bin};

use vnc_tests::process::KillOnDrop as Viewer;

#[test]
fn vncviewer_grabs_qemu_relative_pointer_and_says_how_to_release() {
    require("xdotool", "xdotool");
    let q = start_pointer_qemu(false);
    let local = XServer::xvfb("1024x768");
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.arg(format!("127.0.0.1::{}", q.port()))
        .stdout(Stdio::null());
    gtk_program(&mut cmd, &local.display);
    let _viewer = Viewer(process::spawn(cmd).expect("start vncviewer"));

    // The window, once the desktop is named (QEMU's name; the title ends in " - vncviewer").
    let mut wid = String::new();
    wait_for("the viewer's window", Duration::from_secs(30), || {
        let mut cmd = Command::new("xdotool");
        cmd.args(["search", "--onlyvisible", "--name", "QEMU.* - vncviewer$"])
            .env("DISPLAY", &local.display);
        let out = process::output(cmd).expect("xdotool");
        wid = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        !wid.is_empty()
    });
    let plain = window_name(&local, &wid);
    assert!(!plain.contains("release"), "{plain}");

    // Click in the desktop (below the header bar) until the title says the pointer is
    // grabbed: the first click may come before QEMU's pointer mode.
    let hint = "(Press Ctrl+Alt to release pointer)";
    let geometry = local.run("xdotool", &["getwindowgeometry", "--shell", &wid]);
    let geometry = String::from_utf8_lossy(&geometry.stdout);
    let (ww, wh) = (
        xdotool_value(&geometry, "WIDTH").expect("WIDTH"),
        xdotool_value(&geometry, "HEIGHT").expect("HEIGHT"),
    );
    let (cx, cy) = ((ww / 2).to_string(), (wh * 2 / 3).to_string());
    wait_for("the grab in the title", Duration::from_secs(30), || {
        if window_name(&local, &wid).contains(hint) {
            return true;
        }
        local.run(
            "xdotool",
            &["mousemove", "--window", &wid, &cx, &cy, "click", "1"],
        );
        window_name(&local, &wid).contains(hint)
    });
    assert_eq!(
        window_name(&local, &wid),
        format!(
            "{} {hint} - vncviewer",
            plain.trim_end_matches(" - vncviewer")
        )
    );

    // Relative moves reach QEMU: one until it shows as sent, then each on its own.
    let motions = || traced_motion(&q.trace());
    wait_for(
        "a (5, -3) motion in QEMU's trace",
        Duration::from_secs(30),
        || {
            if motions().last() == Some(&(5, -3)) {
                return true;
            }
            let before = motions().len();
            local.run("xdotool", &["mousemove_relative", "--", "5", "-3"]);
            wait_for("the move", Duration::from_secs(10), || {
                motions().len() > before
            });
            motions().last() == Some(&(5, -3))
        },
    );
    let start = motions().len();
    let moves = [(-6, 2), (4, 4)];
    for (dx, dy) in moves {
        let before = motions().len();
        local.run(
            "xdotool",
            &["mousemove_relative", "--", &dx.to_string(), &dy.to_string()],
        );
        wait_for("the move in QEMU's trace", Duration::from_secs(10), || {
            motions().len() > before
        });
    }
    assert_eq!(motions()[start..], moves, "{}", q.trace());

    // Ctrl+Alt releases: the title goes back, the pointer moves freely.
    local.run("xdotool", &["key", "ctrl+alt"]);
    wait_for("the release in the title", Duration::from_secs(10), || {
        !window_name(&local, &wid).contains(hint)
    });
    assert_eq!(window_name(&local, &wid), plain);
    local.run("xdotool", &["mousemove", "1023", "767"]);
    let at = local.run("xdotool", &["getmouselocation", "--shell"]);
    let at = String::from_utf8_lossy(&at.stdout);
    assert_eq!(
        (xdotool_value(&at, "X"), xdotool_value(&at, "Y")),
        (Some(1023), Some(767))
    );
}
