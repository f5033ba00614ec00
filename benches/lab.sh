#!/usr/bin/env bash
# Sets up the team's performance lab (../shared/perf) in a folder of its own, with this
# project's additions applied (benches/lab/*.patch):
#   tight-jpeg.patch  recordings named ENC-qN (tight-q6: Tight with JPEG quality level 6
#                     announced), a JPEG side file rec/ENC.jpeg (records of u16 width, u16
#                     height, u32 length, JPEG data, all big-endian) for `jpeg-floor`, and
#                     run.sh replaying them (BENCH_ENCODING=tight, no CRC check: lossy).
# Usage: benches/lab.sh [DIR]    (default /tmp/perf; DIR must not exist yet)
# Then, in DIR: ./record.sh 1 raw hextile zrle tight tight-q6 && sync, and ./run.sh ENC ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/perf}
[[ -e $dir ]] && { echo "lab.sh: $dir exists; remove it or name another folder" >&2; exit 1; }
cp -r "$here/../../shared/perf" "$dir"
chmod -R u+w "$dir"
for p in "$here"/lab/*.patch; do patch -s -d "$dir" -p1 < "$p"; done
make -s -C "$dir"
echo "lab ready in $dir"
