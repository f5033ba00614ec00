//! vncviewer as a person uses it: real X input events typed into its window on one X server
//! (xdotool) arrive at an xterm on the Xvnc server, shifted characters and Return included,
//! and a click lands on the remote coordinate. With `VNC_RS_SCREENSHOT=path` it also saves a
//! picture of the session (the README's screenshot is made this way).

use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{
    gtk_program, pointer, spawn_typing_sink, wait_desktop_shown, xdotool, xdotool_value,
};
use vnc_tests::{TempDir, XServer, XvncOptions, crop, process, require, wait_for, workspace_bin};

use vnc_tests::process::KillOnDrop as Viewer;

#[test]
fn typing_and_clicking_in_vncviewer_reach_the_server() {
    require("xdotool", "xdotool");
    let out = TempDir::new("typed");
    let file = out.path().join("typed.txt");
    let mut server = XServer::xvnc(XvncOptions {
        geometry: Some("640x400"),
        ..Default::default()
    });
    spawn_typing_sink(&mut server, &file);
    server.settle();

    // A screen larger than the window (1024x768 at the top-left corner), with the pointer
    // parked outside it: the first pointer event the viewer gets is the probe's below.
    xdotool(&server.display, &["mousemove", "0", "0"]);
    let local = XServer::xvfb("1280x1024");
    xdotool(&local.display, &["mousemove", "1279", "1023"]);
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.arg(format!("127.0.0.1::{}", server.port))
        .stdout(Stdio::null());
    gtk_program(&mut cmd, &local.display);
    let viewer = Viewer(process::spawn(cmd).expect("start vncviewer"));
    // The widget draws the server's cursor where the remote pointer is: keep the pointer in
    // the corner (see `wait_desktop_shown`).
    let (fx, fy) = wait_desktop_shown(&local, &server);
    let offset = (fx as i32, fy as i32);
    let wid = xdotool(
        &local.display,
        &[
            "search",
            "--onlyvisible",
            "--name",
            "^vnc-tests - vncviewer$",
        ],
    );
    let wid = wid.lines().next().unwrap().to_owned();
    xdotool(&local.display, &["windowfocus", "--sync", &wid]);
    let geo = xdotool(&local.display, &["getwindowgeometry", "--shell", &wid]);
    let g = |k| xdotool_value(&geo, k).unwrap();
    let (wx, wy) = (g("X"), g("Y"));

    // The first pointer event the viewer gets: the remote pointer follows it from the corner
    // to the same place on the desktop.
    assert_eq!(
        pointer(&server.display),
        (0, 0),
        "the remote pointer in the corner"
    );
    let probe = (320, 200);
    xdotool(
        &local.display,
        &[
            "mousemove",
            &(offset.0 + probe.0).to_string(),
            &(offset.1 + probe.1).to_string(),
        ],
    );
    wait_for(
        "the remote pointer to follow",
        Duration::from_secs(20),
        || pointer(&server.display) == probe,
    );
    let to_local = |x: i32, y: i32| ((x + offset.0).to_string(), (y + offset.1).to_string());

    // Point at the xterm (focus follows the pointer on a server without a window manager)
    // and type.
    let (lx, ly) = to_local(120, 240);
    xdotool(&local.display, &["mousemove", &lx, &ly]);
    wait_for(
        "the remote pointer over the xterm",
        Duration::from_secs(20),
        || pointer(&server.display) == (120, 240),
    );
    let text = "Hello, World! ~|{}<>?\"#";
    xdotool(&local.display, &["type", "--delay", "30", text]);
    xdotool(&local.display, &["key", "Return"]);
    wait_for(
        "the typed text in the file",
        Duration::from_secs(20),
        || {
            std::fs::read_to_string(&file)
                .map(|s| s == format!("{text}\n"))
                .unwrap_or(false)
        },
    );

    // A click at a remote coordinate lands there.
    let (lx, ly) = to_local(500, 60);
    xdotool(&local.display, &["mousemove", &lx, &ly, "click", "1"]);
    wait_for(
        "the remote pointer at the click",
        Duration::from_secs(20),
        || {
            let p = pointer(&server.display);
            eprintln!(
                "click: now {p:?} local {:?} offset {offset:?}",
                pointer(&local.display)
            );
            p == (500, 60)
        },
    );

    if let Ok(path) = std::env::var("VNC_RS_SCREENSHOT") {
        // Let the viewer show the last update, then take the local screen.
        let truth = server.settle();
        let _ = truth;
        let shot = local.screen();
        crop(&shot, (wx, wy), (g("WIDTH"), g("HEIGHT"))).save_png(path.as_ref());
    }
    drop(viewer);
}

/// Runs vncviewer with `args` against a server that sends one frame of `frame()` and
/// closes; returns its output and all the client sent.
fn against_one_frame(args: &[&str]) -> (std::process::Output, Vec<u8>) {
    against_one_frame_via(None, args)
}

