#!/usr/bin/env bash
# The VNC widget's own memory: on an Xvfb larger than the desktop, (a) an empty GTK 4 window laid out
# like vncviewer's, of the desktop's size, redrawn every frame (target/release/emptywindow
# --redraw), (b) vncviewer (release) showing a real Xvnc of GEOMETRY whose screen keeps
# changing (an xterm covering it, scrolling a directory listing for ever), and (c) the same
# window as (a) showing a picture of the desktop's size that GTK draws anew every frame
# (emptywindow --redraw --texture: one copy of the pixels), each for SECONDS per renderer and
# run. Prints peak RSS (VmHWM) and steady RSS (VmRSS, median of the last 5 one-second samples)
# in MiB, the widget's cost (b - a; with the growth of each part of RSS: anonymous, shared,
# files) against the framebuffer (w*h*4), and the picture's (c - a):
# what GTK costs to show any changing image of that size.
# Usage: benches/widget-memory.sh   (RENDERERS="cairo gl ngl" RUNS=3 SECONDS_EACH=20
#        GEOMETRY=1280x800; binaries from $CARGO_TARGET_DIR or target/, VIEWER=path to
#        measure another vncviewer build, e.g. a copy of an earlier commit's)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
renderers=${RENDERERS:-cairo gl ngl}
runs=${RUNS:-3}
secs=${SECONDS_EACH:-20}
geometry=${GEOMETRY:-1280x800}
width=${geometry%x*} height=${geometry#*x}
# The client's screen leaves room around the window, so that vncviewer shows the desktop one
# to one (it scales down a desktop that does not fit the screen's work area).
screen=$((width + 640))x$((height + 400))
ensure_packages xvfb tigervnc-standalone-server xterm x11-xserver-utils libgtk-4-dev pkg-config libssl-dev
cargo build -j2 --release --quiet --bin vncviewer --bin emptywindow
bin=${CARGO_TARGET_DIR:-target}/release
viewer=${VIEWER:-$bin/vncviewer}

state=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

# The desktop: Xvnc with a full-screen xterm that never stops scrolling.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
Xvnc -displayfd 3 -geometry "$geometry" -depth 24 -rfbport "$port" -localhost \
  -SecurityTypes None -AlwaysShared -desktop memory 3>"$state/vncdisplay" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do [[ -s $state/vncdisplay ]] && break; sleep 0.1; done
vncdisplay=":$(tr -dc 0-9 < "$state/vncdisplay")"
DISPLAY=$vncdisplay xsetroot -solid '#336699'
DISPLAY=$vncdisplay xterm -geometry 400x100+0+0 -fa Monospace -fs 9 \
  -e sh -c 'while :; do ls -lR /usr/share; done' 2>/dev/null &
pids+=($!)

# The client side: a plain Xvfb.
Xvfb -displayfd 3 -screen 0 "$screen"x24 -nolisten tcp 3>"$state/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do [[ -s $state/display ]] && break; sleep 0.1; done
export DISPLAY=":$(tr -dc 0-9 < "$state/display")" GDK_BACKEND=x11 GTK_A11Y=none
unset WAYLAND_DISPLAY

# Runs a program for $secs seconds; prints "HWM RSS ANON SHM FILE" in KiB (RSS: median of the
# last 5 samples; at the end, RSS's three parts: ANON anonymous memory (the heap, mostly), SHM
# shared memory (cairo's pool of X shared-memory images), FILE the program's and its
# libraries' mapped files).
measure() {
  "$@" 2>>"$state/log" &
  local pid=$! samples=() i
  for ((i = 0; i < secs; i++)); do
    sleep 1
    kill -0 "$pid" 2>/dev/null || { echo "exited early: $*" >&2; cat "$state/log" >&2; exit 1; }
    samples+=("$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")")
  done
  local hwm anon shm file
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")
  shm=$(awk '/^RssShmem/ {print $2}' "/proc/$pid/status")
  file=$(awk '/^RssFile/ {print $2}' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local rss
  rss=$(printf '%s\n' "${samples[@]: -5}" | sort -n | sed -n 3p)
  echo "$hwm $rss $anon $shm $file"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
fb=$((width * height * 4))
echo "desktop ${geometry}: framebuffer $(mib $((fb / 1024))) MiB; ${secs} s per program"
printf '%-6s %-3s | %-21s | %-21s | %-40s | %s\n' renderer run "empty: peak, steady" \
  "vncviewer: peak, steady" "widget cost: peak, steady, anon, shm, file" "picture cost: peak, anon"
for r in $renderers; do
  for ((run = 1; run <= runs; run++)); do
    : >"$state/log"
    read -r ehwm erss eanon eshm efile < <(GSK_RENDERER=$r measure "$bin/emptywindow" --redraw "$width" "$height")
    name=$(sed -n 's/^emptywindow: renderer //p' "$state/log" | head -1)
    read -r vhwm vrss vanon vshm vfile < <(GSK_RENDERER=$r measure "$viewer" --read-only "127.0.0.1::$port")
    read -r phwm _ panon _ _ < <(GSK_RENDERER=$r measure "$bin/emptywindow" --redraw --texture "$width" "$height")
    printf '%-6s %-3s | %8s %8s MiB | %8s %8s MiB | %6s %6s %6s %6s %6s MiB  | %6s %6s MiB  (%s)\n' \
      "$r" "$run" "$(mib "$ehwm")" "$(mib "$erss")" "$(mib "$vhwm")" "$(mib "$vrss")" \
      "$(mib $((vhwm - ehwm)))" "$(mib $((vrss - erss)))" "$(mib $((vanon - eanon)))" \
      "$(mib $((vshm - eshm)))" "$(mib $((vfile - efile)))" \
      "$(mib $((phwm - ehwm)))" "$(mib $((panon - eanon)))" "${name:-?}"
  done
done
