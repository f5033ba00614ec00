//! The widget's `security-types` and `require-encryption` properties against a real Xvnc
//! offering VncAuth, TLSVnc and X509Vnc: the list is read as vnccapture reads it (and kept
//! in canonical form, an unknown name refused), the next connection takes the first listed
//! type the server offers (`security_type()`, Xvnc's log) and shows the desktop exactly, and
//! require-encryption with only clear types listed refuses the server.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use vnc_core::SecurityType;
use vnc_gtk::VncDisplay;
use vnc_tests::gtk_support::{run_until, screenshot, start_gtk};
use vnc_tests::pki::Pki;
use vnc_tests::{XServer, XvncOptions};

const PW: &str = "widget1";

#[test]
fn widget_security_types_property() {
    let _local = start_gtk("640x480", &[]);
    let pki = Pki::new();
    let server = XServer::xvnc(XvncOptions {
        security: Some("VncAuth,TLSVnc,X509Vnc"),
        password: Some(PW),
        extra: pki.xvnc_args("server"),
        ..Default::default()
    });
    let truth = server.settle();

    let window = gtk::Window::new();
    let display = VncDisplay::new();
    window.set_child(Some(&display));
    window.present();
    display.connect_auth_credential(|d, _| d.set_password(PW));
    let errors = Rc::new(RefCell::new(Vec::<String>::new()));
    display.connect_error({
        let errors = errors.clone();
        move |_, e| errors.borrow_mut().push(e.to_owned())
    });

    // The property: empty by default, canonical once set, unknown names refused.
    assert_eq!(display.security_types(), "");
    assert!(!display.require_encryption());
    let notified = Rc::new(RefCell::new(0));
    display.connect_security_types_notify({
        let notified = notified.clone();
        move |_| *notified.borrow_mut() += 1
    });
    // As bindings set it, through GObject.
    display.set_property("security-types", "TLSVnc, 2");
    assert_eq!(display.property::<String>("security-types"), "tlsvnc,vnc");
    assert_eq!(*notified.borrow(), 1);
    display.set_security_types("tlsvnc,rsa-aes");
    assert_eq!(
        display.security_types(),
        "tlsvnc,vnc",
        "an unknown name is refused"
    );

    let initialized = Rc::new(RefCell::new(0));
    display.connect_initialized({
        let initialized = initialized.clone();
        move |_| *initialized.borrow_mut() += 1
    });
    let connect = |what: &str| {
        errors.borrow_mut().clear();
        let before = *initialized.borrow();
        display.open_host("localhost", server.port);
        // The last session's picture stays after close: wait for this one's.
        run_until(what, Duration::from_secs(30), || {
            (*initialized.borrow() > before && screenshot(&display).is_some_and(|s| s == truth))
                || !errors.borrow().is_empty()
        });
        assert!(errors.borrow().is_empty(), "{what}: {:?}", errors.borrow());
    };
    for (list, want, xvnc_says) in [
        (
            "tlsvnc,vnc",
            SecurityType::TlsVnc,
            "SVeNCrypt:   Client requests security type TLSVnc (258)",
        ),
        (
            "vnc,tlsvnc",
            SecurityType::VncAuth,
            "SConnection: Client requests security type VncAuth(2)",
        ),
    ] {
        display.set_security_types(list);
        connect(list);
        assert_eq!(display.security_type(), Some(want), "{list}");
        assert!(server.log().contains(xvnc_says), "{list}: {}", server.log());
        display.close();
    }
    // Empty again: the default preference.
    display.set_security_types("");
    assert_eq!(display.security_types(), "");

    // require-encryption with only clear types listed: refused before any password.
    display.set_require_encryption(true);
    display.set_security_types("vnc,none");
    let unsupported = Rc::new(RefCell::new(None));
    display.connect_auth_unsupported({
        let unsupported = unsupported.clone();
        move |_, t| *unsupported.borrow_mut() = Some(t)
    });
    errors.borrow_mut().clear();
    display.open_host("localhost", server.port);
    run_until("the refusal", Duration::from_secs(30), || {
        !errors.borrow().is_empty()
    });
    assert!(
        errors.borrow()[0].contains("encryption is required"),
        "{:?}",
        errors.borrow()
    );
    assert_eq!(*unsupported.borrow(), Some(0));
    // With an encrypted type listed too, it is taken though VncAuth comes first.
    display.set_security_types("vnc,tlsvnc");
    connect("require-encryption with vnc,tlsvnc");
    assert_eq!(display.security_type(), Some(SecurityType::TlsVnc));
    display.close();
}
