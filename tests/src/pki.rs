//! A throwaway PKI made with GnuTLS's certtool for each test that needs one: two CAs, server
//! certificates good, expired, for the wrong host, self-signed and revoked (with its CRL), and
//! client certificates from either CA. RSA keys: x11vnc -ssl takes nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{TempDir, process, require};

/// The files of a generated PKI.
pub struct Pki {
    dir: TempDir,
}

const GOOD_NAMES: &[&str] = &[
    "dns_name = \"localhost\"",
    "ip_address = \"127.0.0.1\"",
    "ip_address = \"::1\"",
];
const SERVER_USE: &[&str] = &["tls_www_server", "signing_key", "encryption_key"];

impl Pki {
    /// Generates everything.
    pub fn new() -> Pki {
        require("certtool", "gnutls-bin");
        let pki = Pki {
            dir: TempDir::new("pki"),
        };
        for ca in ["ca", "ca2"] {
            pki.key(ca);
            pki.run(&[
                "--generate-self-signed",
                "--load-privkey",
                &pki.s(&format!("{ca}-key.pem")),
                "--template",
                &pki.template(&[
                    &format!("cn = \"vnc-rs test {ca}\""),
                    "ca",
                    "cert_signing_key",
                    "crl_signing_key",
                    "expiration_days = 30",
                ]),
                "--outfile",
                &pki.s(&format!("{ca}-cert.pem")),
            ]);
        }
        let days = "expiration_days = 30";
        pki.leaf(
            "server",
            "ca",
            &[&["cn = \"localhost\"", days], GOOD_NAMES, SERVER_USE].concat(),
        );
        pki.leaf(
            "dnsonly",
            "ca",
            &[
                &["cn = \"localhost\"", days, "dns_name = \"localhost\""],
                SERVER_USE,
            ]
            .concat(),
        );
        pki.leaf(
            "expired",
            "ca",
            &[
                &[
                    "cn = \"localhost\"",
                    "activation_date = \"2020-01-01 00:00:00\"",
                    "expiration_date = \"2021-01-01 00:00:00\"",
                ],
                GOOD_NAMES,
                SERVER_USE,
            ]
            .concat(),
        );
        pki.leaf(
            "wronghost",
            "ca",
            &[
                &[
                    "cn = \"wrong.invalid\"",
                    days,
                    "dns_name = \"wrong.invalid\"",
                    "ip_address = \"192.0.2.7\"",
                ],
                SERVER_USE,
            ]
            .concat(),
        );
        pki.leaf(
            "revoked",
            "ca",
            &[&["cn = \"localhost\"", days], GOOD_NAMES, SERVER_USE].concat(),
        );
        pki.leaf(
            "client",
            "ca",
            &[
                "cn = \"vnc-rs client\"",
                days,
                "tls_www_client",
                "signing_key",
            ],
        );
        pki.leaf(
            "client2",
            "ca2",
            &[
                "cn = \"vnc-rs client2\"",
                days,
                "tls_www_client",
                "signing_key",
            ],
        );
        pki.key("selfsigned");
        pki.run(&[
            "--generate-self-signed",
            "--load-privkey",
            &pki.s("selfsigned-key.pem"),
            "--template",
            &pki.template(&[&["cn = \"localhost\"", days], GOOD_NAMES, SERVER_USE].concat()),
            "--outfile",
            &pki.s("selfsigned-cert.pem"),
        ]);
        pki.run(&[
            "--generate-crl",
            "--load-ca-privkey",
            &pki.s("ca-key.pem"),
            "--load-ca-certificate",
            &pki.s("ca-cert.pem"),
            "--load-certificate",
            &pki.s("revoked-cert.pem"),
            "--template",
            &pki.template(&["crl_next_update = 30", "crl_number = 1"]),
            "--outfile",
            &pki.s("crl.pem"),
        ]);
        // x11vnc -ssl wants key and certificate in one file.
        for name in ["server", "selfsigned"] {
            let mut both = std::fs::read(pki.path(&format!("{name}-key.pem"))).unwrap();
            both.extend(std::fs::read(pki.path(&format!("{name}-cert.pem"))).unwrap());
            std::fs::write(pki.path(&format!("{name}.pem")), both).unwrap();
        }
        pki
    }

