#!/usr/bin/env bash
# Batch verification throughput: COUNT small signed Bundles (ES256 and RS256) as NDJSON, verified
# by `fhirsig verify` with one and with all worker threads, RUNS times each; prints records/s of
# the median run (by wall time) and the CPU time it used. Before and after the batches it
# measures the floor, in the same minutes: `openssl speed ecdsap256` (if openssl is installed)
# and ring's own ES256 verification (`cargo bench -p fhirsig-core --bench ecdsa_floor`), on one
# core and on all, and ends with the ES256 batch rate as a share of each.
# usage: tests/bench/batch_verify.sh [COUNT] [RUNS]   (defaults 10000 and 5)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=${1:-10000}
runs=${2:-5}
cd "$root"
cargo build --quiet --release -p fhirsig-cli --example gen_batch
cargo build --quiet --release -p fhirsig-cli
cargo bench --quiet -p fhirsig-core --bench ecdsa_floor --no-run 2> /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The verification rate of one P-256 signature, verified over and over: openssl's and ring's,
# on one core and on all; appended to $work/floor as "name threads rate".
floor() {
  if command -v openssl > /dev/null; then
    for jobs in 1 "$(nproc)"; do
      rate=$(openssl speed -seconds 3 -multi "$jobs" ecdsap256 2> /dev/null | awk '/nistp256/ { print $NF }' | tail -n 1)
      [ -n "$rate" ] && echo "openssl $jobs $rate" >> "$work/floor"
    done
  fi
  cargo bench --quiet -p fhirsig-core --bench ecdsa_floor -- 3 2> /dev/null |
    awk '/32-byte/ { rate = $8; sub(/\/s$/, "", rate); print "ring", $6, rate }' >> "$work/floor"
}
: > "$work/floor"
floor
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
    if [ "$alg" = ES256 ] && [ "$jobs" = "$(nproc)" ]; then
      awk -v n="$count" -v w="$wall" 'BEGIN { printf "%.0f\n", n / w }' > "$work/es256_rate"
    fi
    all=$(sort -n "$work/times" | awk '{printf "%s%.2f", (NR > 1 ? " " : ""), $1}')
    awk -v n="$count" -v a="$alg" -v j="$jobs" -v w="$wall" -v u="$user" -v s="$sys" -v v="$verified" -v all="$all" 'BEGIN {
      printf "%s, %d records, %d thread(s): wall %.2f s = %.0f records/s; CPU %.2f s = %.0f records/s per CPU-second (%d verified; walls %s)\n",
        a, n, j, w, n/w, u+s, n/(u+s), v, all }'
  done
done

floor
echo "ES256 floor measured before and after the batches (verifications/s, one signature verified over and over):"
sort "$work/floor" | awk '{ printf "  %s, %s thread(s): %s\n", $1, $2, $3 }'
awk -v cores="$(nproc)" -v es256="$(cat "$work/es256_rate")" '$2 == cores { sum[$1] += $3; n[$1]++ }
  END { for (k in sum) printf "ES256 batch, %d threads: %.2f of %s'"'"'s rate on as many (the mean of its two runs)\n", cores, es256 / (sum[k] / n[k]), k }' \
  "$work/floor"
