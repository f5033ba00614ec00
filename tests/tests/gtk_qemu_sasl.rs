//! The VncDisplay widget logs in to QEMU with SASL (type 20, DIGEST-MD5 from a sasldb made by
//! saslpasswd2) and runs inside SASL's security layer: `vnc-auth-credential` asks for a user
//! name and a password, the widget then shows what QEMU's screendump shows, and a wrong
//! password comes back as `vnc-auth-failure`. vncviewer, given `--username` and
//! `VNC_PASSWORD`, shows QEMU's screen on its own Xvfb the same way. One widget test function:
//! GTK lives on the thread that initialised it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::{CredentialFlags, VncDisplay};
use vnc_tests::gtk_support::{gtk_program, run_until, screenshot, start_gtk};
use vnc_tests::{Qemu, QemuSasl, QemuSetup, XServer, find_exact, process, wait_for, workspace_bin};

fn sasl_qemu() -> Qemu {
    Qemu::start_setup(QemuSetup {
        sasl: Some(QemuSasl {
            mechanisms: "digest-md5",
            user: "alice",
            password: "wonderland",
        }),
        ..QemuSetup::default()
    })
}

#[test]
fn widget_sasl_login_to_qemu() {
    let q = sasl_qemu();
    let _local = start_gtk("800x600", &[]);
    let window = gtk::Window::new();
    window.set_default_size(800, 600);
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    let password = Rc::new(RefCell::new("wonderland"));
    let asked = Rc::new(RefCell::new(Vec::new()));
    display.connect_auth_credential({
        let (asked, password) = (asked.clone(), password.clone());
        move |d, needs| {
            asked.borrow_mut().push((
                needs.contains(CredentialFlags::USERNAME),
                needs.contains(CredentialFlags::PASSWORD),
            ));
            d.set_username("alice");
            d.set_password(*password.borrow());
        }
    });
    let failures = Rc::new(RefCell::new(Vec::<String>::new()));
    display.connect_auth_failure({
        let failures = failures.clone();
        move |_, reason| failures.borrow_mut().push(reason.to_owned())
    });

    display.open_host("127.0.0.1", q.port());
    // QEMU's screen is still (the BIOS's text), so one screendump is the target.
    let want = q.screen();
    run_until(
        "QEMU's screen through SASL",
        Duration::from_secs(60),
        || screenshot(&display).is_some_and(|s| s == want),
    );
    assert_eq!(*asked.borrow(), [(true, true)]);
    display.close();

    *password.borrow_mut() = "looking-glass";
    display.open_host("127.0.0.1", q.port());
    run_until("vnc-auth-failure", Duration::from_secs(60), || {
        !failures.borrow().is_empty()
    });
    display.close();
}

#[test]
fn vncviewer_sasl_login_to_qemu() {
    let q = sasl_qemu();
    let local = XServer::xvfb("1024x768");
    let mut cmd = std::process::Command::new(workspace_bin("vncviewer"));
    cmd.args(["--username", "alice", &format!("127.0.0.1::{}", q.port())])
        .env("VNC_PASSWORD", "wonderland")
        .env_remove("VNC_USERNAME");
    gtk_program(&mut cmd, &local.display);
    let mut viewer = process::spawn(cmd).expect("run vncviewer");
    // All of QEMU's screen (SeaBIOS's text on black), found 1:1 on the local screen.
    let truth = q.screen();
    let colours: std::collections::HashSet<&[u8]> = truth.data.chunks_exact(3).collect();
    assert!(colours.len() > 1, "QEMU's screen is blank");
    wait_for(
        "vncviewer to show QEMU's screen",
        Duration::from_secs(60),
        || find_exact(&local.screen(), &truth).is_some(),
    );
    let _ = viewer.kill();
    let _ = viewer.wait();
}
