#!/usr/bin/env bash
# Peak resident memory of `fhirsig canon` (streaming to stdout) on the benchmark Bundles, as a
# multiple of the input size, measured by GNU time (Debian package `time`).
# usage: tests/bench/canon_peak_rss.sh FHIRSIG_BINARY FILE...
# (Inputs: cargo bench -p fhirsig-jcs --bench throughput -- --write DIR)
set -euo pipefail
bin=$1; shift
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
echo '{}' > "${TMPDIR:-/tmp}/fhirsig-empty.json"
base=$(/usr/bin/time -f %M "$bin" canon -q "${TMPDIR:-/tmp}/fhirsig-empty.json" 2>&1 >/dev/null)
echo "baseline (empty object): ${base} KiB"
for f in "$@"; do
  size=$(stat -c %s "$f")
  peak=$(/usr/bin/time -f %M "$bin" canon -q "$f" 2>&1 >/dev/null)
  awk -v f="$(basename "$f")" -v s="$size" -v p="$peak" -v b="$base" 'BEGIN {
    printf "%s: input %.1f MB, peak RSS %.1f MiB = %.2fx input (%.2fx above the baseline)\n",
      f, s/1e6, p/1024, p*1024/s, (p-b)*1024/s }'
done
