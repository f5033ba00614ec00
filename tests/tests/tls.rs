//! VeNCrypt, TLS and x509 against real servers: every sub-type on TigerVNC's Xvnc, x11vnc's
//! -ssl (VeNCrypt x509 and anonymous type 18), QEMU's tls-creds-anon and tls-creds-x509 (with
//! and without verify-peer), and every way a certificate or credential can be refused.

use std::process::Output;

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, CertificateProblem, Config, Event, TlsConfig};
use vnc_tests::pki::{Pki, install_pam_service};
use vnc_tests::{Qemu, QemuTls, TempDir, XServer, XvncOptions, assert_same, capture, vnccapture};

const VNC_PW: &str = "tlspass1";
const PLAIN_USER: &str = "vncuser";
const PLAIN_PW: &str = "plainpass1";

fn xvnc_tls(pki: &Pki, security: &'static str, leaf: &str) -> XServer {
    xvnc_tls_with(pki, security, leaf, false)
}

/// [`xvnc_tls`], also listening on a Unix socket when `unix` is set.
fn xvnc_tls_with(pki: &Pki, security: &'static str, leaf: &str, unix: bool) -> XServer {
    let mut extra = pki.xvnc_args(leaf);
    if security.contains("Plain") {
        let service = install_pam_service(PLAIN_USER, PLAIN_PW);
        extra.extend([
            "-PlainUsers".into(),
            PLAIN_USER.into(),
            "-PAMService".into(),
            service.into(),
        ]);
    }
    XServer::xvnc(XvncOptions {
        security: Some(security),
        password: security.contains("Vnc").then_some(VNC_PW),
        extra,
        unix_socket: unix,
        ..Default::default()
    })
}

/// A TLS configuration trusting the test CA `ca` (such as "ca").
fn trusting(pki: &Pki, ca: &str) -> TlsConfig {
    let mut tls = TlsConfig::default();
    let pem = std::fs::read(pki.path(&format!("{ca}-cert.pem"))).unwrap();
    tls.add_root_certificates_pem(&pem).unwrap();
    tls
}

/// Connects through the tokio adapter and waits for the first complete update; gives back
/// the engine's error when the session fails (and panics on a transport error).
fn session_result(address: &Address, config: Config) -> Result<(), vnc_core::Error> {
    let result = vnc_tests::runtime().block_on(async {
        let mut conn = Connection::connect(address, config, &ConnectOptions::default()).await?;
        while let Some(event) = conn.next_event().await? {
            if event == Event::FramebufferUpdateEnd {
                return Ok(());
            }
        }
        panic!("{address}: the server closed the connection before a complete update");
    });
    result.map_err(|e: vnc_core::tokio::Error| match e.session_error() {
        Some(e) => e.clone(),
        None => panic!("{address}: not a session error: {e}"),
    })
}

fn credentials(security: &str) -> Vec<(&'static str, &'static str)> {
    if security.contains("Plain") {
        vec![("VNC_USERNAME", PLAIN_USER), ("VNC_PASSWORD", PLAIN_PW)]
    } else if security.contains("Vnc") {
        vec![("VNC_PASSWORD", VNC_PW)]
    } else {
        vec![]
    }
}

/// Runs vnccapture expecting it to fail with exit code `code` and to write no picture;
/// returns its output. What exactly failed is checked through the library, by error variant.
fn fails(server: &str, args: &[&str], env: &[(&str, &str)], code: i32) -> Output {
    let dir = TempDir::new("fail");
    let png = dir.path().join("x.png");
    let mut all: Vec<&str> = vec!["--timeout", "30"];
    all.extend_from_slice(args);
    all.push(server);
    let png_s = png.display().to_string();
    all.push(&png_s);
    let out = vnccapture(&all, env);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{all:?}: {err}");
    assert!(!png.exists());
    out
}

/// `localhost` port `port`.
fn localhost(port: u16) -> Address {
    Address::Tcp {
        host: "localhost".into(),
        port,
    }
}

