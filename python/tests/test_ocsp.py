"""Stored OCSP responses (RFC 6960) through the package, as ``fhirsig cert verify --ocsp`` takes them."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import fhirsig

PKI = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "openssl-pki" / "out"


def produced_at(der: bytes) -> datetime:
    """producedAt: the first GeneralizedTime (tag 0x18, 15 characters) of the response."""
    at = der.index(b"\x18\x0f") + 2
    return datetime.strptime(der[at:at + 15].decode(), "%Y%m%d%H%M%SZ").replace(tzinfo=timezone.utc)


def test_ocsp_responses_need_trust_and_must_parse():
    with pytest.raises(fhirsig.InputError):
        fhirsig.Verifier(ocsp=[PKI / "ocsp-good.der"])
    with pytest.raises(fhirsig.InputError):
        fhirsig.Verifier(trust=[PKI / "root.cert.pem"], ocsp=[PKI / "root.crl.pem"])


def test_a_stored_response_is_accepted_as_bytes_or_path():
    der = (PKI / "ocsp-good.der").read_bytes()
    at = produced_at(der) + timedelta(hours=1)
    for ocsp in ([der], [PKI / "ocsp-good.der"]):
        fhirsig.Verifier(trust=[PKI / "root.cert.pem"], ocsp=ocsp, at=at)
