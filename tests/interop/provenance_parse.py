"""Parses fhirsig's Provenance output with an independent FHIR model (fhir.resources, R4B).

Usage: provenance_parse.py FILE...  Each FILE is a Provenance or a Bundle; every Provenance in it
must parse (unknown or misspelt elements, wrong types and bad date formats are rejected by the
model), and the Bundle itself must parse. Prints one line per file; exits 1 on any failure.
"""
import json
import sys

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.provenance import Provenance


def check(path):
    text = open(path, encoding="utf-8").read()
    data = json.loads(text)
    kind = data.get("resourceType")
    if kind == "Provenance":
        provenances = [Provenance.model_validate_json(text)]
    elif kind == "Bundle":
        bundle = Bundle.model_validate_json(text)
        provenances = [e.resource for e in (bundle.entry or []) if e.resource.get_resource_type() == "Provenance"]
        # Each Provenance entry also parses on its own.
        for e in data.get("entry", []):
            if e.get("resource", {}).get("resourceType") == "Provenance":
                Provenance.model_validate_json(json.dumps(e["resource"]))
    else:
        raise ValueError(f"unexpected resourceType {kind!r}")
    if not provenances:
        raise ValueError("no Provenance found")
    for p in provenances:
        if not p.target or not p.agent or p.recorded is None:
            raise ValueError("Provenance lacks target, agent or recorded")
    return len(provenances)


def main(paths):
    failed = 0
    for path in paths:
        try:
            n = check(path)
            print(f"ok   {path}: {n} Provenance parsed by fhir.resources.R4B")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {path}: {e}")
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
