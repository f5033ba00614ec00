//! vnccapture: connect to a VNC server, take one complete frame, write it as PNG.
//!
//! It asks for one full (non-incremental) update and writes the framebuffer when the
//! FramebufferUpdate answering that request has ended. Every failure ends with one line on
//! stderr naming the server, the step and what went wrong, and a distinct exit code.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use lexopt::ValueExt;
use vnc_core::repeater::Repeater;
use vnc_core::tokio::{ConnectOptions, Connection, Error as ConnError, LISTEN_PORT};
use vnc_core::{
    Address, Config, Credential, Encoding, Error as VncError, Event, Framebuffer, Jpeg,
    PixelFormatRequest, Subsampling,
};

mod listen;
mod output;
mod tofu;

const HELP: &str = "\
vnccapture: save a VNC server's screen as a PNG image

Usage: vnccapture [OPTIONS] SERVER OUTPUT.png
       vnccapture [OPTIONS] --listen [PORT] OUTPUT.png

Arguments:
  SERVER             host, host:DISPLAY, host::PORT, [IPv6]:DISPLAY, [IPv6]::PORT, a bare IPv6
                     address, vnc://host[:PORT], or a Unix socket path (anything with a '/').
                     An empty host means localhost; DISPLAY N is port 5900+N (N of 100 or more
                     is taken as a port).
  OUTPUT.png         where to write the image ('-' for standard output)

Options:
  --password-file F  read the password from the first line of F
                     (else $VNC_PASSWORD, else a prompt without echo if stdin is a terminal)
  --username NAME    user name for security types that need one (else $VNC_USERNAME)
  --encodings LIST   comma-separated, best first, from tight (lossless without
                     --quality), zrle, trle, zlibhex, hextile, zlib, corre, rre,
                     copyrect, raw (default: all of them in that order; the
                     pseudo-encodings are always added)
  --quality N        lossy Tight: JPEG at quality N (0 smallest to 9 best); adds tight
                     first to the encodings if it is not listed (--encodings tight alone is
                     lossless Tight)
  --fine-quality Q   with --quality: the JPEG quality itself, 0 to 100 (TurboVNC's fine
                     quality; TigerVNC and TurboVNC servers honour it, others use N)
  --subsampling S    with --quality: chroma subsampling 1x (none, 4:4:4), 2x (4:2:2),
                     4x (4:2:0), 8x, 16x or gray (TigerVNC and TurboVNC servers)
  --pixel-format F   rgb888 (default, 24-bit colour) | rgb565 (16-bit) | bgr233 (8-bit):
                     the format asked of the server
  --timeout SECS     limit for connect + authentication + the first full frame (default 30)

