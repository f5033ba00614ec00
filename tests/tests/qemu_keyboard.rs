//! QEMU's keyboard extensions against QEMU itself: the engine, through the tokio adapter,
//! sends keys by scancode once QEMU acknowledges the Extended Key Event pseudo-encoding, and
//! QEMU's own trace (`vnc_key_event_ext`, `vnc_key_event_map`) witnesses how each arrived;
//! QEMU's LED State arrives as events, on connecting and when the guest (the BIOS) turns
//! Caps Lock on.

use std::time::Duration;

use tokio::time::Instant;
use vnc_core::tokio::{Command, ConnectOptions, Connection, Handle};
use vnc_core::{Address, Config, Event};
use vnc_tests::Qemu;
use vnc_tests::next_event_where as event;
use vnc_tests::qemu::trace_until;
use vnc_tests::qemu::traced_keys as traced;

/// The keys typed: keysym and QEMU "qnum" scancode ('a', 'q', and Right, 0xE0 0x4D).
const KEYS: [(u32, u32); 3] = [(0x61, 0x1e), (0x71, 0x10), (0xff53, 0xcd)];
/// Caps Lock: XK_Caps_Lock, scancode 0x3A.
const CAPS_LOCK: (u32, u32) = (0xffe5, 0x3a);

/// Presses and releases each key as (down, keysym, scancode) triples.
fn press(keys: &[(u32, u32)]) -> Vec<(u32, u32, u32)> {
    keys.iter()
        .flat_map(|&(k, q)| [(1, k, q), (0, k, q)])
        .collect()
}

fn send(handle: &Handle, keys: &[(u32, u32)]) {
    for (down, keysym, scancode) in press(keys) {
        assert!(handle.send(Command::KeyWithScancode {
            keysym,
            scancode,
            down: down == 1,
        }));
    }
}

#[test]
fn qemu_receives_scancodes_and_sends_led_state() {
    let q = Qemu::start_traced(&["vnc_key_event_ext", "vnc_key_event_map"]);
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port: q.port(),
    };
    vnc_tests::runtime().block_on(async {
        let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .expect("connect to QEMU");
        let (handle, mut events, task) = conn.spawn();
        let deadline = Instant::now() + Duration::from_secs(30);

        // QEMU acknowledges -258 and sends its LED state when the session starts.
        let mut scancodes = false;
        let mut leds = None;
        while !scancodes || leds.is_none() {
            let e = event(&mut events, deadline, "the scancode and LED events", |e| {
                matches!(e, Event::ScancodesAvailable | Event::LedState(_)).then(|| e.clone())
            })
            .await;
            match e {
                Event::LedState(l) => leds = Some(l),
                _ => scancodes = true,
            }
        }
        // Caps Lock is off before it is pressed.
        assert!(leds.is_some_and(|l| !l.caps_lock), "{leds:?}");

        send(&handle, &KEYS);
        trace_until(&q, "the six extended key events", |t| {
            traced(t, "vnc_key_event_ext").len() >= 6
        })
        .await;

        // The guest (a boot sector polling the keyboard through SeaBIOS) answers Caps Lock by
        // setting the keyboard's LEDs, which QEMU passes on.
        send(&handle, &[CAPS_LOCK]);
        let caps = event(&mut events, deadline, "Caps Lock on", |e| match e {
            Event::LedState(l) if l.caps_lock => Some(*l),
            _ => None,
        })
        .await;
        assert!(!caps.num_lock && !caps.scroll_lock, "{caps:?}");

        // Control: a plain KeyEvent shows in the trace as a keysym map, so the witness can
        // tell the two paths apart.
        assert!(handle.send(Command::Key {
            keysym: 0x62,
            down: true
        }));
        assert!(handle.send(Command::Key {
            keysym: 0x62,
            down: false
        }));
        trace_until(&q, "the control key's keysym map", |t| {
            traced(t, "vnc_key_event_map").len() >= 2
        })
        .await;

        handle.send(Command::Close);
        let session = task.await.unwrap().expect("session");
        assert!(session.scancodes_available());
        assert_eq!(session.led_state(), Some(caps));
    });

    let trace = q.trace();
    let mut want = press(&KEYS);
    want.extend(press(&[CAPS_LOCK]));
    assert_eq!(traced(&trace, "vnc_key_event_ext"), want, "{trace}");
    // Every key sent with a scancode arrived as one; the only keysym maps are the control's.
    let maps: Vec<(u32, u32)> = traced(&trace, "vnc_key_event_map")
        .iter()
        .map(|&(down, sym, _)| (down, sym))
        .collect();
    assert_eq!(maps, [(1, 0x62), (0, 0x62)], "{trace}");
}

/// QEMU answers the default announcement, which has Pointer Motion Change (-257), with its
/// pointer mode at once: relative, since the PC's only mouse is the PS/2 one.
#[test]
fn qemu_says_its_pointer_mode_when_asked() {
    let q = Qemu::start(None);
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port: q.port(),
    };
    vnc_tests::runtime().block_on(async {
        let conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .expect("connect to QEMU");
        let (handle, mut events, task) = conn.spawn();
        let deadline = Instant::now() + Duration::from_secs(30);
        let absolute = event(&mut events, deadline, "the pointer mode", |e| match e {
            Event::PointerMode { absolute } => Some(*absolute),
            _ => None,
        })
        .await;
        assert!(!absolute, "a PS/2 mouse is relative");
        handle.send(Command::Close);
        let session = task.await.unwrap().expect("session");
        assert_eq!(session.is_pointer_absolute(), Some(false));
    });
}
