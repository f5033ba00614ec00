#!/usr/bin/env bash
# Builds the widget for C and the GObject Introspection languages into target/gir/:
#   libvncrs-0.1.so.0 (and the libvncrs-0.1.so link), include/vncrs.h, vncrs-0.1.pc,
#   VncRs-0.1.gir, VncRs-0.1.typelib, vncrs-0.1.vapi (Vala), and the C example vncviewer-c.
# Then GI_TYPELIB_PATH=target/gir LD_LIBRARY_PATH=target/gir is all a Python, JavaScript or
# C program needs; PKG_CONFIG_PATH=target/gir finds the .pc file for compiling.
# Installs the Debian packages it needs first. Usage: scripts/build-gir.sh [--debug]
# (--debug builds the unoptimized library, quicker to build, as the test suite does).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

profile=release
case "${1:-}" in
  --debug) profile=debug ;;
  "") ;;
  *) echo "usage: $0 [--debug]" >&2; exit 2 ;;
esac

ensure_packages gcc pkg-config libgtk-4-dev libpulse-dev libsasl2-dev libssl-dev libturbojpeg0-dev \
  gobject-introspection \
  libgirepository1.0-dev gir1.2-gtk-4.0 python3-gi valac

cargo_args=(-p vnc-gtk-c)
[[ $profile == release ]] && cargo_args+=(--release)
cargo build "${cargo_args[@]}"

out=target/gir
rm -rf "$out"
mkdir -p "$out/include"
out=$(cd "$out" && pwd)
cp "${CARGO_TARGET_DIR:-target}/$profile/libvncrs.so" "$out/libvncrs-0.1.so.0"
ln -s libvncrs-0.1.so.0 "$out/libvncrs-0.1.so"
cp vnc-gtk/c/include/vncrs.h "$out/include/"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
sed -e "s|@PREFIX@|$out|" -e "s|@VERSION@|$version|" vnc-gtk/c/vncrs-0.1.pc.in >"$out/vncrs-0.1.pc"
export PKG_CONFIG_PATH="$out${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$out${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The scanner reads the declarations and documentation of the header and of doc.c (the
# properties' and signals' documentation), and runs the library to list the GType's
# properties and signals. Any warning is an error.
g-ir-scanner --quiet --warn-all --warn-error \
  --namespace=VncRs --nsversion=0.1 --identifier-prefix=VncRs --symbol-prefix=vnc_rs \
  --include=Gtk-4.0 --pkg=gtk4 --pkg-export=vncrs-0.1 \
  --library=vncrs-0.1 --library-path="$out" --c-include=vncrs.h -I"$out/include" \
  --output="$out/VncRs-0.1.gir" \
  "$out/include/vncrs.h" vnc-gtk/c/doc.c
g-ir-compiler --includedir="$out" "$out/VncRs-0.1.gir" -o "$out/VncRs-0.1.typelib"
vapigen --quiet --library=vncrs-0.1 --pkg=gtk4 --girdir="$out" --directory="$out" \
  "$out/VncRs-0.1.gir"
printf 'gtk4\n' >"$out/vncrs-0.1.deps"

# The C example, built with nothing but the .pc file.
# shellcheck disable=SC2046
gcc -Wall -Wextra -Werror -o "$out/vncviewer-c" examples/c/vncviewer.c \
  $(pkg-config --cflags --libs vncrs-0.1)

echo "built into $out:" >&2
ls "$out" >&2
