//! ExtendedDesktopSize with several screens against Xvnc: a two-screen layout set with
//! SetDesktopSize arrives on the server (its RandR monitors, and a second client's layout),
//! a window-style resize keeps both screens' ids, and a layout the server refuses comes back
//! with its result code.

use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, Config, Event, ResizeReason, ResizeStatus, Screen};
use vnc_tests::{XServer, XvncOptions};

/// Connects to `s` and waits for its first layout.
async fn connect(s: &XServer) -> (Connection, Vec<Screen>) {
    let address: Address = format!("127.0.0.1::{}", s.port).parse().unwrap();
    let mut conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
        .await
        .unwrap();
    let screens = next_layout(&mut conn, |_| true).await.1;
    (conn, screens)
}

/// The next DesktopLayout event that `want` accepts (by its reason), within 30 s.
async fn next_layout(
    conn: &mut Connection,
    want: impl Fn(ResizeReason) -> bool,
) -> (ResizeStatus, Vec<Screen>) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Event::DesktopLayout {
                reason,
                status,
                screens,
            } = conn
                .next_event()
                .await
                .unwrap()
                .expect("the connection ended")
                && want(reason)
            {
                return (status, screens);
            }
        }
    })
    .await
    .expect("a DesktopLayout within 30 s")
}

fn answer(r: ResizeReason) -> bool {
    r == ResizeReason::ThisClient
}

#[test]
fn two_screens_set_read_and_kept_through_a_resize() {
    let s = XServer::xvnc(XvncOptions::default());
    vnc_tests::runtime().block_on(async {
        let (mut conn, first) = connect(&s).await;
        assert_eq!(first.len(), 1, "Xvnc starts with one screen: {first:?}");
        let id = first[0].id;
        let left = Screen {
            id,
            x: 0,
            y: 0,
            width: 400,
            height: 300,
            flags: 0,
        };
        // A new id asks for a new screen.
        let right = Screen {
            id: id.wrapping_add(0x100),
            x: 400,
            width: 320,
            height: 240,
            ..left
        };
        conn.session_mut()
            .set_desktop_layout(720, 300, &[left, right]);
        let (status, screens) = next_layout(&mut conn, answer).await;
        assert_eq!(status, ResizeStatus::Ok);
        let mut got = screens.clone();
        got.sort_by_key(|s| s.x);
        assert_eq!(got.len(), 2, "{screens:?}");
        assert_eq!(
            got.iter()
                .map(|s| (s.x, s.y, s.width, s.height))
                .collect::<Vec<_>>(),
            [(0, 0, 400, 300), (400, 0, 320, 240)]
        );
        assert_eq!(got[0].id, id, "the server's screen keeps its id");
        let ids: Vec<u32> = got.iter().map(|s| s.id).collect();
        assert_eq!(
            conn.session().desktop_layout().map(<[Screen]>::len),
            Some(2)
        );

        // The X server has two monitors, and a second client reads the same layout.
        let monitors = s.run("xrandr", &["--listmonitors"]);
        let text = String::from_utf8_lossy(&monitors.stdout);
        assert!(text.starts_with("Monitors: 2"), "{text}");
        let (_other, theirs) = connect(&s).await;
        let theirs_ids: Vec<u32> = {
            let mut t = theirs.clone();
            t.sort_by_key(|s| s.x);
            t.iter().map(|s| s.id).collect()
        };
        assert_eq!(theirs_ids, ids, "{theirs:?}");

        // A window-style resize keeps both screens (clipped) and their ids.
        conn.session_mut().set_desktop_size(600, 200);
        let (status, screens) = next_layout(&mut conn, answer).await;
        assert_eq!(status, ResizeStatus::Ok);
        let mut got = screens;
        got.sort_by_key(|s| s.x);
        assert_eq!(
            got.iter()
                .map(|s| (s.id, s.x, s.width, s.height))
                .collect::<Vec<_>>(),
            [(ids[0], 0, 400, 200), (ids[1], 400, 200, 200)]
        );

        // Two screens with one id: the server refuses the layout, and says why.
        let twice = [
            Screen {
                id: 9,
                x: 0,
                y: 0,
                width: 200,
                height: 200,
                flags: 0,
            },
            Screen {
                id: 9,
                x: 200,
                y: 0,
                width: 200,
                height: 200,
                flags: 0,
            },
        ];
        conn.session_mut().set_desktop_layout(400, 200, &twice);
        let (status, screens) = next_layout(&mut conn, answer).await;
        assert_eq!(status, ResizeStatus::InvalidLayout, "{screens:?}");
        assert_eq!(
            conn.session().desktop_layout().map(<[Screen]>::len),
            Some(2),
            "the layout in force is unchanged"
        );
    });
}
