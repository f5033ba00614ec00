//! TLS inside the engine: the only module that names rustls types. When VeNCrypt reaches an
//! x509 sub-type, the session wraps the rest of the stream in rustls's own sans-IO
//! `ClientConnection`; for anonymous sub-types it uses [`crate::anon_tls`]. Adapters never know.
//! Trust comes from [`TlsConfig`] as data (root certificates, pins, certificates accepted
//! before); this module reads no file and no system store.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, ServerName, UnixTime,
};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::config::TlsConfig;
use crate::error::{CertificateInfo, CertificateProblem, Error};

/// A TLS session wrapped around the byte stream.
pub(crate) enum TlsLayer {
    Rustls {
        conn: Box<ClientConnection>,
        verdict: Arc<Mutex<Verdict>>,
    },
    #[cfg(feature = "anon-tls")]
    Anon(Box<crate::anon_tls::AnonTls>),
}

/// What certificate verification concluded, for the session to act on after the handshake.
#[derive(Default)]
pub(crate) struct Verdict {
    /// Set when verification failed but the application is to decide.
    pub(crate) unverified: Option<(CertificateInfo, CertificateProblem)>,
    /// The problem that made the handshake fail, for the error message.
    pub(crate) rejected: Option<(CertificateInfo, CertificateProblem)>,
}

fn tls_error(step: &str, e: impl std::fmt::Display) -> Error {
    Error::Tls {
        message: format!("{step}: {e}"),
    }
}

/// SHA-256 of a DER certificate.
pub(crate) fn fingerprint(der: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// What a person needs to judge a certificate.
pub(crate) fn describe(der: &[u8]) -> CertificateInfo {
    let sha256 = fingerprint(der);
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => CertificateInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.to_string(),
            not_after: cert.validity().not_after.to_string(),
            sha256,
        },
        Err(e) => CertificateInfo {
            subject: format!("(unparsable certificate: {e})"),
            issuer: String::new(),
            not_before: String::new(),
            not_after: String::new(),
            sha256,
        },
    }
}

fn problem_of(e: &rustls::Error) -> CertificateProblem {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => CertificateProblem::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } => CertificateProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => CertificateProblem::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => CertificateProblem::WrongHost,
            C::Revoked => CertificateProblem::Revoked,
            other => CertificateProblem::Other(format!("{other:?}")),
        },
        other => CertificateProblem::Other(other.to_string()),
    }
}

/// Applies the user's pins, else checks the chain with webpki (when there are trust anchors),
/// then the trust-on-first-use policy.
#[derive(Debug)]
struct Verifier {
    /// None when no trust anchor is known: then only pins or the application can trust.
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    pins: Vec<[u8; 32]>,
    /// Accepted before for this server (trust on first use).
    known: Vec<[u8; 32]>,
    ask: bool,
    verdict: Arc<Mutex<Verdict>>,
}

impl std::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verdict")
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut verdict = self.verdict.lock().unwrap_or_else(|p| p.into_inner());
        if !self.pins.is_empty() {
            // A pinned fingerprint is the user's explicit trust in exactly that certificate.
            let got = fingerprint(end_entity);
            if self.pins.contains(&got) {
                return Ok(ServerCertVerified::assertion());
            }
            verdict.rejected = Some((
                describe(end_entity),
                CertificateProblem::FingerprintMismatch,
            ));
            return Err(rustls::Error::General(
                "certificate fingerprint mismatch".into(),
            ));
        }
        let checked = match &self.inner {
            Some(inner) => {
                inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
        };
        let e = match checked {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let problem = if self.known.is_empty() {
            problem_of(&e)
        } else if self.known.contains(&fingerprint(end_entity)) {
            // The user accepted exactly this certificate for this server before.
            return Ok(ServerCertVerified::assertion());
        } else {
            CertificateProblem::Changed
        };
        if self.ask {
            // Finish the handshake, but send nothing until the application has decided.
            verdict.unverified = Some((describe(end_entity), problem));
            Ok(ServerCertVerified::assertion())
        } else {
            verdict.rejected = Some((describe(end_entity), problem));
            Err(e)
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The certificates of a PEM text, each in DER; none is an error.
pub(crate) fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| config_error("reading the CA certificates", e))?;
    if certs.is_empty() {
        return Err(config_error(
            "the CA certificates",
            "the PEM text holds no certificate",
        ));
    }
    Ok(certs)
}

fn config_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::TlsConfig {
        message: format!("{what}: {e}"),
    }
}

