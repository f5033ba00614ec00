//! vnccapture and the engine against TigerVNC's Xvnc: every encoding, pixel format and server
//! format, RFB 3.3, VNC authentication, IPv4/IPv6/names, and desktop resizing, each compared
//! pixel for pixel with the X server's own screen (`xwd -root`).

use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, Config, Encoding, Event};
use vnc_tests::{
    Rgb, TempDir, XServer, XvncOptions, assert_same, assert_same_at_precision, capture, psnr,
    vnccapture,
};

fn addr(s: &XServer) -> String {
    format!("127.0.0.1::{}", s.port)
}

/// Runs `test` on a connection of the tokio adapter to `s`.
fn with_connection(s: &XServer, test: impl AsyncFnOnce(&mut Connection)) {
    let rt = vnc_tests::runtime();
    rt.block_on(async {
        let address: Address = addr(s).parse().unwrap();
        let mut conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .unwrap();
        test(&mut conn).await;
    });
}

/// The first event that `pick` turns into a value (the others are skipped), within 30 s.
async fn wait_for<T>(
    conn: &mut Connection,
    what: &str,
    mut pick: impl FnMut(Event) -> Option<T>,
) -> T {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Some(t) = pick(conn.next_event().await.unwrap().unwrap()) {
                return t;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} within 30 s"))
}

#[test]
fn every_encoding_alone_and_the_default_list_are_pixel_exact() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    for enc in [
        None,
        Some("raw"),
        Some("copyrect"),
        Some("rre"),
        Some("hextile"),
        Some("zrle"),
    ] {
        let args: Vec<&str> = enc.map(|e| vec!["--encodings", e]).unwrap_or_default();
        let got = capture(&addr(&s), &args, &[]);
        assert_same(&got, &truth, &format!("encodings {enc:?}"));
    }
}

#[test]
fn tight_lossless_at_every_compression_level_is_pixel_exact() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    // With Tight announced and no quality level, TigerVNC sends no JPEG.
    assert_same(
        &capture(&addr(&s), &["--encodings", "tight"], &[]),
        &truth,
        "vnccapture --encodings tight",
    );
    let rt = vnc_tests::runtime();
    for level in 0..=9 {
        let mut config = Config::default();
        config.encodings = vec![Encoding::Tight, Encoding::compress_level(level).unwrap()];
        config
            .encodings
            .extend(Encoding::DEFAULT.iter().filter(|e| e.is_pseudo()));
        rt.block_on(async {
            let address: Address = addr(&s).parse().unwrap();
            let mut conn = Connection::connect(&address, config, &ConnectOptions::default())
                .await
                .unwrap();
            let same = tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    if conn.next_event().await.unwrap().unwrap() == Event::FramebufferUpdateEnd
                        && Rgb::from_framebuffer(conn.session().framebuffer()) == truth
                    {
                        return;
                    }
                }
            })
            .await;
            if same.is_err() {
                assert_same(
                    &Rgb::from_framebuffer(conn.session().framebuffer()),
                    &truth,
                    &format!("Tight at compression level {level}"),
                );
            }
        });
    }
}

#[test]
fn tight_jpeg_at_quality_8_is_close_to_the_screen() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    let mut config = Config::default();
    config.encodings = vec![Encoding::Tight, Encoding::quality_level(8).unwrap()];
    config
        .encodings
        .extend(Encoding::DEFAULT.iter().filter(|e| e.is_pseudo()));
    // The first whole frame: TigerVNC later refreshes lossy areas losslessly.
    let first = vnc_tests::runtime().block_on(async {
        let address: Address = addr(&s).parse().unwrap();
        let mut conn = Connection::connect(&address, config, &ConnectOptions::default())
            .await
            .unwrap();
        // The first update may hold pseudo-rectangles only: wait for the end of one that drew.
        let mut drew = false;
        wait_for(&mut conn, "first frame", |e| match e {
            Event::FramebufferUpdated(_) => {
                drew = true;
                None
            }
            Event::FramebufferUpdateEnd => drew.then_some(()),
            _ => None,
        })
        .await;
        Rgb::from_framebuffer(conn.session().framebuffer())
    });
    let db = psnr(&first, &truth);
    println!("Tight JPEG at quality 8 from Xvnc: PSNR {db:.2} dB against the screen");
    assert_ne!(
        first, truth,
        "no JPEG was sent: the first frame is lossless"
    );
    assert!(db >= 30.0, "PSNR {db:.2} dB is under 30 dB");
}

