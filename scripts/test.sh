#!/usr/bin/env bash
# Runs every check of the workspace: formatting, clippy, the unit and transcript tests, and the
# integration tests against real VNC servers (TigerVNC Xvnc, x11vnc on Xvfb, QEMU). Installs the
# Debian packages those need first. Usage: scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# dbus-x11 and at-spi2-core are not needed by any test: they are on every desktop, and with
# them GLib autolaunches session buses and GTK looks for the accessibility bus, so CI runs
# the tests as a developer's machine would. gcc and libvncserver-dev build the small xvp
# server of tests/tests/xvp.rs. libpulse-dev builds the widget's audio playback; the audio
# tests play into a private PulseAudio daemon and a private PipeWire (with pipewire-pulse and
# WirePlumber) and record with pulseaudio-utils' parec. python3 runs the X client of the
# (ignored) latency test, tests/tests/xvnc_latency.rs. GObject Introspection, PyGObject and
# valac and gjs build and run the widget from C, Python, Vala and JavaScript
# (scripts/build-gir.sh, tests/tests/gir.rs). libsasl2-dev builds the SASL security type
# (Cyrus SASL); libsasl2-modules has its DIGEST-MD5 and SCRAM plugins and sasl2-bin the
# saslpasswd2 that makes QEMU's user database (tests/tests/qemu_sasl.rs).
ensure_packages \
  tigervnc-standalone-server tigervnc-tools x11vnc xvfb qemu-system-x86 \
  x11-apps x11-utils x11-xserver-utils x11-xkb-utils xterm xfonts-base xauth imagemagick \
  gnutls-bin libssl-dev pkg-config libgtk-4-dev libturbojpeg0-dev xdotool xclip dbus time \
  dbus-x11 at-spi2-core gcc libvncserver-dev libglib2.0-bin \
  libpulse-dev pulseaudio pulseaudio-utils pipewire pipewire-pulse wireplumber python3 \
  gobject-introspection libgirepository1.0-dev gir1.2-gtk-4.0 python3-gi valac gjs \
  libsasl2-dev libsasl2-modules libsasl2-modules-db sasl2-bin

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
