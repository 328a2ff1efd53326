#!/usr/bin/env python3
"""Independent checks (PyPI jwcrypto + rfc8785, no fhirsig code) of signatures made through
PKCS#11 and from key files:

document SIG FILE   a detached compact JWS over FILE's bytes verifies with x5c[0]'s key.
provenance FILE     each Provenance.signature in the Bundle FILE verifies over the RFC 8785
                    form of its single target (found by fullUrl or Type/id) with x5c[0]'s key.
Bundles use tests/interop/fhir_interop.py verify-ours.
"""
import base64
import json
import pathlib
import sys

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk, jws


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify_detached(compact, payload, what):
    header_b64, middle, sig_b64 = compact.split(".")
    assert middle == "", f"{what}: payload not detached"
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=="))
    cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    key = jwk.JWK.from_pem(cert.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    token = jws.JWS()
    token.deserialize(f"{header_b64}.{b64u(payload)}.{sig_b64}")
    token.verify(key, alg=header["alg"])
    print(f"ok    {what}: {header['alg']} verifies with x5c[0]")


def document(sig_path, file_path):
    compact = pathlib.Path(sig_path).read_text().strip()
    verify_detached(compact, pathlib.Path(file_path).read_bytes(), pathlib.Path(file_path).name)


def provenance(path):
    bundle = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    entries = bundle.get("entry", [])
    def find(reference):
        for entry in entries:
            resource = entry.get("resource", {})
            full_url = entry.get("fullUrl", "")
            if reference in (full_url, f"{resource.get('resourceType')}/{resource.get('id')}"):
                return resource
        raise SystemExit(f"provenance: target {reference} not in the Bundle")
    checked = 0
    for entry in entries:
        resource = entry.get("resource", {})
        if resource.get("resourceType") != "Provenance":
            continue
        targets = [t["reference"] for t in resource.get("target", [])]
        if len(targets) != 1 or targets[0].startswith("#"):
            continue
        payload = rfc8785.dumps(find(targets[0]))
        for signature in resource.get("signature", []):
            compact = base64.b64decode(signature["data"]).decode()
            verify_detached(compact, payload, f"Provenance over {targets[0]}")
            checked += 1
    if checked == 0:
        raise SystemExit("provenance: no signed Provenance with a single target")


if __name__ == "__main__":
    if sys.argv[1:2] == ["document"]:
        document(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["provenance"]:
        provenance(sys.argv[2])
    else:
        raise SystemExit(__doc__)
