#!/usr/bin/env python3
"""Cross-checks fhirsig's detached JWS with PyPI jwcrypto (an independent JOSE implementation).

  jws_interop.py verify-ours DIR   verify DIR/ours/<alg>.jws and DIR/ours/general.json over
                                   DIR/payload.json with the JWK and PEM public keys
  jws_interop.py produce DIR       write DIR/theirs/<alg>.jws (detached) and <alg>.pub.jwk

Exit status 1 on any disagreement.
"""

import json
import os
import sys

from jwcrypto import jwk, jws

ALGS = {
    "ES256": dict(kty="EC", crv="P-256"),
    "ES384": dict(kty="EC", crv="P-384"),
    "RS256": dict(kty="RSA", size=2048),
    "PS256": dict(kty="RSA", size=2048),
    "EdDSA": dict(kty="OKP", crv="Ed25519"),
}


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def verify_one(text, key, payload):
    token = jws.JWS()
    token.deserialize(text)
    token.verify(key, detached_payload=payload)


def verify_ours(directory):
    payload = read(os.path.join(directory, "payload.json"), "rb")
    ours = os.path.join(directory, "ours")
    failures = 0
    for alg in ALGS:
        text = read(os.path.join(ours, alg + ".jws")).strip()
        head, middle, _ = text.split(".")
        if middle != "":
            print("FAIL  %s: payload part is not empty" % alg)
            failures += 1
            continue
        header = json.loads(jws.base64url_decode(head))
        keys = [
            ("jwk", jwk.JWK.from_json(read(os.path.join(ours, alg + ".pub.jwk")))),
            ("pem", jwk.JWK.from_pem(read(os.path.join(ours, alg + ".pub.pem"), "rb"))),
        ]
        for kind, key in keys:
            try:
                verify_one(text, key, payload)
                print("ok    %s (%s key): our detached JWS verifies; header %s" % (alg, kind, sorted(header)))
            except Exception as e:  # noqa: BLE001 - report every failure
                print("FAIL  %s (%s key): %r" % (alg, kind, e))
                failures += 1
        try:
            verify_one(text, keys[0][1], b"{}")
            print("FAIL  %s: verifies over a different payload" % alg)
            failures += 1
        except jws.InvalidJWSSignature:
            pass
    general = read(os.path.join(ours, "general.json"))
    if "payload" in json.loads(general):
        print("FAIL  general.json carries a payload")
        failures += 1
    for alg in ("ES256", "RS256"):
        key = jwk.JWK.from_json(read(os.path.join(ours, alg + ".pub.jwk")))
        try:
            verify_one(general, key, payload)
            print("ok    general JSON serialization, %s signature verifies" % alg)
        except Exception as e:  # noqa: BLE001
            print("FAIL  general JSON serialization, %s: %r" % (alg, e))
            failures += 1
    return failures


def produce(directory):
    payload = read(os.path.join(directory, "payload.json"), "rb")
    theirs = os.path.join(directory, "theirs")
    os.makedirs(theirs, exist_ok=True)
    for alg, params in ALGS.items():
        key = jwk.JWK.generate(**params)
        token = jws.JWS(payload)
        token.add_signature(key, alg=None, protected=json.dumps({"alg": alg, "kid": "jwcrypto-" + alg}))
        token.detach_payload()
        compact = token.serialize(compact=True)
        assert compact.split(".")[1] == "", compact
        with open(os.path.join(theirs, alg + ".jws"), "w") as f:
            f.write(compact)
        with open(os.path.join(theirs, alg + ".pub.jwk"), "w") as f:
            f.write(key.export_public())
        print("wrote %s detached JWS" % alg)
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("verify-ours", "produce"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, directory = sys.argv[1], sys.argv[2]
    failures = verify_ours(directory) if mode == "verify-ours" else produce(directory)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