/// As [`against_one_frame`]; with `Some(id)` the server plays an UltraVNC repeater first
/// (greeting, then the viewer's 250-byte block must name `id`) and vncviewer is given
/// `--repeater id`.
fn against_one_frame_via(repeater: Option<&str>, args: &[&str]) -> (std::process::Output, Vec<u8>) {
    use std::io::{Read, Write};
    use vnc_tests::attacks::{frame, hello};

    let local = XServer::xvfb("640x480");
    let script = hello(64, 64).update(&[frame()]);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let block = repeater.map(vnc_tests::reverse::repeater_block);
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        if let Some(want) = block {
            s.write_all(b"RFB 000.000\n").unwrap();
            let mut got = vec![0u8; 250];
            s.read_exact(&mut got).unwrap();
            assert_eq!(got, want, "the repeater block");
        }
        s.write_all(script.bytes()).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        // Whatever the client sends, until it closes.
        let mut sent = Vec::new();
        let _ = s.read_to_end(&mut sent);
        sent
    });
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(["--exit-on-disconnect"]).args(args);
    if let Some(id) = repeater {
        cmd.args(["--repeater", id]);
    }
    cmd.arg(format!("127.0.0.1::{port}"));
    gtk_program(&mut cmd, &local.display);
    let out = process::output(cmd).unwrap();
    let sent = server.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out, sent)
}

/// The benchmark mode (benches/lab-viewer.sh): a server that sends one frame and closes ends
/// the viewer with status 0, and the CRC it prints is the frame's.
#[test]
fn exit_on_disconnect_prints_the_frame_crc() {
    let (out, _) = against_one_frame(&["--print-crc"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        frame_crc_line()
    );
    // The same through a repeater (`--repeater ID:42`): its block first, then RFB.
    let (out, sent) = against_one_frame_via(Some("ID:42"), &["--print-crc"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        frame_crc_line()
    );
    assert!(sent.starts_with(b"RFB 003.008\n"), "{sent:?}");
}

/// What `--print-crc` prints after the one frame of `frame()`.
fn frame_crc_line() -> String {
    let bgra: Vec<u8> = vnc_tests::attacks::frame_picture()
        .data
        .chunks_exact(3)
        .flat_map(|p| [p[2], p[1], p[0], 255])
        .collect();
    format!("updates=1 crc={:08x}", vnc_examples::frame_crc(&bgra))
}

/// The encodings of the first SetEncodings in what a 3.8 client with security None sent
/// (its version, security type and ClientInit come first: 14 bytes).
fn first_set_encodings(sent: &[u8]) -> Vec<i32> {
    let mut at = 14;
    loop {
        match sent.get(at) {
            // SetPixelFormat: 20 bytes.
            Some(0) => at += 20,
            Some(2) => break,
            other => panic!("no SetEncodings among the client's messages: {other:?} at {at}"),
        }
    }
    let n = usize::from(u16::from_be_bytes([sent[at + 2], sent[at + 3]]));
    sent[at + 4..at + 4 + 4 * n]
        .chunks_exact(4)
        .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[test]
fn quality_option_announces_tight_and_its_jpeg_quality() {
    let (_, sent) = against_one_frame(&["--quality", "3"]);
    let lossy = first_set_encodings(&sent);
    assert_eq!(lossy.first(), Some(&7), "Tight first: {lossy:?}");
    assert!(lossy.contains(&-29), "QualityLevel3 announced: {lossy:?}");
    let (_, sent) = against_one_frame(&[]);
    let lossless = first_set_encodings(&sent);
    assert_eq!(lossless.first(), Some(&7), "Tight first: {lossless:?}");
    assert!(
        !lossless
            .iter()
            .any(|e| [-32..=-23, -512..=-412, -768..=-763]
                .iter()
                .any(|r| r.contains(e))),
        "by default no quality level, fine quality or subsampling: {lossless:?}"
    );
}

/// `--listen`: the viewer waits on a port; the server that connects to it gets the RFB
/// client as usual (one frame, then it closes), and the viewer ends with that frame's CRC.
#[test]
fn listen_mode_takes_the_server_that_connects() {
    use std::io::{BufRead, BufReader, Read, Write};
    use vnc_tests::attacks::{frame, hello};

    let local = XServer::xvfb("640x480");
    let mut cmd = Command::new(workspace_bin("vncviewer"));
    cmd.args(["--exit-on-disconnect", "--print-crc"])
        .args(["--listen", "0", "--listen-address", "127.0.0.1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    gtk_program(&mut cmd, &local.display);
    let mut viewer = process::spawn(cmd).unwrap();
    // GTK may warn first; the line comes before any wait, and EOF ends this if it never does.
    let stderr = BufReader::new(viewer.stderr.take().unwrap());
    let port: u16 = stderr
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("vncviewer: listening on port ")?
                .parse()
                .ok()
        })
        .expect("vncviewer says where it listens");
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(hello(64, 64).update(&[frame()]).bytes())
        .unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut sent = Vec::new();
    let _ = s.read_to_end(&mut sent);
    assert!(sent.starts_with(b"RFB 003.008\n"), "{sent:?}");
    let out = viewer.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        frame_crc_line()
    );
}
