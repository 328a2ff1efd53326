#!/usr/bin/env bash
# Smoke fuzzing for CI: installs cargo-fuzz when missing, seeds the corpora from the project's
# test data, and runs every cargo-fuzz target of crates/jcs/fuzz and crates/core/fuzz for a few
# seconds on the stable toolchain without a sanitizer (`-s none`). Fails if any target crashes
# (panic, failed assertion, timeout or out-of-memory). Long campaigns: docs/fuzzing.md.
#
# Usage: tests/fuzz/smoke.sh [SECONDS_PER_TARGET]   (default 10; FUZZ_SECONDS works too)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-${FUZZ_SECONDS:-10}}
cargo_fuzz_version=0.13.2
# One target folder for both fuzz crates, so what they share (libFuzzer itself, fhirsig-jcs) is
# built once.
fuzz=(-s none --target-dir "$PWD/target/fuzz")

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz $cargo_fuzz_version"
  cargo install cargo-fuzz --locked --version "$cargo_fuzz_version"
fi

failed=()
for crate in crates/jcs crates/core; do
  "$crate/fuzz/seed.sh"
  echo "== building the fuzz targets of $crate"
  (cd "$crate" && cargo fuzz build "${fuzz[@]}")
  for target in $(cd "$crate" && cargo fuzz list); do
    echo "== $crate: $target for ${seconds}s"
    # -rss_limit_mb and -timeout: a run that needs 2 GB or 10 s is a bug too.
    if ! (cd "$crate" && cargo fuzz run "${fuzz[@]}" "$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      2>&1 | grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done|==|SUMMARY|thread .* panicked)|Test unit written' ; exit "${PIPESTATUS[0]}"); then
      failed+=("$crate:$target")
    fi
  done
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz smoke: crashed: ${failed[*]} (reproducers under <crate>/fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz smoke: every target ran ${seconds}s without a crash"
