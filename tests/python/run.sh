#!/usr/bin/env bash
# The Python package: builds the abi3 wheel with maturin (pinned) in a venv, installs it, and
# runs pytest python/tests: the published test vectors, the CDex IG examples, errors, threads
# and the GIL, round trips with PyPI rfc8785 and jwcrypto (tests/interop/requirements.txt).
# With --spark, also the Spark test (pyspark in local mode; needs Java 17).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/target/python-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet -r tests/python/requirements.txt -r tests/interop/requirements.txt
if [ "${1:-}" = "--spark" ]; then
  "$venv/bin/pip" install --quiet -r tests/python/spark-requirements.txt
fi
rm -rf target/wheels
(cd python && "$venv/bin/maturin" build --release --locked --quiet -o "$root/target/wheels")
"$venv/bin/pip" install --quiet --force-reinstall --no-deps target/wheels/fhirsig-*.whl
# A SoftHSM2 token for python/tests/test_pkcs11.py when SoftHSM2 and OpenSC are installed
# (.ci/run installs them); without them those tests are reported skipped.
if command -v softhsm2-util >/dev/null 2>&1 && command -v pkcs11-tool >/dev/null 2>&1; then
  tests/pkcs11/softhsm-token.sh "$root/target/python-hsm" >/dev/null
  export FHIRSIG_PKCS11_TEST_DIR="$root/target/python-hsm"
fi
# Run from outside python/ so the installed wheel is tested, not the source folder.
cd "$root/target"
if [ "${1:-}" = "--spark" ]; then
  "$venv/bin/python" -m pytest -q "$root/python/tests"
else
  "$venv/bin/python" -m pytest -q "$root/python/tests" --ignore="$root/python/tests/test_spark.py"
fi
