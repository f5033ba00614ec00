//! Continuous updates with fences against TigerVNC's Xvnc: the engine enables them once the
//! server shows support, updates then arrive without a single FramebufferUpdateRequest, and
//! the picture stays pixel-exact (against `xwd -root`) through a desktop resize and a pixel
//! format change made mid-stream. A server without the extension (x11vnc) keeps the
//! request/response flow.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use vnc_core::{Config, Event, PixelFormat, PixelFormatRequest, Session};
use vnc_tests::{
    Rgb, XServer, XvncOptions, assert_same, assert_same_at_precision, same_at_precision,
};

/// A client message this engine sent, as the test reads it back from the output.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sent {
    SetPixelFormat(u8),
    SetEncodings(Vec<i32>),
    UpdateRequest { incremental: bool, w: u16, h: u16 },
    EnableContinuousUpdates { enable: bool, w: u16, h: u16 },
    Fence { flags: u32, payload: Vec<u8> },
    Other(u8),
}

/// Splits the client's output into messages (the engine writes whole messages only, and
/// this test sends no input events, so every message is one of a few kinds).
fn parse_sent(mut b: &[u8], out: &mut Vec<Sent>) {
    let u16_at = |b: &[u8], i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
    while !b.is_empty() {
        let (msg, len) = match b[0] {
            0 => (Sent::SetPixelFormat(b[4]), 20),
            2 => {
                let n = usize::from(u16_at(b, 2));
                let list = (0..n)
                    .map(|i| i32::from_be_bytes(b[4 + 4 * i..8 + 4 * i].try_into().unwrap()))
                    .collect();
                (Sent::SetEncodings(list), 4 + 4 * n)
            }
            3 => (
                Sent::UpdateRequest {
                    incremental: b[1] != 0,
                    w: u16_at(b, 6),
                    h: u16_at(b, 8),
                },
                10,
            ),
            150 => (
                Sent::EnableContinuousUpdates {
                    enable: b[1] != 0,
                    w: u16_at(b, 6),
                    h: u16_at(b, 8),
                },
                10,
            ),
            248 => {
                let n = usize::from(b[8]);
                let flags = u32::from_be_bytes(b[4..8].try_into().unwrap());
                (
                    Sent::Fence {
                        flags,
                        payload: b[9..9 + n].to_vec(),
                    },
                    9 + n,
                )
            }
            // The handshake's bytes (version, security type, ClientInit) come before any
            // message and are not looked at.
            other => (Sent::Other(other), b.len()),
        };
        out.push(msg);
        b = &b[len..];
    }
}

/// The engine on a plain TCP socket, driven by hand so that every byte it sends is seen.
struct Client {
    sock: TcpStream,
    session: Session,
    sent: Vec<Sent>,
    events: Vec<Event>,
}

