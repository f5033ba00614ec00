//! vncviewer's certificates: trust on first use with vnccapture's store
//! ([`vnc_core::known_certs`], `$XDG_DATA_HOME/vnc-rs/known-certificates`). A certificate
//! that fails verification is shown in a dialog; one the user accepts and asks to remember
//! is trusted without asking next time; a certificate that differs from the remembered one
//! is asked about again, as CHANGED, with Refuse as the default answer.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use gtk::glib::{self, clone};
use gtk::prelude::*;
use vnc_core::known_certs::{Known, KnownCertificates};
use vnc_core::{CertificateInfo, CertificateProblem};
use vnc_gtk::VncDisplay;

/// The store and the name of the server in it (the address as vnccapture writes it, such
/// as `127.0.0.1::5901`).
pub struct KnownServer {
    server: String,
    store: Option<(KnownCertificates, PathBuf)>,
}

/// What the user answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Refuse,
    Once,
    Remember,
}

impl Answer {
    fn response(self) -> gtk::ResponseType {
        match self {
            Answer::Refuse => gtk::ResponseType::Reject,
            Answer::Once => gtk::ResponseType::Accept,
            Answer::Remember => gtk::ResponseType::Yes,
        }
    }
}

impl KnownServer {
    /// Loads the store for `server` (an address as [`vnc_core::Address`] prints it). Without
    /// a usable store (no `$HOME`, an unreadable file) it says why on stderr and remembers
    /// nothing; every untrusted certificate is then asked about.
    pub fn load(server: &str) -> KnownServer {
        let store =
            KnownCertificates::default_path().and_then(|path| {
                match KnownCertificates::load(&path) {
                    Ok(store) => Some((store, path)),
                    Err(e) => {
                        eprintln!("vncviewer: cannot read {}: {e}", path.display());
                        None
                    }
                }
            });
        KnownServer {
            server: server.to_owned(),
            store,
        }
    }

    /// No store: every untrusted certificate is asked about, and can be accepted only for
    /// the session (listen mode, where the server is not known in advance).
    pub fn session_only(server: &str) -> KnownServer {
        KnownServer {
            server: server.to_owned(),
            store: None,
        }
    }

    /// What to put in [`vnc_core::TlsConfig::known_sha256`].
    pub fn known_sha256(&self) -> Vec<[u8; 32]> {
        self.store
            .as_ref()
            .map(|(s, _)| s.known_sha256(&self.server))
            .unwrap_or_default()
    }

    fn check(&self, sha256: &[u8; 32]) -> Known {
        self.store
            .as_ref()
            .map_or(Known::Unknown, |(s, _)| s.check(&self.server, sha256))
    }

    fn remember(&mut self, sha256: &[u8; 32]) {
        if let Some((store, path)) = &mut self.store {
            if let Err(e) = store.add(&self.server, sha256) {
                eprintln!("vncviewer: cannot write {}: {e}", path.display());
            }
        }
    }
}

fn hex(fp: &[u8; 32]) -> String {
    fp.iter().map(|b| format!("{b:02x}")).collect()
}

/// Answers `vnc-certificate-verification` with a dialog: subject, issuer, fingerprint and the
/// problem; for a changed certificate also the one accepted before. Its title says which
/// ("Untrusted certificate" or "CHANGED certificate"), for people and for tests.
pub fn ask_certificate(
    window: &impl IsA<gtk::Window>,
    display: &VncDisplay,
    known: &Rc<RefCell<KnownServer>>,
    cert: &CertificateInfo,
    problem: &CertificateProblem,
) {
    let server = known.borrow().server.clone();
    let details = format!(
        "Subject: {}\nIssuer: {}\nValid from {} to {}\nSHA-256: {}",
        cert.subject,
        cert.issuer,
        cert.not_before,
        cert.not_after,
        cert.sha256_hex()
    );
    let (title, text, secondary, kind, default) = match known.borrow().check(&cert.sha256) {
        Known::Changed { previous } => (
            "CHANGED certificate - vncviewer",
            "WARNING: the server's certificate has CHANGED",
            format!(
                "{server} now shows a different certificate from the one accepted before. \
                 Someone may be intercepting the connection; accept it only if you know the \
                 server was given a new certificate.\n\n{details}\n\n\
                 Accepted before: SHA-256 {}",
                hex(&previous)
            ),
            gtk::MessageType::Error,
            Answer::Refuse,
        ),
        _ => (
            "Untrusted certificate - vncviewer",
            "The server's certificate is not trusted",
            format!(
                "{server}: {problem}\n\n{details}\n\n\
                 Check the fingerprint with the server's administrator before accepting."
            ),
            gtk::MessageType::Warning,
            Answer::Remember,
        ),
    };
    let dialog = gtk::MessageDialog::builder()
        .transient_for(window)
        .modal(true)
        .title(title)
        .message_type(kind)
        .buttons(gtk::ButtonsType::None)
        .text(text)
        .secondary_text(secondary)
        .build();
    let can_remember = known.borrow().store.is_some();
    let default = if can_remember || default == Answer::Refuse {
        default
    } else {
        Answer::Once
    };
    for (label, answer) in [
        ("Refuse", Answer::Refuse),
        ("Accept once", Answer::Once),
        ("Accept and remember", Answer::Remember),
    ] {
        if answer == Answer::Remember && !can_remember {
            continue;
        }
        let button = dialog.add_button(label, answer.response());
        if answer == default {
            // Return answers with the default: focused, it is what Enter activates.
            dialog.set_default_response(answer.response());
            let b = button.clone();
            dialog.connect_show(move |_| {
                b.grab_focus();
            });
        }
    }
    let sha256 = cert.sha256;
    dialog.connect_response(clone!(
        #[weak]
        display,
        #[strong]
        known,
        move |d, r| {
            let accept = r == gtk::ResponseType::Accept || r == gtk::ResponseType::Yes;
            if r == gtk::ResponseType::Yes {
                known.borrow_mut().remember(&sha256);
            }
            display.accept_certificate(accept);
            d.close();
        }
    ));
    dialog.present();
}