#[test]
fn vnccapture_quality_takes_a_jpeg_frame() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    // vnccapture keeps the first whole frame, which TigerVNC sends as JPEG at this quality.
    let got = capture(&addr(&s), &["--quality", "8"], &[]);
    let db = psnr(&got, &truth);
    println!("vnccapture --quality 8 from Xvnc: PSNR {db:.2} dB against the screen");
    assert_ne!(got, truth, "no JPEG was sent: the capture is lossless");
    assert!(db >= 30.0, "PSNR {db:.2} dB is under 30 dB");
    // Tight without a quality level stays lossless.
    let lossless = capture(&addr(&s), &["--encodings", "tight"], &[]);
    assert_same(&lossless, &truth, "vnccapture --encodings tight");
}

#[test]
fn reduced_pixel_formats_match_at_their_precision() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    for (pf, bits) in [
        ("rgb888", [8, 8, 8]),
        ("rgb565", [5, 6, 5]),
        ("bgr233", [3, 3, 2]),
    ] {
        for enc in ["zrle", "hextile", "raw"] {
            let got = capture(&addr(&s), &["--pixel-format", pf, "--encodings", enc], &[]);
            assert_same_at_precision(&got, &truth, bits, &format!("{pf} over {enc}"));
        }
    }
}

#[test]
fn sixteen_bit_server() {
    let s = XServer::xvnc(XvncOptions {
        depth: Some(16),
        pixelformat: Some("rgb565"),
        ..Default::default()
    });
    let truth = s.settle();
    for args in [
        &["--encodings", "zrle"][..],
        &["--encodings", "hextile", "--pixel-format", "rgb565"],
        &["--encodings", "raw"],
    ] {
        let got = capture(&addr(&s), args, &[]);
        assert_same_at_precision(
            &got,
            &truth,
            [5, 6, 5],
            &format!("depth 16 server, {args:?}"),
        );
    }
}

#[test]
fn bgr_server() {
    let s = XServer::xvnc(XvncOptions {
        pixelformat: Some("bgr888"),
        ..Default::default()
    });
    let truth = s.settle();
    for enc in ["zrle", "hextile", "raw"] {
        assert_same(&capture(&addr(&s), &["--encodings", enc], &[]), &truth, enc);
    }
}

#[test]
fn rfb_33_server_with_and_without_a_password() {
    let s = XServer::xvnc(XvncOptions {
        rfb33: true,
        ..Default::default()
    });
    assert_same(&capture(&addr(&s), &[], &[]), &s.settle(), "RFB 3.3, None");
    let s = XServer::xvnc(XvncOptions {
        rfb33: true,
        security: Some("VncAuth"),
        password: Some("sesame12"),
        ..Default::default()
    });
    assert_same(
        &capture(&addr(&s), &[], &[("VNC_PASSWORD", "sesame12")]),
        &s.settle(),
        "RFB 3.3, VncAuth",
    );
}