/// Why a session to `address` with `tls` refuses the server's certificate.
fn certificate_problem(address: &Address, tls: TlsConfig) -> CertificateProblem {
    let mut config = Config::default();
    config.tls = tls;
    match session_result(address, config) {
        Err(vnc_core::Error::Certificate { problem, .. }) => problem,
        other => panic!("{address}: expected a refused certificate, got {other:?}"),
    }
}

#[test]
fn xvnc_every_vencrypt_subtype() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    for security in [
        "X509None",
        "X509Vnc",
        "X509Plain",
        "TLSNone",
        "TLSVnc",
        "TLSPlain",
        "Plain",
    ] {
        let s = xvnc_tls(&pki, security, "server");
        let truth = s.settle();
        let mut args = vec!["--ca-file", ca.as_str()];
        if security == "Plain" {
            // User name and password in the clear: only when explicitly allowed.
            args.push("--allow-insecure");
        }
        let got = capture(
            &format!("localhost::{}", s.port),
            &args,
            &credentials(security),
        );
        assert_same(&got, &truth, security);
        if security == "Plain" {
            fails(
                &format!("localhost::{}", s.port),
                &["--ca-file", &ca],
                &credentials(security),
                5,
            );
            let mut config = Config::default();
            config.security_types.push(vnc_core::SecurityType::Plain);
            config.require_encryption = true;
            assert!(matches!(
                session_result(&localhost(s.port), config),
                Err(vnc_core::Error::EncryptionRequired { .. })
            ));
        }
    }
}

#[test]
fn xvnc_tls_over_ipv6_by_address() {
    let pki = Pki::new();
    let s = xvnc_tls(&pki, "X509Vnc", "server");
    let truth = s.settle();
    let ca = pki.s("ca-cert.pem");
    for host in ["[::1]", "127.0.0.1", "localhost"] {
        let got = capture(
            &format!("{host}::{}", s.port),
            &["--ca-file", &ca],
            &credentials("X509Vnc"),
        );
        assert_same(&got, &truth, host);
    }
    let s = xvnc_tls(&pki, "TLSVnc", "server");
    let got = capture(&format!("[::1]::{}", s.port), &[], &credentials("TLSVnc"));
    assert_same(&got, &s.settle(), "anonymous TLS over ::1");
}

#[test]
fn x509_over_a_unix_socket_checks_the_host_name_it_is_given() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let s = xvnc_tls_with(&pki, "X509None", "server", true);
    let truth = s.settle();
    let path = s.unix_socket.clone().unwrap();
    let socket = path.to_str().unwrap();
    // A socket has no host name: the one given is checked.
    assert_same(
        &capture(
            socket,
            &["--ca-file", &ca, "--tls-hostname", "localhost"],
            &[],
        ),
        &truth,
        "x509 over a Unix socket, host name given",
    );
    let address = Address::Unix(path.clone());
    let mut config = Config::default();
    config.tls = trusting(&pki, "ca");
    config.server_name = Some("localhost".into());
    session_result(&address, config.clone()).unwrap();
    config.server_name = Some("wrong.invalid".into());
    assert!(matches!(
        session_result(&address, config.clone()),
        Err(vnc_core::Error::Certificate {
            problem: CertificateProblem::WrongHost,
            ..
        })
    ));
    // Without one x509 verification refuses, before anything is sent inside TLS.
    config.server_name = None;
    assert!(matches!(
        session_result(&address, config.clone()),
        Err(vnc_core::Error::ServerNameMissing)
    ));
    fails(socket, &["--ca-file", &ca], &[], 5);
    // A pin needs no name.
    let fp = pki.fingerprint("server-cert.pem");
    assert_same(
        &capture(socket, &["--pin-sha256", &fp], &[]),
        &truth,
        "x509 over a Unix socket, pinned",
    );
    config.tls = TlsConfig::default();
    config.tls.pinned_sha256 = vec![vnc_core::parse_sha256_fingerprint(&fp).unwrap()];
    session_result(&address, config).unwrap();
}

