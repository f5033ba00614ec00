#!/usr/bin/env bash
# Runs every check of the workspace: formatting, clippy, the unit and transcript tests, and the
# integration tests against real VNC servers (TigerVNC Xvnc, x11vnc on Xvfb, QEMU). Installs the
# Debian packages those need first. Usage: scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages "${test_packages[@]}"

# CI builds once in a fresh clone: incremental caches would only take disk (GBs for ~60 test
# binaries) and time.
if [[ -n ${CI:-} ]]; then export CARGO_INCREMENTAL=0; fi

cargo fmt --all -- --check
# vnc-gtk-c (libvncrs) switches off gtk-rs's "GTK initialized" check, which a build with it
# would switch off for the Rust programs too (features unify): it is built on its own.
ws=(--workspace --exclude vnc-gtk-c)
cargo clippy "${ws[@]}" --all-targets --all-features -- -D warnings
cargo clippy -p vnc-gtk-c --all-targets -- -D warnings
# Tight's JPEG goes to libjpeg-turbo by default (feature turbojpeg): lint and test the engine
# with the pure-Rust zune-jpeg too.
zune=(-p vnc-core --no-default-features --features testing,tokio,anon-tls)
cargo clippy "${zune[@]}" --all-targets -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc "${ws[@]}" --no-deps --all-features --quiet
RUSTDOCFLAGS=-Dwarnings cargo doc -p vnc-gtk-c --no-deps --quiet
# The real-server tests run the vnccapture binary: build every binary first.
cargo build "${ws[@]}" --all-features --bins
# libvncrs, its header, .pc file, GIR, typelib and vapi, and the C example, into target/gir
# for tests/tests/gir.rs (unoptimized, quicker to build).
scripts/build-gir.sh --debug
cargo test "${ws[@]}" --all-features "$@"
cargo test "${zune[@]}" "$@"
