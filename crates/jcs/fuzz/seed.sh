#!/usr/bin/env bash
# Writes the seed corpus of the fhirsig-jcs fuzz targets to corpus/<target>/ from the project's
# test data: RFC 8785's examples, the cyberphone JCS inputs, the CDex examples and a few edge
# cases. Nothing is committed; run it before `cargo fuzz run`. Missing suites are skipped.
#
# Usage: crates/jcs/fuzz/seed.sh   (FHIRSIG_VECTORS overrides ../shared/vectors)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
vectors=${FHIRSIG_VECTORS:-$root/../shared/vectors}
out=$here/corpus/jcs_canonicalize
mkdir -p "$out"

copy() { # copy FILE NAME
  [ -f "$1" ] && cp "$1" "$out/$2"
  return 0
}

for f in "$vectors"/jcs-cyberphone/input/*.json; do copy "$f" "cyberphone-$(basename "$f")"; done
for f in "$vectors"/cdex/*.json "$vectors"/cdex/derived/*.json; do copy "$f" "cdex-$(basename "$f")"; done
if [ -f "$vectors/jcs-rfc8785/rfc8785_examples.json" ] && command -v python3 >/dev/null; then
  python3 - "$vectors/jcs-rfc8785/rfc8785_examples.json" "$out" <<'PY'
import json, sys
for case in json.load(open(sys.argv[1], encoding="utf-8"))["cases"]:
    if isinstance(case.get("input"), str):
        with open(f"{sys.argv[2]}/rfc8785-{case['id']}.json", "w", encoding="utf-8") as f:
            f.write(case["input"])
PY
fi
# Edge cases the suites do not cover: duplicates, surrogates, number extremes, deep nesting.
printf '%s' '{"a":1,"a":2}' >"$out/edge-duplicate.json"
printf '%s' '["\ud83d\ude00","\ud800"]' >"$out/edge-surrogates.json"
printf '%s' '[1e308,1e309,-0,5e-324,9007199254740993,1.0000000000000002,123456789012345678901234567890]' >"$out/edge-numbers.json"
printf '%s' '{"\u0000\t\u001f":"\u007f\u2028","€":{"":[]}}' >"$out/edge-escapes.json"
python3 -c 'print("[" * 600 + "]" * 600)' >"$out/edge-deep.json" 2>/dev/null || true
echo "seeded $(ls "$out" | wc -l) files in $out"
