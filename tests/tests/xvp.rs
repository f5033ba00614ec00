//! Power control (xvp) against libvncserver ([`XvpServer`]): the engine, through the tokio
//! adapter, sees XVP_INIT, sends Reboot and Reset, and gets XVP_FAIL for the Reset that the
//! server's hook refuses; the server's log shows both requests as version 1 with their codes.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, timeout_at};
use vnc_core::tokio::{Command, ConnectOptions, Connection};
use vnc_core::{Address, Config, Event, PowerAction};
use vnc_tests::xvp::XvpServer;

/// Waits (at most until `deadline`) for an event that `want` picks.
async fn event(events: &mut UnboundedReceiver<Event>, deadline: Instant, want: fn(&Event) -> bool) {
    loop {
        match timeout_at(deadline, events.recv()).await {
            Ok(Some(e)) if want(&e) => return,
            Ok(Some(_)) => {}
            Ok(None) => panic!("the connection ended"),
            Err(_) => panic!("timed out waiting for an event"),
        }
    }
}

#[test]
fn libvncserver_takes_power_control_requests() {
    let server = XvpServer::start();
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port: server.port,
    };
    vnc_tests::runtime().block_on(async {
        let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .expect("connect to the server");
        let (handle, mut events, task) = conn.spawn();
        let deadline = Instant::now() + Duration::from_secs(20);
        event(&mut events, deadline, |e| {
            matches!(e, Event::PowerControlReady { version: 1.. })
        })
        .await;
        handle.send(Command::PowerControl(PowerAction::Reboot));
        handle.send(Command::PowerControl(PowerAction::Reset));
        event(&mut events, deadline, |e| *e == Event::PowerControlFailed).await;
        handle.send(Command::Close);
        let session = task.await.unwrap().expect("session");
        assert!(session.power_control_available());
    });
    // Both requests arrived, in order, as version 1 with their codes.
    assert_eq!(server.requests(), "xvp 1 3\nxvp 1 4\n");
}
