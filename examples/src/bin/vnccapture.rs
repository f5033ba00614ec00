//! vnccapture: connect to a VNC server, take one complete frame, write it as PNG.
//!
//! It asks for one full (non-incremental) update and writes the framebuffer when the
//! FramebufferUpdate answering that request has ended. Every failure ends with one line on
//! stderr naming the server, the step and what went wrong, and a distinct exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection, Error as ConnError};
use vnc_core::{
    Address, Config, Credential, Encoding, Error as VncError, Event, Framebuffer,
    PixelFormatRequest,
};

const HELP: &str = "\
vnccapture: save a VNC server's screen as a PNG image

Usage: vnccapture [OPTIONS] SERVER OUTPUT.png

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
  --encodings LIST   comma-separated, best first: zrle,hextile,rre,copyrect,raw
                     (default: all of them; the pseudo-encodings are always added)
  --pixel-format F   rgb888 (default, 24-bit colour) | rgb565 (16-bit) | bgr233 (8-bit):
                     the format asked of the server
  --timeout SECS     limit for connect + authentication + the first full frame (default 30)
  -v, --verbose      more logging on stderr (repeat for more)
  -q, --quiet        no logging, and no success message
  -h, --help         this text

Exit codes:
  0  the image was written
  1  the image could not be written
  2  usage error (bad option or address)
  3  could not connect (name did not resolve, connection refused or unreachable)
  4  authentication rejected (wrong or missing password)
  5  TLS or certificate problem
  6  protocol error: the server sent something wrong, or is not a VNC server
  7  timeout
";

mod exit {
    pub const WRITE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CONNECT: u8 = 3;
    pub const AUTH: u8 = 4;
    pub const PROTOCOL: u8 = 6;
    pub const TIMEOUT: u8 = 7;
}

struct Args {
    server: Address,
    output: PathBuf,
    password_file: Option<PathBuf>,
    username: Option<String>,
    encodings: Vec<Encoding>,
    pixel_format: PixelFormatRequest,
    timeout: Duration,
    verbosity: i32,
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
    let mut pixel_format = PixelFormatRequest::FULL;
    let mut timeout = Duration::from_secs(30);
    let mut verbosity = 0;
    while let Some(arg) = p.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Short('v') | Long("verbose") => verbosity += 1,
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
                            "{e} is added automatically; list only zrle, hextile, rre, copyrect, raw"
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
            Long("timeout") => {
                let s = p.value().map_err(usage)?.string().map_err(usage)?;
                let secs: f64 = s
                    .parse()
                    .ok()
                    .filter(|v: &f64| *v > 0.0 && v.is_finite())
                    .ok_or_else(|| {
                        usage(format!(
                            "--timeout needs a positive number of seconds, not {s:?}"
                        ))
                    })?;
                timeout = Duration::from_secs_f64(secs);
            }
            Value(v) => positional.push(v),
            _ => return Err(usage(arg.unexpected())),
        }
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
    let mut all = encodings.unwrap_or_else(|| {
        Encoding::DEFAULT
            .iter()
            .copied()
            .filter(|e| !e.is_pseudo())
            .collect()
    });
    all.extend(Encoding::DEFAULT.iter().copied().filter(|e| e.is_pseudo()));
    Ok(Some(Args {
        server,
        output: PathBuf::from(output),
        password_file,
        username: username.or_else(|| std::env::var("VNC_USERNAME").ok()),
        encodings: all,
        pixel_format,
        timeout,
        verbosity,
    }))
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
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .init();
}

fn password(args: &Args) -> Result<String, Failure> {
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
        return rpassword::prompt_password(format!("Password for {}: ", args.server)).map_err(
            |e| {
                Failure(
                    exit::AUTH,
                    format!(
                        "{}: authentication: cannot read the password: {e}",
                        args.server
                    ),
                )
            },
        );
    }
    Err(Failure(
        exit::AUTH,
        format!(
            "{}: authentication: the server asks for a password; give one with --password-file or VNC_PASSWORD",
            args.server
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

async fn capture(args: &Args, step: &mut &'static str) -> Result<Framebuffer, Failure> {
    let config = Config {
        encodings: args.encodings.clone(),
        pixel_format: args.pixel_format,
        continuous_updates: false,
        handshake_timeout: None,
        ..Config::default()
    };
    *step = "connect";
    let mut conn = Connection::connect(
        &args.server,
        config,
        &ConnectOptions {
            connect_timeout: args.timeout,
        },
    )
    .await
    .map_err(failure)?;
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
                    let pw = password(args)?;
                    conn.session_mut().set_credential(Credential::Password, &pw);
                }
            }
            Event::SecurityNegotiated(t) => tracing::info!(security_type = %t, "security type"),
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
                return Ok(conn.session().framebuffer().clone());
            }
            Event::FramebufferUpdateEnd => pixels_in_update = false,
            _ => {}
        }
    }
}

fn failure(e: ConnError) -> Failure {
    let code = match &e {
        ConnError::Resolve { .. } | ConnError::Connect { .. } => exit::CONNECT,
        ConnError::ConnectTimeout { .. } => exit::TIMEOUT,
        ConnError::Io { .. } => exit::PROTOCOL,
        ConnError::Session { source, .. } => match source {
            VncError::AuthenticationFailed { .. } => exit::AUTH,
            VncError::Timeout { .. } => exit::TIMEOUT,
            _ => exit::PROTOCOL,
        },
        _ => exit::PROTOCOL,
    };
    Failure(code, e.to_string())
}

fn write_png(fb: &Framebuffer, output: &PathBuf) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        Failure(
            exit::WRITE,
            format!("cannot write {}: {e}", output.display()),
        )
    };
    let mut rgb = Vec::with_capacity(usize::from(fb.width()) * usize::from(fb.height()) * 3);
    for p in fb.data().chunks_exact(4) {
        rgb.extend_from_slice(&[p[2], p[1], p[0]]);
    }
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, fb.width().into(), fb.height().into());
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().map_err(|e| fail(&e))?;
        w.write_image_data(&rgb).map_err(|e| fail(&e))?;
    }
    if output.as_os_str() == "-" {
        std::io::stdout().write_all(&bytes).map_err(|e| fail(&e))
    } else {
        std::fs::write(output, &bytes).map_err(|e| fail(&e))
    }
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
    let result = rt.block_on(async {
        match tokio::time::timeout(args.timeout, capture(&args, &mut step)).await {
            Ok(r) => r,
            Err(_) => Err(Failure(
                exit::TIMEOUT,
                format!(
                    "{}: timed out after {:?} during {step}",
                    args.server, args.timeout
                ),
            )),
        }
    });
    let result = result.and_then(|fb| write_png(&fb, &args.output).map(|()| fb));
    match result {
        Ok(fb) => {
            if args.verbosity >= 0 && args.output.as_os_str() != "-" {
                eprintln!(
                    "vnccapture: wrote {} ({}x{}) from {}",
                    args.output.display(),
                    fb.width(),
                    fb.height(),
                    args.server
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
