//! What the example programs share: the TLS and security-type ([`security_args`]) options of
//! their command lines, vncviewer's menus ([`viewer_menus`]), title ([`viewer_title`]),
//! keyboard shortcuts and grab keys ([`viewer_keys`]) and certificate dialog
//! ([`viewer_certs`]).

pub mod security_args;
pub mod viewer_certs;
pub mod viewer_keys;
pub mod viewer_menus;
pub mod viewer_title;

use gtk::prelude::*;
use std::ffi::OsString;
use std::path::PathBuf;

/// `--ca-file`, `--crl-file`, `--client-cert`, `--client-key` and `--pin-sha256`, collected
/// while parsing and turned into a [`vnc_core::TlsConfig`] at the end.
#[derive(Debug, Default)]
pub struct TlsArgs {
    ca: Option<PathBuf>,
    crl: Option<PathBuf>,
    client_cert: Option<PathBuf>,
    client_key: Option<PathBuf>,
    pins: Vec<[u8; 32]>,
}

/// Why the TLS options cannot be used.
#[derive(Debug)]
pub enum TlsArgsError {
    /// A malformed option (a usage error).
    Usage(String),
    /// A file that cannot be read.
    File(String),
}

impl TlsArgs {
    /// The long option names this takes.
    pub const OPTIONS: [&'static str; 5] = [
        "ca-file",
        "crl-file",
        "client-cert",
        "client-key",
        "pin-sha256",
    ];

    /// Records `--name value` (a name from [`Self::OPTIONS`]).
    pub fn set(&mut self, name: &str, value: OsString) -> Result<(), TlsArgsError> {
        match name {
            "ca-file" => self.ca = Some(value.into()),
            "crl-file" => self.crl = Some(value.into()),
            "client-cert" => self.client_cert = Some(value.into()),
            "client-key" => self.client_key = Some(value.into()),
            "pin-sha256" => {
                let v = value.to_string_lossy();
                let pin = vnc_core::parse_sha256_fingerprint(&v).ok_or_else(|| {
                    TlsArgsError::Usage(format!("--pin-sha256 needs 64 hex digits, not {v:?}"))
                })?;
                self.pins.push(pin);
            }
            other => {
                return Err(TlsArgsError::Usage(format!(
                    "--{other} is not a TLS option"
                )));
            }
        }
        Ok(())
    }

    /// True when any TLS option was given.
    pub fn any(&self) -> bool {
        self.ca.is_some()
            || self.crl.is_some()
            || self.client_cert.is_some()
            || self.client_key.is_some()
            || !self.pins.is_empty()
    }

    /// Reads the files and builds the configuration. Without a CA file the system's trust
    /// store is trusted, read on demand: only when an x509 server's certificate is to be
    /// verified ([`vnc_core::TlsConfig::system_roots_on_demand`]; the tokio adapter and the
    /// GTK widget answer it).
    pub fn build(&self) -> Result<vnc_core::TlsConfig, TlsArgsError> {
        let client = match (&self.client_cert, &self.client_key) {
            (Some(c), Some(k)) => Some((c.as_path(), k.as_path())),
            (None, None) => None,
            _ => {
                return Err(TlsArgsError::Usage(
                    "--client-cert and --client-key go together".into(),
                ));
            }
        };
        // Without a CA file the system store is left to be read when an x509 step needs it.
        let mut tls = vnc_core::trust_store::tls_config_from_files(
            self.ca.as_deref(),
            self.crl.as_deref(),
            client,
        )
        .map_err(|e| TlsArgsError::File(format!("cannot read a TLS file: {e}")))?;
        tls.pinned_sha256 = self.pins.clone();
        Ok(tls)
    }
}

impl std::fmt::Display for TlsArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsArgsError::Usage(m) | TlsArgsError::File(m) => f.write_str(m),
        }
    }
}

/// The performance lab's framebuffer checksum (`../shared/perf`, "Adapter contract"): zlib's
/// CRC-32 over B, G, R, A pixels, row after row without padding, with every A byte taken as 0.
///
/// ```
/// // One blue pixel with its alpha byte: A does not count.
/// assert_eq!(vnc_examples::frame_crc(&[255, 0, 0, 255]), vnc_examples::frame_crc(&[255, 0, 0, 0]));
/// ```
pub fn frame_crc(bgra: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    let mut chunk = [0u8; 4096];
    for part in bgra.chunks(chunk.len()) {
        let c = &mut chunk[..part.len()];
        c.copy_from_slice(part);
        c.iter_mut().skip(3).step_by(4).for_each(|a| *a = 0);
        crc.update(c);
    }
    crc.sum()
}

/// A modal dialog over `parent` titled `title`, and the grid (6-pixel spacing, 12-pixel
/// margins) to lay its contents out in, already its child.
pub fn dialog_with_grid(parent: &impl IsA<gtk::Window>, title: &str) -> (gtk::Window, gtk::Grid) {
    let dialog = gtk::Window::builder()
        .transient_for(parent)
        .modal(true)
        .title(title)
        .build();
    let grid = gtk::Grid::builder()
        .row_spacing(6)
        .column_spacing(6)
        .margin_top(12)
        .margin_bottom(12)
        .margin_start(12)
        .margin_end(12)
        .build();
    dialog.set_child(Some(&grid));
    (dialog, grid)
}
