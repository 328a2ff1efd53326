#!/usr/bin/env bash
# Large signed Bundles, one per size, side by side with the Node peer (manual benchmark; slow,
# not run by CI). For each size (MB, default 1 10 42 100) the throughput bench writes a
# pretty-printed searchset (cargo bench -p fhirsig-jcs --bench throughput -- --write DIR
# --sizes ...), `fhirsig sign` signs it ES256 with the test PKI's leaf-ec (leaf + intermediate in
# x5c), and each of these runs RUNS times (median by wall time; peak RSS the largest):
#   fhirsig canon -q FILE > /dev/null, and node peer.mjs canon FILE > /dev/null (npm canonicalize)
#   fhirsig verify FILE --trust ROOT    (every CDex check, chain, validity, identity; must verify)
#   node peer.mjs verify-file FILE ES256 (npm canonicalize + jose: the signature only; must verify)
# Wall times are read from bash's microsecond clock around each run; CPU time and peak RSS come
# from GNU time (%U %S %M). Prints Markdown tables: the runs side by side, then the cost per MB
# by size (fhirsig's MB/s, also with the fixed cost of a run, timed on a one-entry Bundle,
# taken off).
# With BASELINE=/path/to/an/older/fhirsig, that binary's verify of the same files is timed too
# (before/after in one run).
# usage: tests/bench/big_bundles.sh [MB ...]   (env: RUNS=5 KEEP=1 keeps the work folder)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 10 42 100)

die() { echo "big_bundles: $*" >&2; exit 1; }
for tool in node npm cargo; do command -v "$tool" >/dev/null || die "needs $tool"; done
[ -x /usr/bin/time ] || die "needs GNU time: apt-get install time"

echo "== build fhirsig (release), Node packages" >&2
cargo build --quiet --release -p fhirsig-cli
bin="$root/target/release/fhirsig"
. tests/bench/peers/node-setup.sh

work=$(mktemp -d "$root/target/bench-big.XXXXXX")
[ -n "${KEEP:-}" ] && echo "big_bundles: work folder $work" >&2 || trap 'rm -rf "$work"' EXIT

list=$(IFS=,; echo "${sizes[*]}")
echo "== inputs ($list MB)" >&2
cargo bench --quiet -p fhirsig-jcs --bench throughput -- --write "$work" --sizes "$list" > "$work/bench.txt" ||
  die "cargo bench -p fhirsig-jcs --bench throughput failed"
"$bin" pki init "$work/pki" > /dev/null
cat "$work/pki/leaf-ec.cert.pem" "$work/pki/intermediate-ca.cert.pem" > "$work/pki/chain.pem"

# median OUT CMD...: runs CMD $runs times (stdout to OUT, must exit 0); prints
# "wall user+sys maxrss_KiB" of the median run by wall time, with the largest RSS of all runs.
median() {
  local out=$1; shift
  local start end
  for ((i = 0; i < runs; i++)); do
    start=$EPOCHREALTIME
    /usr/bin/time -f "%U %S %M" -o "$work/time.txt" "$@" > "$out" || die "failed: $*"
    end=$EPOCHREALTIME
    echo "$start $end $(tail -n 1 "$work/time.txt")"
  done | awk '{ printf "%.4f %s %s %s\n", $2 - $1, $3, $4, $5 }' | sort -n |
    awk -v n="$runs" '{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > r) r = $4 }
    END { m = int((n + 1) / 2); printf "%.4f %.2f %d\n", w[m], c[m], r }'
}

# The fixed cost of one run (start, reading the trust anchor, the report): a one-entry Bundle.
cat > "$work/bundle-tiny.json" << 'EOF_TINY'
{"resourceType": "Bundle", "type": "searchset", "total": 1,
 "entry": [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "id": "p1"}}]}
EOF_TINY
"$bin" sign "$work/bundle-tiny.json" --key "$work/pki/leaf-ec.key.pem" --cert "$work/pki/chain.pem" \
  -o "$work/signed-tiny.json" 2> /dev/null
read -r tcw _ _ <<< "$(median /dev/null "$bin" canon -q "$work/signed-tiny.json")"
read -r tvw _ _ <<< "$(median "$work/verify.txt" "$bin" verify "$work/signed-tiny.json" --trust "$work/pki/root-ca.cert.pem")"
grep -q "file verified" "$work/verify.txt" || die "fhirsig did not verify the one-entry Bundle"

