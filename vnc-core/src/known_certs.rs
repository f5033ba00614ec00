//! The trust-on-first-use file, for applications: server certificates the user has accepted,
//! one line per server (`server sha256-hex`), so that a changed certificate is refused loudly,
//! as SSH does with host keys. The application loads it, hands the session what it knows
//! about one server as data ([`KnownCertificates::known_sha256`] into
//! [`TlsConfig::known_sha256`](crate::TlsConfig::known_sha256)), and records what the user
//! accepts with [`KnownCertificates::add`]. The session itself reads and writes no file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What the store says about a server's certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known {
    /// This certificate was accepted for this server before.
    Match,
    /// A different certificate was accepted for this server: it has changed.
    Changed {
        /// The fingerprint accepted before.
        previous: [u8; 32],
    },
    /// The server has no accepted certificate yet.
    Unknown,
}

/// Accepted certificates, by server.
///
/// ```
/// use vnc_core::known_certs::{Known, KnownCertificates};
/// let dir = std::env::temp_dir().join(format!("vnc-known-doc-{}", std::process::id()));
/// let mut store = KnownCertificates::load(&dir.join("known")).unwrap();
/// assert_eq!(store.check("vm1::5901", &[1; 32]), Known::Unknown);
/// store.add("vm1::5901", &[1; 32]).unwrap();
/// let store = KnownCertificates::load(&dir.join("known")).unwrap();
/// assert_eq!(store.check("vm1::5901", &[1; 32]), Known::Match);
/// assert_eq!(store.known_sha256("vm1::5901"), vec![[1; 32]]);
/// assert!(matches!(store.check("vm1::5901", &[2; 32]), Known::Changed { .. }));
/// # std::fs::remove_dir_all(dir).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct KnownCertificates {
    path: PathBuf,
    entries: Vec<(String, [u8; 32])>,
}

fn hex(fp: &[u8; 32]) -> String {
    fp.iter().map(|b| format!("{b:02x}")).collect()
}

impl KnownCertificates {
    /// `$XDG_DATA_HOME/vnc-rs/known-certificates`, or `~/.local/share/vnc-rs/known-certificates`.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
        Some(base.join("vnc-rs").join("known-certificates"))
    }

    /// Reads the store (a missing file is an empty store). Malformed lines are skipped.
    pub fn load(path: &Path) -> io::Result<KnownCertificates> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let entries = text
            .lines()
            .filter_map(|l| {
                let (server, fp) = l.trim().rsplit_once(' ')?;
                Some((
                    server.to_owned(),
                    crate::config::parse_sha256_fingerprint(fp)?,
                ))
            })
            .collect();
        Ok(KnownCertificates {
            path: path.to_owned(),
            entries,
        })
    }

    /// What is known about `server`'s certificate with fingerprint `sha256`.
    pub fn check(&self, server: &str, sha256: &[u8; 32]) -> Known {
        match self.entries.iter().rev().find(|(s, _)| s == server) {
            None => Known::Unknown,
            Some((_, fp)) if fp == sha256 => Known::Match,
            Some((_, fp)) => Known::Changed { previous: *fp },
        }
    }

    /// What to put in [`TlsConfig::known_sha256`](crate::TlsConfig::known_sha256) for
    /// `server`: the fingerprint accepted last, if any.
    pub fn known_sha256(&self, server: &str) -> Vec<[u8; 32]> {
        self.entries
            .iter()
            .rev()
            .find(|(s, _)| s == server)
            .map(|(_, fp)| *fp)
            .into_iter()
            .collect()
    }

    /// Records `sha256` as accepted for `server` (appending to the file, creating it and its
    /// directory as needed).
    pub fn add(&mut self, server: &str, sha256: &[u8; 32]) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        writeln!(f, "{server} {}", hex(sha256))?;
        self.entries.push((server.to_owned(), *sha256));
        Ok(())
    }
}