Reverse connections:
  --listen [PORT]    listen mode: no SERVER; wait for one server to connect to us (x11vnc
                     -connect HOST:PORT, TigerVNC's vncconfig -connect HOST:PORT) on PORT
                     (default 5500; 0 picks a free one), capture it and exit. The port is
                     printed on stderr as 'vnccapture: listening on port N ...'
  --listen-address IP
                     listen on IP only (such as 127.0.0.1); default: every address, IPv6 and IPv4
  --listen-timeout SECS
                     how long to wait for the server to connect (default 120); --timeout
                     counts from its connection
  --repeater DEST    SERVER is an UltraVNC repeater: ask it for DEST, ID:NUMBER (the server
                     that registered this ID, mode II) or host:port (mode I)

TLS (VeNCrypt X509*/TLS*, anonymous TLS type 18):
  --ca-file PEM      trust these CA certificates (default: the system store)
  --client-cert PEM  client certificate, for servers that require one
  --client-key PEM   its private key
  --crl-file PEM     certificate revocation list
  --pin-sha256 HEX   trust exactly the certificate with this SHA-256 fingerprint (repeatable;
                     64 hex digits, ':' allowed), whatever its issuer or name
  --tls-hostname NAME
                     check the certificate against NAME (default: SERVER's host; a Unix
                     socket has none, so x509 over one needs this or --pin-sha256)
  --trust-on-first-use
                     accept an unverified certificate the first time a server shows it and
                     remember it (in $XDG_DATA_HOME/vnc-rs/known-certificates); refuse it if
                     it later changes
  --security-types LIST
                     the security types allowed, most preferred first, by name or number:
                     x509vnc, x509plain, x509sasl, x509none, tlsvnc, tlsplain, tlssasl,
                     tlsnone, anontls (18), sasl (20), vnc, none, ard (30), mslogonii
                     (113), plain (default: the order of
                     that list up to ard; plain and mslogonii only when listed or with
                     --allow-insecure)
  --require-encryption
                     refuse security types that send the password or the screen in the clear
                     (the default when any TLS option is given)
  --allow-insecure   allow them even then, including Plain (user name and password in the clear)
                     and MS-Logon II (type 113, whose 64-bit key exchange hides nothing)
  Apple Remote Desktop (type 30, macOS) comes after every other type the server offers; it
  needs --username (or $VNC_USERNAME) and the account's password.
  SASL (type 20 and VeNCrypt X509SASL/TLSSASL: QEMU's sasl=on, libvirt) asks for
  --username and the password when its mechanism needs them; without TLS it is used only
  with SASL's own encryption (a security layer of strength 56 or more).
  Anonymous TLS is reported as 'encrypted, server not authenticated'.
  --rect-counts      print on stdout, per encoding the server used, a line NAME COUNT
                     with the number of rectangles it sent
  -v, --verbose      more logging on stderr (repeat for more)
  -q, --quiet        no logging, and no success message
  -h, --help         this text

Exit codes:
  0  the image was written
  1  the image could not be written
  2  usage error (bad option or address)
  3  could not connect (name did not resolve, connection refused or unreachable)
  4  authentication rejected (wrong or missing password)
  5  TLS or certificate problem (unknown issuer, expired, wrong host, revoked, fingerprint
     mismatch, changed certificate, encryption required but not offered), or a SASL
     failure (no mechanism in common, a security layer too weak or altered in transit)
  6  protocol error: the server sent something wrong, or is not a VNC server
  7  timeout
";

mod exit {
    pub const WRITE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CONNECT: u8 = 3;
    pub const AUTH: u8 = 4;
    pub const TLS: u8 = 5;
    pub const PROTOCOL: u8 = 6;
    pub const TIMEOUT: u8 = 7;
}

struct Args {
    target: Target,
    repeater: Option<Repeater>,
    listen_timeout: Duration,
    output: PathBuf,
    password_file: Option<PathBuf>,
    username: Option<String>,
    encodings: Vec<Encoding>,
    jpeg: Option<Jpeg>,
    rect_counts: bool,
    pixel_format: PixelFormatRequest,
    timeout: Duration,
    verbosity: i32,
    tls: vnc_core::TlsConfig,
    tls_hostname: Option<String>,
    require_encryption: bool,
    security_types: Vec<vnc_core::SecurityType>,
}

/// Where the server is: we connect to it, or it connects to us.
enum Target {
    Connect(Address),
    Listen { ip: Option<IpAddr>, port: u16 },
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Connect(a) => write!(f, "{a}"),
            Target::Listen { port, .. } => write!(f, "the server connecting to port {port}"),
        }
    }
}

/// A failure: the exit code and the line for stderr.
struct Failure(u8, String);

