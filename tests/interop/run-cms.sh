#!/usr/bin/env bash
# CMS (CAdES-BES detached) interoperability with the openssl command line, in both directions:
#  (a) fhirsig's .p7s (RSA and EC signers) verified by `openssl cms -verify`;
#  (b) openssl-made detached signatures (RSA and EC; with signed attributes and with -noattr)
#      verified by `fhirsig doc verify`; a changed document must fail both ways.
# Builds fhirsig and a throw-away PKI with openssl in a temp folder. Exits non-zero on any
# disagreement.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo build --quiet -p fhirsig-cli
bin="$root/target/debug/fhirsig"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "run-cms: FAIL: $*" >&2; exit 1; }

# A root CA (RSA) and two signers under it: RSA-2048 and EC P-256, documentSigning EKU.
cat > leaf.cnf <<'CNF'
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 30 \
  -subj "/CN=run-cms root" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
serial=10
for kind in rsa ec; do
  openssl req -new -key "$kind.key" -subj "/CN=run-cms $kind signer" -out "$kind.csr"
  serial=$((serial + 1))
  openssl x509 -req -in "$kind.csr" -CA root.pem -CAkey root.key -set_serial "$serial" -days 30 \
    -extfile leaf.cnf -extensions leaf -out "$kind.pem" 2>/dev/null
done

printf '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>run-cms</title></ClinicalDocument>\n' > doc.xml
cp doc.xml changed.xml
printf ' ' >> changed.xml
checks=0

echo "== (a) fhirsig signs, openssl verifies"
for kind in rsa ec; do
  "$bin" doc sign doc.xml --format cms --key "$kind.key" --cert "$kind.pem" -o "ours-$kind.p7s" >/dev/null
  openssl cms -verify -binary -inform DER -in "ours-$kind.p7s" -content doc.xml \
    -CAfile root.pem -purpose any -out /dev/null 2>/dev/null || fail "openssl rejects fhirsig's $kind .p7s"
  if openssl cms -verify -binary -inform DER -in "ours-$kind.p7s" -content changed.xml \
    -CAfile root.pem -purpose any -out /dev/null 2>/dev/null; then
    fail "openssl accepts fhirsig's $kind .p7s over a changed document"
  fi
  echo "ok: openssl verifies fhirsig's $kind signature and rejects a changed document"
  checks=$((checks + 2))
done

echo "== (b) openssl signs, fhirsig verifies"
for kind in rsa ec; do
  for attrs in "" "-noattr"; do
    label="$kind${attrs:+ $attrs}"
    out="theirs-$kind$attrs.p7s"
    openssl cms -sign -binary -md sha256 $attrs -in doc.xml -signer "$kind.pem" -inkey "$kind.key" \
      -outform DER -out "$out" 2>/dev/null || fail "openssl cannot sign ($label)"
    "$bin" doc verify "$out" doc.xml --trust root.pem >verify.txt \
      || { cat verify.txt; fail "fhirsig rejects openssl's signature ($label)"; }
    status=0
    "$bin" doc verify "$out" changed.xml --trust root.pem >verify.txt || status=$?
    [ "$status" = 1 ] || { cat verify.txt; fail "fhirsig did not exit 1 for a changed document ($label): $status"; }
    echo "ok: fhirsig verifies openssl's $label signature and rejects a changed document"
    checks=$((checks + 2))
  done
done
echo "run-cms: $checks checks, both directions agree"
