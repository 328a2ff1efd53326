#!/usr/bin/env bash
# Regenerates the published test vectors into a temporary folder and fails on any difference
# from the committed test-vectors/ tree: a case added, removed or changed by hand, or a generator
# change whose output was not committed. Fix by running
#   cargo run -p fhirsig-vectors -- test-vectors/
# and committing the result. Only the generated area folders are compared; README.md and gen/
# are written by hand.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
areas=(jcs payload fhir trust provenance documents)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --locked -p fhirsig-vectors -- "$tmp"
status=0
for area in "${areas[@]}"; do
  if ! diff -r "test-vectors/$area" "$tmp/$area"; then
    status=1
  fi
done
# Anything else in test-vectors/ besides the areas, README.md and gen/ is unexpected.
for entry in test-vectors/*; do
  case "$(basename "$entry")" in
    jcs|payload|fhir|trust|provenance|documents|README.md|gen) ;;
    *) echo "check-regeneration: unexpected $entry (not written by the generator)" >&2; status=1 ;;
  esac
done
if [ "$status" -ne 0 ]; then
  echo "check-regeneration: test-vectors/ differs from what the generator writes" >&2
  exit 1
fi
echo "check-regeneration: $(find "$tmp" -name '*.json' | wc -l) cases regenerate byte for byte"
