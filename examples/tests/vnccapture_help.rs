//! vnccapture's own smoke test. Having an integration test here also makes `cargo test` build
//! the vnccapture binary that the real-server tests in the `tests` package run.

use std::process::Command;

#[test]
fn help_and_usage() {
    let exe = env!("CARGO_BIN_EXE_vnccapture");
    let out = Command::new(exe).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("vnccapture:"));
    let out = Command::new(exe).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
