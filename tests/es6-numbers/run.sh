#!/usr/bin/env bash
# Checks `fhirsig canon` against Node's ECMAScript number serialisation on COUNT doubles
# (default 1,000,000): edge values, random bit patterns, subnormals, large integers, FHIR-like
# decimals and values a few ulps from round numbers, each written in a different textual form.
# usage: tests/es6-numbers/run.sh [FHIRSIG_BINARY] [COUNT]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-}
count=${2:-1000000}
if [ -z "$bin" ]; then
  cargo build --quiet --release -p fhirsig-cli --manifest-path "$root/Cargo.toml"
  bin="$root/target/release/fhirsig"
fi
command -v node >/dev/null || { echo "es6-numbers: node is required (apt-get install nodejs)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$here/generate.mjs" "$work" "$count"
"$bin" canon --quiet "$work/input.json" > "$work/actual.json"
if cmp -s "$work/expected.json" "$work/actual.json"; then
  echo "es6-numbers: $count passed, 0 failed"
else
  # Name the first differing numbers, then fail.
  node -e '
    const fs = require("fs");
    const exp = fs.readFileSync(process.argv[1], "utf8").slice(1, -1).split(",");
    const act = fs.readFileSync(process.argv[2], "utf8").slice(1, -1).split(",");
    let bad = 0;
    for (let i = 0; i < Math.max(exp.length, act.length); i++) {
      if (exp[i] !== act[i]) { if (bad++ < 10) console.error(`#${i}: expected ${exp[i]}, got ${act[i]}`); }
    }
    console.log(`es6-numbers: ${exp.length - bad} passed, ${bad} failed`);
  ' "$work/expected.json" "$work/actual.json"
  exit 1
fi
