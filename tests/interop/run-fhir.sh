#!/usr/bin/env bash
# FHIR signature interoperability in both directions with independent implementations
# (Python: PyPI rfc8785 + jwcrypto; Node: npm canonicalize + jose, pinned in package.json)
#   fhirsig signs Bundles and a QuestionnaireResponse (RS256, PS256, ES256, ES384) -> they verify;
#   they sign a Bundle -> fhirsig verifies; canonical bytes of generated Bundles compared.
# Creates a venv under target/interop-venv. Exits non-zero on any disagreement.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/target/interop-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/pip" install --quiet -r tests/interop/requirements.txt; then
  echo "run-fhir: pip install of tests/interop/requirements.txt failed" >&2
  exit 1
fi
cargo build --quiet -p fhirsig-cli
bin="$root/target/debug/fhirsig"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== test PKI"
"$venv/bin/python" - "$work" <<'PY'
import sys, pathlib, datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
d = pathlib.Path(sys.argv[1])
now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
npi = x509.OtherName(x509.ObjectIdentifier("2.16.840.1.113883.4.6"), b"\x0c\x0a1234567893")
for stem, key in [("rsa", rsa.generate_private_key(65537, 2048)), ("p256", ec.generate_private_key(ec.SECP256R1())),
                  ("p384", ec.generate_private_key(ec.SECP384R1()))]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"fhirsig interop {stem}")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.SubjectAlternativeName([npi]), critical=False)
            .sign(key, hashes.SHA256()))
    (d / f"{stem}.cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / f"{stem}.key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY

cat > "$work/bundle.json" <<'JSON'
{"resourceType": "Bundle", "id": "b1", "meta": {"lastUpdated": "2026-05-01T00:00:00Z"}, "type": "searchset",
 "entry": [{"fullUrl": "https://ehr.example.org/fhir/Observation/1", "resource": {"resourceType": "Observation",
  "id": "1", "status": "final", "code": {"text": "Heart rate “resting” \u00e9\ud83d\ude00 \\ \"q\""},
  "valueQuantity": {"value": 72.50, "unit": "/min"}, "component": [{"valueQuantity": {"value": 1e2}}, {"valueQuantity": {"value": 0.000001}}]}}]}
JSON
cat > "$work/qr.json" <<'JSON'
{"resourceType": "QuestionnaireResponse", "id": "q", "status": "completed",
 "extension": [{"url": "http://example.org/other", "valueString": "kept"}],
 "item": [{"linkId": "1", "answer": [{"valueDecimal": 3.10}]}]}
JSON

echo "== fhirsig signs; rfc8785 + jwcrypto verify"
for pair in "rsa RS256" "rsa PS256" "p256 ES256" "p384 ES384"; do
  set -- $pair
  "$bin" sign "$work/bundle.json" --key "$work/$1.key.pem" --cert "$work/$1.cert.pem" --alg "$2" \
    --at 2026-05-02T10:00:00Z -o "$work/bundle-$2.signed.json" 2>/dev/null
done
"$bin" sign "$work/qr.json" --key "$work/p256.key.pem" --cert "$work/p256.cert.pem" \
  --at 2026-05-02T10:00:00Z -o "$work/qr-ES256.signed.json" 2>/dev/null
"$venv/bin/python" tests/interop/fhir_interop.py verify-ours "$work"

echo "== jwcrypto signs; fhirsig verifies"
cp "$work/bundle.json" "$work/theirs-input.json"
"$venv/bin/python" tests/interop/fhir_interop.py produce "$work"
"$bin" verify "$work/theirs.signed.json.out" --trust "$work/theirs.cert.pem" --at 2026-06-01T00:00:00Z

echo "== canonical bytes: fhirsig canon vs rfc8785"
"$venv/bin/python" - "$work" "$bin" <<'PY'
import json, pathlib, random, subprocess, sys
import rfc8785
d, binary = pathlib.Path(sys.argv[1]), sys.argv[2]
rng = random.Random(8785)
def char():
    c = rng.choice([rng.randint(32, 126), rng.randint(0, 31), rng.randint(0x80, 0xFFFF), 0x1F600])
    return chr(c) if not 0xD800 <= c <= 0xDFFF else "?"
def value(depth=0):
    r = rng.random()
    if depth > 4 or r < 0.3:
        return rng.choice([None, True, False, rng.randint(-10**6, 10**6), rng.uniform(-1e6, 1e6),
                           round(rng.uniform(0, 500), rng.randint(0, 4)),
                           "".join(char() for _ in range(rng.randint(0, 8)))])
    if r < 0.65:
        return [value(depth + 1) for _ in range(rng.randint(0, 5))]
    return {"".join(chr(rng.randint(32, 0x2FF)) for _ in range(rng.randint(1, 6))): value(depth + 1)
            for _ in range(rng.randint(0, 6))}
count = 0
for i in range(200):
    doc = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Basic", "extension": [value()]}} for _ in range(5)]}
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2]))
    ours = subprocess.run([binary, "canon", "-q", "-"], input=text.encode(), capture_output=True, check=True).stdout
    theirs = rfc8785.dumps(json.loads(text))
    if ours != theirs:
        sys.exit(f"canonical bytes differ for document {i}:\n{text}\nours:   {ours!r}\ntheirs: {theirs!r}")
    count += 1
print(f"ok    {count} generated Bundles: fhirsig canon == rfc8785, byte for byte")
PY
echo "== Node peers (npm canonicalize + jose, pinned in tests/interop/package.json)"
command -v node >/dev/null || { echo "run-fhir: node is required (apt-get install nodejs)" >&2; exit 1; }
nodedir="$root/target/interop-node"
mkdir -p "$nodedir"
cp tests/interop/package.json "$nodedir/package.json"
if ! (cd "$nodedir" && npm install --silent --no-audit --no-fund >/dev/null); then
  echo "run-fhir: npm install of canonicalize and jose failed" >&2
  exit 1
fi
cp tests/interop/fhir_interop_node.mjs "$nodedir/"
node "$nodedir/fhir_interop_node.mjs" verify-ours "$work"
node "$nodedir/fhir_interop_node.mjs" produce "$work"
"$bin" verify "$work/node.signed.json.out" --trust "$work/p256.cert.pem" --at 2026-06-01T00:00:00Z
mkdir -p "$work/canon"
"$venv/bin/python" - "$work/canon" <<'PY'
import json, pathlib, random, sys
d, rng = pathlib.Path(sys.argv[1]), random.Random(4711)
for i in range(100):
    doc = {"resourceType": "Bundle", "type": "collection", "total": rng.random() * 10 ** rng.randint(-8, 22),
           "entry": [{"resource": {"resourceType": "Observation", "valueQuantity": {"value": round(rng.uniform(-500, 500), rng.randint(0, 6))},
                      "note": [{"text": "".join(chr(rng.choice([rng.randint(32, 126), rng.randint(0xA0, 0x2FFF), 0x1F600, 0x7F, 0x10])) for _ in range(12))}]}}
                     for _ in range(rng.randint(1, 4))]}
    (d / f"{i:03}.json").write_text(json.dumps(doc, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1])), encoding="utf-8")
PY
node "$nodedir/fhir_interop_node.mjs" canon "$work"
compared=0
for f in "$work"/canon/*.json; do
  "$bin" canon -q "$f" > "$f.fhirsig"
  cmp -s "$f.fhirsig" "$f.node" || { echo "run-fhir: canonical bytes differ for $f" >&2; exit 1; }
  compared=$((compared + 1))
done
echo "ok    $compared generated Bundles: fhirsig canon == npm canonicalize, byte for byte"
echo "run-fhir: both directions agree"