fn usage(msg: impl std::fmt::Display) -> Failure {
    Failure(exit::USAGE, format!("{msg} (see vnccapture --help)"))
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Option<Args>, Failure> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let mut positional = Vec::new();
    let mut password_file = None;
    let mut username = None;
    let mut encodings = None;
    let mut rect_counts = false;
    let mut quality = None;
    let mut fine_quality = None;
    let mut subsampling = None;
    let mut pixel_format = PixelFormatRequest::FULL;
    let mut timeout = Duration::from_secs(30);
    let mut listen_timeout = Duration::from_secs(120);
    let (mut listen, mut listen_port, mut listen_ip) = (false, None, None);
    let mut repeater = None;
    let mut verbosity = 0;
    let mut tls_args = vnc_examples::TlsArgs::default();
    let mut tls_hostname = None;
    let (mut require_encryption, mut allow_insecure, mut tofu) = (false, false, false);
    let mut security_types = None;
    while let Some(arg) = p.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Short('v') | Long("verbose") => verbosity += 1,
            Long("rect-counts") => rect_counts = true,
            Short('q') | Long("quiet") => verbosity = -1,
            Long("password-file") => password_file = Some(PathBuf::from(p.value().map_err(usage)?)),
            Long("username") => username = Some(p.value().map_err(usage)?.string().map_err(usage)?),
            Long("encodings") => {
                let list = p.value().map_err(usage)?.string().map_err(usage)?;
                let mut v = Vec::new();
                for name in list.split(',').filter(|s| !s.trim().is_empty()) {
                    let e: Encoding = name.parse().map_err(usage)?;
                    if e.is_pseudo() {
                        return Err(usage(format!(
                            "{e} is added automatically; list only zrle, hextile, rre, copyrect, raw, tight"
                        )));
                    }
                    if !v.contains(&e) {
                        v.push(e);
                    }
                }
                if v.is_empty() {
                    return Err(usage("--encodings needs at least one encoding"));
                }
                encodings = Some(v);
            }
            Long("quality") => {
                let s = p.value().map_err(usage)?.string().map_err(usage)?;
                let level = s
                    .parse::<u8>()
                    .ok()
                    .and_then(|n| Jpeg::new(n).ok())
                    .ok_or_else(|| {
                        usage(format!("--quality needs a level from 0 to 9, not {s:?}"))
                    })?;
                quality = Some(level);
            }
            Long("fine-quality") => {
                let s = p.value().map_err(usage)?.string().map_err(usage)?;
                let q = s.parse::<u8>().ok().filter(|q| *q <= 100).ok_or_else(|| {
                    usage(format!(
                        "--fine-quality needs a quality from 0 to 100, not {s:?}"
                    ))
                })?;
                fine_quality = Some(q);
            }
            Long("subsampling") => {
                let s = p.value().map_err(usage)?.string().map_err(usage)?;
                subsampling = Some(s.parse::<Subsampling>().map_err(usage)?);
            }
            Long("pixel-format") => {
                pixel_format = match p.value().map_err(usage)?.string().map_err(usage)?.as_str() {
                    "rgb888" => PixelFormatRequest::FULL,
                    "rgb565" => PixelFormatRequest::MEDIUM,
                    "bgr233" => PixelFormatRequest::LOW,
                    other => {
                        return Err(usage(format!(
                            "unknown pixel format {other:?}; use rgb888, rgb565 or bgr233"
                        )));
                    }
                }
            }
            Long("timeout") => timeout = seconds("--timeout", p.value().map_err(usage)?)?,
            Long("listen-timeout") => {
                listen_timeout = seconds("--listen-timeout", p.value().map_err(usage)?)?
            }
            Long("listen") => {
                listen = true;
                if let Some(v) = p.optional_value() {
                    listen_port = Some(port_number(v)?);
                }
            }
            Long("listen-address") => {
                let s = p.value().map_err(usage)?.string().map_err(usage)?;
                let ip = s.trim_matches(['[', ']']).parse::<IpAddr>().map_err(|_| {
                    usage(format!("--listen-address needs an IP address, not {s:?}"))
                })?;
                listen_ip = Some(ip);
            }
            Long("repeater") => {
                let s = p.value().map_err(usage)?.string().map_err(usage)?;
                repeater = Some(Repeater::parse(&s).map_err(usage)?);
            }
            Long(name) if vnc_examples::TlsArgs::OPTIONS.contains(&name) => {
                let name = name.to_owned();
                tls_args
                    .set(&name, p.value().map_err(usage)?)
                    .map_err(usage)?;
            }
            Long("tls-hostname") => {
                tls_hostname = Some(p.value().map_err(usage)?.string().map_err(usage)?)
            }
            Long("trust-on-first-use") => tofu = true,
            Long("require-encryption") => require_encryption = true,
            Long("security-types") => {
                let list = p.value().map_err(usage)?.string().map_err(usage)?;
                security_types =
                    Some(vnc_examples::security_args::parse_security_types(&list).map_err(usage)?);
            }
            Long("allow-insecure") => allow_insecure = true,
            Value(v) => positional.push(v),
            _ => return Err(usage(arg.unexpected())),
        }
    }
    let (target, output) = if listen {
        if repeater.is_some() {
            return Err(usage("--repeater is for connecting out, not with --listen"));
        }
        if tofu {
            return Err(usage(
                "--trust-on-first-use remembers a server by its address: not with --listen",
            ));
        }
        let output = positional.pop();
        let port = match (positional.pop(), listen_port) {
            (Some(_), Some(_)) => return Err(usage("the port is given twice")),
            (Some(p), None) => port_number(p)?,
            (None, p) => p.unwrap_or(LISTEN_PORT),
        };
        let output = output
            .filter(|_| positional.is_empty())
            .ok_or_else(|| usage("expected --listen [PORT] OUTPUT.png"))?;
        (
            Target::Listen {
                ip: listen_ip,
                port,
            },
            output,
        )
    } else {
        if listen_ip.is_some() {
            return Err(usage("--listen-address needs --listen"));
        }
        let [server, output]: [OsString; 2] = positional
            .try_into()
            .map_err(|_| usage("expected two arguments: SERVER OUTPUT.png"))?;
        let server = server
            .into_string()
            .map_err(|_| usage("the server address is not valid UTF-8"))?;
        let server: Address = server
            .parse()
            .map_err(|e| Failure(exit::USAGE, format!("{e}")))?;
        (Target::Connect(server), output)
    };
    let mut all = encodings.unwrap_or_else(|| {
        Encoding::DEFAULT
            .iter()
            .copied()
            .filter(|e| !e.is_pseudo())
            .collect()
    });
    let jpeg = match quality {
        Some(mut jpeg) => {
            // JPEG comes only inside Tight.
            if !all.contains(&Encoding::Tight) {
                all.insert(0, Encoding::Tight);
            }
            if let Some(q) = fine_quality {
                jpeg = jpeg.with_fine_quality(q).map_err(usage)?;
            }
            if let Some(s) = subsampling {
                jpeg = jpeg.with_subsampling(s);
            }
            Some(jpeg)
        }
        None if fine_quality.is_some() || subsampling.is_some() => {
            return Err(usage(
                "--fine-quality and --subsampling refine lossy Tight: give --quality too",
            ));
        }
        None => None,
    };
    all.extend(Encoding::DEFAULT.iter().copied().filter(|e| e.is_pseudo()));
    let any_tls = tls_args.any() || tofu || tls_hostname.is_some();
    let mut tls = tls_args.build().map_err(|e| match e {
        vnc_examples::TlsArgsError::Usage(m) => usage(m),
        vnc_examples::TlsArgsError::File(m) => Failure(exit::TLS, m),
    })?;
    tls.ask_on_untrusted = tofu;
    if tofu {
        // The name the connection has in errors and in the store (see Connection::connect).
        let name = match &repeater {
            Some(r) => format!("{target} ({r})"),
            None => target.to_string(),
        };
        tls.known_sha256 = tofu::known_store()?.0.known_sha256(&name);
    }
    let policy = vnc_examples::security_args::security_policy(
        security_types,
        require_encryption,
        any_tls,
        allow_insecure,
    )
    .map_err(usage)?;
    Ok(Some(Args {
        tls,
        tls_hostname,
        require_encryption: policy.require_encryption,
        security_types: policy.security_types,
        target,
        repeater,
        listen_timeout,
        output: PathBuf::from(output),
        password_file,
        username: username.or_else(|| std::env::var("VNC_USERNAME").ok()),
        encodings: all,
        jpeg,
        rect_counts,
        pixel_format,
        timeout,
        verbosity,
    }))
}

