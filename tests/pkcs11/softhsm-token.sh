#!/usr/bin/env bash
# Creates a SoftHSM2 token for the PKCS#11 tests in a folder of its own and imports the
# key-file fixtures' P-256 and RSA-3072 keys with their certificates and the CA certificate,
# using Debian's softhsm2-util and OpenSC's pkcs11-tool (independent of fhirsig).
#   usage: tests/pkcs11/softhsm-token.sh DIR      then: export SOFTHSM2_CONF=DIR/softhsm2.conf
# Token "fhirsig-test", user PIN in DIR/pin.txt (mode 0600); objects:
#   ec-signer  (id 01): P-256 private key + certificate      rsa-signer (id 02): RSA-3072 + certificate
#   test-ca    (id 0a): the CA certificate (chain completion from the token)
#   p384-signer (id 03): P-384 key made now, self-signed certificate (also DIR/p384.cert.pem)
#   bare-ec    (id 04): P-256 private key only, no certificate or public key object on the
#              token (its certificate is DIR/bare.cert.pem, to pass as --cert)
#   no-pin token "fhirsig-nopin": initialised without a user PIN (logins refused)
set -euo pipefail
dir=$(mkdir -p "$1" && cd "$1" && pwd)
root="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="$root/tests/fixtures/key-files"
module="${FHIRSIG_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
rm -rf "$dir/tokens" && mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir/tokens" > "$dir/softhsm2.conf"
export SOFTHSM2_CONF="$dir/softhsm2.conf"
pin=123456
( umask 077; printf '%s\n' "$pin" > "$dir/pin.txt" )
softhsm2-util --init-token --free --label fhirsig-test --pin "$pin" --so-pin 87654321 >/dev/null
tool() { pkcs11-tool --module "$module" --token-label fhirsig-test --login --pin "$pin" "$@" >/dev/null 2>&1; }
der() { openssl "$1" -in "$2" -outform DER -out "$3" 2>/dev/null; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
openssl pkcs8 -topk8 -nocrypt -in "$fixtures/leaf-p256.key.pem" -outform DER -out "$work/ec.key.der"
openssl pkcs8 -topk8 -nocrypt -in "$fixtures/leaf-rsa3072.key.pem" -outform DER -out "$work/rsa.key.der"
der x509 "$fixtures/leaf-p256.cert.pem" "$work/ec.cert.der"
der x509 "$fixtures/leaf-rsa3072.cert.pem" "$work/rsa.cert.der"
der x509 "$fixtures/ca.cert.pem" "$work/ca.cert.der"
tool --write-object "$work/ec.key.der" --type privkey --id 01 --label ec-signer --usage-sign
tool --write-object "$work/ec.cert.der" --type cert --id 01 --label ec-signer
tool --write-object "$work/rsa.key.der" --type privkey --id 02 --label rsa-signer --usage-sign
tool --write-object "$work/rsa.cert.der" --type cert --id 02 --label rsa-signer
tool --write-object "$work/ca.cert.der" --type cert --id 0a --label test-ca
# Keys made now: a P-384 signer with a self-signed certificate, and a bare EC private key.
npi='subjectAltName=otherName:2.16.840.1.113883.4.6;UTF8:1234567893'
for stem in p384 bare; do
  curve=P-384; [ "$stem" = bare ] && curve=P-256
  openssl req -x509 -newkey ec -pkeyopt "ec_paramgen_curve:$curve" -nodes -keyout "$work/$stem.key.pem" \
    -subj "/CN=fhirsig token $stem" -days 3650 -addext "$npi" \
    -addext "keyUsage=critical,digitalSignature,nonRepudiation" -addext "basicConstraints=critical,CA:FALSE" \
    -out "$dir/$stem.cert.pem" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$work/$stem.key.pem" -outform DER -out "$work/$stem.key.der"
done
der x509 "$dir/p384.cert.pem" "$work/p384.cert.der"
tool --write-object "$work/p384.key.der" --type privkey --id 03 --label p384-signer --usage-sign
tool --write-object "$work/p384.cert.der" --type cert --id 03 --label p384-signer
tool --write-object "$work/bare.key.der" --type privkey --id 04 --label bare-ec --usage-sign
# A second token whose user PIN was never set: every login is refused.
pkcs11-tool --module "$module" --init-token --label fhirsig-nopin --so-pin 87654321 \
  --slot "$(softhsm2-util --show-slots | awk '/^Slot [0-9]+$/ {s=$2} /Token present: no|Initialized: *no/ {print s; exit}')" >/dev/null 2>&1 \
  || softhsm2-util --init-token --free --label fhirsig-nopin --so-pin 87654321 --pin 000000 >/dev/null
echo "SoftHSM2 token ready: SOFTHSM2_CONF=$dir/softhsm2.conf module=$module"
