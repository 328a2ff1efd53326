"""Shared paths of the Python tests: the repository, its published vectors, the CDex suite."""
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "test-vectors"
CDEX = ROOT.parent / "shared" / "vectors" / "cdex"


@pytest.fixture(scope="session")
def cdex():
    if not CDEX.is_dir():
        pytest.fail(f"the CDex example suite is missing at {CDEX} (shared/ beside the repository)")
    return CDEX
