#!/usr/bin/env bash
# End-to-end capture of a 1920x1080 Xvnc screen: our vnccapture against gtk-vnc's gvnccapture,
# timed in one hyperfine run, with each one's peak RSS (GNU time, largest of 5 runs). Both
# write a PNG of the same screen; the two PNGs are compared pixel for pixel first.
# Usage: benches/capture.sh [RUNS]   (default 20; installs what it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
runs=${1:-20}
ensure_packages tigervnc-standalone-server gvncviewer hyperfine time imagemagick xterm xdotool \
  x11-xserver-utils xfonts-base libssl-dev libturbojpeg0-dev pkg-config libgtk-4-dev
cargo build --release --quiet --bin vnccapture

state=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

# gvnccapture takes HOST:DISPLAY only, so the server listens on 5900+N for a free N.
for n in $(seq 50 99); do
  python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', 5900+$n))" 2>/dev/null && break
done
Xvnc -displayfd 3 -rfbport $((5900 + n)) -localhost -SecurityTypes None -geometry 1920x1080 \
  -depth 24 3>"$state/display" >"$state/xvnc.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s $state/display ]] && break; sleep 0.1; done
[[ -s $state/display ]] || { cat "$state/xvnc.log" >&2; echo "Xvnc did not start" >&2; exit 1; }
export DISPLAY=":$(tr -dc 0-9 < "$state/display")"

# A photo-like background and a terminal full of text: a typical desktop, neither all flat
# colour nor all noise.
convert -seed 7 -size 1920x1080 plasma:fractal -blur 0x2 "$state/bg.png"
display -window root "$state/bg.png" || true  # sets the root window; exits non-zero by design
xterm -geometry 100x30+60+60 -fa 'DejaVu Sans Mono' -fs 11 -e sh -c \
  'ls -l /usr/bin | head -200; exec sleep 100000' &
pids+=($!)
# Clients without the Cursor pseudo-encoding (gvnccapture) get the cursor drawn into the
# screen: make it invisible, on the root window away from the terminal.
cat > "$state/blank.xbm" <<EOF
#define b_width 8
#define b_height 1
#define b_x_hot 0
#define b_y_hot 0
static unsigned char b_bits[] = {
   0x00 };
EOF
xsetroot -cursor "$state/blank.xbm" "$state/blank.xbm"
xdotool mousemove 1919 1079  # (Xvnc still draws one pixel there: left out of the comparison)
sleep 2  # let the terminal draw before the screen is captured

ours="target/release/vnccapture 127.0.0.1:$n $state/ours.png"
theirs="gvnccapture -q 127.0.0.1:$n $state/theirs.png"
$ours && $theirs
crop=(-crop 1919x1079+0+0 +repage)
convert "$state/ours.png" "${crop[@]}" "$state/ours-cropped.png"
convert "$state/theirs.png" "${crop[@]}" "$state/theirs-cropped.png"
diff=$(compare -metric AE "$state/ours-cropped.png" "$state/theirs-cropped.png" null: 2>&1 || true)
echo "pixels that differ between the two captures: $diff"
[[ $diff == 0 ]] || { compare "$state/ours.png" "$state/theirs.png" -compose src -highlight-color red /tmp/capture-diff.png || true; echo "the captures differ (see /tmp/capture-diff.png)" >&2; exit 1; }

hyperfine --warmup 3 --runs "$runs" -N --export-markdown "$state/table.md" \
  -n vnccapture "$ours" -n gvnccapture "$theirs"
for cmd in ours theirs; do
  peak=0
  for _ in 1 2 3 4 5; do
    kib=$(/usr/bin/time -f %M ${!cmd} 2>&1 >/dev/null | tail -1)
    ((kib > peak)) && peak=$kib
  done
  echo "$cmd: peak RSS $((peak / 1024)) MiB"
done
cat "$state/table.md"
