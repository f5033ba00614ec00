//! Reverse connections against real servers, pixel for pixel with the X server's own screen:
//! vnccapture in listen mode reached by x11vnc's `-connect` and by Xvnc through
//! `vncconfig -connect`, the adapter's Listener outliving hostile peers before a real server,
//! and vnccapture through a scripted UltraVNC repeater that x11vnc also reaches by ID (mode
//! II) or that connects to x11vnc by address (mode I).

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Listener};
use vnc_core::{Config, ErrorKind, Event};
use vnc_tests::reverse::{ListeningCapture, ScriptedRepeater};
use vnc_tests::{Rgb, XServer, XvncOptions, assert_same, capture};

#[test]
fn vnccapture_listening_captures_x11vnc_connecting_to_it() {
    // IPv4, and IPv6 (x11vnc takes "[::1]:PORT").
    for (address, host) in [("127.0.0.1", "127.0.0.1"), ("::1", "[::1]")] {
        let listening = ListeningCapture::start(&["--listen-address", address]);
        let connect = format!("{host}:{}", listening.port);
        let s = XServer::x11vnc_with(None, &["-connect", &connect], &[]);
        let got = listening.image();
        assert_same(&got, &s.settle(), &format!("x11vnc -connect {connect}"));
    }
}

#[test]
fn vnccapture_listening_captures_xvnc_told_by_vncconfig_to_connect() {
    vnc_tests::require("vncconfig", "tigervnc-tools");
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    let listening = ListeningCapture::start(&["--encodings", "zrle"]);
    s.run(
        "vncconfig",
        &[
            "-display",
            &s.display,
            "-connect",
            &format!("127.0.0.1:{}", listening.port),
        ],
    );
    assert_same(&listening.image(), &truth, "vncconfig -connect");
}

#[test]
fn vnccapture_through_a_repeater_captures_x11vnc_by_id() {
    let repeater = ScriptedRepeater::start("ID:1234");
    // The viewer first: it waits at the repeater, within --timeout, for the server.
    let viewer_port = repeater.viewer_port;
    let viewer = std::thread::spawn(move || {
        capture(
            &format!("127.0.0.1::{viewer_port}"),
            &["--repeater", "ID:1234"],
            &[],
        )
    });
    let connect = format!("repeater=ID:1234+127.0.0.1:{}", repeater.server_port);
    let s = XServer::x11vnc_with(None, &["-connect", &connect], &[]);
    let got = viewer.join().unwrap();
    assert_same(&got, &s.settle(), "vnccapture --repeater ID:1234");
    drop(s);
    repeater.finish().unwrap();
}

#[test]
fn vnccapture_through_a_mode_one_repeater_captures_x11vnc_by_address() {
    let s = XServer::x11vnc(None);
    let truth = s.settle();
    let repeater = ScriptedRepeater::start_mode_one();
    let got = capture(
        &format!("127.0.0.1::{}", repeater.viewer_port),
        &["--repeater", &format!("127.0.0.1:{}", s.port)],
        &[],
    );
    assert_same(&got, &truth, "vnccapture --repeater 127.0.0.1:PORT");
    drop(s);
    repeater.finish().unwrap();
}

#[test]
fn a_listener_outlives_hostile_peers_and_then_serves_x11vnc() {
    let rt = vnc_tests::runtime();
    rt.block_on(async {
        let listener = Listener::bind_loopback(0).await.unwrap();
        let addr = listener.local_addrs()[0];
        let mut config = Config::default();
        config.handshake_timeout = Some(Duration::from_millis(500));
        let options = ConnectOptions::default();
        // One says nothing: the handshake timeout ends its session only.
        let _silent = TcpStream::connect(addr).unwrap();
        let mut conn = listener.accept(config.clone(), &options).await.unwrap();
        let e = conn.next_event().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
        // One sends garbage: a protocol error naming it.
        let mut junk = TcpStream::connect(addr).unwrap();
        junk.write_all(&[0xff; 64]).unwrap();
        let mut conn = listener.accept(config.clone(), &options).await.unwrap();
        let e = conn.next_event().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotVnc, "{e}");
        assert!(
            e.to_string()
                .contains(&junk.local_addr().unwrap().to_string()),
            "{e}"
        );
        // Then a real server, on the same listener.
        let connect = format!("127.0.0.1:{}", addr.port());
        let s = XServer::x11vnc_with(None, &["-connect", &connect], &[]);
        let truth = s.settle();
        config.handshake_timeout = Some(Duration::from_secs(30));
        let mut conn = listener.accept(config, &options).await.unwrap();
        let got = tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                let ev = conn.next_event().await.unwrap().expect("x11vnc closed");
                if ev == Event::FramebufferUpdateEnd {
                    let got = Rgb::from_framebuffer(conn.session().framebuffer());
                    if got == truth {
                        return got;
                    }
                }
            }
        })
        .await
        .expect("the x11vnc screen within 60 s");
        assert_same(&got, &truth, "the Listener's third connection");
    });
}
