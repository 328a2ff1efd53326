"""fhirsig: FHIR digital signatures (Da Vinci CDex, PDex) exact to the byte.

>>> import fhirsig
>>> fhirsig.canonicalize(b'{"b": 1, "a": [1.50, "\\u00e9"]}')
b'{"a":[1.5,"\\xc3\\xa9"],"b":1}'

Verification and signing call the same Rust core as the ``fhirsig`` command line; a
:class:`Report` says "verified" only when the signed bytes, the signature value, the certificate
chain and the signer's identity each passed.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Iterable, Iterator, List, Optional, Sequence, Union

from . import _fhirsig
from ._errors import Error, InputError, KeySourceError, PolicyError

__all__ = [
    "canonicalize", "payload", "Verifier", "Signer", "Report",
    "Error", "InputError", "KeySourceError", "PolicyError", "__version__",
]
__version__: str = _fhirsig.__version__

Data = Union[bytes, bytearray, str]
Material = Union[bytes, str, "os.PathLike[str]"]
Instant = Union[str, datetime]


def canonicalize(data: Data) -> bytes:
    """The RFC 8785 canonical form of strict I-JSON ``data``.

    Raises :class:`InputError` (``kind`` as the published vectors name it) for input that is
    not I-JSON: a duplicate member, a lone surrogate, a number outside the double range, ...
    """
    return _fhirsig.canonicalize(data)


def payload(resource: Data, canonicalization: Optional[str] = None, pointer: Optional[str] = None) -> bytes:
    """The exact bytes a FHIR signature over the resource at ``pointer`` covers.

    ``canonicalization`` is a rule's URI; by default the CDex rule (root ``id``, ``meta`` and
    ``signature`` removed) for a Bundle or QuestionnaireResponse, the item rule for a
    QuestionnaireResponse item.
    """
    return _fhirsig.payload(resource, canonicalization, pointer)


class Report:
    """The verdict on one document: every signature in it and the file verdict.

    ``verified`` is the file verdict: every signature verified and the subject covered (for
    ``verify_provenance``: every signature verified and no Provenance left unsigned or
    unchecked, whose pointers ``unsigned`` and ``unchecked`` list).
    ``indication`` / ``sub_indication`` (ETSI terms), ``signer`` (the certificate subject) and
    ``digest`` (SHA-256 of the signed payload) are the first signature's; ``checks`` lists
    every check of every signature; ``signatures`` has one dict per signature.
    """

    __slots__ = ("_json", "_outcome", "_data")

    def __init__(self, report_json: str, operation_outcome: Optional[str] = None) -> None:
        self._json = report_json
        self._outcome = operation_outcome
        self._data = json.loads(report_json)

    @property
    def unsigned(self) -> List[str]:
        """JSON Pointers of the Provenance resources without a signature (``verify_provenance``)."""
        return list(self._data.get("unsigned", []))

    @property
    def unchecked(self) -> List[str]:
        """JSON Pointers of Provenance resources not checked (``verify_provenance``: only the
        root and the Bundle's entries are), which keep ``verified`` false."""
        return list(self._data.get("unchecked", []))

    @property
    def signatures(self) -> List[dict]:
        return list(self._data.get("signatures", []))

    @property
    def verified(self) -> bool:
        file = self._data.get("file")
        if file is not None:
            return bool(file["verified"])
        signatures = self._data.get("signatures", [])
        if self._data.get("unsigned") or self._data.get("unchecked"):
            return False
        return bool(signatures) and all(s["verified"] for s in signatures)

    def _first(self, key: str) -> Optional[object]:
        signatures = self._data.get("signatures", [])
        return signatures[0].get(key) if signatures else None

    @property
    def indication(self) -> str:
        value = self._first("indication")
        return str(value) if value is not None else "no-signature"

    @property
    def sub_indication(self) -> Optional[str]:
        value = self._first("subIndication")
        return str(value) if value is not None else None

    @property
    def signer(self) -> Optional[str]:
        signer = self._first("signer")
        return signer.get("subject") if isinstance(signer, dict) else None

    @property
    def digest(self) -> Optional[str]:
        value = self._first("payloadSha256")
        return str(value) if value is not None else None

    @property
    def checks(self) -> List[dict]:
        return [check for s in self._data.get("signatures", []) for check in s.get("checks", [])]

    @property
    def deciding_checks(self) -> List[Optional[str]]:
        """For each signature: the check that decided a failure (None when it verified)."""
        return list(self._data.get("decidingChecks", []))

    @property
    def reason(self) -> Optional[str]:
        file = self._data.get("file")
        return file.get("reason") if file else None

    def to_json(self) -> str:
        """The report as JSON: ``{"signatures": [...], "decidingChecks": [...], "file": {...}}``."""
        return self._json

    def to_operation_outcome(self) -> str:
        """The FHIR OperationOutcome ``fhirsig verify --outcome`` writes for the same input."""
        if self._outcome is None:
            raise Error("this report has no OperationOutcome (it comes from a batch)")
        return self._outcome

    def __repr__(self) -> str:
        return f"<fhirsig.Report verified={self.verified} indication={self.indication!r} signer={self.signer!r}>"


def _list(value: Union[None, Material, Sequence[Material]]) -> list:
    if value is None:
        return []
    if isinstance(value, (bytes, str)) or hasattr(value, "__fspath__"):
        return [value]
    return list(value)


_BUILTIN_POLICIES = ("auto", "cdex", "cdex-strict", "r6")
_MAX_POLICY_BYTES = 64 * 1024


def _policy(policy: Union[str, "os.PathLike[str]"]) -> "tuple[Optional[str], Optional[str]]":
    """A built-in policy name, or the text of a TOML policy file."""
    if isinstance(policy, str) and policy in _BUILTIN_POLICIES:
        return policy, None
    path = os.fspath(policy)
    if not os.path.isfile(path):
        raise PolicyError(
            f"unknown policy {policy!r}: auto, cdex, cdex-strict, r6, or the path of a TOML policy file"
        )
    with open(path, "rb") as f:
        data = f.read(_MAX_POLICY_BYTES + 1)
    if len(data) > _MAX_POLICY_BYTES:
        raise PolicyError(f"{path}: more than {_MAX_POLICY_BYTES} bytes, which no policy needs")
    try:
        return None, data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PolicyError(f"{path}: not UTF-8 text ({e})") from None


class Verifier:
    """Verifies FHIR signatures against trust anchors, as ``fhirsig verify`` does.

    ``trust``, ``crls`` and ``intermediates`` take PEM (or DER) bytes, PEM text, or paths.
    ``policy`` is the validation policy: ``"auto"`` (the default: ``cdex``, or ``r6`` for a
    signature held to the R6 profile), ``"cdex"``, ``"cdex-strict"``, ``"r6"``, or the path of a
    TOML policy file (docs/policy.md). ``profile`` is the profile signatures are held to:
    ``"auto"`` (detected per signature, the default), ``"cdex"``, ``"cdex2"`` or ``"r6"``.
    ``ocsp`` takes stored OCSP responses (DER bytes or paths), consulted before the CRLs.
    ``at`` fixes the verification time (an RFC 3339 string or an aware datetime); without it each
    call verifies at the clock's second. ``time_policy`` is ``"now"`` (certificates judged at the
    verification time) or ``"sigt"``; default: the policy's.
    """

    def __init__(
        self,
        trust: Union[Material, Sequence[Material]] = (),
        crls: Union[Material, Sequence[Material]] = (),
        policy: Union[str, "os.PathLike[str]"] = "auto",
        at: Optional[Instant] = None,
        intermediates: Union[Material, Sequence[Material]] = (),
        time_policy: Optional[str] = None,
        profile: str = "auto",
        ocsp: Union[Material, Sequence[Material]] = (),
    ) -> None:
        name, text = _policy(policy)
        self._native = _fhirsig.NativeVerifier(
            _list(trust), _list(crls), _list(intermediates), profile, name, text, at, time_policy,
            _list(ocsp),
        )

    def verify(self, data: Data, pointer: Optional[str] = None, require_all_signed: bool = False) -> Report:
        """Verifies every signature in one document (the GIL is released meanwhile)."""
        report, outcome = self._native.verify(data, pointer, require_all_signed)
        return Report(report, outcome)

    def verify_many(self, items: Iterable[Data], batch_size: int = 512) -> Iterator[Report]:
        """Reports for many documents, in order, verified in batches on every core with the GIL
        released. A document that is not strict JSON raises :class:`InputError` when reached."""
        batch: list = []
        for item in items:
            batch.append(item.encode() if isinstance(item, str) else bytes(item))
            if len(batch) >= batch_size:
                yield from self._reports(batch)
                batch = []
        if batch:
            yield from self._reports(batch)

    def _reports(self, batch: list) -> Iterator[Report]:
        for report, kind, message in self._native.verify_batch(batch):
            if report is None:
                raise InputError(message or "not strict JSON", kind)
            yield Report(report)

    def verify_provenance(self, bundle: Data) -> Report:
        """Verifies every ``Provenance.signature`` in a Bundle (targets, when = sigT, who)."""
        return Report(self._native.verify_provenance(bundle))

    def verify_document(self, signature: str, document: Data, uri: Optional[str] = None) -> Report:
        """Verifies a detached JWS over a document's bytes (or a JAdES ``sigD`` JWS naming the
        document by ``uri``); the report has ``checks``, ``indication`` and ``verified``."""
        data = json.loads(self._native.verify_document(signature, document, uri))
        return Report(json.dumps({"signatures": [data], "decidingChecks": [data.get("decidingCheck")]}))


class Signer:
    """Signs Bundles and QuestionnaireResponses as ``fhirsig sign`` does.

    ``key`` is a key file's content or path: PKCS#8, SEC1 or PKCS#1 PEM/DER, a private JWK,
    encrypted PKCS#8 or PKCS#12 (with ``password``); or a PKCS#11 URI
    (``"pkcs11:token=ehr;object=cdex"``) with ``module`` (the token's PKCS#11 library) and
    ``pin``: the key never leaves the token, and one session serves every signature. ``cert``
    is the chain (PEM, leaf first); by default the PKCS#12 file's or the token's.
    ``Signature.who`` names the certificate's NPI.
    """

    def __init__(self, key: Material, cert: Optional[Material] = None, profile: str = "cdex",
                 password: Optional[str] = None, module: Optional[str] = None,
                 pin: Optional[str] = None) -> None:
        self._native = _fhirsig.NativeSigner(key, cert, password, profile, module, pin)

    def sign(self, data: Data, at: Optional[Instant] = None, pointer: Optional[str] = None) -> bytes:
        """The resource with its signature added (its other bytes kept), signed at ``at`` or now."""
        return self._native.sign(data, at, pointer)
