#!/usr/bin/env bash
# Regenerates limbo.json from the public x509-limbo suite (C2SP/x509-limbo) at the pinned commit:
# every test case but the BetterTLS and online groups (both TLS-only, and large). The suite's
# generator makes fresh keys on each run, so the file's certificates change while the cases
# (ids, structure, expected results) stay those of the commit.
#   tests/x509-limbo/generate.sh [LIMBO-CHECKOUT]
# needs Python 3.11 and PyPI (pydantic, cryptography, pyyaml, pyOpenSSL, certifi, requests, Jinja2).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
commit=$(cat "$here/COMMIT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="${1:-}"
if [ -z "$src" ]; then
  git clone --quiet https://github.com/C2SP/x509-limbo "$work/limbo"
  src="$work/limbo"
fi
git -C "$src" checkout --quiet "$commit"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "pydantic~=2.13" "cryptography~=46.0" "pyyaml~=6.0" pyOpenSSL certifi \
  "requests~=2.33" Jinja2
cat > "$work/gen.py" <<'PY'
from limbo import testcases
from limbo.models import Limbo
cases = [make() for _, make in testcases.registry.items()]
print(Limbo(version=1, testcases=cases).model_dump_json(indent=None))
PY
(cd "$src" && PYTHONWARNINGS=ignore "$work/venv/bin/python" "$work/gen.py") > "$here/limbo.json"
echo "wrote $here/limbo.json from x509-limbo $commit"
