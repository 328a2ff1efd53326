#!/usr/bin/env bash
# JWS interoperability in both directions with PyPI jwcrypto (versions pinned in
# requirements.txt): jwcrypto verifies fhirsig's detached JWS, and fhirsig verifies jwcrypto's.
# Creates a venv under target/interop-venv. Exits non-zero on any disagreement.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/target/interop-venv"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/pip" install --quiet -r tests/interop/requirements.txt; then
  echo "run-jws: pip install of tests/interop/requirements.txt failed" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== fhirsig signs"
cargo run --quiet -p fhirsig-core --example jws_interop -- "$work"
echo "== jwcrypto verifies fhirsig's JWS"
"$venv/bin/python" tests/interop/jws_interop.py verify-ours "$work"
echo "== jwcrypto signs"
"$venv/bin/python" tests/interop/jws_interop.py produce "$work"
echo "== fhirsig verifies jwcrypto's JWS"
cargo run --quiet -p fhirsig-core --example jws_interop -- verify "$work"
echo "run-jws: both directions agree"
