//! vncviewer's grab keys and shortcuts, with xdotool as the user, on QEMU's relative pointer
//! (where the title names the release keys, as virt-viewer does): `--grab-keys
//! Control_R+Shift_R` makes those keys, named "Right Ctrl+Right Shift" in the title, grab
//! and release, and Ctrl+Alt no longer does; Ctrl+Shift+G opens "Set grab keys", where
//! holding Ctrl+F12 and Return make that the sequence; while the keyboard is grabbed the
//! viewer's shortcuts are off (Ctrl+Shift+G opens nothing: the keys are the guest's).

use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{gtk_program, window_name, xdotool_value};
use vnc_tests::qemu_pointer::start_pointer_qemu;
use vnc_tests::{XServer, process, require, wait_for, workspace_bin};

use vnc_tests::process::KillOnDrop as Viewer;

/// The visible windows whose name matches `pattern`.
fn windows(local: &XServer, pattern: &str) -> Vec<String> {
    let mut cmd = Command::new("xdotool");
    cmd.args(["search", "--onlyvisible", "--name", pattern])
        .env("DISPLAY", &local.display);
    let out = process::output(cmd).expect("xdotool");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Clicks into the desktop until the title says the pointer is grabbed with `keys`.
fn grab(local: &XServer, wid: &str, keys: &str) {
    let hint = format!("(Press {keys} to release pointer)");
    let geometry = local.run("xdotool", &["getwindowgeometry", "--shell", wid]);
    let geometry = String::from_utf8_lossy(&geometry.stdout);
    let (ww, wh) = (
        xdotool_value(&geometry, "WIDTH").expect("WIDTH"),
        xdotool_value(&geometry, "HEIGHT").expect("HEIGHT"),
    );
    let (cx, cy) = ((ww / 2).to_string(), (wh * 2 / 3).to_string());
    wait_for(
        &format!("{hint} in the title"),
        Duration::from_secs(30),
        || {
            if window_name(local, wid).contains(&hint) {
                return true;
            }
            local.run(
                "xdotool",
                &["mousemove", "--window", wid, &cx, &cy, "click", "1"],
            );
            window_name(local, wid).contains(&hint)
        },
    );
}

/// Presses `keys` (xdotool's `key` syntax) and waits for the title to lose the release hint.
fn release_with(local: &XServer, wid: &str, keys: &str) {
    local.run("xdotool", &["key", keys]);
    wait_for(
        &format!("{keys} to release the grab"),
        Duration::from_secs(10),
        || !window_name(local, wid).contains("to release pointer"),
    );
}

#[test]
fn vncviewer_grab_keys_from_the_command_line_and_the_dialog() {
    require("xdotool", "xdotool");
    let q = start_pointer_qemu(false);
    let local = XServer::xvfb("1024x768");
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.arg(format!("127.0.0.1::{}", q.port()))
        .args(["--grab-keys", "Control_R+Shift_R"])
        .stdout(Stdio::null());
    gtk_program(&mut cmd, &local.display);
    let _viewer = Viewer(process::spawn(cmd).expect("start vncviewer"));
    let mut wid = String::new();
    wait_for("the viewer's window", Duration::from_secs(30), || {
        wid = windows(&local, "QEMU.* - vncviewer$")
            .into_iter()
            .next()
            .unwrap_or_default();
        !wid.is_empty()
    });

    // The sequence of the command line, named as a keyboard labels it.
    grab(&local, &wid, "Right Ctrl+Right Shift");
    // Ctrl+Alt is now the guest's: the grab stays. (Control_R+Shift_R comes after it, so by
    // the time the grab ends Ctrl+Alt has been handled.)
    local.run("xdotool", &["key", "ctrl+alt"]);
    release_with(&local, &wid, "Control_R+Shift_R");

    // Not grabbed: Ctrl+Shift+G opens the dialog; Ctrl+F12 held and let go, then Return.
    local.run("xdotool", &["key", "ctrl+shift+g"]);
    let mut dialog = String::new();
    wait_for("the Set grab keys dialog", Duration::from_secs(10), || {
        dialog = windows(&local, "^Set grab keys$")
            .into_iter()
            .next()
            .unwrap_or_default();
        !dialog.is_empty()
    });
    local.run(
        "xdotool",
        &[
            "keydown",
            "Control_L",
            "keydown",
            "F12",
            "keyup",
            "F12",
            "keyup",
            "Control_L",
            "key",
            "Return",
        ],
    );
    wait_for("the dialog to close", Duration::from_secs(10), || {
        windows(&local, "^Set grab keys$").is_empty()
    });

    // The new sequence grabs, is named in the title, and releases; while grabbed the
    // shortcut is the guest's and opens no dialog.
    grab(&local, &wid, "Ctrl+F12");
    local.run("xdotool", &["key", "ctrl+shift+g"]);
    release_with(&local, &wid, "ctrl+F12");
    assert!(
        windows(&local, "^Set grab keys$").is_empty(),
        "a shortcut worked while the keyboard was grabbed"
    );
}