/// A positive number of seconds for `option`.
fn seconds(option: &str, value: OsString) -> Result<Duration, Failure> {
    let s = value.string().map_err(usage)?;
    s.parse()
        .ok()
        .filter(|v: &f64| *v > 0.0 && v.is_finite())
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            usage(format!(
                "{option} needs a positive number of seconds, not {s:?}"
            ))
        })
}

/// A TCP port to listen on (0: any free one).
fn port_number(value: OsString) -> Result<u16, Failure> {
    let s = value.string().map_err(usage)?;
    s.parse().map_err(|_| {
        usage(format!(
            "the port to listen on must be 0 to 65535, not {s:?}"
        ))
    })
}

fn init_logging(verbosity: i32) {
    let level = match verbosity {
        i32::MIN..=0 => return,
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colours only on a terminal: a log saved to a file stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .init();
}

fn password(args: &Args, server: &str) -> Result<String, Failure> {
    if let Some(f) = &args.password_file {
        let text = std::fs::read_to_string(f).map_err(|e| {
            Failure(
                exit::USAGE,
                format!("cannot read the password file {}: {e}", f.display()),
            )
        })?;
        return Ok(text.lines().next().unwrap_or("").to_owned());
    }
    if let Ok(pw) = std::env::var("VNC_PASSWORD") {
        return Ok(pw);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("Password for {server}: ")).map_err(|e| {
            Failure(
                exit::AUTH,
                format!("{server}: authentication: cannot read the password: {e}"),
            )
        });
    }
    Err(Failure(
        exit::AUTH,
        format!(
            "{server}: authentication: the server asks for a password; give one with --password-file or VNC_PASSWORD"
        ),
    ))
}

