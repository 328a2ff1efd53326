"""The package's API: errors as a hierarchy with kinds, the signer, reports, batches, the GIL
released during verification."""
import datetime
import json
import threading

import pytest

import fhirsig
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "key-files"
PASSWORD = (FIXTURES / "password.txt").read_text().splitlines()[0]
BUNDLE = (b'{"resourceType": "Bundle", "id": "b1", "type": "searchset", "entry": [{"fullUrl": '
          b'"https://ehr.example.org/fhir/Observation/1", "resource": {"resourceType": "Observation", '
          b'"id": "1", "status": "final", "valueQuantity": {"value": 72.50}}}]}')


@pytest.fixture(scope="module")
def signer():
    return fhirsig.Signer(FIXTURES / "leaf-p256.p12", password=PASSWORD)


@pytest.fixture(scope="module")
def verifier():
    return fhirsig.Verifier(trust=FIXTURES / "ca.cert.pem")


def test_exceptions_form_a_hierarchy_with_kinds():
    for cls in (fhirsig.InputError, fhirsig.KeySourceError, fhirsig.PolicyError):
        assert issubclass(cls, fhirsig.Error)
    with pytest.raises(fhirsig.InputError) as error:
        fhirsig.canonicalize('{"a": 1, "a": 2}')
    assert error.value.kind == "duplicate-member"
    assert "/a" in str(error.value)
    with pytest.raises(fhirsig.InputError) as error:
        fhirsig.canonicalize(b"1e400")
    assert error.value.kind == "number-out-of-range"
    with pytest.raises(fhirsig.InputError) as error:
        fhirsig.canonicalize(12)
    assert error.value.kind == "type"
    with pytest.raises(fhirsig.InputError) as error:
        fhirsig.payload(BUNDLE, canonicalization="http://hl7.org/fhir/canonicalization/json#static")
    assert error.value.kind == "unsupported-canonicalization"
    with pytest.raises(fhirsig.PolicyError):
        fhirsig.Verifier(policy="lenient")
    with pytest.raises(fhirsig.PolicyError):
        fhirsig.Verifier(time_policy="whenever")
    with pytest.raises(fhirsig.KeySourceError) as error:
        fhirsig.Signer(FIXTURES / "leaf-p256.p12", password="s3cret-guess")
    assert "password" in str(error.value)
    assert "s3cret-guess" not in str(error.value)
    with pytest.raises(fhirsig.KeySourceError):
        fhirsig.Signer(FIXTURES / "leaf-p256.key.pem")  # no certificate anywhere
    with pytest.raises(fhirsig.InputError):
        fhirsig.Verifier(trust="/nonexistent/roots.pem")
    with pytest.raises(fhirsig.InputError):
        fhirsig.Verifier(at="yesterday")
    with pytest.raises(fhirsig.InputError):
        fhirsig.Verifier(at=datetime.datetime(2026, 6, 1))  # naive


def test_payload_and_canonical_form():
    assert fhirsig.canonicalize('{"b":[1.50,1e2],"a":"\\u00e9"}') == '{"a":"é","b":[1.5,100]}'.encode()
    signed_bytes = fhirsig.payload(BUNDLE)
    assert b'"id":"b1"' not in signed_bytes and signed_bytes.startswith(b'{"entry"')
    r6 = fhirsig.payload(BUNDLE, canonicalization="http://hl7.org/fhir/canonicalization/json")
    assert b'"id":"b1"' in r6


def test_sign_and_verify(signer, verifier):
    signed = signer.sign(BUNDLE, at="2026-12-01T10:00:00Z")
    assert signed.startswith(BUNDLE[:-1]), "the input's bytes are kept"
    report = verifier.verify(signed)
    assert report.verified, report.to_json()
    assert report.indication == "passed" and report.sub_indication is None
    assert "leaf-p256" in report.signer
    assert len(report.digest) == 64
    assert json.loads(report.to_json())["file"]["verified"] is True
    assert json.loads(signed)["signature"]["when"] == "2026-12-01T10:00:00Z"
    aware = signer.sign(BUNDLE, at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.timezone.utc))
    assert json.loads(aware)["signature"]["when"] == "2026-12-01T10:00:00Z"
    tampered = signed.replace(b"72.50", b"72.51")
    report = verifier.verify(tampered)
    assert not report.verified
    assert report.deciding_checks == ["signature-value"]
    assert "NOT" in report.to_operation_outcome() or "error" in report.to_operation_outcome()
    unsigned = verifier.verify(BUNDLE)
    assert not unsigned.verified and unsigned.indication == "no-signature"


