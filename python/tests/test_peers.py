"""Round trips with independent Python implementations (PyPI rfc8785 and jwcrypto, pinned in
tests/interop/requirements.txt): canonical bytes agree on generated documents; what
fhirsig.Signer signs, jwcrypto verifies over rfc8785's payload; what jwcrypto signs over
rfc8785's payload, fhirsig.Verifier verifies."""
import base64
import datetime
import json
import random

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwk, jws

import fhirsig
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "key-files"
PASSWORD = (FIXTURES / "password.txt").read_text().splitlines()[0]


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def random_value(rng, depth=0):
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return rng.choice([True, False, None])
    if kind == 1:
        return rng.randint(-2**53, 2**53)
    if kind == 2:
        return rng.uniform(-1e6, 1e6) * rng.choice([1, 1e-9, 1e12])
    if kind == 3:
        return "".join(chr(rng.choice([rng.randint(32, 126), rng.randint(0xA0, 0xD7FF), 0x1F600])) for _ in range(rng.randint(0, 8)))
    if kind in (4, 5):
        return {f"k{rng.randint(0, 50)}\u00e9{chr(rng.randint(0x61, 0x7A))}": random_value(rng, depth + 1)
                for _ in range(rng.randint(0, 5))}
    return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]


def test_canonical_bytes_agree_with_rfc8785():
    rng = random.Random(8785)
    for _ in range(2000):
        value = random_value(rng)
        text = json.dumps(value, ensure_ascii=rng.random() < 0.5)
        assert fhirsig.canonicalize(text) == rfc8785.dumps(value), text


def test_jwcrypto_verifies_what_fhirsig_signs():
    bundle = {"resourceType": "Bundle", "id": "b", "type": "searchset",
              "entry": [{"resource": {"resourceType": "Observation", "status": "final", "valueQuantity": {"value": 1.50}}}]}
    for key, alg in [("leaf-p256.p12", "ES256"), ("leaf-rsa3072.p12", "RS256")]:
        signer = fhirsig.Signer(FIXTURES / key, password=PASSWORD)
        signed = json.loads(signer.sign(json.dumps(bundle), at="2026-12-01T10:00:00Z"))
        signature = signed.pop("signature")
        compact = base64.b64decode(signature["data"]).decode()
        header_b64, _, sig_b64 = compact.split(".")
        header = json.loads(base64.urlsafe_b64decode(header_b64 + "=="))
        assert header["alg"] == alg
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        public = jwk.JWK.from_pem(cert.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        signed.pop("id", None)
        token = jws.JWS()
        token.deserialize(f"{header_b64}.{b64u(rfc8785.dumps(signed))}.{sig_b64}")
        token.verify(public, alg=alg)


def test_fhirsig_verifies_what_jwcrypto_signs(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jwcrypto peer")])
    npi = x509.OtherName(x509.ObjectIdentifier("2.16.840.1.113883.4.6"), b"\x0c\x0a1234567893")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.SubjectAlternativeName([npi]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    resource = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    header = {"alg": "ES256", "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()],
              "sigT": "2026-05-02T10:00:00Z",
              "srCms": [{"commId": {"id": "urn:oid:1.2.840.10065.1.12.1.5", "desc": "Verification Signature"}}]}
    token = jws.JWS(rfc8785.dumps(resource))
    private = jwk.JWK.from_pem(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    token.add_signature(private, protected=json.dumps(header))
    compact = token.serialize(compact=True)
    h, _, s = compact.split(".")
    resource["signature"] = {
        "type": [{"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.5"}],
        "when": "2026-05-02T10:00:00Z",
        "who": {"identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}},
        "targetFormat": "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document",
        "sigFormat": "application/jose",
        "data": base64.b64encode(f"{h}..{s}".encode()).decode(),
    }
    report = fhirsig.Verifier(trust=cert_pem, at="2026-06-01T00:00:00Z").verify(json.dumps(resource))
    assert report.verified, report.to_json()