#[test]
fn tigervnc_default_security_with_a_password() {
    // Xvnc's own default when a password file is given: TLSVnc and VncAuth.
    let s = XServer::xvnc(XvncOptions {
        security: Some("TLSVnc,VncAuth"),
        password: Some(VNC_PW),
        ..Default::default()
    });
    let out_dir = TempDir::new("default");
    let png = out_dir.path().join("d.png");
    let out = vnccapture(
        &[&format!("127.0.0.1::{}", s.port), png.to_str().unwrap()],
        &credentials("Vnc"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TLSVnc (258): encrypted, server not authenticated"),
        "{err}"
    );
    assert_same(&vnc_tests::read_png(&png), &s.settle(), "TLSVnc by default");
    // A wrong password through TLS: exit 4 with the server's reason.
    fails(
        &format!("127.0.0.1::{}", s.port),
        &[],
        &[("VNC_PASSWORD", "wrong")],
        4,
    );
}

#[test]
fn certificate_problems_exit_5_with_the_reason() {
    use CertificateProblem::*;
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let ca2 = pki.s("ca2-cert.pem");
    let cred = credentials("X509None");
    // Wrong CA, and no CA at all (the system store does not know ours).
    let s = xvnc_tls(&pki, "X509None", "server");
    let srv = format!("localhost::{}", s.port);
    fails(&srv, &["--ca-file", &ca2], &cred, 5);
    fails(&srv, &["--require-encryption"], &cred, 5);
    let at = localhost(s.port);
    assert_eq!(
        certificate_problem(&at, trusting(&pki, "ca2")),
        UnknownIssuer
    );
    assert_eq!(
        certificate_problem(&at, TlsConfig::default()),
        UnknownIssuer
    );
    // Pinning the right fingerprint trusts it; a wrong one is refused.
    let fp = pki.fingerprint("server-cert.pem");
    assert_same(
        &capture(&srv, &["--pin-sha256", &fp], &cred),
        &s.settle(),
        "pinned",
    );
    fails(&srv, &["--pin-sha256", &"ab".repeat(32)], &cred, 5);
    let mut pinned = TlsConfig::default();
    pinned.pinned_sha256 = vec![[0xab; 32]];
    assert_eq!(certificate_problem(&at, pinned), FingerprintMismatch);
    drop(s);
    // Expired.
    let s = xvnc_tls(&pki, "X509None", "expired");
    fails(
        &format!("localhost::{}", s.port),
        &["--ca-file", &ca],
        &cred,
        5,
    );
    let expired = certificate_problem(&localhost(s.port), trusting(&pki, "ca"));
    assert_eq!(expired, Expired);
    drop(s);
    // Wrong host by name, and by IP address (a certificate for the name only).
    let s = xvnc_tls(&pki, "X509None", "wronghost");
    fails(
        &format!("localhost::{}", s.port),
        &["--ca-file", &ca],
        &cred,
        5,
    );
    let wrong = certificate_problem(&localhost(s.port), trusting(&pki, "ca"));
    assert_eq!(wrong, WrongHost);
    drop(s);
    let s = xvnc_tls(&pki, "X509None", "dnsonly");
    assert_same(
        &capture(
            &format!("localhost::{}", s.port),
            &["--ca-file", &ca],
            &cred,
        ),
        &s.settle(),
        "by name",
    );
    fails(
        &format!("127.0.0.1::{}", s.port),
        &["--ca-file", &ca],
        &cred,
        5,
    );
    let by_ip = Address::Tcp {
        host: "127.0.0.1".into(),
        port: s.port,
    };
    assert_eq!(certificate_problem(&by_ip, trusting(&pki, "ca")), WrongHost);
    drop(s);
    // Self-signed: refused, accepted when pinned.
    let s = xvnc_tls(&pki, "X509None", "selfsigned");
    let srv = format!("localhost::{}", s.port);
    fails(&srv, &["--ca-file", &ca], &cred, 5);
    let selfsigned = certificate_problem(&localhost(s.port), trusting(&pki, "ca"));
    assert_eq!(selfsigned, UnknownIssuer);
    let fp = pki.fingerprint("selfsigned-cert.pem");
    assert_same(
        &capture(&srv, &["--pin-sha256", &fp], &cred),
        &s.settle(),
        "pinned self-signed",
    );
    drop(s);
    // Revoked, with the CRL.
    let s = xvnc_tls(&pki, "X509None", "revoked");
    let srv = format!("localhost::{}", s.port);
    let crl = pki.s("crl.pem");
    fails(&srv, &["--ca-file", &ca, "--crl-file", &crl], &cred, 5);
    let mut with_crl = trusting(&pki, "ca");
    with_crl.crls_pem = std::fs::read(&crl).unwrap();
    assert_eq!(certificate_problem(&localhost(s.port), with_crl), Revoked);
    // Without the CRL it is a valid certificate.
    assert_same(
        &capture(&srv, &["--ca-file", &ca], &cred),
        &s.settle(),
        "no CRL",
    );
}

#[test]
fn trust_on_first_use_remembers_and_refuses_a_changed_certificate() {
    let pki = Pki::new();
    let data = TempDir::new("tofu");
    let xdg = data.path().display().to_string();
    let env = [("XDG_DATA_HOME", xdg.as_str())];
    let s = xvnc_tls(&pki, "X509None", "selfsigned");
    let srv = format!("localhost::{}", s.port);
    let truth = s.settle();
    // First use: accepted and remembered; second use: known.
    assert_same(
        &capture(&srv, &["--trust-on-first-use"], &env),
        &truth,
        "first use",
    );
    let store = std::fs::read_to_string(data.path().join("vnc-rs/known-certificates")).unwrap();
    assert!(
        store.contains(&pki.fingerprint("selfsigned-cert.pem")),
        "{store}"
    );
    assert_same(
        &capture(&srv, &["--trust-on-first-use"], &env),
        &truth,
        "second use",
    );
    // The same server now shows another certificate: refused loudly.
    std::fs::write(
        data.path().join("vnc-rs/known-certificates"),
        format!("{srv} {}\n", "00".repeat(32)),
    )
    .unwrap();
    fails(&srv, &["--trust-on-first-use"], &env, 5);
    // The session, told what was accepted before, refuses a certificate that is not it.
    let mut known = TlsConfig::default();
    known.known_sha256 = vec![[0; 32]];
    assert_eq!(
        certificate_problem(&localhost(s.port), known),
        CertificateProblem::Changed
    );
}

#[test]
fn wrong_plain_user_or_password_exit_4() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let s = xvnc_tls(&pki, "X509Plain", "server");
    let srv = format!("localhost::{}", s.port);
    fails(
        &srv,
        &["--ca-file", &ca],
        &[("VNC_USERNAME", "nobody"), ("VNC_PASSWORD", PLAIN_PW)],
        4,
    );
    fails(
        &srv,
        &["--ca-file", &ca],
        &[("VNC_USERNAME", PLAIN_USER), ("VNC_PASSWORD", "wrong")],
        4,
    );
}

