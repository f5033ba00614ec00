//! vncviewer on a German keyboard layout typing into QEMU: every key reaches QEMU as a QEMU
//! extended key event carrying the scancode of the key's position (the key that types `z` on
//! a German keyboard is where a US keyboard has `y`), none as a keysym for QEMU to map.
//! QEMU's own trace (`vnc_key_event_ext`, `vnc_key_event_map`) is the witness. And the
//! viewer's Send Keys menu (its window action, activated over D-Bus as a menu click would)
//! sends Ctrl+Alt+Del to QEMU by scancode.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::gtk_program;
use vnc_tests::process::session_bus;
use vnc_tests::qemu::{CTRL_ALT_DEL, traced_keys};
use vnc_tests::{Qemu, XServer, process, require, wait_for, workspace_bin};

fn xdotool(display: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new("xdotool");
    cmd.args(args).env("DISPLAY", display);
    process::output(cmd).expect("xdotool")
}

use vnc_tests::process::KillOnDrop as Viewer;

/// The keys typed on the German layout, with the keysym and the scancode (QEMU's qnum) of
/// the key that types them there: z on the US Y key (0x15), y on the US Z key (0x2c), ö on
/// the US semicolon key (0x27), < on the ISO key beside left Shift (0x56).
const GERMAN: [(&str, u32, u32); 4] = [
    ("z", 0x7a, 0x15),
    ("y", 0x79, 0x2c),
    ("odiaeresis", 0xf6, 0x27),
    ("less", 0x3c, 0x56),
];

/// A QEMU tracing the key events it receives, an Xvfb, and vncviewer on it connected to QEMU.
fn viewer_on_traced_qemu() -> (Qemu, XServer, Viewer) {
    let q = Qemu::start_traced(&["vnc_key_event_ext", "vnc_key_event_map"]);
    let local = XServer::xvfb("1024x768");
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.arg(format!("127.0.0.1::{}", q.port()))
        .stdout(Stdio::null());
    gtk_program(&mut cmd, &local.display);
    let viewer = Viewer(process::spawn(cmd).expect("start vncviewer"));
    (q, local, viewer)
}

#[test]
fn vncviewer_sends_key_positions_to_qemu_on_a_german_layout() {
    require("xdotool", "xdotool");
    require("setxkbmap", "x11-xkb-utils");
    let (q, local, _viewer) = viewer_on_traced_qemu();
    let mut wid = String::new();
    wait_for("the viewer's window", Duration::from_secs(30), || {
        let out = xdotool(
            &local.display,
            &["search", "--onlyvisible", "--name", "vncviewer$"],
        );
        wid = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        !wid.is_empty()
    });
    // Xvfb goes back to its default keymap when its last client leaves; the viewer stays
    // connected, so the German layout holds for the rest of the test.
    local.run("setxkbmap", &["de"]);
    assert!(
        xdotool(&local.display, &["windowfocus", "--sync", &wid])
            .status
            .success()
    );

    // Until QEMU has acknowledged extended key events the viewer sends keysyms: tap Shift
    // until one arrives as an extended event (Shift_L is scancode 0x2a).
    wait_for(
        "an extended key event from the viewer",
        Duration::from_secs(30),
        || {
            xdotool(&local.display, &["key", "shift"]);
            traced_keys(&q.trace(), "vnc_key_event_ext")
                .iter()
                .any(|&(_, _, code)| code == 0x2a)
        },
    );
    // QEMU switches to extended events once, so every keysym map it will ever trace for this
    // connection is in the trace before the first extended event.
    let map0 = traced_keys(&q.trace(), "vnc_key_event_map").len();

    for (key, _, _) in GERMAN {
        let out = xdotool(&local.display, &["key", key]);
        assert!(out.status.success(), "xdotool key {key}: {out:?}");
    }
    let want: Vec<(u32, u32, u32)> = GERMAN
        .iter()
        .flat_map(|&(_, sym, code)| [(1, sym, code), (0, sym, code)])
        .collect();
    // The typed keys, without the warm-up's Shift taps (some may still have been on their way).
    let typed = |t: &str| -> Vec<(u32, u32, u32)> {
        traced_keys(t, "vnc_key_event_ext")
            .into_iter()
            .filter(|&(_, _, code)| code != 0x2a)
            .collect()
    };
    wait_for(
        "the typed keys in QEMU's trace",
        Duration::from_secs(20),
        || typed(&q.trace()).len() >= want.len(),
    );
    let trace = q.trace();
    assert_eq!(typed(&trace), want, "extended key events:\n{trace}");
    assert_eq!(
        traced_keys(&trace, "vnc_key_event_map").len(),
        map0,
        "no key went as a keysym once scancodes were in use:\n{trace}"
    );
}

