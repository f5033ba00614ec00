//! The VncDisplay widget logs in to macOS-style Apple Remote Desktop (type 30, in the default
//! list) on the scripted login server, which decrypts what it sent: `vnc-auth-credential`
//! asks for a user name and a password, the frame after the login is shown exactly, and a
//! wrong password comes back as `vnc-auth-failure` with the server's reason.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_gtk::VncDisplay;
use vnc_tests::attacks::frame_picture;
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::login_server::{Login, serve_login};

#[test]
fn widget_ard_login() {
    let _local = start_gtk("320x240", &[]);
    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    let password = Rc::new(RefCell::new("open sesame"));
    let asked = Rc::new(RefCell::new(Vec::new()));
    display.connect_auth_credential({
        let (asked, password) = (asked.clone(), password.clone());
        move |d, needs| {
            asked.borrow_mut().push((
                needs.contains(vnc_gtk::CredentialFlags::USERNAME),
                needs.contains(vnc_gtk::CredentialFlags::PASSWORD),
            ));
            d.set_username("bob");
            d.set_password(*password.borrow());
        }
    });
    let failures = Rc::new(RefCell::new(Vec::<String>::new()));
    display.connect_auth_failure({
        let failures = failures.clone();
        move |_, reason| failures.borrow_mut().push(reason.to_owned())
    });

    let (port, server) = serve_login(Login::Ard, &[30], "bob", "open sesame");
    display.open_host("127.0.0.1", port);
    run_until(
        "the frame after the ARD login",
        Duration::from_secs(30),
        || screenshot(&display).is_some_and(|s| s == frame_picture()),
    );
    assert_eq!(*asked.borrow(), [(true, true)]);
    display.close();
    let seen = server.join().unwrap();
    assert_eq!(
        (seen.username.as_str(), seen.password.as_str()),
        ("bob", "open sesame")
    );

    *password.borrow_mut() = "not it";
    let (port, server) = serve_login(Login::Ard, &[30], "bob", "open sesame");
    display.open_host("127.0.0.1", port);
    run_until("vnc-auth-failure", Duration::from_secs(30), || {
        !failures.borrow().is_empty()
    });
    assert!(
        failures.borrow()[0].contains("wrong user name or password"),
        "{:?}",
        failures.borrow()
    );
    display.close();
    assert_eq!(server.join().unwrap().password, "not it");
}
