//! Clipboard text through the engine (tokio adapter) against real servers: TigerVNC's Xvnc
//! speaks the Extended Clipboard, so Unicode text crosses both ways exactly (xclip on the
//! server's display sets and reads its CLIPBOARD selection). Without it announced, the text
//! goes as Latin-1 and the engine reports the characters it could not carry. (x11vnc is no
//! witness for the fallback: Debian 12's, on libvncserver 0.9.14, sends Extended Clipboard
//! caps too.)

use std::process::Command;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use vnc_core::tokio::{Command as Cmd, ConnectOptions, Connection};
use vnc_core::{Address, Config, Event};
use vnc_tests::{TempDir, XServer, XvncOptions, process, require, runtime, wait_for};

const TEXT: &str = "Grüße, Ωμέγα, 日本語, 👋";

/// Waits (at most 30 s) for an event that `want` picks.
async fn event<T>(
    events: &mut UnboundedReceiver<Event>,
    what: &str,
    want: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    vnc_tests::next_event_where(events, deadline, what, want).await
}

/// The server display's CLIPBOARD selection, if anything holds it.
fn clipboard_of(s: &XServer) -> Option<String> {
    let mut cmd = Command::new("xclip");
    cmd.args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", &s.display);
    let out = process::output(cmd).expect("run xclip");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).expect("xclip gives UTF-8"))
}

/// Makes an xclip on the server's display own CLIPBOARD with `text` (xclip stays in the
/// foreground with `-quiet`, so the server's process list ends it).
fn set_clipboard(s: &mut XServer, dir: &TempDir, text: &str) {
    let file = dir.path().join("clip.txt");
    std::fs::write(&file, text).unwrap();
    let file = file.display().to_string();
    s.spawn_client("xclip", &["-quiet", "-selection", "clipboard", "-i", &file]);
}

#[test]
fn xvnc_unicode_clipboard_both_ways() {
    require("xclip", "xclip");
    let mut s = XServer::xvnc(XvncOptions::default());
    let dir = TempDir::new("clip");
    runtime().block_on(async {
        let address = Address::Tcp {
            host: "127.0.0.1".into(),
            port: s.port,
        };
        let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .expect("connect to Xvnc");
        let (handle, mut events, task) = conn.spawn();
        event(&mut events, "the first update", |e| {
            matches!(e, Event::FramebufferUpdateEnd).then_some(())
        })
        .await;

        // Server to client: the exact string, not its Latin-1 shadow.
        set_clipboard(&mut s, &dir, TEXT);
        let got = event(&mut events, "the server's clipboard text", |e| match e {
            Event::ServerCutText(t) => Some(t.clone()),
            _ => None,
        })
        .await;
        assert_eq!(got, TEXT);

        // Client to server: Xvnc takes the selection on our notify and asks for the text
        // when xclip reads it; the task answers while this thread polls.
        let back = format!("{TEXT} (back)");
        assert!(handle.send(Cmd::CutText(back.clone())));
        let s = &s;
        tokio::task::spawn_blocking({
            let back = back.clone();
            let display = s.display.clone();
            move || {
                wait_for(
                    "the text in Xvnc's clipboard",
                    Duration::from_secs(30),
                    || {
                        let mut cmd = Command::new("xclip");
                        cmd.args(["-o", "-selection", "clipboard"])
                            .env("DISPLAY", &display);
                        let out = process::output(cmd).expect("run xclip");
                        out.status.success() && out.stdout == back.as_bytes()
                    },
                );
            }
        })
        .await
        .unwrap();
        assert_eq!(clipboard_of(s).as_deref(), Some(back.as_str()));

        handle.send(Cmd::Close);
        let session = task.await.unwrap().expect("the session ends cleanly");
        assert!(session.has_extended_clipboard());
    });
}

/// Connects to `s` announcing `config`'s encodings, reads up to the first update's end, sends
/// [`TEXT`] and returns how many characters the engine says the server will not get, once the
/// server's CLIPBOARD holds `want`.
fn send_text(s: &XServer, config: Config, want: &str, extended: bool) -> usize {
    runtime().block_on(async {
        let address = Address::Tcp {
            host: "127.0.0.1".into(),
            port: s.port,
        };
        let mut conn = Connection::connect(&address, config, &ConnectOptions::default())
            .await
            .expect("connect to the server");
        loop {
            match conn.next_event().await.expect("the session") {
                Some(Event::FramebufferUpdateEnd) => break,
                Some(_) => {}
                None => panic!("the server closed the connection"),
            }
        }
        assert_eq!(conn.session().has_extended_clipboard(), extended);
        let lost = conn.session_mut().client_cut_text(TEXT);
        // The connection goes on on its own task, so the server's requests are answered.
        let (handle, _events, task) = conn.spawn();
        let want = want.to_owned();
        let display = s.display.clone();
        tokio::task::spawn_blocking(move || {
            wait_for(
                "the text in the server's clipboard",
                Duration::from_secs(30),
                || {
                    let mut cmd = Command::new("xclip");
                    cmd.args(["-o", "-selection", "clipboard"])
                        .env("DISPLAY", &display);
                    let out = process::output(cmd).expect("run xclip");
                    out.status.success() && out.stdout == want.as_bytes()
                },
            );
        })
        .await
        .unwrap();
        handle.send(Cmd::Close);
        task.await.unwrap().expect("the session ends cleanly");
        lost
    })
}

/// Without the Extended Clipboard (here: not announced, so Xvnc takes plain ClientCutText),
/// the text goes as Latin-1: what it cannot carry arrives as `?`, and the engine says how
/// many characters that was.
#[test]
fn latin1_fallback_reports_what_it_drops() {
    require("xclip", "xclip");
    let s = XServer::xvnc(XvncOptions::default());
    let mut config = Config::default();
    config
        .encodings
        .retain(|&e| e != vnc_core::Encoding::ExtendedClipboard);
    // Ω, μ, έ, γ, α, 日, 本, 語 and 👋 are outside Latin-1: nine characters lost.
    assert_eq!(send_text(&s, config, "Grüße, ?????, ???, ?", false), 9);
    // The same server, announced: nothing lost, the text exact.
    assert_eq!(send_text(&s, Config::default(), TEXT, true), 0);
}