/// Which step the capture is in, for timeout messages.
fn step_after(event: &Event, step: &'static str) -> &'static str {
    match event {
        Event::VersionNegotiated(_) => "security negotiation",
        Event::SecurityNegotiated(_) => "authentication",
        Event::Initialized { .. } => "the first full update",
        _ => step,
    }
}

/// The session's settings from the command line.
fn session_config(args: &Args) -> Config {
    let mut config = Config::default();
    config.security_types = args.security_types.clone();
    config.require_encryption = args.require_encryption;
    config.tls = args.tls.clone();
    config.server_name = args.tls_hostname.clone();
    config.encodings = args.encodings.clone();
    config.jpeg = args.jpeg;
    config.pixel_format = args.pixel_format;
    config.continuous_updates = false;
    // --timeout (and --listen-timeout) bound everything.
    config.handshake_timeout = None;
    config
}

/// Captures one frame from the server at `args.target`, or from `accepted`.
async fn capture(
    args: &Args,
    accepted: Option<Connection>,
    step: &mut &'static str,
) -> Result<Framebuffer, Failure> {
    let mut conn = match (accepted, &args.target) {
        (Some(conn), _) => conn,
        (None, Target::Connect(server)) => {
            *step = "connect";
            Connection::connect(server, session_config(args), &connect_options(args))
                .await
                .map_err(failure)?
        }
        (None, Target::Listen { .. }) => unreachable!("listen mode accepts first"),
    };
    *step = "protocol version";
    if let Some(user) = &args.username {
        conn.session_mut()
            .set_credential(Credential::Username, user);
    }
    let mut initialized = false;
    let mut pixels_in_update = false;
    loop {
        let Some(event) = conn.next_event().await.map_err(failure)? else {
            return Err(Failure(
                exit::PROTOCOL,
                format!(
                    "{}: the server closed the connection before sending a full frame",
                    conn.server()
                ),
            ));
        };
        *step = step_after(&event, step);
        match event {
            Event::CredentialsRequired(needs) => {
                if needs.username && args.username.is_none() {
                    return Err(Failure(
                        exit::AUTH,
                        format!(
                            "{}: authentication: the server asks for a user name; give one with --username or VNC_USERNAME",
                            conn.server()
                        ),
                    ));
                }
                if needs.password {
                    let pw = password(args, conn.server())?;
                    conn.session_mut().set_credential(Credential::Password, &pw);
                }
            }
            Event::SecurityNegotiated(t) => {
                tracing::info!(security_type = %t, "security type");
                if t.protection() == vnc_core::Protection::EncryptedUnauthenticated
                    && args.verbosity >= 0
                {
                    eprintln!(
                        "vnccapture: {}: {t}: encrypted, server not authenticated",
                        conn.server()
                    );
                }
            }
            Event::CertificateUnverified {
                certificate,
                problem,
            } => {
                let accept = tofu::trust_on_first_use(conn.server(), &certificate, &problem)?;
                conn.session_mut().accept_certificate(accept).map_err(|e| {
                    failure(ConnError::Session {
                        server: conn.server().to_owned(),
                        source: e,
                    })
                })?;
            }
            Event::Initialized {
                width,
                height,
                ref name,
                ..
            } => {
                tracing::info!(width, height, name = %name, "connected");
                initialized = true;
            }
            Event::FramebufferUpdated(_) => pixels_in_update = true,
            // The session asked for one full update right after ServerInit and asks for
            // nothing more on its own. Servers send pixels only in answer to a request, so the
            // first update with pixels is that answer; updates without pixels can come
            // unasked (QEMU sends the cursor shape as soon as it sees SetEncodings).
            Event::FramebufferUpdateEnd if initialized && pixels_in_update => {
                let session = conn.into_parts().1;
                if args.rect_counts {
                    for &e in Encoding::ALL {
                        let n = session.rectangles_read(e);
                        if n > 0 {
                            println!("{e} {n}");
                        }
                    }
                }
                return Ok(session.into_framebuffer());
            }
            Event::FramebufferUpdateEnd => {
                // A full request must be answered with pixels. TigerVNC answers a full request
                // from an ExtendedDesktopSize client with just the screen layout and keeps the
                // whole screen marked as changed for the next request: ask incrementally (a
                // full request would only bring the layout again).
                if initialized {
                    conn.session_mut().request_update(true);
                }
                pixels_in_update = false;
            }
            _ => {}
        }
    }
}

fn connect_options(args: &Args) -> ConnectOptions {
    let mut options = ConnectOptions::default();
    options.connect_timeout = args.timeout;
    options.repeater = args.repeater.clone();
    options
}

fn failure(e: ConnError) -> Failure {
    use vnc_core::ErrorKind as K;
    let code = match e.kind() {
        K::Resolve | K::Connect => exit::CONNECT,
        K::Timeout => exit::TIMEOUT,
        K::Authentication => exit::AUTH,
        K::Tls | K::Certificate | K::Configuration => exit::TLS,
        // Encryption required but not offered, or anonymous TLS not built in; having no
        // security type in common at all is the server's incompatibility.
        K::Security
            if !matches!(
                e.session_error(),
                Some(VncError::NoCommonSecurityType { .. })
            ) =>
        {
            exit::TLS
        }
        _ => exit::PROTOCOL,
    };
    Failure(code, e.to_string())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(Failure(code, msg)) => {
            eprintln!("vnccapture: {msg}");
            return ExitCode::from(code);
        }
    };
    init_logging(args.verbosity);
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vnccapture: cannot start the runtime: {e}");
            return ExitCode::from(exit::WRITE);
        }
    };
    let mut step = "connect";
    let mut server = args.target.to_string();
    let result = rt.block_on(async {
        let accepted = match &args.target {
            Target::Listen { ip, port } => {
                let conn = listen::accept(&args, *ip, *port).await?;
                server = conn.server().to_owned();
                Some(conn)
            }
            Target::Connect(_) => None,
        };
        match tokio::time::timeout(args.timeout, capture(&args, accepted, &mut step)).await {
            Ok(r) => r,
            Err(_) => Err(Failure(
                exit::TIMEOUT,
                format!("{server}: timed out after {:?} during {step}", args.timeout),
            )),
        }
    });
    let result = result.and_then(|fb| output::write_png(&fb, &args.output).map(|()| fb));
    match result {
        Ok(fb) => {
            if args.verbosity >= 0 && args.output.as_os_str() != "-" {
                eprintln!(
                    "vnccapture: wrote {} ({}x{}) from {}",
                    args.output.display(),
                    fb.width(),
                    fb.height(),
                    server
                );
            }
            ExitCode::SUCCESS
        }
        Err(Failure(code, msg)) => {
            eprintln!("vnccapture: {msg}");
            ExitCode::from(code)
        }
    }
}
