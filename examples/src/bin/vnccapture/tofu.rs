//! Trust on first use for vnccapture: the known-certificates store decides about a
//! certificate the session could not verify.

use std::path::PathBuf;

use super::{Failure, exit};

/// Trust on first use with the known-certificates store: accept what was accepted before,
/// accept and remember a server's first certificate, refuse a changed one.
pub(super) fn trust_on_first_use(
    server: &str,
    cert: &vnc_core::CertificateInfo,
    problem: &vnc_core::CertificateProblem,
) -> Result<bool, Failure> {
    use vnc_core::known_certs::Known;
    let fail = |msg: String| Failure(exit::TLS, format!("{server}: {msg}"));
    let (mut store, path) = known_store()?;
    // The session was given what the store knew about this server, so it asks only about
    // a certificate seen for the first time or a changed one.
    match store.check(server, &cert.sha256) {
        Known::Match => Ok(true),
        Known::Changed { previous } => Err(fail(format!(
            "the server's certificate has CHANGED since it was accepted (was SHA-256 {}, now {}; subject {}); \
             if this is expected, remove the line for {server} from {}",
            previous
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
            cert.sha256_hex(),
            cert.subject,
            path.display()
        ))),
        Known::Unknown => {
            eprintln!(
                "vnccapture: {server}: trusting a certificate seen for the first time ({problem}): subject {}, issuer {}, valid {} to {}, SHA-256 {}",
                cert.subject,
                cert.issuer,
                cert.not_before,
                cert.not_after,
                cert.sha256_hex()
            );
            store
                .add(server, &cert.sha256)
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
            Ok(true)
        }
    }
}

/// The trust-on-first-use store and its path.
pub(super) fn known_store() -> Result<(vnc_core::known_certs::KnownCertificates, PathBuf), Failure>
{
    use vnc_core::known_certs::KnownCertificates;
    let fail = |msg: String| Failure(exit::TLS, msg);
    let path = KnownCertificates::default_path()
        .ok_or_else(|| fail("no HOME or XDG_DATA_HOME for the known-certificates store".into()))?;
    let store = KnownCertificates::load(&path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    Ok((store, path))
}
