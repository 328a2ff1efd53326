#!/usr/bin/env bash
# Independent parsing of fhirsig's Provenance: builds Provenance with the CLI for each profile
# and use case (build, for-bundle, for-task, sign, embedded and counter-signatures), then parses
# each with PyPI fhir.resources (R4B models; versions pinned in provenance-requirements.txt).
# Creates a venv under target/provenance-venv. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/target/provenance-venv"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/pip" install --quiet -r tests/interop/provenance-requirements.txt; then
  echo "run-provenance: pip install of tests/interop/provenance-requirements.txt failed" >&2
  exit 1
fi

cargo build --quiet -p fhirsig-cli
fhirsig="$root/target/debug/fhirsig"
demo="$root/cli/src/demo/searchset.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
at=2026-06-01T08:00:00Z

echo "== fhirsig builds Provenance"
"$fhirsig" provenance build --profile us-core --target Condition/123 --author Practitioner/pr1 \
  --author-org Organization/org1 --transmitter Organization/org1 --recorded "$at" \
  --occurred 2026-05-01 -o "$work/us-core.json"
"$fhirsig" provenance build --profile hrex --target Condition/123 --target Encounter/7 \
  --author Practitioner/pr1 --author-org Organization/org1 --transmitter Organization/org1 \
  --recorded "$at" --occurred 2026-05-01T09:00:00Z/2026-05-01T10:00:00Z -o "$work/hrex.json"
"$fhirsig" provenance build --profile pdex --bundle "$demo" --transmitter Organization/payer1 \
  --source-format x12837 --recorded "$at" -o "$work/pdex.json"
"$fhirsig" provenance for-bundle "$demo" --profile hrex --author Organization/ehr1 \
  --transmitter Organization/ehr1 --recorded "$at" -o "$work/cdex-answer.json"
"$fhirsig" provenance for-bundle "$demo" --profile pdex --transmitter Organization/payer1 \
  --source-format hl7v2oru --per-entry --recorded "$at" -o "$work/pdex-per-entry.json"
cat > "$work/task.json" <<'JSON'
{"resourceType":"Task","id":"t1","status":"completed","intent":"order","code":{"text":"attachment request"},
 "output":[{"type":{"text":"document"},"valueReference":{"reference":"Bundle/doc1"}}]}
JSON
cat > "$work/document.json" <<'JSON'
{"resourceType":"Bundle","id":"doc1","type":"document","timestamp":"2026-05-30T12:00:00Z","entry":[],
 "signature":{"type":[{"system":"urn:iso-astm:E1762-95:2013","code":"1.2.840.10065.1.12.1.5"}],
  "when":"2026-05-30T12:00:00Z","who":{"reference":"Practitioner/pr1"},"sigFormat":"application/jose","data":"ZXlK"}}
JSON
"$fhirsig" provenance for-task "$work/task.json" --bundle "$work/document.json" \
  --transmitter Organization/ehr1 --with-signature --recorded "$at" -o "$work/task-provenance.json"

echo "== fhirsig signs Provenance (targets, embedded #/, counter-signature)"
cargo run --quiet -p fhirsig-provenance --example test_pki -- "$work/pki"
"$fhirsig" provenance sign "$work/cdex-answer.json" --key "$work/pki/leaf-ec.key.pem" \
  --cert "$work/pki/chain.pem" --at "$at" -o "$work/signed.json"
"$fhirsig" provenance sign "$work/signed.json" --key "$work/pki/leaf-ec.key.pem" \
  --cert "$work/pki/chain.pem" --at "$at" --embedded --who Organization/ehr1 -o "$work/embedded.json"
"$fhirsig" provenance sign "$work/embedded.json" --key "$work/pki/leaf-ec.key.pem" \
  --cert "$work/pki/chain.pem" --at "$at" --embedded --who Organization/ehr1 -o "$work/counter.json"
"$fhirsig" provenance verify "$work/counter.json" --trust "$work/pki/root-ca.cert.pem" \
  --at 2026-06-02T00:00:00Z

echo "== fhirsig checks its own output"
for f in "$work"/*.json; do
  case "$f" in */task.json|*/document.json) continue ;; esac
  "$fhirsig" provenance check "$f" >/dev/null
done

echo "== fhir.resources (R4B) parses every Provenance"
"$venv/bin/python" tests/interop/provenance_parse.py \
  "$work/us-core.json" "$work/hrex.json" "$work/pdex.json" "$work/cdex-answer.json" \
  "$work/pdex-per-entry.json" "$work/task-provenance.json" "$work/signed.json" \
  "$work/embedded.json" "$work/counter.json"
echo "run-provenance: every Provenance parsed"
