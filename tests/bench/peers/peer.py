#!/usr/bin/env python3
"""Python peer for tests/bench/peers.sh: PyPI rfc8785 (RFC 8785) and jwcrypto + cryptography (JWS),
pinned in tests/interop/requirements.txt. Same modes and output as peer.mjs:

  canon FILE                        canonical form of FILE to stdout (whole-process timing)
  canon-bench FILE RUNS OUT         in-process: best and median of RUNS x (json.loads +
                                    rfc8785.dumps); canonical bytes to OUT
  sign IN.ndjson KEY CHAIN ALG OUT  CDex-sign each unsigned Bundle of IN (payload = Bundle minus
                                    id/meta/signature, RFC 8785, detached JWS with x5c, sigT,
                                    srCms), one at a time; signed Bundles to OUT
  verify IN.ndjson ALG              verify each Bundle's detached JWS over its RFC 8785 payload
                                    with the key of x5c[0], one at a time. Signature only: no
                                    chain, validity or CDex checks.
Timing results are one JSON line on stdout (wall and process CPU seconds).
"""
import base64
import datetime
import json
import re
import sys
import time

import rfc8785
from cryptography import x509
from jwcrypto import jwk, jws

CDEX_TARGET_FORMAT = (
    "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document"
)


def clock():
    return time.perf_counter(), time.process_time()


def since(start):
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def payload_of(bundle):
    signature = bundle.pop("signature", None)
    bundle.pop("id", None)
    bundle.pop("meta", None)
    return bundle, signature


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def records(path):
    with open(path, encoding="utf-8") as f:
        return [line for line in f.read().split("\n") if line]


def canon(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    sys.stdout.buffer.write(rfc8785.dumps(json.loads(text)))


def canon_bench(path, runs, out):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    walls, cpus = [], []
    for _ in range(int(runs)):
        start = clock()
        data = rfc8785.dumps(json.loads(text))
        wall, cpu = since(start)
        walls.append(wall)
        cpus.append(cpu)
    with open(out, "wb") as f:
        f.write(data)
    walls.sort()
    cpus.sort()
    print(json.dumps({"runs": int(runs), "best_wall": walls[0], "median_wall": walls[len(walls) // 2],
                      "best_cpu": cpus[0]}))


def sign(path, key_file, chain_file, alg, out):
    with open(key_file, "rb") as f:
        key = jwk.JWK.from_pem(f.read())
    with open(chain_file, encoding="ascii") as f:
        x5c = [re.sub(r"\s+", "", b) for b in
               re.findall(r"-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----", f.read())]
    lines = records(path)
    start = clock()
    signed = []
    for line in lines:
        bundle = json.loads(line)
        payload, _ = payload_of(dict(bundle))
        sig_t = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        header = {"alg": alg, "x5c": x5c, "sigT": sig_t,
                  "srCms": [{"commId": {"id": "urn:oid:1.2.840.10065.1.12.1.5", "desc": "Verification Signature"}}]}
        token = jws.JWS(rfc8785.dumps(payload))
        token.add_signature(key, protected=json.dumps(header))
        h, _, s = token.serialize(compact=True).split(".")
        bundle["signature"] = {
            "type": [{"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.5",
                      "display": "Verification Signature"}],
            "when": sig_t,
            "who": {"identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}},
            "targetFormat": CDEX_TARGET_FORMAT,
            "sigFormat": "application/jose",
            "data": base64.b64encode(f"{h}..{s}".encode()).decode(),
        }
        signed.append(json.dumps(bundle, ensure_ascii=False, separators=(",", ":")))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(signed) + "\n")
    wall, cpu = since(start)
    print(json.dumps({"records": len(lines), "wall": wall, "cpu": cpu}))


def verify(path, alg):
    lines = records(path)
    start = clock()
    verified = 0
    for line in lines:
        payload, signature = payload_of(json.loads(line))
        h, middle, s = base64.b64decode(signature["data"]).decode().split(".")
        if middle != "":
            raise ValueError("payload not detached")
        header = json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        key = jwk.JWK.from_pyca(cert.public_key())
        token = jws.JWS()
        token.deserialize(f"{h}.{b64u(rfc8785.dumps(payload))}.{s}")
        try:
            token.verify(key, alg=alg)
            verified += 1
        except jws.InvalidJWSSignature:
            pass
    wall, cpu = since(start)
    print(json.dumps({"records": len(lines), "verified": verified, "wall": wall, "cpu": cpu}))


if __name__ == "__main__":
    {"canon": canon, "canon-bench": canon_bench, "sign": sign, "verify": verify}[sys.argv[1]](*sys.argv[2:])