#[test]
fn vnc_authentication() {
    let s = XServer::xvnc(XvncOptions {
        security: Some("VncAuth"),
        password: Some("sesame12"),
        ..Default::default()
    });
    let truth = s.settle();
    let dir = TempDir::new("pw");
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, "sesame12\nsecond line ignored\n").unwrap();
    let got = capture(
        &addr(&s),
        &["--password-file", pwfile.to_str().unwrap()],
        &[],
    );
    assert_same(&got, &truth, "password file");
    let got = capture(&addr(&s), &[], &[("VNC_PASSWORD", "sesame12")]);
    assert_same(&got, &truth, "VNC_PASSWORD");

    // A wrong password: exit code 4, the server named on the last line, and the server's
    // reason in the engine's error.
    let out_png = dir.path().join("x.png");
    let out = vnccapture(
        &[&addr(&s), out_png.to_str().unwrap()],
        &[("VNC_PASSWORD", "wrong")],
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap();
    assert!(last.contains(&addr(&s)), "{last}");
    assert!(!out_png.exists());
    let error = vnc_tests::runtime().block_on(async {
        let address: Address = addr(&s).parse().unwrap();
        let options = ConnectOptions::default();
        let mut conn = Connection::connect(&address, Config::default(), &options)
            .await
            .unwrap();
        conn.session_mut()
            .set_credential(vnc_core::Credential::Password, "wrong");
        loop {
            match conn.next_event().await {
                Ok(Some(_)) => {}
                Ok(None) => panic!("closed without an error"),
                Err(e) => break e,
            }
        }
    });
    assert!(
        matches!(
            error.session_error(),
            Some(vnc_core::Error::AuthenticationFailed { reason: Some(_) })
        ),
        "TigerVNC sends a reason with RFB 3.8: {error:?}"
    );

    // No password at all and no terminal: exit code 4 with advice.
    let out = vnccapture(&[&addr(&s), out_png.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-file"));
}

#[test]
fn ipv4_ipv6_and_names() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    for a in [
        format!("127.0.0.1::{}", s.port),
        format!("[::1]::{}", s.port),
        format!("localhost::{}", s.port),
        format!("vnc://[::1]:{}", s.port),
        format!("vnc://127.0.0.1:{}", s.port),
    ] {
        assert_same(&capture(&a, &["--encodings", "zrle"], &[]), &truth, &a);
    }
}

#[test]
fn desktop_resize_arrives_as_desktop_size() {
    let s = XServer::xvnc(XvncOptions {
        geometry: Some("400x300"),
        ..Default::default()
    });
    s.settle();
    with_connection(&s, async |conn| {
        wait_for(conn, "first frame", |e| {
            (e == Event::FramebufferUpdateEnd).then_some(())
        })
        .await;
        assert_eq!(conn.session().framebuffer().width(), 400);
        // xrandr modes of Xvnc include the common sizes.
        s.run("xrandr", &["-s", "640x480"]);
        let resized = wait_for(conn, "DesktopSize", |e| match e {
            Event::DesktopResized { width, height } => Some((width, height)),
            _ => None,
        })
        .await;
        assert_eq!(resized, (640, 480));
        // Keep receiving updates until the picture matches the server's screen.
        let truth = s.settle();
        tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                if Rgb::from_framebuffer(conn.session().framebuffer()) == truth {
                    return;
                }
                conn.next_event().await.unwrap().unwrap();
            }
        })
        .await
        .unwrap_or_else(|_| {
            assert_same(
                &Rgb::from_framebuffer(conn.session().framebuffer()),
                &truth,
                "after resize",
            )
        });
    });
}

#[test]
fn unix_socket() {
    let s = XServer::xvnc(XvncOptions {
        unix_socket: true,
        ..Default::default()
    });
    let truth = s.settle();
    let path = s.unix_socket.clone().unwrap();
    assert_same(
        &capture(path.to_str().unwrap(), &["--encodings", "zrle"], &[]),
        &truth,
        "Unix socket",
    );
}

#[test]
fn client_asks_xvnc_for_a_new_size() {
    let s = XServer::xvnc(XvncOptions::default());
    s.settle();
    with_connection(&s, async |conn| {
        // Xvnc announces its layout with ExtendedDesktopSize in the first update.
        wait_for(conn, "DesktopLayout", |e| {
            matches!(e, Event::DesktopLayout { .. }).then_some(())
        })
        .await;
        assert!(conn.session().can_resize_desktop());
        conn.session_mut().set_desktop_size(640, 480);
        let answer = wait_for(conn, "an answer to SetDesktopSize", |e| match e {
            Event::DesktopLayout {
                reason: vnc_core::ResizeReason::ThisClient,
                status,
                ..
            } => Some(status),
            _ => None,
        })
        .await;
        assert_eq!(answer, vnc_core::ResizeStatus::Ok);
        assert_eq!(
            (
                conn.session().framebuffer().width(),
                conn.session().framebuffer().height()
            ),
            (640, 480)
        );
    });
    assert_eq!(s.size(), (640, 480), "the X server itself was resized");
}
