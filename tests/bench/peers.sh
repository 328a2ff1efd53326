#!/usr/bin/env bash
# fhirsig against peer implementations, on the same generated inputs, in one run (manual
# benchmark; slow, not run by CI). Peers:
#   Node:   npm canonicalize (RFC 8785) + jose (JWS), pinned in peers/node-setup.sh, installed into
#           target/bench-node/
#   Python: PyPI rfc8785 + jwcrypto + cryptography, pinned in tests/interop/requirements.txt,
#           venv under target/interop-venv (shared with tests/interop/run-fhir.sh)
# 1. RFC 8785 of the 1 MB and 30 MB benchmark Bundles (cargo bench -p fhirsig-jcs --bench throughput
#    -- --write DIR): the three outputs must be byte-identical; whole-process best of WHOLE_RUNS by
#    CPU time, in-process best of RUNS (fhirsig: whole process minus its start-up), peak RSS.
# 2. CDex signing and verification of COUNT small Bundles, ES256 and RS256, one at a time (fhirsig
#    verify also with -j 2). fhirsig signs through the library (cli/examples/gen_batch.rs) and
#    verifies fully (CDex checks, x5c chain to the trusted root, validity, identity); the peers
#    verify only the signature over the canonical payload with x5c[0]'s key.
# Prints Markdown tables. Times are wall and CPU (user+sys) seconds: for whole processes from the
# kernel (wait4) with peak RSS from GNU time (/usr/bin/time -f %M), for the peers' loops from their
# own clocks. Prefer the CPU figures on a busy machine: load inflates wall time.
# usage: tests/bench/peers.sh   (env: COUNT=10000 RUNS=5 WHOLE_RUNS=3 KEEP=1 keeps the work folder)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
count=${COUNT:-10000}
runs=${RUNS:-5}
whole_runs=${WHOLE_RUNS:-3}

die() { echo "peers: $*" >&2; exit 1; }
for tool in node npm python3 cargo; do command -v "$tool" >/dev/null || die "needs $tool"; done
[ -x /usr/bin/time ] || die "needs GNU time: apt-get install time"

echo "== build fhirsig (release), Python venv, Node packages" >&2
cargo build --quiet --release -p fhirsig-cli
cargo build --quiet --release -p fhirsig-cli --example gen_batch
bin="$root/target/release/fhirsig"
gen="$root/target/release/examples/gen_batch"
venv="$root/target/interop-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" || die "python3 -m venv failed"
"$venv/bin/pip" install --quiet -r tests/interop/requirements.txt ||
  die "pip install of tests/interop/requirements.txt failed"
py="$venv/bin/python"
. tests/bench/peers/node-setup.sh
peer_node() { node "$nodedir/peer.mjs" "$@"; }
peer_py() { "$py" tests/bench/peers/peer.py "$@"; }

work=$(mktemp -d "$root/target/bench-peers.XXXXXX")
[ -n "${KEEP:-}" ] && echo "peers: work folder $work" >&2 || trap 'rm -rf "$work"' EXIT

# timed OUT CMD...: CMD's stdout to OUT; prints "wall user sys maxrss_KiB". Times come from the
# kernel's rusage of the child (wait4, microseconds; GNU time prints only hundredths), peak RSS
# from GNU time's %M.
timed() {
  local out=$1; shift
  "$py" -c 'import os, subprocess, sys, time
out, rss_file, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as f:
    start = time.perf_counter()
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd, stdout=f)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
if status != 0:
    sys.exit(f"peers: failed ({status}): {cmd}")
