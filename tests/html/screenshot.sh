#!/usr/bin/env bash
# Renders `fhirsig verify --html` in a real headless browser (Debian's chromium) and checks the
# screenshot: verified and not-verified badges and certificate time lines must be painted.
# usage: tests/html/screenshot.sh [OUT.png]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "== installing chromium (Debian package)"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi
cargo build --quiet -p fhirsig-cli --manifest-path "$root/Cargo.toml"
bin="$root/target/debug/fhirsig"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --dir "$work" > /dev/null
"$bin" verify "$work/searchset.signed.json" "$work/document.signed.json" "$work/searchset.tampered.json" \
  --trust "$work/pki/root-ca.cert.pem" --html "$work/report.html" > /dev/null 2>&1 || true
[ -s "$work/report.html" ] || { echo "screenshot: no report was written" >&2; exit 1; }
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,3200 \
  --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1
[ -s "$work/report.png" ] || { echo "screenshot: chromium wrote no screenshot" >&2; exit 1; }
if [ -n "$out" ]; then cp "$work/report.png" "$out"; fi
python3 "$here/png_colours.py" "$work/report.png"
