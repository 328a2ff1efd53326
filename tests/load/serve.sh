#!/usr/bin/env bash
# Load on `fhirsig serve` (release build) with Debian's wrk, on 127.0.0.1 only:
#  1. 10 s of $verify-signature on a small signed CDex Bundle at 64 connections: zero non-2xx,
#     throughput next to the CLI's batch rate (`fhirsig verify --ndjson`) on the same machine,
#     p99 latency and the server's peak RSS reported (reported, never asserted);
#  2. 10 s with every 10th body malformed and slow clients holding connections: every valid
#     request answered 200, every malformed one 400, the slow connections closed by the
#     server's header timeout, nothing crashes;
#  3. SIGTERM during load: every request the server accepted (audited) got a complete answer,
#     and the server exits 0.
# Also: the Python peer (PyPI jwcrypto + rfc8785) verifies what $sign returned.
# Usage: tests/load/serve.sh [SECONDS]   (default 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds=${1:-10}
cargo build --quiet --release --locked -p fhirsig-cli
bin="$root/target/release/fhirsig"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin" pki init "$work/pki" >/dev/null 2>&1
cat "$work/pki/leaf-ec.cert.pem" "$work/pki/intermediate-ca.cert.pem" > "$work/chain.pem"
cat > "$work/bundle.json" <<'JSON'
{"resourceType": "Bundle", "id": "b1", "type": "searchset", "total": 1, "entry": [
  {"fullUrl": "https://ehr.example.org/fhir/Observation/1", "search": {"mode": "match"},
   "resource": {"resourceType": "Observation", "id": "1", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}], "text": "Heart rate"},
    "subject": {"reference": "Patient/p1"}, "valueQuantity": {"value": 72, "unit": "/min"}}}]}
JSON
"$bin" sign "$work/bundle.json" --key "$work/pki/leaf-ec.key.pem" --cert "$work/chain.pem" \
  -o "$work/signed.json" 2>/dev/null

