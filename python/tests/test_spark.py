"""Spark in local mode (PyPI pyspark, Java 17): the example job verifies 100,000 NDJSON records
with 1% tampered and writes exactly the right counts to Parquet; its throughput per core is
printed for docs/benchmarks.md (never asserted)."""
import json
import os
import subprocess
import sys
import time

import pytest

import fhirsig
from conftest import ROOT

pyarrow_parquet = pytest.importorskip("pyarrow.parquet", reason="the Spark test needs tests/python/spark-requirements.txt")

FIXTURES = ROOT / "tests" / "fixtures" / "key-files"
PASSWORD = (FIXTURES / "password.txt").read_text().splitlines()[0]
RECORDS = 100_000


def test_example_job_counts_exactly(tmp_path):
    signer = fhirsig.Signer(FIXTURES / "leaf-p256.p12", password=PASSWORD)
    bundle = ('{"resourceType":"Bundle","type":"searchset","entry":[{"fullUrl":"urn:uuid:1","resource":'
              '{"resourceType":"Observation","status":"final","valueQuantity":{"value":72}}}]}')
    signed = json.dumps(json.loads(signer.sign(bundle, at="2026-12-01T10:00:00Z")), separators=(",", ":"))
    tampered = signed.replace('"value":72', '"value":73')
    assert tampered != signed
    folder = tmp_path / "export"
    folder.mkdir()
    expected_bad = set()
    with open(folder / "Bundle.000.ndjson", "w") as first, open(folder / "Bundle.001.ndjson", "w") as second:
        for i in range(RECORDS):
            out, line = (first, i + 1) if i < RECORDS // 2 else (second, i - RECORDS // 2 + 1)
            if i % 100 == 37:
                out.write(tampered + "\n")
                expected_bad.add((out.name.rsplit("/", 1)[-1], line))
            else:
                out.write(signed + "\n")
    output = tmp_path / "results.parquet"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    started = time.time()
    job = subprocess.run(
        [sys.executable, str(ROOT / "python" / "examples" / "verify_ndjson.py"), "--trust", str(FIXTURES / "ca.cert.pem"),
         "--at", "2026-12-02T00:00:00Z", str(folder), str(output)],
        env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.time() - started
    assert job.returncode == 0, job.stderr[-4000:]
    table = pyarrow_parquet.read_table(output).to_pydict()
    assert len(table["line"]) == RECORDS
    bad = {(f.rsplit("/", 1)[-1], line) for f, line, ok in zip(table["file"], table["line"], table["verified"]) if not ok}
    assert bad == expected_bad, f"{len(bad)} failed, {len(expected_bad)} tampered"
    assert sum(table["verified"]) == RECORDS - len(expected_bad)
    assert set(table["indication"]) == {"passed", "failed"}
    assert {s for s, ok in zip(table["sub_indication"], table["verified"]) if not ok} == {"sig-crypto-failure"}
    cores = os.cpu_count() or 1
    print(f"\nspark local[{cores}]: {RECORDS} records in {elapsed:.1f} s (job wall time, JVM start included): "
          f"{RECORDS / elapsed / cores:.0f} records/s per core")
