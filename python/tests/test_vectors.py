"""Every published test vector (test-vectors/) through the Python package, with the Rust
harness's mapping from a report to the `expect` vocabulary (test-vectors/README.md): each case
must give its `expect`, `expectCheck` and `expectSubIndication`, and its `expectedCanonical`."""
import base64
import json

import pytest

import fhirsig
from conftest import VECTORS

HEADER = {"signature-element", "signature-data", "digital-signature", "jws-format", "jws-json-signature",
          "profile", "sig-format", "target-format", "algorithm", "x5c", "x5t", "sig-t", "sr-cms",
          "signature-type", "when-matches-sig-t"}
CHAIN = {"time-policy", "signer-certificate-validity", "signing-time-in-validity", "certificate-chain-format",
         "certificate-path", "ca-key-usage", "certificate-profile", "trust-anchor-validity", "pinned-signer", "signer-key-usage", "key-usage-digital-signature",
         "signer-extended-key-usage", "revocation-status"}
CANONICALIZATION_KINDS = {"number-out-of-range", "unsupported-canonicalization", "unknown-canonicalization",
                          "not-an-object", "missing-resource-type", "unsupported-resource-type"}


def expect_of_check(code, operation):
    if code in HEADER or (operation == "verify-provenance" and code in {"signature-format", "signature-when"}):
        return "header-failure"
    if code == "payload" or (operation == "verify-provenance" and code == "targets-resolved"):
        return "canonicalization-failure"
    if code == "signature-value":
        return "signature-failure"
    if code in CHAIN:
        return "chain-failure"
    if code == "signer-identity":
        return "signer-identity-failure"
    if operation == "verify-document":
        if code in {"signature-format", "signer-certificate", "signing-time"}:
            return "header-failure"
        if code in {"document-missing", "document-extra"}:
            return "canonicalization-failure"
        if code in {"document", "document-digest", "signature"}:
            return "signature-failure"
    raise AssertionError(f"check code {code!r} is not classified in the published mapping")


def input_bytes(value):
    if isinstance(value, dict) and set(value) == {"text"}:
        return value["text"].encode()
    if isinstance(value, dict) and set(value) == {"textBase64"}:
        return base64.b64decode(value["textBase64"])
    return json.dumps(value, ensure_ascii=False).encode()


def refusal(error):
    kind = error.kind
    return ("canonicalization-failure" if kind in CANONICALIZATION_KINDS else "parse-failure"), kind, None


def first_failing_check(signature):
    for check in signature["checks"]:
        if check["outcome"] == "fail":
            return check
    return None


def run(case):
    operation = case["operation"]
    data = input_bytes(case["input"])
    try:
        if operation == "canonicalize":
            return "success", None, None, fhirsig.canonicalize(data)
        if operation == "payload":
            return "success", None, None, fhirsig.payload(data, case.get("canonicalization"), case.get("pointer"))
        verifier = fhirsig.Verifier(trust=case.get("trustAnchors", []), crls=case.get("crls", []),
                                    profile=case.get("profile", "auto"), policy=case.get("policy", "auto"),
                                    at=case["verifyAt"],
                                    time_policy=case.get("timePolicy", "now"))
        if operation == "verify":
            report = verifier.verify(data)
            pointer = case.get("pointer", "")
            index = next(i for i, s in enumerate(report.signatures) if s["pointer"] == pointer)
            signature = report.signatures[index]
            if signature["verified"]:
                return "success", None, None, None
            code = report.deciding_checks[index]
            return expect_of_check(code, operation), code, signature["subIndication"], None
        if operation == "verify-provenance":
            report = verifier.verify_provenance(data)
            assert report.signatures, "every case has Provenance signatures"
            for index, signature in enumerate(report.signatures):
                if not signature["verified"]:
                    code = report.deciding_checks[index]
                    check = next(c for c in signature["checks"] if c["code"] == code and c["outcome"] == "fail")
                    return expect_of_check(code, operation), code, check["subIndication"], None
            return "success", None, None, None
        if operation == "verify-document":
            report = verifier.verify_document(case["signature"], data, case.get("documentUri"))
            if report.verified:
                return "success", None, None, None
            code = report.deciding_checks[0]
            return expect_of_check(code, operation), code, report.signatures[0]["subIndication"], None
    except fhirsig.InputError as error:
        expect, code, sub = refusal(error)
        return expect, code, sub, None
    raise AssertionError(f"operation {operation!r} is unknown")


CASES = sorted(p for p in VECTORS.rglob("*.json") if p.parent != VECTORS and "gen" not in p.parts)


def test_every_case_is_found():
    assert len(CASES) >= 200, f"only {len(CASES)} published cases under {VECTORS}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_published_vector(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    expect, check, sub, canonical = run(case)
    assert expect == case["expect"], f"{path.name}: expected {case['expect']}, got {expect} ({check} / {sub})"
    if "expectCheck" in case:
        assert check == case["expectCheck"], f"{path.name}: expectCheck"
    if "expectSubIndication" in case:
        assert sub == case["expectSubIndication"], f"{path.name}: expectSubIndication"
    if canonical is not None:
        assert canonical == case["expectedCanonical"].encode(), f"{path.name}: expectedCanonical"
