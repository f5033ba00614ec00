#!/usr/bin/env bash
# The main job, end to end: start a local TigerVNC server with something on its screen, build
# vnccapture, capture the screen to a PNG and say where it is. Installs what it needs.
# Usage: scripts/demo.sh [OUTPUT.png]   (default: ./vnc-demo.png)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
out=$(realpath -m "${1:-vnc-demo.png}")
# The display the user is on, if any (the demo's own X server replaces DISPLAY below).
USER_DISPLAY=${DISPLAY:-}
USER_WAYLAND=${WAYLAND_DISPLAY:-}

ensure_packages tigervnc-standalone-server x11-xserver-utils x11-apps xterm xfonts-base imagemagick \
  libssl-dev libturbojpeg0-dev pkg-config libgtk-4-dev libpulse-dev libsasl2-dev
cargo build --release --quiet --bin vnccapture --bin vncviewer

state=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

# A free port for the VNC server; Xvnc picks its own X display (-displayfd).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
Xvnc -displayfd 3 -rfbport "$port" -localhost -SecurityTypes None -geometry 1024x768 -depth 24 \
  -desktop "vnc-rs demo" 3>"$state/display" >"$state/xvnc.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s $state/display ]] && break; sleep 0.1; done
[[ -s $state/display ]] || { cat "$state/xvnc.log" >&2; echo "Xvnc did not start" >&2; exit 1; }
export DISPLAY=":$(tr -dc 0-9 < "$state/display")"

# Something to look at: a gradient background, a clock and a terminal with text.
/usr/bin/convert -size 1024x768 gradient:'#1d3557'-'#a8dadc' "$state/bg.png"
display -window root "$state/bg.png" 2>/dev/null || true
xclock -geometry 180x180+800+40 -update 1 & pids+=($!)
xterm -geometry 70x16+60+120 -fa 'DejaVu Sans Mono' -fs 12 -T demo -e sh -c \
  'echo "Captured by vnccapture (vnc-rs) from TigerVNC Xvnc on $DISPLAY"; echo; uname -a; echo; ls -l /; exec sleep 100000' &
pids+=($!)
sleep 1  # let the clients draw their first frame

# A desktop to show the viewer on: open it (until its window is closed).
if [[ -n $USER_DISPLAY ]]; then
  echo "opening vncviewer (close its window to finish)"
  DISPLAY=$USER_DISPLAY target/release/vncviewer "127.0.0.1::$port" || true
elif [[ -n $USER_WAYLAND ]]; then
  echo "opening vncviewer (close its window to finish)"
  env -u DISPLAY target/release/vncviewer "127.0.0.1::$port" || true
fi
target/release/vnccapture "127.0.0.1::$port" "$out"
echo "screenshot: $out"
