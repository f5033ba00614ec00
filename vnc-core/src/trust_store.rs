//! Loading trust from the machine, for applications and adapters: the operating system's CA
//! store and the files of a typical command line, turned into a [`TlsConfig`] of plain data.
//! The [`Session`](crate::Session) never calls this module; it does no I/O of its own. The
//! trust-on-first-use file is [`known_certs`](crate::known_certs)'s.

use std::io;
use std::path::Path;
use std::sync::OnceLock;

use crate::config::TlsConfig;

/// The operating system's trusted CA certificates, each in DER (through
/// `rustls-native-certs`: the OpenSSL directories and `SSL_CERT_FILE`/`SSL_CERT_DIR` on Unix,
/// the Windows and macOS stores elsewhere). Read once per process; an unreadable store is
/// an empty list (and a debug log), since a pin or the user can still trust a certificate.
pub fn system_roots() -> Vec<Vec<u8>> {
    static ROOTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            for e in &found.errors {
                tracing::debug!(error = %e, "reading the system trust store");
            }
            found.certs.into_iter().map(|c| c.to_vec()).collect()
        })
        .clone()
}

/// A [`TlsConfig`] trusting the operating system's CA certificates ([`system_roots`]).
pub fn system_tls_config() -> TlsConfig {
    TlsConfig {
        root_certificates: system_roots(),
        ..TlsConfig::default()
    }
}

/// Reads the files of a typical command line: a CA file (PEM), a CRL file and a client
/// certificate and key. Errors name the file. Without a CA file the system store is trusted,
/// read only if an x509 step needs it ([`TlsConfig::system_roots_on_demand`]: the session
/// asks with [`Event::RootCertificatesRequired`](crate::Event::RootCertificatesRequired),
/// which the tokio adapter and the widget answer themselves).
pub fn tls_config_from_files(
    ca: Option<&Path>,
    crl: Option<&Path>,
    client: Option<(&Path, &Path)>,
) -> io::Result<TlsConfig> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
    };
    let mut tls = TlsConfig::default();
    match ca {
        Some(p) => {
            tls.add_root_certificates_pem(&read(p)?).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", p.display()))
            })?;
        }
        None => tls.system_roots_on_demand = true,
    }
    if let Some(p) = crl {
        tls.crls_pem = read(p)?;
    }
    if let Some((c, k)) = client {
        tls.client_cert_pem = Some((read(c)?, read(k)?));
    }
    Ok(tls)
}
