//! QEMU's Pointer Motion Change (-257) against QEMU itself, through the tokio adapter: a PC
//! whose only mouse is the PS/2 one says "relative", and `pointer_motion` and the differences
//! of `pointer_event` positions reach QEMU's input core as relative motion; once a USB tablet
//! is the active mouse it says "absolute", and positions arrive as positions. QEMU's trace (`input_event_rel`,
//! `input_event_abs`) is the witness.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use vnc_core::tokio::{Command, ConnectOptions, Connection, Handle};
use vnc_core::{Address, Config, Event};
use vnc_tests::Qemu;
use vnc_tests::qemu::trace_until;
use vnc_tests::qemu_pointer::{
    activate_tablet, start_pointer_qemu, traced_motion, traced_positions,
};

/// Connects with the default configuration (which announces -257), runs `body` with the
/// handle and the events, and returns the session's last pointer mode.
fn with_session<F>(q: &Qemu, body: F) -> Option<bool>
where
    F: AsyncFnOnce(&Handle, &mut UnboundedReceiver<Event>),
{
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port: q.port(),
    };
    vnc_tests::runtime().block_on(async {
        let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .expect("connect to QEMU");
        let (handle, mut events, task) = conn.spawn();
        body(&handle, &mut events).await;
        handle.send(Command::Close);
        task.await.unwrap().expect("session").is_pointer_absolute()
    })
}

/// The first pointer mode QEMU sends.
async fn pointer_mode(events: &mut UnboundedReceiver<Event>) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    vnc_tests::next_event_where(events, deadline, "the pointer mode", |e| match e {
        Event::PointerMode { absolute } => Some(*absolute),
        _ => None,
    })
    .await
}

#[test]
fn ps2_mouse_is_relative_and_motion_arrives_as_motion() {
    let q = start_pointer_qemu(false);
    let last = with_session(&q, async |handle, events| {
        assert!(!pointer_mode(events).await, "a PS/2 mouse is relative");
        assert!(handle.send(Command::PointerMotion {
            dx: 5,
            dy: -3,
            buttons: 0
        }));
        // Positions become differences: none for the first, then (+7, +4), then (-2, -1).
        for (x, y) in [(100, 100), (107, 104), (105, 103)] {
            assert!(handle.send(Command::Pointer { x, y, buttons: 0 }));
        }
        // Beyond one event's range: split, the sum arrives.
        assert!(handle.send(Command::PointerMotion {
            dx: 40000,
            dy: 0,
            buttons: 0
        }));
        trace_until(&q, "the motions", |t| traced_motion(t).len() >= 6).await;
    })
    .unwrap_or_else(|| panic!("no pointer mode at the end:\n{}", q.trace()));
    assert!(!last);
    let trace = q.trace();
    let motion = traced_motion(&trace);
    assert_eq!(motion[..4], [(5, -3), (0, 0), (7, 4), (-2, -1)], "{trace}");
    let split = &motion[4..];
    assert_eq!(split.iter().map(|m| m.0).sum::<i32>(), 40000, "{trace}");
    assert!(
        split.iter().all(|m| m.1 == 0 && m.0.abs() <= 0x7FFF),
        "{trace}"
    );
    assert!(traced_positions(&trace).is_empty(), "{trace}");
}

#[test]
fn usb_tablet_is_absolute_and_positions_arrive_as_positions() {
    let q = start_pointer_qemu(true);
    let mut size = (0, 0);
    let last = with_session(&q, async |handle, events| {
        // The tablet becomes the active mouse once a guest driver polls it; until then the
        // PS/2 mouse is, and the pointer relative. Activating it as a driver would makes QEMU
        // say "absolute" on the running connection.
        assert!(!pointer_mode(events).await, "the PS/2 mouse first");
        activate_tablet(&q);
        assert!(pointer_mode(events).await, "a USB tablet is absolute");
        let fb = handle.snapshot().await.expect("the framebuffer");
        let fb = (fb.width(), fb.height());
        size = fb;
        assert!(handle.send(Command::Pointer {
            x: 0,
            y: 0,
            buttons: 0
        }));
        assert!(handle.send(Command::Pointer {
            x: fb.0 / 2,
            y: fb.1 / 4,
            buttons: 0
        }));
        // Motion in absolute mode moves the last position.
        assert!(handle.send(Command::PointerMotion {
            dx: 10,
            dy: 20,
            buttons: 0
        }));
        trace_until(&q, "the positions", |t| traced_positions(t).len() >= 3).await;
    });
    assert_eq!(last, Some(true));
    let trace = q.trace();
    // QEMU (7.2) scales positions to 0..0x7FFF across the screen's width and height.
    let scale = |v: u16, across: u16| i32::from(v) * 0x7FFF / i32::from(across);
    let (w, h) = size;
    assert_eq!(
        traced_positions(&trace),
        [
            (0, 0),
            (scale(w / 2, w), scale(h / 4, h)),
            (scale(w / 2 + 10, w), scale(h / 4 + 20, h)),
        ],
        "{trace}"
    );
    assert!(traced_motion(&trace).is_empty(), "{trace}");
}
