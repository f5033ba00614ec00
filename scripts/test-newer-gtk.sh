#!/usr/bin/env bash
# Runs the widget's tests against a newer GTK than Debian 12's 4.8: Debian 13 (trixie, GTK 4.18)
# in a chroot that this script makes with debootstrap (once, in ~/.cache/vnc-rs/trixie-root or
# $VNC_TRIXIE_ROOT, about 3 GB with its build), with this machine's Rust toolchain and this
# checkout mounted in (read-only: the build and its target stay inside the chroot). Needs root.
# Usage: scripts/test-newer-gtk.sh [cargo test arguments]   (default: every GTK test,
#        tests/tests/gtk_*.rs; `--test gtk_memory` for one. VNC_TEST_GSK_RENDERER
#        passes through, to choose GTK's renderer.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_packages debootstrap
root=${VNC_TRIXIE_ROOT:-$HOME/.cache/vnc-rs/trixie-root}
mkdir -p "$(dirname "$root")"
# Mesa's GL and Vulkan drivers, which Debian 12's desktop packages bring in as recommendations.
packages=("${test_packages[@]}" libgl1-mesa-dri mesa-vulkan-drivers ca-certificates)
if [[ ! -x $root/usr/bin/apt-get ]]; then
  # A minimal base first (debootstrap does not resolve GTK's alternatives), then apt inside.
  debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian
fi

mounts=()
# bind SOURCE TARGET [ro]
bind() {
  mkdir -p "$root$2"
  mountpoint -q "$root$2" && return
  mount --bind "$1" "$root$2"
  mounts=("$root$2" "${mounts[@]}")
  if [[ ${3:-} == ro ]]; then mount -o remount,bind,ro "$root$2"; fi
}
cleanup() { local m; for m in "${mounts[@]}"; do umount "$m" || umount -l "$m"; done; }
trap cleanup EXIT
for d in /proc /sys /dev /dev/pts; do bind "$d" "$d"; done
bind "${RUSTUP_HOME:-$HOME/.rustup}" /root/.rustup ro
bind "${CARGO_HOME:-$HOME/.cargo}" /root/.cargo
bind "$PWD" /src ro
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Commands in the chroot; `wrap` may put them in a namespace first.
wrap=()
inside() {
  "${wrap[@]}" chroot "$root" /usr/bin/env -i \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CARGO_TARGET_DIR=/target CARGO_INCREMENTAL=0 \
    ${VNC_TEST_GSK_RENDERER:+VNC_TEST_GSK_RENDERER=$VNC_TEST_GSK_RENDERER} "$@"
}
if [[ ! -e $root/.ready ]]; then
  inside apt-get update -q
  inside apt-get install -y -q --no-install-recommends "${packages[@]}"
  touch "$root/.ready"
fi
echo "GTK in the chroot: $(inside pkg-config --modversion gtk4)"

if (($# == 0)); then
  set -- --no-fail-fast
  for t in tests/tests/gtk_*.rs; do set -- "$@" --test "$(basename "$t" .rs)"; done
fi
# The tests run the binaries (vnccapture, vncviewer) from the same target. They are built
# with the network (crates may be missing), then run in a network namespace of their own:
# loopback only, and their X servers' abstract sockets apart from the host's.
inside sh -c 'cd /src && cargo build -q --workspace --exclude vnc-gtk-c --bins &&
  cargo test -q -p vnc-tests --no-run "$@"' sh "$@"
wrap=(unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh)
inside sh -c 'cd /src && cargo test -q --offline -p vnc-tests "$@"' sh "$@"