def test_verify_many_keeps_order_and_raises_on_bad_json(signer, verifier):
    good = signer.sign(BUNDLE, at="2026-12-01T10:00:00Z")
    bad = good.replace(b"72.50", b"72.51")
    items = [good, bad] * 700
    reports = list(verifier.verify_many(items, batch_size=256))
    assert [r.verified for r in reports] == [True, False] * 700
    with pytest.raises(fhirsig.InputError) as error:
        list(verifier.verify_many([good, b'{"a":1,"a":2}']))
    assert error.value.kind == "duplicate-member"


def test_verification_releases_the_gil(signer, verifier):
    # A Bundle of 20,000 entries takes the verifier long enough to see whether another Python
    # thread can run meanwhile: it can only if the GIL is released.
    entries = ",".join(
        f'{{"fullUrl":"urn:uuid:{i}","resource":{{"resourceType":"Observation","id":"{i}","status":"final",'
        f'"valueQuantity":{{"value":{i}.5}}}}}}' for i in range(20000))
    big = signer.sign(f'{{"resourceType":"Bundle","type":"searchset","entry":[{entries}]}}',
                      at="2026-12-01T10:00:00Z")
    state = {"in_call": False, "done": False, "during": 0}

    def spin():
        while not state["done"]:
            if state["in_call"]:
                state["during"] += 1

    other = threading.Thread(target=spin)
    other.start()
    state["in_call"] = True
    report = verifier.verify(big)
    state["in_call"] = False
    state["done"] = True
    other.join()
    assert report.verified
    assert state["during"] > 100, f"the other thread ran {state['during']} times during verify"


def test_threads_share_a_verifier(signer, verifier):
    signed = signer.sign(BUNDLE, at="2026-12-01T10:00:00Z")
    results = []

    def work():
        results.extend(verifier.verify(signed).verified for _ in range(200))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 800


def test_provenance_and_documents(verifier):
    report = verifier.verify_document("not a jws", b"<ClinicalDocument/>")
    assert not report.verified
    assert report.deciding_checks == ["signature-format"]


def test_an_unsigned_provenance_keeps_a_provenance_report_from_verifying():
    from conftest import VECTORS
    case = json.loads((VECTORS / "provenance" / "targets-two-success.json").read_text())
    verifier = fhirsig.Verifier(trust=case["trustAnchors"], at=case["verifyAt"])
    bundle = case["input"]
    assert verifier.verify_provenance(json.dumps(bundle).encode()).verified
    bundle["entry"].append({"fullUrl": "urn:uuid:0b9f0c55-1c3a-4d7e-9a53-2f3c8e1d7a10",
                            "resource": {"resourceType": "Provenance", "target": [{"reference": "#/"}],
                                         "recorded": "2026-05-01T00:00:00Z",
                                         "agent": [{"who": {"display": "someone else"}}]}})
    report = verifier.verify_provenance(json.dumps(bundle).encode())
    assert [s["verified"] for s in report.signatures] == [True]
    assert report.unsigned == ["/entry/3/resource"]
    assert not report.verified
    # A Provenance contained in the signing one is not checked: named, and not verified.
    bundle["entry"].pop()
    bundle["entry"][2]["resource"]["contained"] = [{"resourceType": "Provenance", "target": [{"reference": "#"}],
                                                    "recorded": "2026-05-01T00:00:00Z",
                                                    "agent": [{"who": {"display": "someone else"}}]}]
    report = verifier.verify_provenance(json.dumps(bundle).encode())
    assert report.unsigned == []
    assert report.unchecked == ["/entry/2/resource/contained/0"]
    assert [s["verified"] for s in report.signatures] == [True]
    assert not report.verified
