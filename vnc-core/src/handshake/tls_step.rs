//! The TLS step of VeNCrypt's TLS and x509 sub-types and of anonymous TLS (type 18): the
//! trusted roots are asked for if the application gives them on demand, the rest of the
//! stream is wrapped in TLS, the handshake runs, and an unverified certificate waits for the
//! application's decision before the inner authentication begins.

use crate::error::{CertificateInfo, CertificateProblem, Error};
use crate::event::Event;
use crate::security::{Protection, SecurityType};
use crate::session::Context;
use crate::tls::TlsLayer;

use super::{Handshake, Next, auth, go, wait};

/// Where the TLS step is; `SecurityType` is the type whose inner authentication follows.
pub(crate) enum TlsStep {
    /// The application gives the trusted CA certificates; TLS has not started.
    AwaitRoots(SecurityType),
    /// TLS is running its handshake.
    Handshake(SecurityType),
    /// The application decides about a certificate that failed verification.
    AwaitCertificate {
        security: SecurityType,
        info: Box<CertificateInfo>,
        problem: CertificateProblem,
    },
}

/// Wraps the rest of the stream in TLS, or first asks the application for the trusted roots.
pub(crate) fn start_tls(cx: &mut Context, t: SecurityType) -> Result<Handshake, Error> {
    let tls = &cx.config.tls;
    // Pins trust exactly their certificates, whatever the roots: no store is needed then.
    if t.protection() == Protection::Authenticated
        && tls.system_roots_on_demand
        && tls.root_certificates.is_empty()
        && tls.pinned_sha256.is_empty()
    {
        tracing::debug!("asking the application for the trusted roots");
        cx.events.push_back(Event::RootCertificatesRequired);
        return Ok(TlsStep::AwaitRoots(t).into());
    }
    begin_tls(cx, t)
}

fn begin_tls(cx: &mut Context, t: SecurityType) -> Result<Handshake, Error> {
    let layer = match t.protection() {
        Protection::Authenticated => {
            TlsLayer::x509(&cx.config.tls, cx.config.server_name.as_deref())?
        }
        _ => TlsLayer::anonymous()?,
    };
    // What was written before goes out in the clear (the sub-type choice).
    cx.io.start_tls(layer)?;
    Ok(TlsStep::Handshake(t).into())
}

impl TlsStep {
    pub(crate) fn advance(self, cx: &mut Context) -> Result<Next, Error> {
        match self {
            TlsStep::Handshake(t) => {
                if cx.io.tls.as_ref().is_some_and(|tls| tls.is_handshaking()) {
                    wait(self)
                } else {
                    go(after_handshake(cx, t))
                }
            }
            TlsStep::AwaitRoots(_) | TlsStep::AwaitCertificate { .. } => wait(self),
        }
    }

    /// The application gave the roots (now in the configuration): TLS starts.
    pub(crate) fn roots_given(self, cx: &mut Context) -> Result<Handshake, Error> {
        match self {
            TlsStep::AwaitRoots(t) => begin_tls(cx, t),
            other => Ok(other.into()),
        }
    }

    /// The application's answer to [`Event::CertificateUnverified`]: the inner
    /// authentication if it accepts, [`Error::CertificateRefused`] if not.
    pub(crate) fn decide(self, cx: &mut Context, accept: bool) -> Result<Handshake, Error> {
        let TlsStep::AwaitCertificate {
            security,
            info,
            problem,
        } = self
        else {
            return Ok(self.into());
        };
        if !accept {
            return Err(Error::CertificateRefused {
                problem,
                certificate: info,
            });
        }
        tracing::info!("the application accepted the server's certificate");
        let next = auth::start_inner(cx, security);
        cx.deadline.resume();
        Ok(next)
    }
}

fn after_handshake(cx: &mut Context, t: SecurityType) -> Handshake {
    let Some(tls) = cx.io.tls.as_mut() else {
        return auth::start_inner(cx, t);
    };
    tracing::info!(tls = %tls.describe_session(), "TLS established");
    match tls.take_unverified() {
        Some((info, problem)) => {
            cx.events.push_back(Event::CertificateUnverified {
                certificate: info.clone(),
                problem: problem.clone(),
            });
            cx.deadline.pause();
            TlsStep::AwaitCertificate {
                security: t,
                info: Box::new(info),
                problem,
            }
            .into()
        }
        None => auth::start_inner(cx, t),
    }
}
