#!/usr/bin/env bash
# Writes the seed corpora of the fhirsig-core fuzz targets to corpus/<target>/ from the
# project's test data: the committed key and PKI fixtures (tests/fixtures), the CDex examples,
# the JOSE vectors (../shared/vectors), and, when a `fhirsig` binary is at hand, a Bundle signed
# with the committed test PKI. Nothing is committed; run it before `cargo fuzz run`. Missing
# suites are skipped. `verify_bundle_mutated` needs no seeds (its empty input is a signed Bundle).
#
# Usage: crates/core/fuzz/seed.sh
#   FHIRSIG_VECTORS overrides ../shared/vectors; FHIRSIG overrides target/debug/fhirsig.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
vectors=${FHIRSIG_VECTORS:-$root/../shared/vectors}
fhirsig=${FHIRSIG:-$root/target/debug/fhirsig}
keys=$root/tests/fixtures/keys
pki=$root/tests/fixtures/openssl-pki/out
corpus=$here/corpus
for t in jws_parse key_parse key_file x5c_certificate crl_parse ocsp_response verify_document verify_bundle_mutated provenance_verify; do
  mkdir -p "$corpus/$t"
done

# Keys: every committed key fixture (PEM, DER, encrypted), the PKI leaf keys, cookbook JWKs.
cp "$keys"/*.pem "$keys"/*.der "$corpus/key_parse/"
for f in "$pki"/*.key.pem; do cp "$f" "$corpus/key_parse/pki-$(basename "$f")"; done
for f in "$vectors"/jose/rfc7520-cookbook/jwk/*.json; do
  [ -f "$f" ] && cp "$f" "$corpus/key_parse/cookbook-$(basename "$f")"
done

# Key files (PKCS#12, encrypted PKCS#8) made by openssl; the fuzz target knows their password.
key_files=$root/tests/fixtures/key-files
cp "$key_files"/*.p12 "$key_files"/*.aes.* "$key_files"/*.des3-sha1.pem "$corpus/key_file/"

# OCSP responses made by openssl ocsp.
cp "$pki"/ocsp-*.der "$corpus/ocsp_response/"

# Certificates: each PKI certificate as PEM and as DER (the x5c form); CRLs likewise.
for f in "$pki"/*.cert.pem "$vectors"/cdex/keys/*/cert.pem; do
  [ -f "$f" ] || continue
  name=$(basename "$(dirname "$f")")-$(basename "$f" .pem)
  cp "$f" "$corpus/x5c_certificate/$name.pem"
  openssl x509 -in "$f" -outform DER -out "$corpus/x5c_certificate/$name.der" 2>/dev/null || true