baseline=()
linear=()
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# Large Bundles: fhirsig against Node"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); fhirsig $("$bin" --version | awk '{ print $NF }'), Node $(node --version) with canonicalize $canonicalize_version, jose $jose_version"
echo "- load average (1, 5, 15 min) at the start: $load_start; median of $runs runs by wall time"
echo
echo "| Input | canonical | \`fhirsig canon\` wall (s) | MB/s | peak RSS (MiB) | Node canon wall (s) | Node ÷ fhirsig | \`fhirsig verify\` wall (s) | CPU (s) | MB/s | peak RSS (MiB) | × input | Node verify wall (s) | CPU (s) | peak RSS (MiB) | Node ÷ fhirsig (wall) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for mb in "${sizes[@]}"; do
  input="$work/bundle-${mb}MB.json"
  signed="$work/signed-${mb}MB.json"
  echo "== $mb MB" >&2
  "$bin" sign "$input" --key "$work/pki/leaf-ec.key.pem" --cert "$work/pki/chain.pem" -o "$signed" 2> /dev/null
  size=$(stat -c %s "$signed")
  canonical=$("$bin" canon -q "$input" | wc -c)
  read -r cw _ cr <<< "$(median /dev/null "$bin" canon -q "$signed")"
  read -r kw _ _ <<< "$(median /dev/null node "$nodedir/peer.mjs" canon "$signed")"
  read -r vw vc vr <<< "$(median "$work/verify.txt" "$bin" verify "$signed" --trust "$work/pki/root-ca.cert.pem")"
  grep -q "file verified" "$work/verify.txt" || die "fhirsig did not verify $signed"
  if [ -n "${BASELINE:-}" ]; then
    read -r bw bc br <<< "$(median "$work/base.txt" "$BASELINE" verify "$signed" --trust "$work/pki/root-ca.cert.pem")"
    grep -q "file verified" "$work/base.txt" || die "the baseline did not verify $signed"
    baseline+=("| $mb MB | $bw | $bc | $(awk -v r="$br" 'BEGIN { printf "%.1f", r / 1024 }') | $vw | $vc | $(awk -v r="$vr" 'BEGIN { printf "%.1f", r / 1024 }') | $(awk -v b="$bw" -v v="$vw" 'BEGIN { print (v > 0 ? sprintf("%.2f×", b / v) : "(< 0.01 s)") }') |")
  fi
  read -r nw nc nr <<< "$(median "$work/node.txt" node "$nodedir/peer.mjs" verify-file "$signed" ES256)"
  awk -v mb="$mb" -v s="$size" -v k="$canonical" -v cw="$cw" -v cr="$cr" -v kw="$kw" -v vw="$vw" -v vc="$vc" \
    -v vr="$vr" -v nw="$nw" -v nc="$nc" -v nr="$nr" 'BEGIN {
    printf "| %s MB (%.1f MB signed) | %.1f MB | %.3f | %s | %.1f | %.2f | %s | %.3f | %.2f | %s | %.1f | %.1f× | %.2f | %.2f | %.1f | %s |\n",
      mb, s / 1e6, k / 1e6, cw, per(s / 1e6, cw, ""), cr / 1024, kw, per(kw, cw, "×"), vw, vc,
      per(s / 1e6, vw, ""), vr / 1024, vr * 1024 / s, nw, nc, nr / 1024, per(nw, vw, "×") }
    function per(a, b, unit) { return b > 0 ? sprintf("%.1f%s", a / b, unit) : "—" }'
  linear+=("$mb $size $cw $vw")
done
if [ -n "${BASELINE:-}" ]; then
  echo
  echo "Baseline \`$("$BASELINE" --version)\` ($BASELINE) against this build, \`verify\` of the same files:"
  echo
  echo "| Input | baseline wall (s) | CPU (s) | peak RSS (MiB) | this build wall (s) | CPU (s) | peak RSS (MiB) | speed-up (wall) |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${baseline[@]}"
fi
echo
echo "Cost by size: fhirsig's MB/s of the signed file, and with the fixed cost of a run (a one-entry"
echo "Bundle: \`canon\` $(awk -v t="$tcw" 'BEGIN { printf "%.1f", t * 1000 }') ms, \`verify\` $(awk -v t="$tvw" 'BEGIN { printf "%.1f", t * 1000 }') ms) taken off; the last columns compare"
echo "each size's rate with the largest size's (1.00 = the same MB/s):"
echo
echo "| Input | \`canon\` MB/s | less the fixed cost | × the largest's | \`verify\` MB/s | less the fixed cost | × the largest's |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${linear[@]}" | awk -v tc="$tcw" -v tv="$tvw" '
  { mb[NR] = $1; s[NR] = $2 / 1e6; c[NR] = $3; v[NR] = $4 }
  END {
    # The largest input (the one whose fixed cost matters least) is the reference.
    ref = 1; for (i = 2; i <= NR; i++) if (s[i] > s[ref]) ref = i
    rc = s[ref] / (c[ref] - tc); rv = s[ref] / (v[ref] - tv)
    for (i = 1; i <= NR; i++) {
      nc = c[i] > tc ? s[i] / (c[i] - tc) : 0; nv = v[i] > tv ? s[i] / (v[i] - tv) : 0
      printf "| %s MB | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |\n", mb[i], s[i] / c[i], nc, nc / rc,
        s[i] / v[i], nv, nv / rv
    }
  }'
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
