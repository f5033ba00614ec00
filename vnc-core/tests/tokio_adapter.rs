//! The tokio adapter: Happy Eyeballs fallback, a session over a stream the caller already has,
//! and the spawned loop with its command handle, against an in-process scripted server.

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
