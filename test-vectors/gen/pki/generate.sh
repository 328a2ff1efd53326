#!/usr/bin/env bash
# Builds the fixed test PKI of the published test vectors with the openssl command line. It was
# run ONCE and its output (out/) is committed: the vector generator reads these files, so
# regenerating the vectors is byte-stable. Re-running this script makes new keys, and so new
# signatures in every signed vector; do that only on purpose, then regenerate the vectors.
#
# Every key is RSA-2048 because RS256 (PKCS#1 v1.5) signatures are deterministic; all dates are
# fixed. The vectors verify at 2026-06-01T00:00:00Z and sign at 2026-05-01T00:00:00Z.
#
#   root (2020-01-01..2045-01-01)
#   └─ intermediate (2020-01-01..2040-01-01, pathlen 0)
#      ├─ leaf-good             2026-01-01..2028-01-01, NPI 1234567893, KU digitalSignature+nonRepudiation, EKU documentSigning
#      ├─ leaf-other-key        as leaf-good, another key (a certificate that does not match the signing key)
#      ├─ leaf-expired          2024-01-01..2025-01-01
#      ├─ leaf-not-yet-valid    2027-01-01..2028-01-01
#      ├─ leaf-wrong-key-usage  KU keyEncipherment only
#      ├─ leaf-no-key-usage     no KeyUsage extension
#      ├─ leaf-wrong-eku        EKU serverAuth only
#      ├─ leaf-sha1             signed by the intermediate with SHA-1
#      ├─ leaf-revoked          revoked 2026-03-01 on intermediate.crl.pem
#      └─ leaf-wrong-san        NPI 1111111111
#   intermediate.crl.pem          2026-05-15..2026-08-15, lists leaf-revoked
#   intermediate-stale.crl.pem    2025-01-01..2025-02-01 (past nextUpdate at 2026-06-01)
#   intermediate-future.crl.pem   2026-07-01..2026-10-01 (issued after 2026-06-01)
#   root.crl.pem                  root CRL 2026-05-15..2026-08-15 revoking nothing
#   root-revokes-intermediate.crl.pem  root CRL 2026-05-15..2026-08-15 revoking the intermediate on 2026-03-01
#   forged-intermediate.crl.pem   in the intermediate's name, signed by other-intermediate's key
#   other-root └─ other-intermediate (SAME subject as intermediate, other key) └─ leaf-broken
#   self-signed                   a self-signed signer certificate (CA:FALSE), trusted as its own anchor
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/out"
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > openssl.cnf <<'CNF'
[ca]
default_ca = ca_any
[ca_any]
dir = .
database = $dir/$ENV::CA_NAME.index
new_certs_dir = $dir/newcerts
serial = $dir/$ENV::CA_NAME.serial
crlnumber = $dir/$ENV::CA_NAME.crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectAltName = otherName:2.16.840.1.113883.4.6;UTF8:1234567893, URI:https://example.org/fhir/Practitioner/1234567893
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_leaf_wrong_ku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectAltName = otherName:2.16.840.1.113883.4.6;UTF8:1234567893
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_leaf_no_ku]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectAltName = otherName:2.16.840.1.113883.4.6;UTF8:1234567893
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_leaf_wrong_eku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = serverAuth
subjectAltName = otherName:2.16.840.1.113883.4.6;UTF8:1234567893
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_leaf_wrong_san]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectAltName = otherName:2.16.840.1.113883.4.6;UTF8:1111111111, URI:https://example.org/fhir/Practitioner/1111111111
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_self_signed]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectAltName = otherName:2.16.840.1.113883.4.6;UTF8:1234567893
subjectKeyIdentifier = hash
[crl_ext]
authorityKeyIdentifier = keyid
CNF
mkdir newcerts
export OPENSSL_CONF="$work/openssl.cnf"

init_ca() { export CA_NAME=$1; : > "$1.index"; echo "$2" > "$1.serial"; echo 01 > "$1.crlnumber"; }
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key.pem" 2>/dev/null; }
csr() { openssl req -new -key "$1.key.pem" -subj "$2" -out "$1.csr"; }
# sign NAME CA_NAME CA_STEM EXT START END [MD]
sign() {
  CA_NAME=$2 openssl ca -batch -config openssl.cnf -notext -in "$1.csr" -out "$1.cert.pem" \
    -cert "$3.cert.pem" -keyfile "$3.key.pem" -extensions "$4" -startdate "$5" -enddate "$6" -md "${7:-sha256}" 2>/dev/null
}
# selfsign NAME EXT START END
selfsign() {
  CA_NAME=$1 openssl ca -batch -config openssl.cnf -notext -selfsign -in "$1.csr" -out "$1.cert.pem" \
    -keyfile "$1.key.pem" -extensions "$2" -startdate "$3" -enddate "$4" 2>/dev/null
}
# revoke CA_NAME CERT YYMMDD REASON: revoke, then set the revocation date in the CA database.
revoke() {
  CA_NAME=$1 openssl ca -batch -config openssl.cnf -cert "$1.cert.pem" -keyfile "$1.key.pem" \
    -revoke "$2.cert.pem" -crl_reason "$4" 2>/dev/null
  awk -F'\t' -v d="$3" 'BEGIN{OFS="\t"} $1=="R"{split($3,a,","); $3=d "000000Z," a[2]} {print}' \
    "$1.index" > idx && mv idx "$1.index"
}
# crl CA_NAME OUT LAST NEXT [KEY_STEM]
crl() {
  CA_NAME=$1 openssl ca -batch -config openssl.cnf -gencrl -cert "$1.cert.pem" \
    -keyfile "${5:-$1}.key.pem" -crlexts crl_ext -crl_lastupdate "$3" -crl_nextupdate "$4" -out "$2" 2>/dev/null
}
subject() { echo "/O=fhirsig test vectors/CN=$1"; }

