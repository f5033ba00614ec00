//! The tokio adapter: Happy Eyeballs fallback, a session over a stream the caller already has,
//! the spawned loop with its command handle, and the trusted roots it gives on demand, against
//! an in-process scripted server.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vnc_core::testing::{Image, Script};
use vnc_core::tokio::{Command, Connection, connect_addrs};
use vnc_core::{Config, Event, PixelFormat, Rect, Session};

fn server_script(img: &Image) -> Script {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(img.width, img.height, &PixelFormat::RGB888, "scripted")
        .update(&[Script::raw_rect(
            &PixelFormat::RGB888,
            img,
            Rect::new(0, 0, img.width, img.height),
        )])
}

#[tokio::test]
async fn a_refused_address_falls_through_to_the_next_at_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let good = listener.local_addr().unwrap();
    // A port on ::1 where nobody listens: refused at once, so the next starts at once.
    let closed = std::net::TcpListener::bind("[::1]:0").unwrap();
    let refused: SocketAddr = closed.local_addr().unwrap();
    drop(closed);
    let accept = tokio::spawn(async move { listener.accept().await.unwrap().1 });
    let stream = connect_addrs("test", vec![refused, good]).await.unwrap();
    assert_eq!(stream.peer_addr().unwrap(), good);
    accept.await.unwrap();
    // Every address refused: the error names the server and the last address.
    let err = connect_addrs("nothing here", vec![refused])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), vnc_core::ErrorKind::Connect);
    match &err {
        vnc_core::tokio::Error::Connect { server, source } => {
            assert_eq!(*server, format!("nothing here ({refused})"));
            assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_session_over_a_callers_stream() {
    let img = Image::pattern(16, 8);
    let (client, mut server) = tokio::io::duplex(64);
    let script = server_script(&img);
    let server_task = tokio::spawn(async move {
        server.write_all(script.bytes()).await.unwrap();
        // Read what the client sends until it hangs up.
        let mut got = Vec::new();
        let _ = server.read_to_end(&mut got).await;
        got
    });
    let mut conn = Connection::new(
        client,
        Session::new(Config::default(), std::time::Instant::now()),
        "pipe",
    );
    loop {
        if conn.next_event().await.unwrap().unwrap() == Event::FramebufferUpdateEnd {
            break;
        }
    }
    assert_eq!(conn.session().framebuffer().to_rgba(), img.to_rgba());
    conn.flush().await.unwrap();
    drop(conn);
    let sent = server_task.await.unwrap();
    assert!(sent.starts_with(b"RFB 003.008\n"));
}

#[tokio::test]
async fn spawned_connection_takes_commands_and_reports_events() {
    let img = Image::pattern(8, 8);
    let (client, mut server) = tokio::io::duplex(4096);
    let script = server_script(&img).bell();
    let (handle, mut events, task) = Connection::new(
        client,
        Session::new(Config::default(), std::time::Instant::now()),
        "pipe",
    )
    .spawn();
    server.write_all(script.bytes()).await.unwrap();
    let mut seen = Vec::new();
    while let Some(ev) = events.recv().await {
        let bell = ev == Event::Bell;
        seen.push(ev);
        if bell {
            break;
        }
    }
    assert!(seen.contains(&Event::FramebufferUpdateEnd));
    let fb = handle.snapshot().await.unwrap();
    assert_eq!(fb.to_rgba(), img.to_rgba());
    handle.send(Command::Key {
        keysym: 0x61,
        down: true,
    });
    handle.send(Command::Close);
    let session = task.await.unwrap().unwrap();
    assert!(session.is_initialized());
    // The key event reached the server after the handshake's messages.
    let mut got = vec![0; 4096];
    let n = server.read(&mut got).await.unwrap();
    assert!(
        got[..n].ends_with(&[4, 1, 0, 0, 0, 0, 0, 0x61]),
        "{:?}",
        &got[..n]
    );
}

#[tokio::test]
async fn the_adapter_gives_the_roots_an_x509_step_asks_for() {
    let (client, mut server) = tokio::io::duplex(4096);
    // VeNCrypt 0.2 accepted, X509None (260) offered and acknowledged.
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[19])
        .raw(&[0, 2, 0, 1, 0, 0, 1, 4, 1]);
    let choice = b"RFB 003.008\n\x13\x00\x02\x00\x00\x01\x04";
    let server_task = tokio::spawn(async move {
        server.write_all(script.bytes()).await.unwrap();
        // The sub-type choice, then the first TLS record's type.
        let mut got = vec![0; choice.len() + 1];
        server.read_exact(&mut got).await.unwrap();
        // A fatal handshake_failure alert ends it.
        server
            .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
            .await
            .unwrap();
        got
    });
    let mut config = Config::default();
    config.server_name = Some("vm1.example".into());
    config.tls.system_roots_on_demand = true;
    config.tls.ask_on_untrusted = true;
    let mut conn = Connection::new(
        client,
        Session::new(config, std::time::Instant::now()),
        "pipe",
    );
    let error = loop {
        match conn.next_event().await {
            Ok(Some(ev)) => assert_ne!(ev, Event::RootCertificatesRequired),
            Ok(None) => panic!("the session ended without the alert"),
            Err(e) => break e,
        }
    };
    assert_eq!(error.kind(), vnc_core::ErrorKind::Tls);
    assert!(!conn.session().config().tls.system_roots_on_demand);
    let got = server_task.await.unwrap();
    assert_eq!(&got[..choice.len()], choice);
    assert_eq!(got[choice.len()], 0x16);
}
