#!/usr/bin/env bash
# Batch verification throughput: COUNT small signed Bundles (ES256 and RS256) as NDJSON, verified
# by `fhirsig verify` with one and with all worker threads; prints records/s.
# usage: tests/bench/batch_verify.sh [COUNT]   (default 10000)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=${1:-10000}
cd "$root"
cargo build --quiet --release -p fhirsig-cli --example gen_batch
cargo build --quiet --release -p fhirsig-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for alg in ES256 RS256; do
  target/release/examples/gen_batch "$work" "$count" "$alg"
  for jobs in 1 "$(nproc)"; do
    start=$(date +%s.%N)
    target/release/fhirsig verify --ndjson "$work/batch-$alg.ndjson" --trust "$work/root-ca.cert.pem" \
      --json -j "$jobs" > "$work/out.jsonl" || true
    end=$(date +%s.%N)
    verified=$(grep -c '"verified":true' "$work/out.jsonl" || true)
    awk -v n="$count" -v a="$alg" -v j="$jobs" -v s="$start" -v e="$end" -v v="$verified" 'BEGIN {
      printf "%s, %d records, %d thread(s): %.2f s, %.0f records/s (%d verified)\n", a, n, j, e-s, n/(e-s), v }'
  done
done
