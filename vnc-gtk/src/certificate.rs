//! The server certificate that `vnc-certificate-verification` passes: a GObject with the
//! certificate's fields as properties (so that C, Python and Vala read it by name), and the
//! typed reason it failed verification.

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

mod imp {
    use std::cell::RefCell;

    use super::*;

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::Certificate)]
    pub struct Certificate {
        /// The subject's distinguished name.
        #[property(get, construct_only)]
        pub(super) subject: RefCell<String>,
        /// The issuer's distinguished name.
        #[property(get, construct_only)]
        pub(super) issuer: RefCell<String>,
        /// The start of validity, as the certificate states it.
        #[property(get, construct_only)]
        pub(super) not_before: RefCell<String>,
        /// The end of validity.
        #[property(get, construct_only)]
        pub(super) not_after: RefCell<String>,
        /// The SHA-256 fingerprint of the DER form, 64 lower-case hex digits (what a pin
        /// takes).
        #[property(get, construct_only)]
        pub(super) sha256: RefCell<String>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Certificate {
        const NAME: &'static str = "VncRsCertificate";
        type Type = super::Certificate;
    }

    #[glib::derived_properties]
    impl ObjectImpl for Certificate {}
}

glib::wrapper! {
    /// A server certificate, as `vnc-certificate-verification` passes it: read-only
    /// properties `subject`, `issuer`, `not-before`, `not-after` and `sha256`.
    pub struct Certificate(ObjectSubclass<imp::Certificate>);
}

impl Certificate {
    /// The certificate `info` describes.
    pub fn new(info: &vnc_core::CertificateInfo) -> Certificate {
        glib::Object::builder()
            .property("subject", &info.subject)
            .property("issuer", &info.issuer)
            .property("not-before", &info.not_before)
            .property("not-after", &info.not_after)
            .property("sha256", info.sha256_hex())
            .build()
    }

    /// The engine's description of the certificate.
    pub fn info(&self) -> vnc_core::CertificateInfo {
        let imp = self.imp();
        vnc_core::CertificateInfo {
            subject: imp.subject.borrow().clone(),
            issuer: imp.issuer.borrow().clone(),
            not_before: imp.not_before.borrow().clone(),
            not_after: imp.not_after.borrow().clone(),
            sha256: vnc_core::parse_sha256_fingerprint(&imp.sha256.borrow()).unwrap_or([0; 32]),
        }
    }
}

/// Why a server certificate failed verification (`vnc_core::CertificateProblem` as a
/// registered enum; `vnc-certificate-verification` also passes the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "VncRsCertificateProblem")]
pub enum CertificateProblem {
    /// It does not chain to a trusted CA (self-signed, or from another CA).
    UnknownIssuer = 0,
    /// It has expired.
    Expired = 1,
    /// It is not valid yet.
    NotYetValid = 2,
    /// It is not for the host that was connected to.
    WrongHost = 3,
    /// It was revoked.
    Revoked = 4,
    /// Its fingerprint is not the pinned one.
    FingerprintMismatch = 5,
    /// The certificate known for this server has changed: maybe an attack.
    Changed = 6,
    /// Something else (the message says what).
    Other = 7,
}

impl From<&vnc_core::CertificateProblem> for CertificateProblem {
    fn from(p: &vnc_core::CertificateProblem) -> CertificateProblem {
        use vnc_core::CertificateProblem as P;
        match p {
            P::UnknownIssuer => CertificateProblem::UnknownIssuer,
            P::Expired => CertificateProblem::Expired,
            P::NotYetValid => CertificateProblem::NotYetValid,
            P::WrongHost => CertificateProblem::WrongHost,
            P::Revoked => CertificateProblem::Revoked,
            P::FingerprintMismatch => CertificateProblem::FingerprintMismatch,
            P::Changed => CertificateProblem::Changed,
            _ => CertificateProblem::Other,
        }
    }
}

impl CertificateProblem {
    /// The engine's problem, with `message` for [`Other`](Self::Other).
    pub fn to_core(self, message: &str) -> vnc_core::CertificateProblem {
        use vnc_core::CertificateProblem as P;
        match self {
            CertificateProblem::UnknownIssuer => P::UnknownIssuer,
            CertificateProblem::Expired => P::Expired,
            CertificateProblem::NotYetValid => P::NotYetValid,
            CertificateProblem::WrongHost => P::WrongHost,
            CertificateProblem::Revoked => P::Revoked,
            CertificateProblem::FingerprintMismatch => P::FingerprintMismatch,
            CertificateProblem::Changed => P::Changed,
            CertificateProblem::Other => P::Other(message.to_owned()),
        }
    }
}