key root; init_ca root 1000
csr root "$(subject "fhirsig vectors root CA")"
selfsign root v3_root 20200101000000Z 20450101000000Z

key intermediate
csr intermediate "$(subject "fhirsig vectors intermediate CA")"
sign intermediate root root v3_intermediate 20200101000000Z 20400101000000Z
init_ca intermediate 2000

leaves="leaf-good leaf-other-key leaf-expired leaf-not-yet-valid leaf-wrong-key-usage leaf-no-key-usage leaf-wrong-eku leaf-sha1 leaf-revoked leaf-wrong-san"
for leaf in $leaves; do
  key "$leaf"
  csr "$leaf" "$(subject "fhirsig vectors signer $leaf")"
done
sign leaf-good intermediate intermediate v3_leaf 20260101000000Z 20280101000000Z
sign leaf-other-key intermediate intermediate v3_leaf 20260101000000Z 20280101000000Z
sign leaf-expired intermediate intermediate v3_leaf 20240101000000Z 20250101000000Z
sign leaf-not-yet-valid intermediate intermediate v3_leaf 20270101000000Z 20280101000000Z
sign leaf-wrong-key-usage intermediate intermediate v3_leaf_wrong_ku 20260101000000Z 20280101000000Z
sign leaf-no-key-usage intermediate intermediate v3_leaf_no_ku 20260101000000Z 20280101000000Z
sign leaf-wrong-eku intermediate intermediate v3_leaf_wrong_eku 20260101000000Z 20280101000000Z
sign leaf-sha1 intermediate intermediate v3_leaf 20260101000000Z 20280101000000Z sha1
sign leaf-revoked intermediate intermediate v3_leaf 20260101000000Z 20280101000000Z
sign leaf-wrong-san intermediate intermediate v3_leaf_wrong_san 20260101000000Z 20280101000000Z

crl intermediate intermediate-stale.crl.pem 20250101000000Z 20250201000000Z
revoke intermediate leaf-revoked 260301 keyCompromise
crl intermediate intermediate.crl.pem 20260515000000Z 20260815000000Z
crl intermediate intermediate-future.crl.pem 20260701000000Z 20261001000000Z

crl root root.crl.pem 20260515000000Z 20260815000000Z
revoke root intermediate 260301 cACompromise
crl root root-revokes-intermediate.crl.pem 20260515000000Z 20260815000000Z

key other-root; init_ca other-root 3000
csr other-root "$(subject "fhirsig vectors other root CA")"
selfsign other-root v3_root 20200101000000Z 20450101000000Z
key other-intermediate
csr other-intermediate "$(subject "fhirsig vectors intermediate CA")"
sign other-intermediate other-root other-root v3_intermediate 20200101000000Z 20400101000000Z
init_ca other-intermediate 4000
key leaf-broken
csr leaf-broken "$(subject "fhirsig vectors signer leaf-broken")"
sign leaf-broken other-intermediate other-intermediate v3_leaf 20260101000000Z 20280101000000Z
crl other-intermediate forged-intermediate.crl.pem 20260515000000Z 20260815000000Z

key self-signed; init_ca self-signed 5000
csr self-signed "$(subject "fhirsig vectors self-signed signer")"
selfsign self-signed v3_self_signed 20260101000000Z 20280101000000Z

cp ./*.cert.pem ./*.key.pem ./*.crl.pem "$out/"
# Independent oracle: openssl itself must agree on the good and revoked chains at 2026-06-01.
at=$(date -u -d 2026-06-01T00:00:00Z +%s)
openssl verify -attime "$at" -CAfile root.cert.pem -untrusted intermediate.cert.pem leaf-good.cert.pem >/dev/null
if openssl verify -attime "$at" -crl_check -CRLfile intermediate.crl.pem -CAfile root.cert.pem \
  -untrusted intermediate.cert.pem leaf-revoked.cert.pem >/dev/null 2>&1; then
  echo "generate.sh: openssl accepted the revoked leaf" >&2; exit 1
fi
echo "generate.sh: wrote $(ls "$out" | wc -l) files to $out"
