"""Writes a gzip'd NDJSON batch, and checks what `fhirsig verify --json` reports for it.

generate SIGNED.json N OUT.ndjson.gz   N records: the signed resource, every 100th line broken
bomb BIN ROOT OUT.ndjson.gz MAX_MIB   writes 128 lines of 16 MiB each (2 GiB inflated from a
                                       few MiB of gzip) and checks that verifying them stays
                                       under MAX_MIB of RSS, every line reported
check BIN ROOT IN.ndjson.gz N MAX_MIB  runs the verifier, streams its output, and checks that
                                       every line 1..N is reported exactly once and in order
                                       (signatures and file verdicts for good lines, a
                                       record-error for broken ones), the summary's counts, and
                                       the verifier's peak RSS
"""
import gzip
import json
import re
import resource
import subprocess
import sys

FILE = re.compile(rb'"file":"[^"]*:(\d+)"')
TYPE = re.compile(rb'"type":"([a-z-]+)"')


def generate(signed, count, out):
    with open(signed) as f:
        record = json.dumps(json.load(f), separators=(",", ":")).encode()
    broken = b'{"resourceType": "Bundle", "entry": [\n'
    with gzip.open(out, "wb", compresslevel=1) as f:
        for i in range(1, count + 1):
            f.write(broken if i % 100 == 0 else record + b"\n")


def check(binary, root, batch, count, max_mib):
    count = int(count)
    process = subprocess.Popen(
        [binary, "verify", batch, "--trust", root, "--json"],
        stdout=subprocess.PIPE,
        bufsize=1 << 20,
    )
    expected, seen_file_line, summary = 1, False, None
    for line in process.stdout:
        kind = TYPE.search(line)
        kind = kind.group(1).decode() if kind else None
        if kind == "summary":
            summary = json.loads(line)
            continue
        number = FILE.search(line)
        if number is None:
            sys.exit(f"batch: a line names no record: {line[:200]!r}")
        number = int(number.group(1))
        broken = number % 100 == 0
        if kind == "record-error":
            if number != expected or not broken:
                sys.exit(f"batch: record-error for line {number}, expected line {expected}")
            expected += 1
        elif kind == "signature":
            if number != expected or broken or b'"verified":true' not in line:
                sys.exit(f"batch: signature for line {number} (expected {expected}): {line[:300]!r}")
            seen_file_line = True
        elif kind == "file":
            if number != expected or not seen_file_line or b'"verified":true' not in line:
                sys.exit(f"batch: file verdict for line {number} (expected {expected})")
            seen_file_line = False
            expected += 1
        else:
            sys.exit(f"batch: unexpected line {line[:200]!r}")
    status = process.wait()
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if expected != count + 1:
        sys.exit(f"batch: {expected - 1} of {count} records reported")
    if status != 2:
        sys.exit(f"batch: exit {status}; broken records make it 2")
    bad = count // 100
    want = {"records": count, "unreadable": bad, "verified": count - bad, "signatures": count - bad}
    got = {k: (summary or {}).get(k) for k in want}
    if got != want:
        sys.exit(f"batch: summary {got}, expected {want}")
    print(f"batch: {count} records, each reported once in order; peak RSS {peak_mib:.0f} MiB")
    if peak_mib >= float(max_mib):
        sys.exit(f"batch: peak RSS {peak_mib:.0f} MiB, the limit is {max_mib} MiB")


def bomb(binary, root, out, max_mib):
    line = b'{"resourceType":"Binary","contentType":"text/plain","data":"' + b"A" * (16 << 20) + b'"}\n'
    with gzip.open(out, "wb", compresslevel=6) as f:
        for _ in range(128):
            f.write(line)
    process = subprocess.run(
        [binary, "verify", out, "--trust", root, "--json"], stdout=subprocess.PIPE, check=False
    )
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    files = process.stdout.count(b'"type":"file"')
    if files != 128:
        sys.exit(f"bomb: {files} of 128 records reported (exit {process.returncode})")
    print(f"bomb: 128 records of 16 MiB (2 GiB inflated) reported; peak RSS {peak_mib:.0f} MiB")
    if peak_mib >= float(max_mib):
        sys.exit(f"bomb: peak RSS {peak_mib:.0f} MiB, the limit is {max_mib} MiB")


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "bomb":
        bomb(*sys.argv[2:6])
    elif sys.argv[1] == "check":
        check(*sys.argv[2:7])
    else:
        sys.exit(__doc__)
