//! vnccapture against QEMU's built-in VNC server showing the BIOS screen of a VM with no
//! disk, compared with QEMU's own `screendump`.

use vnc_tests::{Qemu, assert_same, capture, vnccapture};

#[test]
fn qemu_bios_screen() {
    let q = Qemu::start(None);
    let truth = q.screen();
    assert_eq!((truth.width, truth.height), (720, 400), "VGA text mode");
    for enc in ["zrle", "hextile", "raw", "tight"] {
        let got = capture(
            &format!("127.0.0.1::{}", q.port()),
            &["--encodings", enc],
            &[],
        );
        assert_same(&got, &truth, &format!("QEMU {enc}"));
    }
    let got = capture(&format!("[::1]::{}", q.port()), &[], &[]);
    assert_same(&got, &truth, "QEMU over IPv6");
}

#[test]
fn qemu_vnc_password() {
    let q = Qemu::start(Some("qemupass"));
    let truth = q.screen();
    let got = capture(
        &format!("127.0.0.1::{}", q.port()),
        &[],
        &[("VNC_PASSWORD", "qemupass")],
    );
    assert_same(&got, &truth, "QEMU with VNC auth");
    let out = vnccapture(
        &[&format!("127.0.0.1::{}", q.port()), "/dev/null"],
        &[("VNC_PASSWORD", "nope")],
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
