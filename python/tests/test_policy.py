"""Validation policies through the package: the same names and TOML files as ``fhirsig verify --policy``."""

from pathlib import Path

import pytest

import fhirsig

R6 = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "r6-publisher"
AT = "2026-12-02T00:00:00Z"


def verify(policy):
    verifier = fhirsig.Verifier(trust=[R6 / "cert.pem"], at=AT, policy=policy)
    return verifier.verify((R6 / "signed.json").read_bytes())


def check(report, code):
    return next(c for c in report.signatures[0]["checks"] if c["code"] == code)


def test_the_r6_example_verifies_under_its_auto_selected_policy():
    report = verify("auto")
    assert report.verified
    assert report.signatures[0]["policy"] == "r6"
    identity = check(report, "signer-identity")
    assert (identity["level"], identity["outcome"], identity["waived"]["outcome"]) == ("warn", "warn", "fail")


def test_cdex_strict_and_cdex_fail_it():
    strict = verify("cdex-strict")
    assert not strict.verified
    assert check(strict, "pinned-signer")["outcome"] == "fail"
    cdex = verify("cdex")
    assert not cdex.verified
    assert check(cdex, "pinned-signer")["outcome"] == "warn"
    assert check(cdex, "signer-identity")["outcome"] == "fail"


def test_a_policy_file(tmp_path):
    path = tmp_path / "payer.toml"
    path.write_text('name = "payer"\nextends = "cdex"\n[checks]\nsigner-identity = "inform"\n')
    report = verify(path)
    assert report.verified
    assert report.signatures[0]["policy"] == "payer"
    assert check(report, "signer-identity")["outcome"] == "info"
    assert verify(str(path)).verified


def test_bad_policies_raise_policy_error(tmp_path):
    with pytest.raises(fhirsig.PolicyError):
        fhirsig.Verifier(policy="lenient")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[checks]\nsignature-value = "ignore"\n')
    with pytest.raises(fhirsig.PolicyError, match="line 3"):
        fhirsig.Verifier(policy=bad)
