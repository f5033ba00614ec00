//! vnccapture against x11vnc serving an Xvfb display, pixel for pixel.

use vnc_tests::{XServer, assert_same, assert_same_at_precision, capture, capture_counting_rects};

#[test]
fn x11vnc_every_encoding() {
    let s = XServer::x11vnc(None);
    let truth = s.settle();
    for enc in ["zrle", "hextile", "rre", "raw"] {
        let got = capture(
            &format!("127.0.0.1::{}", s.port),
            &["--encodings", enc],
            &[],
        );
        assert_same(&got, &truth, &format!("x11vnc {enc}"));
    }
    let got = capture(&format!("[::1]::{}", s.port), &[], &[]);
    assert_same(&got, &truth, "x11vnc over IPv6, default encodings");
}

#[test]
fn x11vnc_vnc_authentication() {
    let s = XServer::x11vnc(Some("pass1234"));
    let truth = s.settle();
    let got = capture(
        &format!("127.0.0.1::{}", s.port),
        &[],
        &[("VNC_PASSWORD", "pass1234")],
    );
    assert_same(&got, &truth, "x11vnc with a password");
}

#[test]
fn x11vnc_tight_lossless() {
    // libvncserver's Tight without a quality level: no JPEG. (Like TigerVNC's, its encoder
    // never uses the gradient filter: that one is covered by the transcripts only.)
    let s = XServer::x11vnc(None);
    let truth = s.settle();
    let got = capture(
        &format!("127.0.0.1::{}", s.port),
        &["--encodings", "tight"],
        &[],
    );
    assert_same(&got, &truth, "x11vnc tight");
}

/// libvncserver's own encodings, each asked for alone, pixel for pixel. A server sends Raw
/// for an encoding it does not offer: which ones x11vnc really used is checked from the
/// rectangles' encodings, so that a fallback cannot pass for a decoded encoding.
#[test]
fn x11vnc_libvncserver_encodings() {
    let s = XServer::x11vnc(None);
    let truth = s.settle();
    let mut used = Vec::new();
    for enc in ["zlib", "zlibhex", "trle", "corre"] {
        let (got, counts) =
            capture_counting_rects(&format!("127.0.0.1::{}", s.port), &["--encodings", enc]);
        eprintln!("x11vnc asked for {enc} sent rectangles: {counts:?}");
        if counts.iter().any(|(name, n)| name == enc && *n > 0) {
            used.push(enc);
        } else {
            // Refused: everything came as Raw.
            assert!(
                counts.iter().any(|(name, _)| name == "raw"),
                "x11vnc sent neither {enc} nor raw: {counts:?}"
            );
        }
        assert_same(&got, &truth, &format!("x11vnc {enc}"));
    }
    // libvncserver encodes Zlib and CoRRE (CoRRE with some Raw rectangles where it would be
    // longer); it decodes ZlibHex and TRLE as a client but does not offer them as a server.
    assert_eq!(used, ["zlib", "corre"]);
    // The encodings it does use, in the reduced pixel formats too.
    for (pf, bits) in [("rgb565", [5, 6, 5]), ("bgr233", [3, 3, 2])] {
        for enc in &used {
            let (got, counts) = capture_counting_rects(
                &format!("127.0.0.1::{}", s.port),
                &["--encodings", enc, "--pixel-format", pf],
            );
            assert!(
                counts.iter().any(|(name, n)| name == enc && *n > 0),
                "x11vnc sent no {enc} rectangle in {pf}: {counts:?}"
            );
            assert_same_at_precision(&got, &truth, bits, &format!("x11vnc {enc} in {pf}"));
        }
    }
}
