//! The workspace's own binaries, and vnccapture run as the tests run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::{Rgb, TempDir, process, read_png};

/// The path of a binary of this workspace, built by the same `cargo test` run.
pub fn workspace_bin(name: &str) -> PathBuf {
    // Test executables live in target/<profile>/deps; binaries in target/<profile>.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let p = profile_dir.join(name);
    assert!(
        p.is_file(),
        "{} is missing: build the workspace first (cargo build --workspace, or cargo test --workspace)",
        p.display()
    );
    p
}

/// Runs vnccapture with `args` and returns its output.
pub fn vnccapture(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(workspace_bin("vnccapture"));
    cmd.args(args)
        .stdin(Stdio::null())
        .env_remove("VNC_PASSWORD")
        .env_remove("VNC_USERNAME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    process::output(cmd).expect("run vnccapture")
}

/// Captures `server` as [`capture`] does, and returns also how many rectangles of each
/// encoding (by name) the server sent.
pub fn capture_counting_rects(server: &str, args: &[&str]) -> (Rgb, Vec<(String, u64)>) {
    let dir = TempDir::new("capture");
    let png = dir.path().join("out.png");
    let png_s = png.display().to_string();
    let mut all: Vec<&str> = vec!["--timeout", "60", "--rect-counts"];
    all.extend_from_slice(args);
    all.push(server);
    all.push(&png_s);
    let out = vnccapture(&all, &[]);
    assert!(
        out.status.success(),
        "vnccapture {all:?} failed with {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (name, n) = l.split_once(' ')?;
            Some((name.to_owned(), n.parse().ok()?))
        })
        .collect();
    (read_png(&png), counts)
}

/// Captures `server` with vnccapture and extra `args`; asserts success and returns the image.
pub fn capture(server: &str, args: &[&str], env: &[(&str, &str)]) -> Rgb {
    let dir = TempDir::new("capture");
    let png = dir.path().join("out.png");
    let mut all: Vec<&str> = vec!["--timeout", "60"];
    all.extend_from_slice(args);
    let png_s = png.display().to_string();
    all.push(server);
    all.push(&png_s);
    let out = vnccapture(&all, env);
    assert!(
        out.status.success(),
        "vnccapture {all:?} failed with {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    read_png(&png)
}