rss = open(rss_file).read().split()[-1]
print(f"{wall:.6f} {usage.ru_utime:.6f} {usage.ru_stime:.6f} {rss}")' "$out" "$work/rss.txt" "$@" ||
    die "failed: $*"
}
# best_of N OUT CMD...: "wall cpu rss_MiB" of the run with the least user+sys (RSS: the largest).
# With LOG set, each run's OUT (a peer's one-line JSON report) is appended to LOG.
best_of() {
  local n=$1 out=$2; shift 2
  for ((i = 0; i < n; i++)); do
    timed "$out" "$@"
    if [ -n "${LOG:-}" ]; then cat "$out" >> "$LOG"; fi
  done |
    awk '{ c = $2 + $3; if (NR == 1 || c < b) { b = c; w = $1 } if ($4 > r) r = $4 }
         END { printf "%.6f %.6f %.1f\n", w, b, r / 1024 }'
}
# json FIELD: reads one JSON line on stdin, prints the field.
json() { "$py" -c "import json, sys; print(json.loads(sys.stdin.read())['$1'])"; }
# loop_best LOG [COUNT]: "wall cpu" of the peer's run with the least loop CPU; with COUNT, fails
# unless every run verified COUNT records.
loop_best() {
  "$py" -c 'import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
if len(sys.argv) > 2 and any(r["verified"] != int(sys.argv[2]) for r in runs):
    sys.exit("peers: a peer did not verify every record")
best = min(runs, key=lambda r: r["cpu"])
print(best["wall"], best["cpu"])' "$@"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# fhirsig against peers"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ { print $2 " GiB RAM" }')"
echo "- fhirsig $("$bin" --version 2>/dev/null | awk '{ print $NF }') ($(rustc --version | cut -d' ' -f1-2)); Node $(node --version) with canonicalize $canonicalize_version, jose $jose_version; $("$py" --version) with $("$py" -m pip list 2>/dev/null | awk '$1 == "rfc8785" || $1 == "jwcrypto" || $1 == "cryptography" { printf "%s%s %s", sep, $1, $2; sep = ", " }')"
echo "- load average (1, 5, 15 min) at the start: $load_start"

echo "== inputs: benchmark Bundles (and fhirsig-jcs in-process figures)" >&2
cargo bench --quiet -p fhirsig-jcs --bench throughput -- --write "$work" > "$work/bench.txt" ||
  die "cargo bench -p fhirsig-jcs --bench throughput failed"

echo
echo "## RFC 8785 canonicalisation"
echo
echo "Whole process: \`fhirsig canon -q FILE\`, \`node peer.mjs canon FILE\`, \`python peer.py canon FILE\`,"
echo "output to a file, best of $whole_runs by CPU time (user+sys), start-up included. In-process: the"
echo "peers time parse + canonicalise (text in memory to bytes in memory) with their own clocks, best"
echo "of $runs by CPU; for fhirsig, whole-process CPU minus that of \`fhirsig canon\` on \`{}\` (start-up),"
echo "so it still includes reading the file and writing the output. MB/s: input bytes per CPU second."
echo
echo "| Input | Implementation | whole process: wall (s) | CPU (s) | MB/s | in-process: CPU (ms) | MB/s | peak RSS (MiB) | peer CPU ÷ fhirsig CPU: whole, in-process |"
echo "|---|---|---|---|---|---|---|---|---|"
echo '{}' > "$work/empty.json"
r=$(best_of "$whole_runs" /dev/null "$bin" canon -q "$work/empty.json")
read -r _ ours_base _ <<< "$r"
for name in 1MB 30MB; do
  input="$work/bundle-$name.json"
  size=$(stat -c %s "$input")
  echo "== canonicalise $name" >&2
  r=$(best_of "$whole_runs" "$work/canon-fhirsig-$name.json" "$bin" canon -q "$input")
  read -r ours_wall ours_cpu ours_rss <<< "$r"
  ours_in=$(awk -v c="$ours_cpu" -v b="$ours_base" 'BEGIN { printf "%.6f", c - b }')
  awk -v n="$name" -v s="$size" -v w="$ours_wall" -v c="$ours_cpu" -v i="$ours_in" -v r="$ours_rss" 'BEGIN {
    printf "| %s | fhirsig | %.3f | %.3f | %.0f | %.1f | %.0f | %.1f | 1 |\n", n, w, c, s / 1e6 / c, i * 1e3, s / 1e6 / i, r }'
  for peer in node python; do
    case $peer in
      node) cmd=(node "$nodedir/peer.mjs") label="Node canonicalize" ;;
      python) cmd=("$py" tests/bench/peers/peer.py) label="Python rfc8785" ;;
    esac
    "${cmd[@]}" canon-bench "$input" "$runs" "$work/inproc-$peer-$name.json" > "$work/inproc.json"
    in_cpu=$(json best_cpu < "$work/inproc.json")
    r=$(best_of "$whole_runs" "$work/canon-$peer-$name.json" "${cmd[@]}" canon "$input")
    read -r wall cpu rss <<< "$r"
    for out in "$work/canon-$peer-$name.json" "$work/inproc-$peer-$name.json"; do
      cmp -s "$work/canon-fhirsig-$name.json" "$out" || die "$label output differs from fhirsig's on $name ($out)"
    done
    awk -v n="$name" -v l="$label" -v s="$size" -v w="$wall" -v c="$cpu" -v i="$in_cpu" -v r="$rss" \
      -v oc="$ours_cpu" -v oi="$ours_in" 'BEGIN {
      printf "| %s | %s | %.3f | %.3f | %.1f | %.1f | %.1f | %.1f | %.1f×, %.1f× |\n",
        n, l, w, c, s / 1e6 / c, i * 1e3, s / 1e6 / i, r, c / oc, i / oi }'
  done