done
for f in "$pki"/*.crl.pem; do
  cp "$f" "$corpus/crl_parse/$(basename "$f")"
  openssl crl -in "$f" -outform DER -out "$corpus/crl_parse/$(basename "$f" .pem).der" 2>/dev/null || true
done
# The RFC 5280 fixtures bring name constraints, policies, mappings, odd names and scoped,
# delta and indirect CRLs.
for f in "$root"/tests/fixtures/openssl-pkix/out/*.cert.pem; do
  cp "$f" "$corpus/x5c_certificate/pkix-$(basename "$f")"
done
for f in "$root"/tests/fixtures/openssl-pkix/out/*.crl.pem; do
  cp "$f" "$corpus/crl_parse/pkix-$(basename "$f")"
done

# Documents: the CDex examples, and a Bundle signed with the committed PKI's good leaf.
for f in "$vectors"/cdex/*.json "$vectors"/cdex/legacy/*.json; do
  [ -f "$f" ] && cp "$f" "$corpus/verify_document/$(basename "$f")"
done
if [ -x "$fhirsig" ]; then
  printf '%s' '{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1"}}]}' \
    >"$corpus/verify_document/unsigned-searchset.json"
  cat "$pki/leaf-good.cert.pem" "$pki/intermediate.cert.pem" >"$corpus/.chain.pem"
  for profile in cdex cdex2 r6; do
    "$fhirsig" sign --key "$pki/leaf-good.key.pem" --cert "$corpus/.chain.pem" \
      --profile "$profile" --at 2026-05-15T12:00:00Z \
      -o "$corpus/verify_document/signed-$profile.json" "$corpus/verify_document/unsigned-searchset.json" \
      >/dev/null 2>&1 || echo "seed.sh: could not sign with $fhirsig ($profile)" >&2
  done
  # Provenance: one per entry, signed over its targets, then an embedded signing Provenance.
  prov=$corpus/provenance_verify
  "$fhirsig" provenance for-bundle "$corpus/verify_document/signed-cdex.json" --profile hrex \
    --author Organization/ehr --transmitter Organization/ehr --recorded 2026-05-15T12:00:00Z \
    -o "$prov/for-bundle.json" >/dev/null 2>&1 &&
    "$fhirsig" provenance sign "$prov/for-bundle.json" --key "$pki/leaf-good.key.pem" \
      --cert "$corpus/.chain.pem" --at 2026-05-15T12:00:00Z -o "$prov/signed.json" >/dev/null 2>&1 &&
    "$fhirsig" provenance sign "$prov/signed.json" --key "$pki/leaf-good.key.pem" \
      --cert "$corpus/.chain.pem" --at 2026-05-15T12:00:00Z --embedded --who Organization/ehr \
      -o "$prov/embedded.json" >/dev/null 2>&1 ||
    echo "seed.sh: could not sign Provenance with $fhirsig" >&2
  rm -f "$corpus/.chain.pem"
fi
for f in "$root"/cli/tests/cmd/fixtures/provenance*.json "$root"/cli/tests/cmd/fixtures/searchset-with-provenance.json; do
  [ -f "$f" ] && cp "$f" "$corpus/provenance_verify/fixture-$(basename "$f")"
done

# JWS: the detached JWS inside each CDex example, and the RFC 7515 / RFC 7520 serializations.
if command -v python3 >/dev/null; then
  python3 - "$vectors" "$corpus" <<'PY'
import base64, glob, json, os, sys
vectors, corpus = sys.argv[1], sys.argv[2]
out = os.path.join(corpus, "jws_parse")
def write(name, text):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text)
def signatures(value):
    if isinstance(value, dict):
        data = value.get("data")
        if isinstance(data, str) and ("who" in value or "sigFormat" in value):
            yield data
        for v in value.values():
            yield from signatures(v)
    elif isinstance(value, list):
        for v in value:
            yield from signatures(v)
for path in glob.glob(os.path.join(vectors, "cdex", "*.json")) + glob.glob(os.path.join(corpus, "verify_document", "signed-*.json")):
    for i, data in enumerate(signatures(json.load(open(path, encoding="utf-8")))):
        try:
            write(f"{os.path.basename(path)}-{i}.jws", base64.b64decode(data).decode())
        except Exception:
            pass
for path in glob.glob(os.path.join(vectors, "jose", "rfc7520-cookbook", "jws", "*.json")):
    output = json.load(open(path, encoding="utf-8")).get("output", {})
    for form in ("compact", "json", "json_flat"):
        value = output.get(form)
        if value is not None:
            write(f"{os.path.basename(path)}-{form}", value if isinstance(value, str) else json.dumps(value))
appendix = os.path.join(vectors, "jose", "rfc7515-appendix-a", "rfc7515_appendix_a.json")
if os.path.exists(appendix):
    for name, case in json.load(open(appendix, encoding="utf-8")).get("examples", {}).items():
        for key, value in case.items():
            if isinstance(value, str) and (key.startswith("compact") or key.endswith("serialization") or key == "jws"):
                write(f"rfc7515-{name}-{key}", value)
PY
fi
for t in jws_parse key_parse key_file x5c_certificate crl_parse verify_document provenance_verify; do
  echo "seeded $(ls "$corpus/$t" | wc -l) files for $t"
done
