#!/usr/bin/env bash
# The widget path of the performance lab: our vncviewer and gtk-vnc's gvncviewer show each
# recorded stream in a window on an Xvfb until the server closes (decode and drawing together),
# timed by the lab's run.sh (medians, peak RSS; our CRC is checked against the recording).
# Usage: benches/widget.sh [ENC...]   (default: hextile zrle; LAB=/tmp/perf, a built copy of
# ../shared/perf with recordings, see its README; REPS as for run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
lab=${LAB:-/tmp/perf}
[[ -x $lab/run.sh && -d $lab/rec ]] || { echo "no lab with recordings at $lab (see ../shared/perf/README.md)" >&2; exit 2; }
ensure_packages xvfb gvncviewer libgtk-4-dev pkg-config libssl-dev libturbojpeg0-dev
cargo build --release --quiet --bin vncviewer

state=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$state/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do [[ -s $state/display ]] && break; sleep 0.1; done
export DISPLAY=":$(tr -dc 0-9 < "$state/display")" GDK_BACKEND=x11 GTK_A11Y=none
unset WAYLAND_DISPLAY
client=$(realpath benches/lab-viewer.sh)
for enc in "${@:-hextile zrle}"; do
  for e in $enc; do
    (cd "$lab" && ./run.sh "$e" "$client vncviewer" "$client gvncviewer")
  done
done
