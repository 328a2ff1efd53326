//! Batch verification: folders, NDJSON (plain and gzip'd), broken and oversized records,
//! the closing summary, and exit statuses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fhirsig, temp_dir};

use std::io::Write as _;
use std::path::Path;

/// Signs `count` compact Bundles; returns (their lines, the root certificate path).
fn signed_bundles(dir: &Path, count: usize) -> (Vec<String>, String) {
    let now = fhirsig_core::trust::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let files = fhirsig_testkit::pki::generate_test_pki(now, &Default::default()).unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let key = dir.join("leaf-ec.key.pem");
    let chain = dir.join("chain.pem");
    let mut pem = std::fs::read(dir.join("leaf-ec.cert.pem")).unwrap();
    pem.extend(std::fs::read(dir.join("intermediate-ca.cert.pem")).unwrap());
    std::fs::write(&chain, pem).unwrap();
    let mut lines = Vec::new();
    for i in 0..count {
        let input = dir.join(format!("in-{i}.json"));
        std::fs::write(&input, format!(r#"{{"resourceType":"Bundle","type":"collection","entry":[{{"resource":{{"resourceType":"Basic","id":"b{i}"}}}}]}}"#)).unwrap();
        let out = fhirsig(&[
            "sign",
            input.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--cert",
            chain.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0));
        lines.push(String::from_utf8(out.stdout).unwrap());
        std::fs::remove_file(input).unwrap();
    }
    (
        lines,
        dir.join("root-ca.cert.pem").to_str().unwrap().to_owned(),
    )
}

#[test]
fn folders_and_ndjson_with_a_summary() {
    let dir = temp_dir("batch");
    let (lines, root) = signed_bundles(&dir, 4);
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("nested")).unwrap();
    std::fs::write(data.join("a.json"), &lines[0]).unwrap();
    std::fs::write(data.join("nested/b.json"), &lines[1]).unwrap();
    std::fs::write(data.join("ignored.txt"), "not json").unwrap();
    let ndjson = format!("{}\n\n{}\n", lines[2], lines[3]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(ndjson.as_bytes()).unwrap();
    std::fs::write(data.join("export.ndjson.gz"), gz.finish().unwrap()).unwrap();

    let out = fhirsig(&["verify", data.to_str().unwrap(), "--trust", &root]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.matches(": verified").count(), 4, "{stdout}");
    assert!(stdout.contains("export.ndjson.gz:1: / Bundle"), "{stdout}");
    assert!(
        stdout.contains("export.ndjson.gz:3: / Bundle"),
        "line numbers count the blank line: {stdout}"
    );
    assert!(
        stdout.contains("summary: 4 records, 4 signatures: 4 verified, 0 not verified"),
        "{stdout}"
    );
    assert!(!stdout.contains('\x1b'), "no colour when piped");

    let out = fhirsig(&["verify", data.to_str().unwrap(), "--trust", &root, "--json"]);
    let (files, lines_out) = split_file_verdicts(&out.stdout);
    assert_eq!(files.len(), 4, "one file verdict per record");
    assert!(files.iter().all(|f| f["verified"] == true));
    assert_eq!(lines_out.len(), 5);
    assert!(lines_out[..4]
        .iter()
        .all(|l| l["type"] == "signature" && l["verified"] == true));
    assert_eq!(lines_out[4]["type"], "summary");
    assert_eq!(lines_out[4]["verified"], 4);
    assert_eq!(lines_out[4]["byOutcome"]["passed"], 4);

    let out = fhirsig(&[
        "verify",
        data.to_str().unwrap(),
        "--trust",
        &root,
        "--color",
        "always",
    ]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\x1b[32mverified\x1b[0m"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_and_huge_lines_are_one_failed_record_each() {
    let dir = temp_dir("batch-bad");
    let (lines, root) = signed_bundles(&dir, 2);
    let tampered = lines[1].replace("\"b1\"", "\"b9\"");
    let huge = format!(
        "{{\"resourceType\":\"Bundle\",\"pad\":\"{}\"}}",
        "x".repeat(5000)
    );
    let ndjson = format!(
        "{}\n{{not json\n{huge}\n{tampered}\n{}",
        lines[0], r#"{"resourceType":"Bundle","type":"collection"}"#
    );
    let file = dir.join("mixed.ndjson");
    std::fs::write(&file, ndjson).unwrap();
    let out = fhirsig(&[
        "verify",
        file.to_str().unwrap(),
        "--trust",
        &root,
        "--max-record-bytes",
        "4096",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "unreadable records make it exit 2"
    );
    let (files, lines_out) = split_file_verdicts(&out.stdout);
    let verdicts: Vec<bool> = files.iter().map(|f| f["verified"] == true).collect();
    assert_eq!(verdicts, [true, false, false], "readable records only");
    let types: Vec<&str> = lines_out
        .iter()
        .map(|l| l["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "signature",
            "record-error",
            "record-error",
            "signature",
            "signature",
            "summary"
        ]
    );
    assert_eq!(lines_out[0]["verified"], true);
    assert!(lines_out[1]["message"]
        .as_str()
        .unwrap()
        .contains("expected"));
    assert_eq!(lines_out[1]["file"], format!("{}:2", file.display()));
    assert!(lines_out[2]["message"]
        .as_str()
        .unwrap()
        .contains("longer than 4096"));
    assert_eq!(lines_out[3]["subIndication"], "sig-crypto-failure");
    assert_eq!(lines_out[4]["indication"], "no-signature");
    let summary = &lines_out[5];
    assert_eq!(
        (summary["records"].as_u64(), summary["unreadable"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(summary["byOutcome"]["failed/sig-crypto-failure"], 1);

    // Without the bad records: exit 1 (a signature failed), not 2.
    let file = dir.join("signed-only.ndjson");
    std::fs::write(&file, format!("{}\n{tampered}\n", lines[0])).unwrap();
    let out = fhirsig(&[
        "verify",
        "--ndjson",
        file.to_str().unwrap(),
        "--trust",
        &root,
        "-j",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("1 verified, 1 not verified"), "{stdout}");
    assert!(stdout.contains("failed/sig-crypto-failure"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn html_report_is_self_contained() {
    let dir = temp_dir("html");
    let (lines, root) = signed_bundles(&dir, 2);
    let good = dir.join("good.json");
    std::fs::write(&good, &lines[0]).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, lines[1].replace("\"b1\"", "\"b<script>\"")).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"a\":").unwrap();
    let report = dir.join("report.html");
    let out = fhirsig(&[
        "verify",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        broken.to_str().unwrap(),
        "--trust",
        &root,
        "--html",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "an unreadable record");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in [
        "Summary",
        "verified",
        "not verified · failed/sig-crypto-failure",
        "unreadable",
        "signature-value",
        "certificate-path",
        "<svg",
        "sigT",
        "verified at",
        "Payload SHA-256",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // Self-contained and inert: no scripts, no external resources; content is escaped.
    for forbidden in ["<script", "<link", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(forbidden), "report contains {forbidden}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn html_report_shows_controls_and_bidi_controls_escaped() {
    let dir = temp_dir("html-controls");
    let (lines, root) = signed_bundles(&dir, 1);
    // A file name is text from whoever made the input, like a certificate's names.
    let evil = dir.join("a\u{1b}[2J\u{202e}\u{200f}\u{2028}b.json");
    std::fs::write(&evil, &lines[0]).unwrap();
    let report = dir.join("report.html");
    let out = fhirsig(&[
        "verify",
        evil.to_str().unwrap(),
        "--trust",
        &root,
        "--html",
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&report).unwrap();
    for raw in ['\u{1b}', '\u{202e}', '\u{200f}', '\u{2028}'] {
        assert!(!html.contains(raw), "raw {raw:?} in the report");
    }
    assert!(html.contains("a\\x1b[2J\\u{202e}\\u{200f}\\u{2028}b.json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `count` copies of one signed Bundle as NDJSON, with every tenth line broken.
fn many_records(dir: &Path, count: usize) -> (std::path::PathBuf, String) {
    let (lines, root) = signed_bundles(dir, 1);
    let line = lines[0].trim_end();
    let text: String = (0..count)
        .map(|i| {
            if i % 10 == 9 {
                "{\"broken\":\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let path = dir.join("many.ndjson");
    std::fs::write(&path, text).unwrap();
    (path, root)
}

#[test]
fn results_keep_input_order_across_chunks_and_threads() {
    let dir = temp_dir("batch-order");
    let (path, root) = many_records(&dir, 700);
    for jobs in ["1", "2", "3"] {
        let out = fhirsig(&[
            "verify",
            path.to_str().unwrap(),
            "--trust",
            &root,
            "--json",
            "-j",
            jobs,
        ]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "broken records make it bad input"
        );
        let (files, lines) = split_file_verdicts(&out.stdout);
        assert_eq!(files.len(), 630, "-j {jobs}");
        assert_eq!(lines.len(), 701);
        for (i, line) in lines[..700].iter().enumerate() {
            let name = format!("{}:{}", path.display(), i + 1);
            assert_eq!(line["file"], name.as_str(), "-j {jobs}");
            let expected = if i % 10 == 9 {
                "record-error"
            } else {
                "signature"
            };
            assert_eq!(line["type"], expected, "-j {jobs} line {}", i + 1);
        }
        assert_eq!(lines[700]["records"], 700);
        assert_eq!(lines[700]["verified"], 630);
        assert_eq!(lines[700]["unreadable"], 70);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};
    let dir = temp_dir("batch-pipe");
    let (path, root) = many_records(&dir, 3000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(["verify", path.to_str().unwrap(), "--trust", &root, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"type\":\"signature\""), "{first}");
    // The reader is gone (as with `| head -1`); the run ends without a message.
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(matches!(out.status.code(), Some(0..=2)), "{:?}", out.status);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// JSON Lines output split into the per-record file verdicts and everything else; each file
/// verdict follows its record's signature lines and names the same record.
fn split_file_verdicts(stdout: &[u8]) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let all: Vec<serde_json::Value> = String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (i, line) in all.iter().enumerate() {
        if line["type"] == "file" {
            assert!(i > 0 && all[i - 1]["file"] == line["file"], "{line}");
        }
    }
    all.into_iter().partition(|l| l["type"] == "file")
}
