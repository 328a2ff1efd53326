#!/usr/bin/env bash
# Reliability under load and failure, through the release binary:
#  1. a batch of RECORDS NDJSON records (default 1,000,000; 1 % broken) finishes with every
#     record reported exactly once, in order, and a peak RSS under 600 MiB;
#  2. a truncated gzip ends with a clear error, and the HTML report is still whole;
#  3. an output that hits the file-size limit (a full disk, as `ulimit -f` makes it) ends with
#     a clear error, leaves the old file as it was and no temporary file behind;
#  4. a closed pipe (`| head`) ends the run quietly: no panic, no error, a whole HTML report;
#  5. a gzip bomb of large lines (2 GiB inflated) is verified within 600 MiB: memory is bounded
#     by bytes in flight (--max-memory), not by a record count.
# usage: tests/reliability/run.sh [RECORDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
records=${1:-1000000}
cargo build --quiet --release --locked -p fhirsig-cli
bin="$PWD/target/release/fhirsig"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "reliability: $*" >&2; exit 1; }

"$bin" demo --dir "$work/demo" > /dev/null
root="$work/demo/pki/root-ca.cert.pem"

echo "== 1. $records NDJSON records, 1 % broken, gzip'd: every record reported once, peak RSS < 600 MiB"
python3 tests/reliability/batch_check.py generate "$work/demo/document.signed.json" "$records" "$work/batch.ndjson.gz"
python3 tests/reliability/batch_check.py check "$bin" "$root" "$work/batch.ndjson.gz" "$records" 600

echo "== 2. a truncated gzip: a clear error, and the report is whole"
head -c 300000 "$work/batch.ndjson.gz" > "$work/truncated.ndjson.gz"
set +e
"$bin" verify "$work/truncated.ndjson.gz" --trust "$root" --json --html "$work/truncated.html" \
  > "$work/truncated.out" 2> "$work/truncated.err"
status=$?
set -e
[ "$status" -eq 2 ] || fail "truncated gzip: exit $status, expected 2"
grep -q '"type":"record-error"' "$work/truncated.out" || fail "truncated gzip: no record-error line"
grep -q 'incomplete deflate stream\|unexpected end' "$work/truncated.out" \
  || fail "truncated gzip: the error does not say the stream ended early: $(grep record-error "$work/truncated.out" | tail -1)"
tail -c 8 "$work/truncated.html" | grep -q '</html>' || fail "truncated gzip: the HTML report is not whole"

echo "== 3. a full disk (ulimit -f): a clear error, the old output kept, no temporary file left"
python3 -c "
import json,sys
entries=[{'resource':{'resourceType':'Observation','id':'o%d'%i,'status':'final','valueQuantity':{'value':i/3}}} for i in range(60000)]
json.dump({'resourceType':'Bundle','type':'collection','entry':entries},open(sys.argv[1],'w'))" "$work/big.json"
mkdir "$work/out"
echo '{"kept": true}' > "$work/out/canon.json"
set +e
(
  trap '' XFSZ  # report the write error instead of dying of the signal
  ulimit -f 64  # 64 KiB: far less than the canonical output
  exec "$bin" canon "$work/big.json" -o "$work/out/canon.json"
) 2> "$work/full.err"
status=$?
set -e
[ "$status" -eq 2 ] || fail "full disk: exit $status, expected 2 ($(cat "$work/full.err"))"
grep -qi 'file too large\|no space\|cannot write' "$work/full.err" || fail "full disk: unclear error: $(cat "$work/full.err")"
[ "$(cat "$work/out/canon.json")" = '{"kept": true}' ] || fail "full disk: the old output was changed"
[ "$(ls -A "$work/out" | wc -l)" -eq 1 ] || fail "full disk: left behind: $(ls -A "$work/out")"

echo "== 4. a closed pipe: the run ends quietly, and --html is still whole"
python3 -c "
import json,sys
record=json.dumps(json.load(open(sys.argv[1])),separators=(',',':'))
open(sys.argv[2],'w').write((record+'\\n')*20000)" "$work/demo/document.signed.json" "$work/clean.ndjson"
for html in "" "$work/pipe.html"; do
  set +e
  "$bin" verify "$work/clean.ndjson" --trust "$root" ${html:+--html "$html"} 2> "$work/pipe.err" \
    | head -n 3 > /dev/null
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || fail "closed pipe${html:+ with --html}: exit $status ($(cat "$work/pipe.err"))"
  if [ -s "$work/pipe.err" ] && ! grep -q '^fhirsig: info: report written' "$work/pipe.err"; then
    fail "closed pipe${html:+ with --html}: $(cat "$work/pipe.err")"
  fi
done
tail -c 8 "$work/pipe.html" | grep -q '</html>' || fail "closed pipe: the HTML report is not whole"
grep -c 'class="sig"' "$work/pipe.html" | grep -q '^20000$' || fail "closed pipe: the HTML report lacks records"

echo "== 5. a gzip bomb of large lines: verified within 600 MiB"
python3 tests/reliability/batch_check.py bomb "$bin" "$root" "$work/bomb.ndjson.gz" 600

echo "== reliability: all checks passed"
