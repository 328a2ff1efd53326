#!/usr/bin/env bash
# Key sources end to end, with independent tools on both sides:
#  - a SoftHSM2 token (Debian softhsm2) with keys imported by OpenSC's pkcs11-tool: the
#    fhirsig-pkcs11 tests (signing, a 1,000-signature batch in one session, wrong PIN, missing
#    object/token/module, a token without a user PIN), then `fhirsig sign`, `doc sign` and
#    `provenance sign` through PKCS#11, verified by fhirsig and by PyPI jwcrypto + rfc8785;
#    wrong PIN / missing object / missing module / refused login exit 2 and never print the PIN;
#  - key files made now by this machine's openssl (PKCS#12 default and -legacy, encrypted
#    PKCS#8 with AES and scrypt, RSA-2056): they sign, jwcrypto verifies, a wrong password exits 2.
# Needs softhsm2-util, pkcs11-tool, openssl and the interop venv's packages (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/target/interop-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet -r tests/interop/requirements.txt
py="$venv/bin/python"
module="${FHIRSIG_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
cargo build --quiet -p fhirsig-cli
bin="$root/target/debug/fhirsig"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== SoftHSM2 token"
tests/pkcs11/softhsm-token.sh "$work/hsm"
export SOFTHSM2_CONF="$work/hsm/softhsm2.conf"
pin_file="$work/hsm/pin.txt"
pin="$(head -n1 "$pin_file")"

echo "== fhirsig-pkcs11 against the token (cargo test -- --ignored)"
FHIRSIG_PKCS11_TEST_DIR="$work/hsm" FHIRSIG_PKCS11_MODULE="$module" \
  cargo test --quiet -p fhirsig-pkcs11 -- --ignored --nocapture 2>&1 | grep -E "signatures (through|with)|test result"

fixtures="$root/tests/fixtures/key-files"
cat > "$work/bundle.json" <<'JSON'
{"resourceType": "Bundle", "id": "b1", "type": "searchset", "entry": [
  {"fullUrl": "https://ehr.example.org/fhir/Observation/1", "resource": {"resourceType": "Observation",
   "id": "1", "status": "final", "code": {"text": "Heart rate"}, "valueQuantity": {"value": 72.50}}}]}
JSON
mkdir -p "$work/peer"
k11() { "$bin" "$@" --pkcs11-module "$module" --pin-file "$pin_file"; }

echo "== fhirsig signs through PKCS#11 (ES256, ES384, RS256, PS256; a bare key with --cert); fhirsig and jwcrypto verify"
k11 sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=ec-signer' -o "$work/peer/hsm-es256.signed.json" 2>/dev/null
k11 sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=rsa-signer' -o "$work/peer/hsm-rs256.signed.json" 2>/dev/null
k11 sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;id=%02' --alg PS256 -o "$work/peer/hsm-ps256.signed.json" 2>/dev/null
k11 sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=p384-signer' -o "$work/peer/hsm-es384.signed.json" 2>/dev/null
k11 sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=bare-ec' --cert "$work/hsm/bare.cert.pem" \
  -o "$work/peer/hsm-bare-es256.signed.json" 2>/dev/null
for f in "$work"/peer/hsm-*.signed.json; do
  trust="$fixtures/ca.cert.pem"
  case "$f" in *es384*) trust="$work/hsm/p384.cert.pem";; *bare*) trust="$work/hsm/bare.cert.pem";; esac
  "$bin" verify "$f" --trust "$trust" >/dev/null
  echo "ok    fhirsig verify $(basename "$f")"
done

echo "== a document and a Provenance signed through PKCS#11"
printf '<ClinicalDocument xmlns="urn:hl7-org:v3"/>\n' > "$work/ccd.xml"
k11 doc sign "$work/ccd.xml" --key 'pkcs11:token=fhirsig-test;object=ec-signer' 2>/dev/null
"$bin" doc verify "$work/ccd.xml.jws" "$work/ccd.xml" --trust "$fixtures/ca.cert.pem" >/dev/null
echo "ok    fhirsig doc verify ccd.xml.jws"
"$py" tests/pkcs11/peer_verify.py document "$work/ccd.xml.jws" "$work/ccd.xml"
"$bin" provenance for-bundle "$work/bundle.json" --profile hrex --author Organization/ehr1 \
  --transmitter Organization/ehr1 --recorded 2026-06-01T00:00:00Z -o "$work/answered.json"
k11 provenance sign "$work/answered.json" --key 'pkcs11:token=fhirsig-test;object=rsa-signer' \
  -o "$work/provenance.signed.json" 2>/dev/null
"$bin" provenance verify "$work/provenance.signed.json" --trust "$fixtures/ca.cert.pem" >/dev/null
echo "ok    fhirsig provenance verify"
"$py" tests/pkcs11/peer_verify.py provenance "$work/provenance.signed.json"

echo "== fhirsig serve signs with the token key over HTTP; fhirsig and jwcrypto verify"
"$bin" serve --listen 127.0.0.1:0 --key 'pkcs11:token=fhirsig-test;object=ec-signer' \
  --pkcs11-module "$module" --pin-file "$pin_file" --trust "$fixtures/ca.cert.pem" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")
  [ -n "$port" ] && break
  sleep 0.1
