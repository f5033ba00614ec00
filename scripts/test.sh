#!/usr/bin/env bash
# Runs every check of the workspace: formatting, clippy, the unit and transcript tests, and the
# integration tests against real VNC servers (TigerVNC Xvnc, x11vnc on Xvfb, QEMU). Installs the
# Debian packages those need first. Usage: scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages \
  tigervnc-standalone-server tigervnc-tools x11vnc xvfb qemu-system-x86 \
  x11-apps x11-utils x11-xserver-utils xterm xfonts-base xauth imagemagick \
  gnutls-bin libssl-dev pkg-config libgtk-4-dev xdotool xclip dbus time

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --all-features -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --all-features --quiet
# The real-server tests run the vnccapture binary: build every binary first.
cargo build --workspace --all-features --bins
cargo test --workspace --all-features "$@"