done
echo
bench_mbps() { awk -v n="$1 fhirsig-jcs parse+canonicalise" 'index($0, n) == 1 { print $(NF - 10) }' "$work/bench.txt"; }
echo "For reference, the fhirsig-jcs throughput bench in the same run (library, in-process, best wall"
echo "time of 200 or 15 runs, so inflated by load): $(bench_mbps 1MB) MB/s on 1MB, $(bench_mbps 30MB) MB/s on 30MB."
echo
echo "All three canonical outputs byte-identical on both inputs (whole-process and in-process)."

echo
echo "## CDex sign and verify, $count small Bundles"
echo
echo "One searchset Bundle with one Observation per record (about 0.4 KB unsigned). Payload = Bundle"
echo "minus id/meta/signature, RFC 8785, detached JWS with x5c (leaf + intermediate), sigT, srCms."
echo "fhirsig signs through the library (gen_batch; CPU minus a 0-record run, which makes the test PKI)"
echo "and verifies with \`fhirsig verify --ndjson F --trust ROOT --json -j N\`: CDex checks, chain to the"
echo "root, validity, identity. Peers verify ONLY the JWS signature over the canonical payload with"
echo "x5c[0]'s key (no chain, no checks), one record at a time, and sign with keys from \`fhirsig pki"
echo "init\`; fhirsig then verifies every peer-signed record (untimed) to check them. Peer CPU is"
echo "their loop (after start-up and imports); whole-process CPU is in brackets. records/s by CPU."
echo
echo "| Operation | Implementation | wall (s) | CPU (s) | records/s by CPU | peak RSS (MiB) | peer CPU ÷ fhirsig CPU |"
echo "|---|---|---|---|---|---|---|"
"$bin" pki init "$work/pki" > /dev/null
for alg in ES256 RS256; do
  echo "== sign and verify $alg" >&2
  case $alg in ES256) stem=leaf-ec ;; RS256) stem=leaf-rsa ;; esac
  [ -f "$work/pki/$stem.key.pem" ] || die "fhirsig pki init wrote no $stem.key.pem"
  cat "$work/pki/$stem.cert.pem" "$work/pki/intermediate-ca.cert.pem" > "$work/pki/$alg-chain.pem"
  r=$(best_of "$whole_runs" /dev/null "$gen" "$work/$alg-empty" 0 "$alg")
  read -r base_wall base_cpu _ <<< "$r"
  r=$(best_of 1 /dev/null "$gen" "$work/$alg" "$count" "$alg")
  read -r wall cpu rss <<< "$r"
  batch="$work/$alg/batch-$alg.ndjson"
  sign_cpu=$(awk -v c="$cpu" -v b="$base_cpu" 'BEGIN { printf "%.6f", c - b }')
  awk -v a="$alg" -v w="$(awk -v w="$wall" -v b="$base_wall" 'BEGIN { print w - b }')" -v c="$sign_cpu" -v r="$rss" -v n="$count" 'BEGIN {
    printf "| sign %s | fhirsig (library, 1 thread) | %.2f | %.2f | %.0f | %.1f | 1 |\n", a, w, c, n / c, r }'
  # The peers' input: the same Bundles without their signatures.
  "$py" -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line); del d["signature"]
    print(json.dumps(d, ensure_ascii=False, separators=(",", ":")))' "$batch" > "$work/$alg/unsigned.ndjson"
  for peer in node python; do
    case $peer in
      node) cmd=(node "$nodedir/peer.mjs") label="Node jose + canonicalize" ;;
      python) cmd=("$py" tests/bench/peers/peer.py) label="Python jwcrypto + rfc8785" ;;
    esac
    signed="$work/$alg/signed-$peer.ndjson"
    rm -f "$work/runs.jsonl"
    r=$(LOG="$work/runs.jsonl" best_of 1 "$work/sign.json" "${cmd[@]}" sign "$work/$alg/unsigned.ndjson" \
      "$work/pki/$stem.key.pem" "$work/pki/$alg-chain.pem" "$alg" "$signed")
    read -r _ whole rss <<< "$r"
    r=$(loop_best "$work/runs.jsonl")
    read -r loop_wall loop_cpu <<< "$r"
    "$bin" verify --ndjson "$signed" --trust "$work/pki/root-ca.cert.pem" --json > "$work/check.jsonl" ||
      die "fhirsig does not verify every $label $alg record"
    [ "$(grep -c '"verified":true' "$work/check.jsonl")" = "$count" ] || die "fhirsig verified too few $label records"
    awk -v a="$alg" -v l="$label" -v n="$count" -v w="$loop_wall" -v c="$loop_cpu" -v t="$whole" \
      -v r="$rss" -v oc="$sign_cpu" 'BEGIN {
      printf "| sign %s | %s | %.2f | %.2f (%.2f) | %.0f | %.1f | %.1f× |\n", a, l, w, c, t, n / c, r, c / oc }'
  done
  for jobs in 1 2; do
    r=$(best_of "$whole_runs" "$work/out.jsonl" "$bin" verify --ndjson "$batch" \
      --trust "$work/$alg/root-ca.cert.pem" --json -j "$jobs")
    read -r wall cpu rss <<< "$r"
    [ "$(grep -c '"verified":true' "$work/out.jsonl")" = "$count" ] || die "fhirsig verified too few $alg records"
    if [ "$jobs" = 1 ]; then verify_cpu=$cpu; fi
    awk -v a="$alg" -v j="$jobs" -v w="$wall" -v c="$cpu" -v r="$rss" -v n="$count" 'BEGIN {
      printf "| verify %s | fhirsig full verification, -j %d | %.2f | %.2f | %.0f (wall: %.0f) | %.1f | %s |\n",
        a, j, w, c, n / c, n / w, r, j == 1 ? "1" : "" }'
  done
  for peer in node python; do
    case $peer in
      node) cmd=(node "$nodedir/peer.mjs") label="Node jose + canonicalize" ;;
      python) cmd=("$py" tests/bench/peers/peer.py) label="Python jwcrypto + rfc8785" ;;
    esac
    rm -f "$work/runs.jsonl"
    r=$(LOG="$work/runs.jsonl" best_of "$whole_runs" "$work/verify.json" "${cmd[@]}" verify "$batch" "$alg")
    read -r _ whole rss <<< "$r"
    r=$(loop_best "$work/runs.jsonl" "$count") || die "$label did not verify every $alg record"
    read -r loop_wall loop_cpu <<< "$r"
    awk -v a="$alg" -v l="$label" -v n="$count" -v w="$loop_wall" -v c="$loop_cpu" -v t="$whole" \
      -v r="$rss" -v oc="$verify_cpu" 'BEGIN {
      printf "| verify %s | %s, signature only | %.2f | %.2f (%.2f) | %.0f | %.1f | %.1f× |\n", a, l, w, c, t, n / c, r, c / oc }'
  done
done
echo
echo "Every implementation verified all $count records of each batch."
echo
echo "- load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
