#!/usr/bin/env bash
# Batch verification throughput: COUNT small signed Bundles (ES256 and RS256) as NDJSON, verified
# by `fhirsig verify` with one and with all worker threads, RUNS times each; prints records/s of
# the median run (by wall time) and the CPU time it used.
# usage: tests/bench/batch_verify.sh [COUNT] [RUNS]   (defaults 10000 and 5)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=${1:-10000}
runs=${2:-5}
cd "$root"
cargo build --quiet --release -p fhirsig-cli --example gen_batch
cargo build --quiet --release -p fhirsig-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for alg in ES256 RS256; do
  target/release/examples/gen_batch "$work" "$count" "$alg"
  for jobs in 1 "$(nproc)"; do
    : > "$work/times"
    for _ in $(seq "$runs"); do
      /usr/bin/time -f "%e %U %S" -o "$work/time" target/release/fhirsig verify --ndjson "$work/batch-$alg.ndjson" \
        --trust "$work/root-ca.cert.pem" --json -j "$jobs" > "$work/out.jsonl" || true
      verified=$(grep '"type":"signature"' "$work/out.jsonl" | grep -c '"verified":true' || true)
      echo "$(cat "$work/time") $verified" >> "$work/times"
    done
    # The median run by wall time (the middle line of the sorted runs).
    read -r wall user sys verified < <(sort -n "$work/times" | sed -n "$(( (runs + 1) / 2 ))p")
    all=$(sort -n "$work/times" | awk '{printf "%s%.2f", (NR > 1 ? " " : ""), $1}')
    awk -v n="$count" -v a="$alg" -v j="$jobs" -v w="$wall" -v u="$user" -v s="$sys" -v v="$verified" -v all="$all" 'BEGIN {
      printf "%s, %d records, %d thread(s): wall %.2f s = %.0f records/s; CPU %.2f s = %.0f records/s per CPU-second (%d verified; walls %s)\n",
        a, n, j, w, n/w, u+s, n/(u+s), v, all }'
  done
done