    /// A file of the PKI, such as `ca-cert.pem`, `server-key.pem`, `crl.pem`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// [`Self::path`] as a string.
    pub fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// Xvnc's options serving `leaf`'s certificate and key (`-X509Cert`, `-X509Key`).
    pub fn xvnc_args(&self, leaf: &str) -> Vec<String> {
        vec![
            "-X509Cert".into(),
            self.s(&format!("{leaf}-cert.pem")),
            "-X509Key".into(),
            self.s(&format!("{leaf}-key.pem")),
        ]
    }

    /// A QEMU `tls-creds-x509` directory serving `leaf` with `ca` as the CA.
    pub fn qemu_dir(&self, leaf: &str, ca: &str) -> PathBuf {
        let d = self.dir.path().join(format!("qemu-{leaf}-{ca}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(self.path(&format!("{ca}-cert.pem")), d.join("ca-cert.pem")).unwrap();
        std::fs::copy(
            self.path(&format!("{leaf}-cert.pem")),
            d.join("server-cert.pem"),
        )
        .unwrap();
        std::fs::copy(
            self.path(&format!("{leaf}-key.pem")),
            d.join("server-key.pem"),
        )
        .unwrap();
        d
    }

    /// The SHA-256 fingerprint of a certificate, as hex.
    pub fn fingerprint(&self, cert: &str) -> String {
        let mut cmd = Command::new("certtool");
        cmd.args(["--certificate-info", "--infile", &self.s(cert), "--outder"]);
        let out = process::output(cmd).unwrap();
        let d = ring_free_sha256(&out.stdout);
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn key(&self, name: &str) {
        self.run(&[
            "--generate-privkey",
            "--key-type",
            "rsa",
            "--bits",
            "2048",
            "--outfile",
            &self.s(&format!("{name}-key.pem")),
        ]);
    }

    fn leaf(&self, name: &str, ca: &str, template: &[&str]) {
        self.key(name);
        self.run(&[
            "--generate-certificate",
            "--load-privkey",
            &self.s(&format!("{name}-key.pem")),
            "--load-ca-certificate",
            &self.s(&format!("{ca}-cert.pem")),
            "--load-ca-privkey",
            &self.s(&format!("{ca}-key.pem")),
            "--template",
            &self.template(template),
            "--outfile",
            &self.s(&format!("{name}-cert.pem")),
        ]);
    }

    fn template(&self, lines: &[&str]) -> String {
        let p = self.dir.path().join("template");
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p.display().to_string()
    }

    fn run(&self, args: &[&str]) {
        let mut cmd = Command::new("certtool");
        cmd.args(args);
        let out = process::output(cmd).expect("certtool");
        assert!(
            out.status.success(),
            "certtool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}

/// SHA-256 via the `sha256sum` tool, to keep this crate free of hashing dependencies.
fn ring_free_sha256(data: &[u8]) -> [u8; 32] {
    use std::io::Write;
    let mut cmd = Command::new("sha256sum");
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = process::spawn(cmd).unwrap();
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    let hex = String::from_utf8_lossy(&out.stdout);
    let mut d = [0u8; 32];
    for (i, b) in d.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap();
    }
    d
}

/// Installs the PAM service `vnc-rs-tests` for Xvnc's Plain types: it accepts exactly
/// `user` with `password` (a small pam_exec check; needs root, as CI is).
pub fn install_pam_service(user: &str, password: &str) -> &'static str {
    let script = Path::new("/usr/local/lib/vnc-rs-tests/pam-check.sh");
    std::fs::create_dir_all(script.parent().unwrap())
        .expect("create /usr/local/lib/vnc-rs-tests (run as root)");
    let body = format!(
        "#!/bin/bash\n# Accepts one user and password for the vnc-rs tests (pam_exec passes the password on\n# stdin, NUL-terminated).\nIFS= read -r -d '' pw\n[ \"$PAM_USER\" = '{user}' ] && [ \"$pw\" = '{password}' ]\n"
    );
    std::fs::write(script, body).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let service = format!(
        "auth required pam_exec.so expose_authtok quiet {}\naccount required pam_permit.so\n",
        script.display()
    );
    std::fs::write("/etc/pam.d/vnc-rs-tests", service)
        .expect("write /etc/pam.d/vnc-rs-tests (run as root)");
    "vnc-rs-tests"
}
