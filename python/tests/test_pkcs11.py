"""Signer with a key on a SoftHSM2 token (tests/pkcs11/softhsm-token.sh makes it; tests/python/run.sh
passes its folder in FHIRSIG_PKCS11_TEST_DIR). Without a token the tests are reported skipped."""
import os
import pathlib

import pytest

import fhirsig
from conftest import ROOT

TOKEN = os.environ.get("FHIRSIG_PKCS11_TEST_DIR")
MODULE = os.environ.get("FHIRSIG_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
pytestmark = pytest.mark.skipif(not TOKEN, reason="needs a SoftHSM2 token: tests/python/run.sh makes one")
BUNDLE = '{"resourceType":"Bundle","type":"searchset","entry":[]}'


@pytest.fixture(scope="module")
def pin():
    os.environ["SOFTHSM2_CONF"] = str(pathlib.Path(TOKEN) / "softhsm2.conf")
    return (pathlib.Path(TOKEN) / "pin.txt").read_text().splitlines()[0]


def test_token_failures_are_key_source_errors(pin):
    # First in the file: PKCS#11 login state belongs to the process, so a wrong PIN is only
    # checked before any login succeeded.
    with pytest.raises(fhirsig.KeySourceError) as error:
        fhirsig.Signer("pkcs11:token=fhirsig-test;object=ec-signer", module=MODULE, pin="999999")
    assert "PIN" in str(error.value) and "999999" not in str(error.value)
    with pytest.raises(fhirsig.KeySourceError):
        fhirsig.Signer("pkcs11:token=fhirsig-test;object=nope", module=MODULE, pin=pin)
    with pytest.raises(fhirsig.KeySourceError):
        fhirsig.Signer("pkcs11:token=fhirsig-test;object=ec-signer", pin=pin)  # no module


def test_token_key_signs_and_verifies(pin):
    signer = fhirsig.Signer("pkcs11:token=fhirsig-test;object=ec-signer", module=MODULE, pin=pin)
    verifier = fhirsig.Verifier(trust=ROOT / "tests" / "fixtures" / "key-files" / "ca.cert.pem")
    for _ in range(3):
        assert verifier.verify(signer.sign(BUNDLE)).verified