#[test]
fn require_encryption_refuses_clear_servers() {
    for security in ["None", "VncAuth"] {
        let s = XServer::xvnc(XvncOptions {
            security: Some(security),
            password: (security == "VncAuth").then_some(VNC_PW),
            ..Default::default()
        });
        fails(
            &format!("localhost::{}", s.port),
            &["--require-encryption"],
            &credentials(security),
            5,
        );
        let mut config = Config::default();
        config.require_encryption = true;
        assert!(matches!(
            session_result(&localhost(s.port), config),
            Err(vnc_core::Error::EncryptionRequired { .. })
        ));
    }
}

/// An OpenSSL configuration that allows anonymous Diffie-Hellman (security level 0), which
/// x11vnc needs for its anonymous TLS.
fn seclevel0(dir: &TempDir) -> String {
    let p = dir.path().join("openssl.cnf");
    std::fs::write(
        &p,
        "openssl_conf = conf\n[conf]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n[sys]\nCipherString = DEFAULT:@SECLEVEL=0\n",
    )
    .unwrap();
    p.display().to_string()
}

#[test]
fn x11vnc_ssl_x509_and_anonymous() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let pem = pki.s("server.pem");
    let s = XServer::x11vnc_with(None, &["-ssl", &pem, "-vencrypt", "nodh:force"], &[]);
    let truth = s.settle();
    assert_same(
        &capture(&format!("localhost::{}", s.port), &["--ca-file", &ca], &[]),
        &truth,
        "x11vnc VeNCrypt x509",
    );
    assert_same(
        &capture(&format!("[::1]::{}", s.port), &["--ca-file", &ca], &[]),
        &truth,
        "x11vnc VeNCrypt x509 over ::1",
    );
    drop(s);
    let dir = TempDir::new("ssl");
    let conf = seclevel0(&dir);
    let s = XServer::x11vnc_with(
        None,
        &["-ssl", "ANON", "-anontls", "force", "-vencrypt", "never"],
        &[("OPENSSL_CONF", &conf)],
    );
    assert_same(
        &capture(&format!("localhost::{}", s.port), &[], &[]),
        &s.settle(),
        "x11vnc anonymous TLS (type 18)",
    );
}