impl Client {
    fn connect(port: u16) -> Client {
        let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        Client {
            sock,
            session: Session::new(Config::default(), Instant::now()),
            sent: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Sends what is pending, reads what has arrived, and keeps the events.
    fn step(&mut self) {
        if self
            .session
            .poll_timeout()
            .is_some_and(|t| t <= Instant::now())
        {
            self.session.handle_timeout(Instant::now()).unwrap();
        }
        let out = self.session.take_output();
        if !out.is_empty() {
            if self.session.is_initialized() {
                parse_sent(&out, &mut self.sent);
            }
            self.sock.write_all(&out).unwrap();
        }
        let mut buf = [0u8; 65536];
        match self.sock.read(&mut buf) {
            Ok(0) => panic!("the server closed the connection"),
            Ok(n) => self.session.feed(&buf[..n]).unwrap(),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("read: {e}"),
        }
        while let Some(e) = self.session.poll_event() {
            self.events.push(e);
        }
    }

    /// Steps until `cond` holds, within 30 s.
    fn until(&mut self, what: &str, mut cond: impl FnMut(&mut Client) -> bool) {
        let end = Instant::now() + Duration::from_secs(30);
        while !cond(self) {
            assert!(Instant::now() < end, "no {what} within 30 s");
            self.step();
        }
    }

    fn picture(&self) -> Rgb {
        Rgb::from_framebuffer(self.session.framebuffer())
    }

    /// Steps until the framebuffer is `truth` (checked at update ends).
    fn until_same(&mut self, truth: &Rgb, what: &str) {
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if self.picture() == *truth {
                return;
            }
            if Instant::now() >= end {
                assert_same(&self.picture(), truth, what);
            }
            self.step();
        }
    }

    fn requests(&self) -> usize {
        self.sent
            .iter()
            .filter(|m| matches!(m, Sent::UpdateRequest { .. }))
            .count()
    }
}

#[test]
fn continuous_updates_stay_pixel_exact_through_a_resize_and_a_pixel_format_change() {
    let s = XServer::xvnc(XvncOptions {
        geometry: Some("400x300"),
        ..Default::default()
    });
    let truth = s.settle();
    let mut c = Client::connect(s.port);
    c.until("continuous updates", |c| {
        c.events
            .contains(&Event::ContinuousUpdates { enabled: true })
    });
    assert!(c.session.continuous_updates_enabled());
    c.until("EnableContinuousUpdates for 400x300", |c| {
        c.sent.contains(&Sent::EnableContinuousUpdates {
            enable: true,
            w: 400,
            h: 300,
        })
    });
    // The engine answered it with the payload and only the flags it understands.
    assert!(
        c.sent
            .iter()
            .any(|m| matches!(m, Sent::Fence { flags, .. } if flags & 0x8000_0000 == 0)),
        "no Fence answer in {:?}",
        c.sent
    );
    c.until_same(&truth, "first picture");
    // The engine measured the round trip with a fence of its own.
    c.until("a round trip", |c| c.session.round_trip_time().is_some());
    let rtt = c.session.round_trip_time().unwrap();
    assert!(rtt < Duration::from_secs(5), "{rtt:?}");
    assert!(c.events.iter().any(|e| matches!(e, Event::RoundTrip(_))));

    // Changes arrive with no request at all.
    let before = c.requests();
    for colour in ["#336699", "#996633", "#20a040"] {
        s.run("xsetroot", &["-solid", colour]);
        let truth = s.settle();
        c.until_same(&truth, colour);
    }
    assert_eq!(
        c.requests(),
        before,
        "requests sent under continuous updates"
    );

    // A resize: continuous updates are enabled again for the new size.
    s.run("xrandr", &["-s", "640x480"]);
    c.until("DesktopResized", |c| {
        c.events.contains(&Event::DesktopResized {
            width: 640,
            height: 480,
        })
    });
    c.until("re-enabling for 640x480", |c| {
        c.sent.contains(&Sent::EnableContinuousUpdates {
            enable: true,
            w: 640,
            h: 480,
        })
    });
    let truth = s.settle();
    c.until_same(&truth, "after the resize");
    s.run("xsetroot", &["-solid", "#c0c0c0"]);
    let truth = s.settle();
    c.until_same(&truth, "a change after the resize");

    // A pixel format change mid-stream: a SyncNext fence request goes just before
    // SetPixelFormat, and the session switches when its answer comes back.
    c.session
        .set_pixel_format(PixelFormatRequest::Exact(PixelFormat::RGB565));
    c.step();
    let at = c
        .sent
        .iter()
        .rposition(|m| *m == Sent::SetPixelFormat(16))
        .expect("SetPixelFormat sent");
    assert!(
        matches!(&c.sent[at - 1], Sent::Fence { flags, .. } if *flags == 0x8000_0004),
        "the message before SetPixelFormat: {:?}",
        c.sent[at - 1]
    );
    c.until("the switch to RGB565", |c| {
        *c.session.pixel_format() == PixelFormat::RGB565
    });
    for colour in ["#123456", "#fedcba"] {
        s.run("xsetroot", &["-solid", colour]);
        let truth = s.settle();
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if same_at_precision(&c.picture(), &truth, [5, 6, 5]) {
                break;
            }
            if Instant::now() >= end {
                assert_same_at_precision(&c.picture(), &truth, [5, 6, 5], colour);
            }
            c.step();
        }
    }
    assert!(c.session.continuous_updates_enabled());
}

#[test]
fn pausing_disables_continuous_updates_and_resuming_enables_them() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    let mut c = Client::connect(s.port);
    c.until("continuous updates", |c| {
        c.session.continuous_updates_enabled()
    });
    c.until_same(&truth, "first picture");
    c.session.set_updates_paused(true);
    c.step();
    assert!(!c.session.continuous_updates_enabled());
    assert!(c.sent.contains(&Sent::EnableContinuousUpdates {
        enable: false,
        w: 400,
        h: 300
    }));
    assert!(
        c.events
            .contains(&Event::ContinuousUpdates { enabled: false })
    );
    let requests = c.requests();
    let paused = c.picture();
    s.run("xsetroot", &["-solid", "#4080c0"]);
    let truth = s.settle();
    // Nothing comes while paused. The witness is a fence round trip begun after the X
    // server has drawn the change: the server answers in order, so an update for the
    // change would arrive before the fence's answer.
    let round_trips = |c: &Client| {
        c.events
            .iter()
            .filter(|e| matches!(e, Event::RoundTrip(_)))
            .count()
    };
    let before = round_trips(&c);
    assert!(
        before >= 1,
        "the first measurement is over, so this one starts now"
    );
    c.session.measure_round_trip();
    c.until("the fence's answer", |c| round_trips(c) > before);
    assert!(c.picture() == paused, "the picture changed while paused");
    c.session.set_updates_paused(false);
    c.until_same(&truth, "after resuming");
    assert!(c.session.continuous_updates_enabled());
    assert_eq!(
        c.requests(),
        requests,
        "requests sent under continuous updates"
    );
}

#[test]
fn a_server_without_continuous_updates_keeps_request_and_response() {
    let mut s = XServer::x11vnc(None);
    let _ = &mut s;
    let truth = s.settle();
    let mut c = Client::connect(s.port);
    c.until_same(&truth, "x11vnc picture");
    s.run("xsetroot", &["-solid", "#336699"]);
    let truth = s.settle();
    c.until_same(&truth, "x11vnc after a change");
    assert!(!c.session.continuous_updates_enabled());
    assert!(
        !c.sent
            .iter()
            .any(|m| matches!(m, Sent::EnableContinuousUpdates { .. } | Sent::Fence { .. }))
    );
    assert!(c.requests() >= 2, "the updates were asked for");
}
