#!/usr/bin/env bash
# Remakes docs/vncviewer.png, the README's picture of vncviewer: the viewer input test
# (tests/tests/gtk_viewer.rs) saves the local X screen after typing into a real Xvnc session.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --bins
VNC_RS_SCREENSHOT="$PWD/docs/vncviewer.png" cargo test -p vnc-tests --test gtk_viewer
echo "wrote docs/vncviewer.png"