impl TlsLayer {
    /// Starts an x509-verified TLS client for `server_name`. Without a name only a pinned
    /// certificate can be trusted, so that needs a pin.
    pub(crate) fn x509(cfg: &TlsConfig, server_name: Option<&str>) -> Result<TlsLayer, Error> {
        let name = match server_name {
            Some(n) => ServerName::try_from(n.to_owned())
                .map_err(|e| config_error(&format!("the server name {n:?}"), e))?,
            // A pin trusts one certificate whatever its names; an IP address sends no SNI.
            None if !cfg.pinned_sha256.is_empty() => {
                ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into())
            }
            None => return Err(Error::ServerNameMissing),
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        // Certificates a system store holds but webpki cannot use are skipped, as rustls's
        // own examples do; the rest still anchor trust.
        let (_, unusable) = roots.add_parsable_certificates(
            cfg.root_certificates
                .iter()
                .map(|der| CertificateDer::from(der.as_slice())),
        );
        if unusable > 0 {
            tracing::debug!(unusable, "skipped root certificates webpki cannot parse");
        }
        if roots.is_empty()
            && cfg.pinned_sha256.is_empty()
            && cfg.known_sha256.is_empty()
            && !cfg.ask_on_untrusted
        {
            return Err(config_error(
                "trust",
                "no CA certificate to verify the server with; load the system store or a CA file \
                 (vnc_core::trust_store), or pin the certificate",
            ));
        }
        let mut crls = Vec::new();
        for crl in CertificateRevocationListDer::pem_slice_iter(&cfg.crls_pem) {
            crls.push(crl.map_err(|e| config_error("reading the CRL", e))?);
        }
        let webpki = if roots.is_empty() {
            // Only pins or the application's decision can make a certificate trusted.
            None
        } else {
            Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .with_crls(crls)
                    .only_check_end_entity_revocation()
                    .allow_unknown_revocation_status()
                    .build()
                    .map_err(|e| config_error("building the certificate verifier", e))?,
            )
        };
        let verdict = Arc::new(Mutex::new(Verdict::default()));
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| config_error("TLS versions", e))?;
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Verifier {
                inner: webpki,
                provider: provider.clone(),
                pins: cfg.pinned_sha256.clone(),
                known: cfg.known_sha256.clone(),
                ask: cfg.ask_on_untrusted,
                verdict: verdict.clone(),
            }));
        let config = match &cfg.client_cert_pem {
            Some((chain, key)) => {
                let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain)
                    .collect::<Result<_, _>>()
                    .map_err(|e| config_error("reading the client certificate", e))?;
                let key = PrivateKeyDer::from_pem_slice(key)
                    .map_err(|e| config_error("reading the client key", e))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| config_error("the client certificate", e))?
            }
            None => builder.with_no_client_auth(),
        };
        let conn = ClientConnection::new(Arc::new(config), name)
            .map_err(|e| tls_error("starting TLS", e))?;
        Ok(TlsLayer::Rustls {
            conn: Box::new(conn),
            verdict,
        })
    }

    /// Starts an anonymous (Diffie-Hellman, unauthenticated) TLS client.
    pub(crate) fn anonymous() -> Result<TlsLayer, Error> {
        #[cfg(feature = "anon-tls")]
        {
            crate::anon_tls::AnonTls::new().map(|a| TlsLayer::Anon(Box::new(a)))
        }
        #[cfg(not(feature = "anon-tls"))]
        {
            Err(Error::AnonTlsUnavailable)
        }
    }

    /// Takes TLS bytes from the server and appends the plaintext they carry to `plain`.
    pub(crate) fn read_tls(&mut self, mut data: &[u8], plain: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            TlsLayer::Rustls { conn, verdict } => {
                while !data.is_empty() {
                    conn.read_tls(&mut data)
                        .map_err(|e| tls_error("reading", e))?;
                    if let Err(e) = conn.process_new_packets() {
                        let v = verdict.lock().unwrap_or_else(|p| p.into_inner());
                        if let Some((info, problem)) = &v.rejected {
                            return Err(Error::Certificate {
                                problem: problem.clone(),
                                certificate: Box::new(info.clone()),
                            });
                        }
                        return Err(tls_error("handshake", e));
                    }
                    let mut buf = [0u8; 16 << 10];
                    loop {
                        match conn.reader().read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => plain.extend_from_slice(&buf[..n]),
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                            Err(e) => return Err(tls_error("reading", e)),
                        }
                    }
                }
                Ok(())
            }
            #[cfg(feature = "anon-tls")]
            TlsLayer::Anon(a) => a.read_tls(data, plain),
        }
    }

    /// Encrypts `plain` for the server.
    pub(crate) fn write_plain(&mut self, plain: &[u8]) -> Result<(), Error> {
        match self {
            TlsLayer::Rustls { conn, .. } => conn
                .writer()
                .write_all(plain)
                .map_err(|e| tls_error("writing", e)),
            #[cfg(feature = "anon-tls")]
            TlsLayer::Anon(a) => a.write_plain(plain),
        }
    }

    /// Appends what TLS wants to send to `wire`.
    pub(crate) fn write_tls(&mut self, wire: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            TlsLayer::Rustls { conn, .. } => {
                while conn.wants_write() {
                    conn.write_tls(wire).map_err(|e| tls_error("writing", e))?;
                }
                Ok(())
            }
            #[cfg(feature = "anon-tls")]
            TlsLayer::Anon(a) => a.write_tls(wire),
        }
    }

    pub(crate) fn is_handshaking(&self) -> bool {
        match self {
            TlsLayer::Rustls { conn, .. } => conn.is_handshaking(),
            #[cfg(feature = "anon-tls")]
            TlsLayer::Anon(a) => a.is_handshaking(),
        }
    }

    /// After the handshake: a certificate the application has to judge, if any.
    pub(crate) fn take_unverified(&mut self) -> Option<(CertificateInfo, CertificateProblem)> {
        match self {
            TlsLayer::Rustls { verdict, .. } => verdict
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .unverified
                .take(),
            #[cfg(feature = "anon-tls")]
            TlsLayer::Anon(_) => None,
        }
    }

    /// The negotiated protocol and cipher suite, for logs.
    pub(crate) fn describe_session(&self) -> String {
        match self {
            TlsLayer::Rustls { conn, .. } => format!(
                "{:?} {:?}",
                conn.protocol_version(),
                conn.negotiated_cipher_suite().map(|s| s.suite())
            ),
            #[cfg(feature = "anon-tls")]
            TlsLayer::Anon(a) => a.describe(),
        }
    }
}
