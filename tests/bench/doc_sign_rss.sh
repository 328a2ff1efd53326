#!/usr/bin/env bash
# Peak resident memory of `fhirsig doc sign --sigd` (and `--format cms`) over a 1 GB file,
# measured by GNU time (Debian package `time`). The file is sparse, made in a temp folder and
# deleted afterwards; the goal is a peak under 64 MB whatever the file size (documents are hashed
# while read, 64 KiB at a time).
# usage: tests/bench/doc_sign_rss.sh [FHIRSIG_BINARY]   (default: builds target/debug/fhirsig)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
bin=${1:-}
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --quiet -p fhirsig-cli)
  bin="$root/target/debug/fhirsig"
fi
pki="$root/tests/fixtures/openssl-pki/out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat "$pki/leaf-good.cert.pem" "$pki/intermediate.cert.pem" > "$work/chain.pem"
truncate -s 1G "$work/big.bin"
status=0
for format in "--sigd" "--format cms"; do
  # shellcheck disable=SC2086
  peak=$(/usr/bin/time -f %M "$bin" doc sign "$work/big.bin" $format --key "$pki/leaf-good.key.pem" \
    --cert "$work/chain.pem" -o "$work/sig" 2>&1 >/dev/null | tail -1)
  awk -v f="$format" -v p="$peak" 'BEGIN { printf "doc sign %s, 1 GiB file: peak RSS %.1f MiB\n", f, p/1024 }'
  [ "$peak" -lt 65536 ] || { echo "over the 64 MB goal" >&2; status=1; }
done
exit $status
