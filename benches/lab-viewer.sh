#!/usr/bin/env bash
# A client for the performance lab's run.sh (../shared/perf, "Adapter contract") that shows the
# replayed stream in a viewer window on $DISPLAY until the server closes, decode and drawing
# together: our vncviewer, or gtk-vnc's gvncviewer for comparison. run.sh appends HOST PORT.
# Usage: run.sh hextile "/path/to/benches/lab-viewer.sh vncviewer" (see benches/widget.sh)
set -euo pipefail
viewer=$1 host=$2 port=$3
case $viewer in
  vncviewer)
    exec "$(dirname "$0")/../target/release/vncviewer" --exit-on-disconnect --print-crc "$host::$port" ;;
  gvncviewer)
    # It takes HOST:DISPLAY only, and any display number: the port is 5900 + DISPLAY.
    exec gvncviewer "$host:$((port - 5900))" ;;
  *) echo "lab-viewer.sh: vncviewer or gvncviewer, not $viewer" >&2; exit 2 ;;
esac