#[test]
fn qemu_anonymous_tls_with_and_without_password() {
    let q = Qemu::start_with(None, QemuTls::Anonymous);
    assert_same(
        &capture(&format!("127.0.0.1::{}", q.port()), &[], &[]),
        &q.screen(),
        "QEMU TLS anon",
    );
    let q = Qemu::start_with(Some("qemupass"), QemuTls::Anonymous);
    let got = capture(
        &format!("[::1]::{}", q.port()),
        &[],
        &[("VNC_PASSWORD", "qemupass")],
    );
    assert_same(&got, &q.screen(), "QEMU TLS anon with a password over ::1");
}

#[test]
fn qemu_x509_with_and_without_client_certificates() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let q = Qemu::start_with(
        Some("qemupass"),
        QemuTls::X509 {
            dir: pki.qemu_dir("server", "ca"),
            verify_peer: false,
        },
    );
    let got = capture(
        &format!("localhost::{}", q.port()),
        &["--ca-file", &ca],
        &[("VNC_PASSWORD", "qemupass")],
    );
    assert_same(&got, &q.screen(), "QEMU x509 with a password");
    let q = Qemu::start_with(
        None,
        QemuTls::X509 {
            dir: pki.qemu_dir("server", "ca"),
            verify_peer: true,
        },
    );
    let srv = format!("localhost::{}", q.port());
    let (cc, ck) = (pki.s("client-cert.pem"), pki.s("client-key.pem"));
    let got = capture(
        &srv,
        &["--ca-file", &ca, "--client-cert", &cc, "--client-key", &ck],
        &[],
    );
    assert_same(
        &got,
        &q.screen(),
        "QEMU x509 verify-peer with a client certificate",
    );
    // No client certificate, or one from another CA: the server refuses.
    fails(&srv, &["--ca-file", &ca], &[], 5);
    let (c2, k2) = (pki.s("client2-cert.pem"), pki.s("client2-key.pem"));
    fails(
        &srv,
        &["--ca-file", &ca, "--client-cert", &c2, "--client-key", &k2],
        &[],
        5,
    );
    let at = localhost(q.port());
    let mut config = Config::default();
    config.tls = trusting(&pki, "ca");
    assert!(matches!(
        session_result(&at, config),
        Err(vnc_core::Error::Tls { .. })
    ));
}

#[test]
fn credentials_never_reach_the_log() {
    // The most verbose logging of a whole VNC-authentication and Plain session: the
    // passwords are nowhere in it (the user name may be).
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    for security in ["X509Vnc", "X509Plain"] {
        let s = xvnc_tls(&pki, security, "server");
        let dir = vnc_tests::TempDir::new("log");
        let png = dir.path().join("x.png");
        let out = vnc_tests::vnccapture(
            &[
                "-vvv",
                "--ca-file",
                &ca,
                &format!("localhost::{}", s.port),
                png.to_str().unwrap(),
            ],
            &credentials(security),
        );
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{security}: {log}");
        assert!(
            log.contains(" DEBUG vnc_core::") && !log.contains('\x1b'),
            "{security}: verbose, uncoloured logging: {log}"
        );
        for (_, secret) in credentials(security)
            .iter()
            .filter(|(k, _)| *k == "VNC_PASSWORD")
        {
            assert!(
                !log.contains(secret),
                "{security}: the password is in the log"
            );
        }
    }
}
