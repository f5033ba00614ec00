//! SASL (type 20, and VeNCrypt X509SASL and TLSSASL) against QEMU's VNC server with
//! `sasl=on`, its Cyrus SASL configured with a sasldb made by saslpasswd2: DIGEST-MD5 without
//! TLS, where the session runs inside SASL's security layer, SCRAM-SHA-256 inside x509 TLS
//! and DIGEST-MD5 inside anonymous TLS. The capture is compared with QEMU's own screendump;
//! a wrong password exits with code 4, and a man in the middle who alters the first
//! security-layer frame ends the session with the security exit code (5).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use vnc_tests::pki::Pki;
use vnc_tests::{
    Qemu, QemuSasl, QemuSetup, QemuTls, Rgb, TempDir, assert_same, read_png, vnccapture,
};

fn sasl_qemu(mechanisms: &str, tls: QemuTls) -> Qemu {
    Qemu::start_setup(QemuSetup {
        tls,
        sasl: Some(QemuSasl {
            mechanisms,
            user: "alice",
            password: "wonderland",
        }),
        ..QemuSetup::default()
    })
}

/// Captures with the right password and `-v`; returns the image and the strength of SASL's
/// security layer that vnccapture logged (0 if none).
fn capture_sasl(server: &str, args: &[&str]) -> (Rgb, u32) {
    let dir = TempDir::new("sasl-capture");
    let png = dir.path().join("out.png").display().to_string();
    let mut all = vec!["-v", "--timeout", "60", "--username", "alice"];
    all.extend_from_slice(args);
    all.extend([server, png.as_str()]);
    let out = vnccapture(&all, &[("VNC_PASSWORD", "wonderland")]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "vnccapture {all:?}: {log}");
    let ssf = log
        .lines()
        .find(|l| l.contains("SASL authentication complete"))
        .unwrap_or_else(|| panic!("no SASL in the log: {log}"))
        .split("ssf=")
        .nth(1)
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no strength in the log: {log}"));
    (read_png(std::path::Path::new(&png)), ssf)
}

fn wrong_password_exits_4(server: &str, args: &[&str]) {
    let mut all = vec![server, "/dev/null", "--username", "alice"];
    all.extend_from_slice(args);
    let out = vnccapture(&all, &[("VNC_PASSWORD", "looking-glass")]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn qemu_sasl_digest_md5_with_its_security_layer() {
    let q = sasl_qemu("digest-md5", QemuTls::None);
    let server = format!("127.0.0.1::{}", q.port());
    // Raw pixels make the session's traffic large enough for many security-layer frames.
    for enc in ["raw", "zrle"] {
        let (got, ssf) = capture_sasl(&server, &["--encodings", enc]);
        assert!(ssf >= 56, "security layer of strength {ssf}");
        assert_same(&got, &q.screen(), &format!("QEMU SASL DIGEST-MD5 {enc}"));
    }
    wrong_password_exits_4(&server, &[]);
}

#[test]
fn qemu_sasl_scram_inside_x509_tls() {
    let pki = Pki::new();
    let ca = pki.s("ca-cert.pem");
    let q = sasl_qemu(
        "scram-sha-256",
        QemuTls::X509 {
            dir: pki.qemu_dir("server", "ca"),
            verify_peer: false,
        },
    );
    let server = format!("localhost::{}", q.port());
    let (got, ssf) = capture_sasl(&server, &["--ca-file", &ca]);
    assert_eq!(ssf, 0, "no SASL layer inside TLS");
    assert_same(&got, &q.screen(), "QEMU X509SASL SCRAM-SHA-256");
    wrong_password_exits_4(&server, &["--ca-file", &ca]);
}

#[test]
fn qemu_sasl_digest_md5_inside_anonymous_tls() {
    // VeNCrypt TLSSASL: QEMU trusts only x509 TLS enough to drop SASL's layer, so under
    // anonymous TLS it insists on one, which then runs inside TLS.
    let q = sasl_qemu("digest-md5", QemuTls::Anonymous);
    let server = format!("127.0.0.1::{}", q.port());
    let (got, ssf) = capture_sasl(&server, &["--encodings", "raw"]);
    assert!(
        ssf >= 56,
        "security layer of strength {ssf} inside anonymous TLS"
    );
    assert_same(&got, &q.screen(), "QEMU TLSSASL DIGEST-MD5");
    wrong_password_exits_4(&server, &[]);
}

/// Changes a security-layer frame (its u32 length and data) in place.
type Tamper = fn(&mut Vec<u8>);

/// A proxy on 127.0.0.1 in front of QEMU's `port` for one connection: it follows the server's
/// side of the SASL handshake (version, security types, mechanism list, turns up to the one
/// marked complete, SecurityResult), hands the first security-layer frame (its u32 length
/// and data) to `tamper`, and copies everything else as it is. Returns the proxy's port.
fn tampering_proxy(port: u16, tamper: Tamper) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let local = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else {
            return;
        };
        let server = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut c_in, &mut s_out);
            let _ = s_out.shutdown(std::net::Shutdown::Write);
        });
        let _ = relay_server_side(server, client, tamper);
    });
    local
}

fn relay_server_side(
    mut server: TcpStream,
    mut client: TcpStream,
    tamper: Tamper,
) -> std::io::Result<()> {
    let mut pass = |n: usize| -> std::io::Result<Vec<u8>> {
        let mut b = vec![0; n];
        server.read_exact(&mut b)?;
        client.write_all(&b)?;
        Ok(b)
    };
    let u32_of = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap()) as usize;
    pass(12)?;
    let types = pass(1)?[0];
    pass(usize::from(types))?;
    let mechlist = u32_of(&pass(4)?);
    pass(mechlist)?;
    loop {
        let len = u32_of(&pass(4)?);
        pass(len)?;
        if pass(1)?[0] == 1 {
            break;
        }
    }
    assert_eq!(pass(4)?, [0; 4], "SecurityResult");
    let mut frame = vec![0; 4];
    server.read_exact(&mut frame)?;
    let len = u32_of(&frame);
    assert!(len < 1 << 20, "QEMU's first frame: {len} bytes");
    frame.resize(4 + len, 0);
    server.read_exact(&mut frame[4..])?;
    tamper(&mut frame);
    client.write_all(&frame)?;
    std::io::copy(&mut server, &mut client)?;
    Ok(())
}

#[test]
fn qemu_sasl_security_layer_frames_altered_in_transit() {
    let q = sasl_qemu("digest-md5", QemuTls::None);
    let tampers: [(&str, Tamper); 3] = [
        // DIGEST-MD5's MAC no longer matches.
        ("a flipped byte", |f| {
            let last = f.len() - 1;
            f[last] ^= 0x55;
        }),
        // Longer than the 100000 bytes the client accepts per frame.
        ("a 2 GiB length", |f| {
            f[..4].copy_from_slice(&0x8000_0000u32.to_be_bytes())
        }),
        // A frame too short to hold a MAC.
        ("a frame of 3 bytes", |f| {
            f.truncate(4);
            f[..4].copy_from_slice(&3u32.to_be_bytes());
            f.extend_from_slice(&[1, 2, 3]);
        }),
    ];
    for (what, tamper) in tampers {
        let port = tampering_proxy(q.port(), tamper);
        let out = vnccapture(
            &[
                "--timeout",
                "20",
                "--username",
                "alice",
                &format!("127.0.0.1::{port}"),
                "/dev/null",
            ],
            &[("VNC_PASSWORD", "wonderland")],
        );
        let log = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{what}: {log}");
        assert!(log.contains("SASL"), "{what}: {log}");
    }
}
