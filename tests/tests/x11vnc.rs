//! vnccapture against x11vnc serving an Xvfb display, pixel for pixel.

use vnc_tests::{XServer, assert_same, capture};

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
