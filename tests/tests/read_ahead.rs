//! The tokio adapter reading the socket on a helper thread, against TigerVNC's Xvnc: the
//! framebuffer stays pixel-exact through a stream of updates, also when the helper starts in
//! the middle of one, the helper is one thread that ends with its connection, and
//! `into_parts` hands on every byte it had read.
//! (Its own test binary, so that the thread count sees no other test's connections.)

use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection, ReadAhead};
use vnc_core::{Address, Config, Encoding, Event};
use vnc_tests::{Rgb, XServer, XvncOptions, assert_same};

/// Threads of this process named `vnc-read-ahead`.
fn read_ahead_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter(|t| {
            let comm = t.as_ref().unwrap().path().join("comm");
            std::fs::read_to_string(comm).is_ok_and(|c| c.trim() == "vnc-read-ahead")
        })
        .count()
}

/// Drives `conn` until its framebuffer equals the server's settled screen.
async fn until_same(conn: &mut Connection, s: &XServer, what: &str) {
    let truth = s.settle();
    let matched = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if Rgb::from_framebuffer(conn.session().framebuffer()) == truth {
                return;
            }
            conn.next_event().await.unwrap().unwrap();
        }
    })
    .await;
    if matched.is_err() {
        assert_same(
            &Rgb::from_framebuffer(conn.session().framebuffer()),
            &truth,
            what,
        );
    }
}

/// Drives `conn` until the first rectangle of an update has been decoded.
async fn first_rectangle(conn: &mut Connection, what: &str) {
    let first = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Some(Event::FramebufferUpdated(_)) = conn.next_event().await.unwrap() {
                return;
            }
        }
    })
    .await;
    assert!(first.is_ok(), "{what}: no update within 30 s");
}

#[test]
fn reading_ahead_is_pixel_exact_and_hands_on_every_byte() {
    let s = XServer::xvnc(XvncOptions {
        geometry: Some("800x600"),
        ..Default::default()
    });
    let rt = vnc_tests::runtime();
    rt.block_on(async {
        let address: Address = format!("127.0.0.1::{}", s.port).parse().unwrap();
        for encoding in [Encoding::Hextile, Encoding::Zrle] {
            let mut config = Config::default();
            config.encodings = vec![encoding, Encoding::CopyRect, Encoding::DesktopSize];
            let mut options = ConnectOptions::default();
            options.read_ahead = ReadAhead::Always;
            let mut conn = Connection::connect(&address, config, &options)
                .await
                .unwrap();
            assert!(conn.is_reading_ahead());
            assert_eq!(read_ahead_threads(), 1);
            until_same(&mut conn, &s, &format!("{encoding:?}, first screen")).await;

            // Every pixel changes while the helper reads: the new size repaints the screen.
            s.run("xrandr", &["-s", "1024x768"]);
            until_same(&mut conn, &s, &format!("{encoding:?}, resized")).await;

            // The helper stops within into_parts, and what it had read goes to the session:
            // taken in the middle of a repaint, the stream goes on on the caller's task.
            s.run("xrandr", &["-s", "800x600"]);
            first_rectangle(&mut conn, &format!("{encoding:?}, resized")).await;
            let (stream, session) = conn.into_parts();
            assert_eq!(read_ahead_threads(), 0);
            let mut conn = Connection::new(stream, session, "again");
            assert!(!conn.is_reading_ahead());
            until_same(&mut conn, &s, &format!("{encoding:?}, after into_parts")).await;
            conn.session_mut().request_update(false);
            let end = tokio::time::timeout(Duration::from_secs(30), async {
                while conn.next_event().await.unwrap() != Some(Event::FramebufferUpdateEnd) {}
            })
            .await;
            assert!(end.is_ok(), "{encoding:?}: no full update after into_parts");
            assert_same(
                &Rgb::from_framebuffer(conn.session().framebuffer()),
                &s.settle(),
                &format!("{encoding:?}, full update after into_parts"),
            );
        }
    });

    // Switched on in the middle of a repaint (as WhenDecodeBound does), the helper goes on
    // where the task stopped reading; dropped while the helper waits on an idle socket, the
    // connection takes the helper with it.
    rt.block_on(async {
        let address: Address = format!("127.0.0.1::{}", s.port).parse().unwrap();
        let mut options = ConnectOptions::default();
        options.read_ahead = ReadAhead::Never;
        let mut conn = Connection::connect(&address, Config::default(), &options)
            .await
            .unwrap();
        until_same(&mut conn, &s, "read on the task").await;
        assert!(!conn.is_reading_ahead());
        s.run("xrandr", &["-s", "1024x768"]);
        first_rectangle(&mut conn, "resized").await;
        conn.set_read_ahead(ReadAhead::Always);
        assert!(conn.is_reading_ahead());
        until_same(&mut conn, &s, "switched to reading ahead").await;
        assert_eq!(read_ahead_threads(), 1);
        drop(conn);
    });
    vnc_tests::wait_for(
        "the read-ahead thread to end",
        Duration::from_secs(10),
        || read_ahead_threads() == 0,
    );
}
