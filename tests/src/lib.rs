//! Helpers for tests against real VNC servers: start TigerVNC `Xvnc`, `x11vnc` on `Xvfb` and
//! QEMU's VNC server on loopback with deterministic content, read their true screens (`xwd`,
//! QMP `screendump`), run `vnccapture`, and compare images. Every process started here is
//! killed when its guard is dropped, and dies with the test process however that ends
//! ([`process`]).

pub mod attacks;
pub mod audio_server;
mod capture;
pub mod gtk_support;
mod image;
pub mod login_server;
mod net;
pub mod pki;
pub mod process;
pub mod qemu;
pub mod qemu_audio;
pub mod qemu_pointer;
pub mod reverse;
pub mod soak;
pub mod sound;
pub mod widget_audio;
pub mod widget_memory;
pub mod x11_holder;
mod xserver;
pub mod xvp;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub use capture::{capture, capture_counting_rects, vnccapture, workspace_bin};
pub use image::{
    Rgb, assert_same, assert_same_at_precision, crop, find_exact, letterboxed, parse_ppm,
    parse_xwd, psnr, read_png, same_at_precision,
};
pub use net::{free_port, serve_once};
pub use qemu::{Qemu, QemuSasl, QemuSetup, QemuTls};
pub use xserver::{XServer, XvncOptions, scene_ppm};

/// A scratch directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "vnc-tests-{}-{}-{tag}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fails the test with a message saying which package to install.
pub fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{program} is not installed: install the Debian package {package} (scripts/test.sh does)"
    );
}

/// A memory figure of this process from /proc/self/status, in KiB (`field` is for example
/// `"VmRSS:"` or `"VmHWM:"`, the peak).
pub fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// A single-threaded tokio runtime, as the tests drive the tokio adapter on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Waits until `cond` holds, checking every 50 ms, for at most `limit`. This polls a
/// condition; it never sleeps to let time pass for its own sake.
pub fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits (at most until `deadline`) for an event of a spawned connection that `want` picks;
/// the others are skipped. Panics, naming `what`, if the connection ends or time runs out.
pub async fn next_event_where<T>(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<vnc_core::Event>,
    deadline: tokio::time::Instant,
    what: &str,
    mut want: impl FnMut(&vnc_core::Event) -> Option<T>,
) -> T {
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(e)) => {
                if let Some(v) = want(&e) {
                    return v;
                }
            }
            Ok(None) => panic!("the connection ended before {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}
