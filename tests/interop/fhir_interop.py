#!/usr/bin/env python3
"""FHIR signature interoperability with independent implementations (PyPI rfc8785 + jwcrypto).

verify-ours DIR   : verifies every *.signed.json in DIR the way the CDex IG describes, with no
                    fhirsig code: strip root id/meta/signature (Bundle) or the signature
                    extension (QuestionnaireResponse), RFC 8785, base64url, splice into the
                    detached JWS from base64(Signature.data), verify with x5c[0]'s key.
produce DIR       : makes a key, a self-signed certificate with an NPI otherName SAN, and signs
                    DIR/theirs-input.json into DIR/theirs.signed.json, certificate in
                    DIR/theirs.cert.pem, for fhirsig to verify.
"""
import base64
import copy
import datetime
import json
import pathlib
import sys

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwk, jws

QR_SIG = "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature"
CDEX_TARGET_FORMAT = (
    "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document"
)
NPI_OID = x509.ObjectIdentifier("2.16.840.1.113883.4.6")


def payload_and_signature(resource):
    resource = copy.deepcopy(resource)
    if resource["resourceType"] == "Bundle":
        signature = resource.pop("signature")
        keep_id_meta = not signature.get("targetFormat", CDEX_TARGET_FORMAT).endswith("#document") \
            and "targetFormat" in signature
        if not keep_id_meta:
            resource.pop("id", None)
            resource.pop("meta", None)
        return resource, signature
    extensions = resource.get("extension", [])
    signature = next(e["valueSignature"] for e in extensions if e["url"] == QR_SIG)
    rest = [e for e in extensions if e["url"] != QR_SIG]
    if rest:
        resource["extension"] = rest
    else:
        resource.pop("extension", None)
    resource.pop("id", None)
    resource.pop("meta", None)
    return resource, signature


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify_ours(directory):
    files = sorted(pathlib.Path(directory).glob("*.signed.json"))
    if not files:
        sys.exit(f"verify-ours: no *.signed.json in {directory}")
    for path in files:
        resource = json.loads(path.read_text(encoding="utf-8"))
        payload, signature = payload_and_signature(resource)
        compact = base64.b64decode(signature["data"]).decode()
        header_b64, middle, sig_b64 = compact.split(".")
        assert middle == "", f"{path.name}: payload not detached"
        header = json.loads(base64.urlsafe_b64decode(header_b64 + "=="))
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        key = jwk.JWK.from_pem(cert.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        canonical = rfc8785.dumps(payload)
        token = jws.JWS()
        token.deserialize(f"{header_b64}.{b64u(canonical)}.{sig_b64}")
        token.verify(key, alg=header["alg"])
        assert signature["when"] == header["sigT"], f"{path.name}: when != sigT"
        print(f"ok    {path.name}: {header['alg']} verifies over the RFC 8785 payload")


def produce(directory):
    directory = pathlib.Path(directory)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime(2026, 5, 1, tzinfo=datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jwcrypto interop signer")])
    npi = x509.OtherName(NPI_OID, b"\x0c\x0a1234567893")  # UTF8String "1234567893"
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.SubjectAlternativeName([npi]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (directory / "theirs.cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    resource = json.loads((directory / "theirs-input.json").read_text(encoding="utf-8"))
    payload = {k: v for k, v in resource.items() if k not in ("id", "meta", "signature")}
    sig_t = "2026-05-02T10:00:00Z"
    header = {
        "alg": "ES256",
        "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()],
        "sigT": sig_t,
        "srCms": [{"commId": {"id": "urn:oid:1.2.840.10065.1.12.1.5", "desc": "Verification Signature"}}],
    }
    token = jws.JWS(rfc8785.dumps(payload))
    private = jwk.JWK.from_pem(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    token.add_signature(private, protected=json.dumps(header))
    full = token.serialize(compact=True)
    h, _, s = full.split(".")
    resource["signature"] = {
        "type": [{"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.5"}],
        "when": sig_t,
        "who": {"identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}},
        "targetFormat": CDEX_TARGET_FORMAT,
        "sigFormat": "application/jose",
        "data": base64.b64encode(f"{h}..{s}".encode()).decode(),
    }
    (directory / "theirs.signed.json.out").write_text(json.dumps(resource, indent=2, ensure_ascii=False), encoding="utf-8")
    print("ok    jwcrypto signed theirs-input.json")


if __name__ == "__main__":
    {"verify-ours": verify_ours, "produce": produce}[sys.argv[1]](sys.argv[2])
