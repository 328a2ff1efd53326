"""The CDex IG's real signed examples: the four that verify do, with the published certificates
as trust anchors in June 2026; the one changed after signing and the STU 2.1 ones do not,
on the signature value."""
import pytest

import fhirsig

VERIFYING = [
    ("cdex-searchbundle-digital-sig-example.json", ""),
    ("cdex-document-digital-sig-example.json", ""),
    ("cdex-parameters-example2.json", "/parameter/7/part/2/resource"),
    ("cdex-questionnaireresponse-example4.json", ""),
]
NOT_VERIFYING = [
    "cdex-document-digital-sig-example.HEAD-does-not-verify.json",
    "legacy/cdex-document-digital-sig-example.STU2.1-does-not-verify.json",
    "legacy/cdex-searchbundle-digital-sig-example.STU2.1-does-not-verify.json",
]


@pytest.fixture(scope="module")
def verifier(cdex):
    keys = cdex / "keys"
    return fhirsig.Verifier(trust=[keys / "example_org_cert/cert.pem", keys / "example_provider_cert/cert.pem"],
                            at="2026-06-15T00:00:00Z", policy="auto")


@pytest.mark.parametrize("name,pointer", VERIFYING)
def test_examples_verify(cdex, verifier, name, pointer):
    report = verifier.verify((cdex / name).read_bytes())
    assert len(report.signatures) == 1
    assert report.signatures[0]["pointer"] == pointer
    assert report.signatures[0]["verified"], report.to_json()
    assert report.indication == "passed"
    assert "example" in (report.signer or "").lower() or report.signer
    codes = {c["code"]: c["outcome"] for c in report.checks}
    for code in ["signature-value", "certificate-path", "signer-identity", "sr-cms", "payload"]:
        assert codes[code] == "pass", (name, code)
    outcome = report.to_operation_outcome()
    assert '"resourceType":"OperationOutcome"' in outcome


@pytest.mark.parametrize("name", NOT_VERIFYING)
def test_changed_examples_fail_on_the_signature_value(cdex, verifier, name):
    report = verifier.verify((cdex / name).read_bytes())
    assert not report.verified
    assert report.indication == "failed"
    assert report.sub_indication == "sig-crypto-failure"
    assert report.deciding_checks == ["signature-value"]


def test_signing_time_policy_fails_them(cdex):
    keys = cdex / "keys"
    strict = fhirsig.Verifier(trust=[keys / "example_org_cert/cert.pem"], at="2026-06-15T00:00:00Z",
                              time_policy="sigt")
    report = strict.verify((cdex / VERIFYING[0][0]).read_bytes())
    assert not report.verified


def test_without_trust_nothing_is_verified(cdex):
    report = fhirsig.Verifier(at="2026-06-15T00:00:00Z").verify((cdex / VERIFYING[0][0]).read_bytes())
    assert not report.verified
    assert report.indication == "indeterminate"