done
python3 - "$port" "$work/bundle.json" "$work/peer/served-hsm.signed.json" <<'PY'
import sys, urllib.request
port, source, target = sys.argv[1:4]
for _ in range(3):  # three requests through the one token session
    request = urllib.request.Request(f"http://127.0.0.1:{port}/fhir/$sign", data=open(source, "rb").read(),
                                     headers={"Content-Type": "application/fhir+json"}, method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, response.status
        open(target, "wb").write(response.read())
PY
kill -TERM "$serve_pid"; wait "$serve_pid"
if grep -qF -- "$pin" "$work/serve.log"; then echo "FAIL: the PIN is in the server's output" >&2; exit 1; fi
"$bin" verify "$work/peer/served-hsm.signed.json" --trust "$fixtures/ca.cert.pem" >/dev/null
echo "ok    \$sign through PKCS#11; fhirsig verify"

echo "== PKCS#11 failures exit 2 and never print the PIN"
expect_2() { # expect_2 WHAT ARGS...: exit status 2, no PIN in the output
  local what=$1; shift
  set +e; out=$("$@" 2>&1); status=$?; set -e
  if [ "$status" != 2 ]; then echo "FAIL $what: exit $status: $out" >&2; exit 1; fi
  if grep -qF -- "$pin" <<<"$out"; then echo "FAIL $what: the PIN is in the output" >&2; exit 1; fi
  echo "ok    $what: exit 2 ($(head -c 110 <<<"$out"))"
}
printf '999999\n' > "$work/wrong-pin.txt"; chmod 600 "$work/wrong-pin.txt"
expect_2 "wrong PIN" "$bin" sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=ec-signer' \
  --pkcs11-module "$module" --pin-file "$work/wrong-pin.txt"
expect_2 "missing object" "$bin" sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=nope' \
  --pkcs11-module "$module" --pin-file "$pin_file"
expect_2 "missing token" "$bin" sign "$work/bundle.json" --key 'pkcs11:token=absent;object=ec-signer' \
  --pkcs11-module "$module" --pin-file "$pin_file"
expect_2 "missing module" "$bin" sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-test;object=ec-signer' \
  --pkcs11-module /nonexistent/libpkcs11.so --pin-file "$pin_file"
expect_2 "token refusing logins" "$bin" sign "$work/bundle.json" --key 'pkcs11:token=fhirsig-nopin;object=k' \
  --pkcs11-module "$module" --pin-file "$pin_file"
expect_2 "bare key, another key's certificate" "$bin" sign "$work/bundle.json" \
  --key 'pkcs11:token=fhirsig-test;object=bare-ec' --cert "$fixtures/leaf-p256.cert.pem" \
  --pkcs11-module "$module" --pin-file "$pin_file"
expect_2 "PIN in the environment, wrong object" env FHIRSIG_PKCS11_PIN="$pin" "$bin" sign "$work/bundle.json" \
  --key 'pkcs11:token=fhirsig-test;object=nope' --pkcs11-module "$module"
"$bin" keys list --pkcs11-module "$module" --pin-file "$pin_file" | grep -q "private-key  EC"
echo "ok    keys list shows the token's private keys after a login"
FHIRSIG_PKCS11_TEST_DIR="$work/hsm" FHIRSIG_PKCS11_MODULE="$module" \
  cargo test --quiet -p fhirsig-cli --test keys_cli_attack -- --ignored 2>&1 | grep -E "test result"
echo "ok    keys check notices a token certificate of another key (exit 1)"

echo "== key files made now by $(openssl version | cut -d' ' -f1-2)"
tests/fixtures/key-files/generate.sh "$work/files" >/dev/null 2>&1
files="$work/files"
for key in leaf-p256.p12 leaf-p256.legacy.p12 leaf-rsa3072.p12; do
  "$bin" sign "$work/bundle.json" --key "$files/$key" --key-password-file "$files/password.txt" \
    -o "$work/peer/file-${key//./-}.signed.json" 2>/dev/null
  "$bin" verify "$work/peer/file-${key//./-}.signed.json" --trust "$files/ca.cert.pem" >/dev/null
  echo "ok    $key signs; fhirsig verifies"
done
for key in leaf-p256.aes.pem leaf-rsa3072.scrypt.pem; do
  cert="$files/${key%%.*}.cert.pem"
  FHIRSIG_KEY_PASSWORD="$(head -n1 "$files/password.txt")" "$bin" sign "$work/bundle.json" \
    --key "$files/$key" --cert "$cert" -o "$work/peer/file-${key//./-}.signed.json" 2>/dev/null
  echo "ok    $key signs"
done
"$bin" sign "$work/bundle.json" --key "$files/rsa-2056.key.pem" --cert "$files/rsa-2056.cert.pem" \
  --who-value x --force -o "$work/peer/file-rsa2056.signed.json" 2>/dev/null
"$bin" sign "$work/bundle.json" --key "$files/rsa-2056.key.pem" --cert "$files/rsa-2056.cert.pem" \
  --who-value x --force --alg PS256 -o "$work/peer/file-rsa2056-ps256.signed.json" 2>/dev/null
echo "ok    RSA-2056 signs (RS256, PS256)"
printf 'not-the-password\n' > "$work/wrong-password.txt"; chmod 600 "$work/wrong-password.txt"
expect_2 "wrong PKCS#12 password" "$bin" sign "$work/bundle.json" --key "$files/leaf-p256.p12" \
  --key-password-file "$work/wrong-password.txt"
expect_2 "wrong legacy PKCS#12 password" "$bin" sign "$work/bundle.json" --key "$files/leaf-p256.legacy.p12" \
  --key-password-file "$work/wrong-password.txt"
expect_2 "wrong PKCS#8 password" "$bin" sign "$work/bundle.json" --key "$files/leaf-p256.aes.pem" \
  --cert "$files/leaf-p256.cert.pem" --key-password-file "$work/wrong-password.txt"

echo "== jwcrypto + rfc8785 verify every Bundle signed above (PKCS#11, PKCS#12, PKCS#8, RSA-2056)"
"$py" tests/interop/fhir_interop.py verify-ours "$work/peer"
echo "== key sources: all checks passed"