start_server() { # start_server LOG ARGS...: sets pid and port
  local log=$1; shift
  "$bin" serve --listen 127.0.0.1:0 --trust "$work/pki/root-ca.cert.pem" "$@" 2>"$log" &
  pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "serve.sh: the server did not start: $(cat "$log")" >&2
  exit 1
}
stop_server() { kill -TERM "$pid"; wait "$pid"; pid=""; }
peak_rss() { awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$pid/status"; }

echo "== the Python peer verifies what \$sign returned"
start_server "$work/serve-sign.log" --key "$work/pki/leaf-ec.key.pem" --cert "$work/chain.pem"
mkdir -p "$work/peer"
python3 - "$port" "$work/bundle.json" "$work/peer/served.signed.json" <<'PY'
import sys, urllib.request
port, source, target = sys.argv[1:4]
request = urllib.request.Request(f"http://127.0.0.1:{port}/fhir/$sign", data=open(source, "rb").read(),
                                 headers={"Content-Type": "application/fhir+json"}, method="POST")
with urllib.request.urlopen(request) as response:
    assert response.status == 200, response.status
    open(target, "wb").write(response.read())
PY
stop_server
venv="$root/target/interop-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet -r tests/interop/requirements.txt
"$venv/bin/python" tests/interop/fhir_interop.py verify-ours "$work/peer"

echo "== CLI batch rate on this machine (fhirsig verify --ndjson, 20,000 records, both cores)"
python3 - "$work/signed.json" "$work/batch.ndjson" <<'PY'
import json, sys
line = json.dumps(json.load(open(sys.argv[1])), separators=(",", ":"), ensure_ascii=False)
open(sys.argv[2], "w").write((line + "\n") * 20000)
PY
start_ns=$(date +%s%N)
"$bin" verify --ndjson "$work/batch.ndjson" --trust "$work/pki/root-ca.cert.pem" --json > /dev/null
cli_rate=$(( 20000 * 1000000000 / ($(date +%s%N) - start_ns) ))
echo "cli: $cli_rate records/s"

wrk_run() { # wrk_run NAME: runs wrk against $port, leaves its output in $work/NAME.wrk
  SIGNED_BODY_FILE="$work/signed.json" wrk -t2 -c64 -d"${seconds}s" --latency -s tests/load/verify.lua \
    "http://127.0.0.1:$port/fhir/\$verify-signature" > "$work/$1.wrk"
}

echo "== $seconds s of \$verify-signature at 64 connections"
start_server "$work/serve-1.log"
MALFORMED_EVERY=0 wrk_run plain
rss=$(peak_rss)
stop_server
cat "$work/plain.wrk"
rate=$(awk '/Requests\/sec/ {printf "%d", $2}' "$work/plain.wrk")
non2xx=$(awk '/Non-2xx/ {print $5}' "$work/plain.wrk"); non2xx=${non2xx:-0}
errors=$(awk '/Socket errors/ {print}' "$work/plain.wrk")
unexpected=$(sed -n 's/.*unexpected=\([0-9]*\).*/\1/p' "$work/plain.wrk")
p99=$(sed -n 's/^p99_ms=\([0-9.]*\).*/\1/p' "$work/plain.wrk")
echo "serve: $rate requests/s, p99 $p99 ms, peak RSS $rss; cli batch: $cli_rate records/s;" \
  "ratio $(awk -v a="$rate" -v b="$cli_rate" 'BEGIN {printf "%.2f", a / b}')"
if [ "$non2xx" != 0 ] || [ "${unexpected:-1}" != 0 ] || [ -n "$errors" ]; then
  echo "FAIL: $non2xx non-2xx, ${unexpected:-?} unexpected answers, $errors" >&2
  exit 1
fi

echo "== $seconds s with every 10th body malformed and 8 slow clients (header timeout 3 s)"
start_server "$work/serve-2.log" --request-timeout 3
python3 tests/load/slow_client.py 127.0.0.1 "$port" 8 1 "$((seconds + 5))" > "$work/slow.json" &
slow=$!
MALFORMED_EVERY=10 wrk_run mixed
wait "$slow"
kill -0 "$pid"  # still alive
stop_server
grep -E "Requests/sec|counts|p99" "$work/mixed.wrk"
echo "slow clients: $(cat "$work/slow.json")"
read -r valid bad unexpected < <(sed -n 's/^counts valid_ok=\([0-9]*\) malformed_400=\([0-9]*\) unexpected=\([0-9]*\)$/\1 \2 \3/p' "$work/mixed.wrk")
closed=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["closed_by_server"] == d["connections"])' "$work/slow.json")
share=$(awk -v v="${valid:-0}" -v b="${bad:-0}" 'BEGIN {if (v + b == 0) print 0; else printf "%.3f", b / (v + b)}')
echo "malformed share of the answers: $share (sent: 0.100)"
if [ "${unexpected:-1}" != 0 ] || [ "${valid:-0}" -eq 0 ] || [ "${bad:-0}" -eq 0 ] || [ "$closed" != True ] \
   || awk -v s="$share" 'BEGIN {exit !(s < 0.095 || s > 0.105)}'; then
  echo "FAIL: valid_ok=$valid malformed_400=$bad unexpected=$unexpected slow closed=$closed" >&2
  exit 1
fi

echo "== SIGTERM during load: every accepted request gets a complete answer"
start_server "$work/serve-3.log" --audit-log "$work/audit.jsonl"
python3 tests/load/shutdown_client.py 127.0.0.1 "$port" "$work/signed.json" 16 8 > "$work/shutdown.json" &
client=$!
sleep 2
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
pid=""
wait "$client"
audited=$(grep -c '"outcome":"verified"' "$work/audit.jsonl" || true)
echo "client: $(cat "$work/shutdown.json"); server exit $status; audited answers: $audited"
python3 - "$work/shutdown.json" "$audited" "$status" <<'PY'
import json, sys
counts, audited, status = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
problems = []
if status != 0: problems.append(f"server exit status {status}")
if counts["incomplete"] or counts["other_status"]: problems.append(f"incomplete or failed answers: {counts}")
if counts["complete"] != audited: problems.append(f"{audited} requests accepted, {counts['complete']} complete answers")
if counts["complete"] == 0: problems.append("no request was answered before the signal")
if problems: sys.exit("FAIL: " + "; ".join(problems))
print(f"ok    {audited} accepted requests, {counts['complete']} complete answers, {counts['not_answered']} refused after the signal")
PY
echo "== serve load: all checks passed"
