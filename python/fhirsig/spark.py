"""Verification at payer scale on Spark: a vectorised (Arrow) UDF.

>>> from fhirsig.spark import verify_udf                              # doctest: +SKIP
>>> checked = df.withColumn("sig", verify_udf(trust=["/dbfs/roots/root.pem"])(df.value))

The UDF returns a struct column (verified, indication, sub_indication, signer, digest). Each
executor process builds one :class:`fhirsig.Verifier` per configuration and keeps it, so the
trust anchors are parsed once per executor, not per batch; each Arrow batch is verified in
parallel with the GIL released.
"""
from __future__ import annotations

import threading
from typing import Optional, Sequence, Tuple

import fhirsig

RESULT_SCHEMA = ("verified boolean, indication string, sub_indication string, signer string, "
                 "digest string")

_verifiers: dict = {}
_lock = threading.Lock()


def _material(values: Sequence) -> Tuple:
    return tuple(v if isinstance(v, (bytes, str)) else str(v) for v in values)


def _verifier(trust: Tuple, crls: Tuple, intermediates: Tuple, policy: str, at: Optional[str]) -> fhirsig.Verifier:
    key = (trust, crls, intermediates, policy, at)
    with _lock:
        verifier = _verifiers.get(key)
        if verifier is None:
            verifier = fhirsig.Verifier(trust=list(trust), crls=list(crls), intermediates=list(intermediates),
                                        policy=policy, at=at)
            _verifiers[key] = verifier
        return verifier


def verify_batch(values, trust: Tuple, crls: Tuple = (), intermediates: Tuple = (), policy: str = "auto",
                 at: Optional[str] = None):
    """Verifies a pandas Series of documents (str or bytes) into a DataFrame of results: one
    row per document. A document that is not strict JSON gets indication ``parse-failure``."""
    import pandas as pd

    verifier = _verifier(trust, crls, intermediates, policy, at)
    items = [v.encode() if isinstance(v, str) else (bytes(v) if v is not None else b"") for v in values]
    rows = []
    for report, kind, message in verifier._native.verify_batch(items):
        if report is None:
            rows.append((False, "parse-failure", kind, None, None))
            continue
        r = fhirsig.Report(report)
        rows.append((r.verified, r.indication, r.sub_indication, r.signer, r.digest))
    return pd.DataFrame(rows, columns=["verified", "indication", "sub_indication", "signer", "digest"])


def verify_udf(trust: Sequence, crls: Sequence = (), intermediates: Sequence = (), policy: str = "auto",
               at: Optional[str] = None):
    """A ``pandas_udf`` verifying a column of FHIR JSON documents into a struct column.

    ``trust``, ``crls`` and ``intermediates`` are PEM bytes, PEM text or paths readable on the
    executors (a shared file system, or PEM text passed inline); ``at`` an RFC 3339 instant
    (default: each batch at its clock's second).
    """
    from pyspark.sql.functions import pandas_udf

    config = (_material(trust), _material(crls), _material(intermediates), policy, at)

    @pandas_udf(RESULT_SCHEMA)
    def verify(documents):
        return verify_batch(documents, *config)

    return verify