/// The viewer's window actions on the test's session bus.
const WINDOW_PATH: &str = "/org/vnc_rs/Viewer/window/1";

fn gdbus(args: &[&str]) -> Output {
    let mut cmd = Command::new("gdbus");
    cmd.args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", session_bus());
    process::output(cmd).expect("gdbus")
}

/// The bus name of process `pid`'s connection (the other test's viewer shares the bus).
fn bus_name_of(pid: u32) -> Option<String> {
    let call = |args: &[&str]| {
        let mut all = vec![
            "call",
            "--session",
            "--dest",
            "org.freedesktop.DBus",
            "--object-path",
            "/org/freedesktop/DBus",
            "--method",
        ];
        all.extend_from_slice(args);
        String::from_utf8_lossy(&gdbus(&all).stdout).into_owned()
    };
    let names = call(&["org.freedesktop.DBus.ListNames"]);
    names
        .split('\'')
        .filter(|n| n.starts_with(":1."))
        .find(|n| {
            call(&["org.freedesktop.DBus.GetConnectionUnixProcessID", n])
                .contains(&format!("(uint32 {pid},)"))
        })
        .map(str::to_owned)
}

/// True once the connection `name` exports the viewer's Send Keys actions.
fn has_send_keys(name: &str) -> bool {
    let list = gdbus(&[
        "call",
        "--session",
        "--dest",
        name,
        "--object-path",
        WINDOW_PATH,
        "--method",
        "org.gtk.Actions.List",
    ]);
    String::from_utf8_lossy(&list.stdout).contains("send-keys-0")
}

#[test]
fn vncviewer_send_keys_menu_sends_ctrl_alt_del_by_scancode() {
    require("gdbus", "libglib2.0-bin");
    let (q, _local, viewer) = viewer_on_traced_qemu();
    let mut name = None;
    wait_for(
        "the viewer's actions on D-Bus",
        Duration::from_secs(30),
        || {
            name = bus_name_of(viewer.0.id()).filter(|n| has_send_keys(n));
            name.is_some()
        },
    );
    let name = name.unwrap();

    // Send Keys > Ctrl+Alt+Del ("send-keys-0"), until it arrives as extended key events
    // (before QEMU's acknowledgement it goes as keysyms).
    let want = CTRL_ALT_DEL;
    wait_for(
        "Ctrl+Alt+Del as extended key events",
        Duration::from_secs(30),
        || {
            let out = gdbus(&[
                "call",
                "--session",
                "--dest",
                &name,
                "--object-path",
                WINDOW_PATH,
                "--method",
                "org.gtk.Actions.Activate",
                "send-keys-0",
                "[]",
                "{}",
            ]);
            assert!(out.status.success(), "activate send-keys-0: {out:?}");
            let ext = traced_keys(&q.trace(), "vnc_key_event_ext");
            ext.windows(want.len()).any(|w| w == want)
        },
    );
    let trace = q.trace();
    let ext = traced_keys(&trace, "vnc_key_event_ext");
    // Every extended event is one of the six: all went in whole sequences.
    assert_eq!(ext.len() % want.len(), 0, "{trace}");
    for chunk in ext.chunks(want.len()) {
        assert_eq!(chunk, want, "{trace}");
    }
}
