//! `fhirsig doc sign` / `fhirsig doc verify` end to end: JWS, sigD and CMS round trips, named
//! document failures, exit statuses, and the RFC 7520 detached-content example.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fhirsig_in as fhirsig, openssl_pki as pki};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A fresh folder for one test, removed when dropped.
fn workdir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("doc-{name}"))
}

fn cookbook(file: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/jose/rfc7520-cookbook")
        .join(file);
    assert!(path.is_file(), "missing vector {}", path.display());
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes ccd.xml, scan.pdf and chain.pem (leaf-good + intermediate) into `dir`.
fn setup(dir: &Path) {
    std::fs::write(
        dir.join("ccd.xml"),
        b"<ClinicalDocument>C-CDA</ClinicalDocument>\n",
    )
    .unwrap();
    std::fs::write(dir.join("scan.pdf"), b"%PDF-1.7\n\x00\xff binary").unwrap();
    let chain = [
        std::fs::read(pki("leaf-good.cert.pem")).unwrap(),
        std::fs::read(pki("intermediate.cert.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
}

const AT: &str = "2026-06-01T00:00:00Z";

fn sign(dir: &Path, extra: &[&str]) -> Output {
    let key = pki("leaf-good.key.pem");
    let mut args = vec![
        "doc",
        "sign",
        "--key",
        &key,
        "--cert",
        "chain.pem",
        "--at",
        AT,
    ];
    args.extend_from_slice(extra);
    fhirsig(dir, &args)
}

fn verify(dir: &Path, extra: &[&str]) -> Output {
    let root = pki("root.cert.pem");
    let mut args = vec!["doc", "verify", "--trust", &root, "--at", AT];
    args.extend_from_slice(extra);
    fhirsig(dir, &args)
}

#[test]
fn one_document_jws_round_trip_and_tampering() {
    let dir = workdir("one");
    setup(&dir);
    assert_exit(&sign(&dir, &["ccd.xml"]), 0);
    let jws = std::fs::read_to_string(dir.join("ccd.xml.jws")).unwrap();
    assert!(jws.contains(".."), "detached compact JWS");
    let out = verify(&dir, &["ccd.xml.jws", "ccd.xml"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("ccd.xml.jws: passed"),
        "{}",
        stdout(&out)
    );

    std::fs::write(
        dir.join("ccd.xml"),
        b"<ClinicalDocument>C-CDB</ClinicalDocument>\n",
    )
    .unwrap();
    let out = verify(&dir, &["ccd.xml.jws", "ccd.xml"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("sig-crypto-failure"));
}

#[test]
fn several_documents_name_the_changed_missing_and_extra_ones() {
    let dir = workdir("many");
    setup(&dir);
    assert_exit(&sign(&dir, &["ccd.xml", "scan.pdf", "-o", "set.jws"]), 0);
    assert_exit(&verify(&dir, &["set.jws", "ccd.xml", "scan.pdf"]), 0);

    let out = verify(&dir, &["set.jws", "ccd.xml"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("scan.pdf is signed but was not supplied"));

    std::fs::write(dir.join("extra.txt"), b"x").unwrap();
    let out = verify(&dir, &["set.jws", "ccd.xml", "scan.pdf", "extra.txt"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("extra.txt is not covered by the signature"));

    let mut pdf = std::fs::read(dir.join("scan.pdf")).unwrap();
    pdf[0] ^= 1;
    std::fs::write(dir.join("scan.pdf"), pdf).unwrap();
    let out = verify(&dir, &["set.jws", "ccd.xml", "scan.pdf", "--json"]);
    assert_exit(&out, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["indication"], "failed");
    assert_eq!(report["subIndication"], "hash-failure");
    let failed: Vec<&serde_json::Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["evidence"]["uri"], "scan.pdf");
}

#[test]
fn files_are_matched_by_name_from_another_folder() {
    let dir = workdir("folder");
    setup(&dir);
    assert_exit(&sign(&dir, &["--sigd", "ccd.xml"]), 0);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(dir.join("ccd.xml.jws"), dir.join("sub/sig.jws")).unwrap();
    let out = verify(&dir.join("sub"), &["sig.jws", "../ccd.xml"]);
    assert_exit(&out, 0);
}

#[test]
fn cms_round_trip_and_json_report() {
    let dir = workdir("cms");
    setup(&dir);
    assert_exit(&sign(&dir, &["--format", "cms", "scan.pdf"]), 0);
    let p7s = std::fs::read(dir.join("scan.pdf.p7s")).unwrap();
    assert_eq!(p7s[0], 0x30, "DER");
    let out = verify(&dir, &["scan.pdf.p7s", "scan.pdf", "--json"]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["indication"], "passed");
    assert!(report["subIndication"].is_null());
    let codes: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    for code in [
        "document-digest",
        "signing-certificate",
        "signature",
        "certificate-path",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    std::fs::write(dir.join("scan.pdf"), b"%PDF-1.7 other").unwrap();
    let out = verify(&dir, &["scan.pdf.p7s", "scan.pdf"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("hash-failure"));
}

#[test]
fn bad_input_exits_2_and_inputs_are_never_overwritten() {
    let dir = workdir("bad");
    setup(&dir);
    assert_exit(&sign(&dir, &["ccd.xml", "-o", "ccd.xml"]), 2);
    assert_eq!(
        std::fs::read(dir.join("ccd.xml")).unwrap(),
        b"<ClinicalDocument>C-CDA</ClinicalDocument>\n"
    );
    assert_exit(&sign(&dir, &["missing.xml"]), 2);
    assert_exit(&sign(&dir, &["--format", "cms", "ccd.xml", "scan.pdf"]), 2);
    assert_exit(&sign(&dir, &["ccd.xml"]), 0);
    assert_exit(
        &fhirsig(&dir, &["doc", "verify", "ccd.xml.jws", "ccd.xml"]),
        2,
    );
}

#[test]
fn key_only_verification_is_not_trust() {
    let dir = workdir("keyonly");
    setup(&dir);
    assert_exit(&sign(&dir, &["ccd.xml"]), 0);
    let cert = pki("leaf-good.cert.pem");
    let out = fhirsig(
        &dir,
        &["doc", "verify", "ccd.xml.jws", "ccd.xml", "--key", &cert],
    );
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("[not-checked] certificate-chain"), "{text}");
    assert!(text.contains("no certificate chain was checked"), "{text}");
    assert!(!text.contains("certificate-path"), "{text}");
}

/// RFC 7520 section 4.5 detaches the payload of a compact JWS (Appendix F). Its own example is
/// HS256, which fhirsig refuses (no MAC algorithms); the same detachment of the section 4.1
/// RS256 example, with the RSA key of section 3.4, verifies.
#[test]
fn rfc7520_detached_content_verifies_with_the_key() {
    let dir = workdir("rfc7520");
    let example = cookbook("jws/4_1.rsa_v15_signature.json");
    let payload = example["input"]["payload"].as_str().unwrap();
    std::fs::write(dir.join("payload.txt"), payload).unwrap();
    let compact = example["output"]["compact"].as_str().unwrap();
    let parts: Vec<&str> = compact.split('.').collect();
    std::fs::write(dir.join("sig.jws"), format!("{}..{}", parts[0], parts[2])).unwrap();
    let mut key = cookbook("jwk/3_4.rsa_private_key.json");
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        key.as_object_mut().unwrap().remove(private);
    }
    std::fs::write(dir.join("key.json"), key.to_string()).unwrap();
    let out = fhirsig(
        &dir,
        &[
            "doc",
            "verify",
            "sig.jws",
            "payload.txt",
            "--key",
            "key.json",
        ],
    );
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("[pass] signature: the RS256 signature"));

    let mut changed = payload.as_bytes().to_vec();
    changed[0] = b'i';
    std::fs::write(dir.join("payload.txt"), changed).unwrap();
    let out = fhirsig(
        &dir,
        &[
            "doc",
            "verify",
            "sig.jws",
            "payload.txt",
            "--key",
            "key.json",
        ],
    );
    assert_exit(&out, 1);

    // Section 4.5 itself: HS256 with a symmetric key is refused as input (exit 2).
    let hs = cookbook("jws/4_5.signature_with_detached_content.json");
    std::fs::write(
        dir.join("payload.txt"),
        hs["input"]["payload"].as_str().unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("hs.jws"),
        hs["output"]["compact"].as_str().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("oct.json"), hs["input"]["key"].to_string()).unwrap();
    let out = fhirsig(
        &dir,
        &[
            "doc",
            "verify",
            "hs.jws",
            "payload.txt",
            "--key",
            "oct.json",
        ],
    );
    assert_exit(&out, 2);
    // With an RSA key the HS256 header is refused by the algorithm policy (exit 1).
    let out = fhirsig(
        &dir,
        &[
            "doc",
            "verify",
            "hs.jws",
            "payload.txt",
            "--key",
            "key.json",
        ],
    );
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("crypto-constraints-failure"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn fhir_carriage_round_trip() {
    let dir = workdir("fhir");
    let bin = env!("CARGO_BIN_EXE_fhirsig");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    assert_eq!(run(&["pki", "init", "pki"]).status.code(), Some(0));
    let mut chain = std::fs::read(dir.join("pki/leaf-ec.cert.pem")).unwrap();
    chain.extend(std::fs::read(dir.join("pki/intermediate-ca.cert.pem")).unwrap());
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
    std::fs::write(dir.join("note.pdf"), b"%PDF-1.4 a signed note").unwrap();
    let out = run(&[
        "doc",
        "sign",
        "note.pdf",
        "--key",
        "pki/leaf-ec.key.pem",
        "--cert",
        "chain.pem",
        "--fhir",
        "--target",
        "DocumentReference/42",
        "--at",
        "2026-05-01T12:00:00Z",
        // The test PKI is made now, so its leaf is not yet valid at this fixed signing time.
        "--force",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let provenance = std::fs::read_to_string(dir.join("note.pdf.jws.provenance.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&provenance).unwrap();
    assert_eq!(value["resourceType"], "Provenance");
    assert_eq!(value["target"][0]["reference"], "DocumentReference/42");
    assert_eq!(value["signature"][0]["targetFormat"], "application/pdf");
    assert_eq!(value["signature"][0]["sigFormat"], "application/jose");
    assert_eq!(value["signature"][0]["when"], "2026-05-01T12:00:00Z");
    assert_eq!(
        value["signature"][0]["who"]["identifier"]["value"],
        "1234567893"
    );
    assert!(provenance.starts_with("{\n  \"resourceType\": \"Provenance\""));
    // The layout people read: FHIR member order, two-space indent (only the signature varies).
    let data = value["signature"][0]["data"].as_str().unwrap();
    let expected = r#"{
  "resourceType": "Provenance",
  "meta": {
    "profile": [
      "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition/hrex-provenance"
    ]
  },
  "target": [
    {
      "reference": "DocumentReference/42"
    }
  ],
  "recorded": "2026-05-01T12:00:00Z",
  "agent": [
    {
      "type": {
        "coding": [
          {
            "code": "verifier",
            "display": "Verifier",
            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
          }
        ]
      },
      "who": {
        "identifier": {
          "system": "http://hl7.org/fhir/sid/us-npi",
          "value": "1234567893"
        }
      }
    }
  ],
  "signature": [
    {
      "type": [
        {
          "code": "1.2.840.10065.1.12.1.5",
          "display": "Verification Signature",
          "system": "urn:iso-astm:E1762-95:2013"
        }
      ],
      "when": "2026-05-01T12:00:00Z",
      "who": {
        "identifier": {
          "system": "http://hl7.org/fhir/sid/us-npi",
          "value": "1234567893"
        }
      },
      "targetFormat": "application/pdf",
      "sigFormat": "application/jose",
      "data": "…"
    }
  ]
}"#;
    assert_eq!(provenance, format!("{}\n", expected.replace('…', data)));
    // The Provenance verifies the document like the .jws does, and a changed document fails.
    let verify = |file: &str| {
        run(&[
            "doc",
            "verify",
            "note.pdf.jws.provenance.json",
            file,
            "--trust",
            "pki/root-ca.cert.pem",
        ])
    };
    assert_eq!(verify("note.pdf").status.code(), Some(0));
    std::fs::write(dir.join("changed.pdf"), b"%PDF-1.4 a signed nite").unwrap();
    assert_eq!(verify("changed.pdf").status.code(), Some(1));
    // What the Provenance claims is checked against what the signature binds.
    let outcomes = |provenance: &str| {
        let out = run(&[
            "doc",
            "verify",
            provenance,
            "note.pdf",
            "--trust",
            "pki/root-ca.cert.pem",
            "--json",
        ]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let outcome = |code: &str| {
            report["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == code)
                .map(|c| c["outcome"].as_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("no {code} check: {report}"))
        };
        (
            out.status.code(),
            [
                "signer-identity",
                "signature-when",
                "signature-type",
                "provenance-binding",
                "sig-format",
            ]
            .map(outcome),
        )
    };
    assert_eq!(
        outcomes("note.pdf.jws.provenance.json"),
        (
            Some(0),
            ["pass", "pass", "pass", "pass", "pass"].map(String::from)
        )
    );
    for (from, to, failing) in [
        ("\"value\": \"1234567893\"", "\"value\": \"1111111111\"", 0),
        (
            "\"when\": \"2026-05-01T12:00:00Z\"",
            "\"when\": \"2026-05-02T12:00:00Z\"",
            1,
        ),
        ("1.2.840.10065.1.12.1.5", "1.2.840.10065.1.12.1.1", 2),
        ("\"DocumentReference/42\"", "\"DocumentReference/43\"", 3),
        (
            "\"sigFormat\": \"application/jose\"",
            "\"sigFormat\": \"application/pkcs7-signature\"",
            4,
        ),
        ("\"sigFormat\": \"application/jose\"", "\"sigFormat\": 5", 4),
    ] {
        assert!(provenance.contains(from), "{from}");
        std::fs::write(dir.join("claims.json"), provenance.replace(from, to)).unwrap();
        let (status, checks) = outcomes("claims.json");
        assert_eq!(status, Some(1), "{to}: {checks:?}");
        assert_eq!(checks[failing], "fail", "{to}: {checks:?}");
    }
    // A CMS signature binds the signer and the time, not the target or a commitment: those are
    // reported as not covered, never as checked, and the document is not verified as the
    // Provenance claims (the .p7s alone still verifies the document's bytes).
    let out = run(&[
        "doc",
        "sign",
        "note.pdf",
        "--format",
        "cms",
        "--key",
        "pki/leaf-ec.key.pem",
        "--cert",
        "chain.pem",
        "--fhir",
        "--target",
        "DocumentReference/42",
        "--at",
        "2026-05-01T12:00:00Z",
        "--force",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        outcomes("note.pdf.p7s.provenance.json"),
        (
            Some(1),
            ["pass", "pass", "not-checked", "not-checked", "pass"].map(String::from)
        )
    );
    // A CMS signature relabelled as a JWS misdescribes what Signature.data holds.
    let cms = std::fs::read_to_string(dir.join("note.pdf.p7s.provenance.json")).unwrap();
    let relabelled = cms.replace(
        "\"sigFormat\": \"application/pkcs7-signature\"",
        "\"sigFormat\": \"application/jose\"",
    );
    assert_ne!(relabelled, cms);
    std::fs::write(dir.join("relabelled.json"), relabelled).unwrap();
    let (status, checks) = outcomes("relabelled.json");
    assert_eq!(
        (status, checks[4].as_str()),
        (Some(1), "fail"),
        "{checks:?}"
    );
    // It passes the HRex Provenance checker, and fhirsig verify recognises it and says how to check it.
    assert_eq!(
        run(&[
            "provenance",
            "check",
            "note.pdf.jws.provenance.json",
            "--profile",
            "hrex"
        ])
        .status
        .code(),
        Some(0)
    );
    let out = run(&[
        "verify",
        "note.pdf.jws.provenance.json",
        "--trust",
        "pki/root-ca.cert.pem",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("fhirsig doc verify PROVENANCE.json DOCUMENT"));
    // inspect decodes it and names the document it covers, which is not in the file.
    let out = run(&["inspect", "note.pdf.jws.provenance.json", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["object"], "Provenance");
    assert_eq!(line["signaturePointer"], "/signature/0");
    assert_eq!(line["externalDocument"], "application/pdf");
    assert_eq!(line["payload"], serde_json::Value::Null);
    assert_eq!(line["form"], "compact");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `doc sign` with `stdin` on its standard input, in `dir`.
fn sign_stdin(dir: &Path, stdin: Vec<u8>, extra: &[&str]) -> Output {
    use std::io::Write as _;
    let key = pki("leaf-good.key.pem");
    let mut args = vec![
        "doc",
        "sign",
        "--key",
        &key,
        "--cert",
        "chain.pem",
        "--at",
        AT,
    ];
    args.extend_from_slice(extra);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(&args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // A closed pipe is fine: a refused command need not read its input.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn a_stream_is_signed_by_what_it_holds_not_by_the_size_it_reports() {
    let dir = workdir("stream");
    setup(&dir);
    // A pipe reports no size: one small document still gets the RFC 7515 detached form.
    let small = std::fs::read(dir.join("ccd.xml")).unwrap();
    assert_exit(&sign_stdin(&dir, small, &["-", "-o", "small.jws"]), 0);
    let jws = std::fs::read_to_string(dir.join("small.jws")).unwrap();
    assert!(jws.contains(".."), "detached compact JWS: {jws}");
    assert_exit(&verify(&dir, &["small.jws", "ccd.xml"]), 0);
    // Past 64 MiB the stream is hashed as it is read (sigD), never held whole.
    let big: Vec<u8> = (0..(64u32 << 20) + 1).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap();
    let out = sign_stdin(&dir, big, &["-", "-o", "big.jws"]);
    assert_exit(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("larger than 64 MiB"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("JAdES sigD"), "{}", stdout(&out));
    assert_exit(&verify(&dir, &["big.jws", "big.bin", "--uri", "-"]), 0);
    std::fs::write(dir.join("big.bin"), b"another document").unwrap();
    assert_exit(&verify(&dir, &["big.jws", "big.bin", "--uri", "-"]), 1);
    // Standard input has no name to add .jws to.
    let out = sign_stdin(&dir, b"x".to_vec(), &["-"]);
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o"));
}

#[test]
fn a_refused_provenance_path_leaves_no_signature_behind() {
    let dir = workdir("fhir-refused");
    setup(&dir);
    std::fs::write(dir.join("elsewhere.json"), b"kept").unwrap();
    std::os::unix::fs::symlink("elsewhere.json", dir.join("ccd.xml.jws.provenance.json")).unwrap();
    let out = sign(
        &dir,
        &["ccd.xml", "--fhir", "--target", "DocumentReference/7"],
    );
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !dir.join("ccd.xml.jws").exists(),
        "no signature without its Provenance"
    );
    assert_eq!(std::fs::read(dir.join("elsewhere.json")).unwrap(), b"kept");
    let out = sign(
        &dir,
        &[
            "ccd.xml",
            "--fhir",
            "--target",
            "DocumentReference/7",
            "-o",
            "same.json",
            "--fhir-output",
            "same.json",
        ],
    );
    assert_exit(&out, 2);
    assert!(!dir.join("same.json").exists());
}

#[test]
fn standard_input_is_read_in_every_form_and_never_replaced_by_the_signature() {
    let dir = workdir("stdin-forms");
    setup(&dir);
    // A file literally named "-" is not what "-" means.
    std::fs::write(dir.join("-"), b"decoy").unwrap();
    let ccd = std::fs::read(dir.join("ccd.xml")).unwrap();
    for (output, extra) in [
        ("stdin.p7s", &["--format", "cms"][..]),
        ("stdin-sigd.jws", &["--sigd"][..]),
    ] {
        let mut args = vec!["-", "-o", output];
        args.extend_from_slice(extra);
        assert_exit(&sign_stdin(&dir, ccd.clone(), &args), 0);
        let mut check = vec![output, "ccd.xml"];
        if output.ends_with(".jws") {
            check.extend(["--uri", "-"]);
        }
        assert_exit(&verify(&dir, &check), 0);
    }
    // `< ccd.xml -o ccd.xml` would replace the document with its signature.
    let out = {
        let key = pki("leaf-good.key.pem");
        let stdin = std::fs::File::open(dir.join("ccd.xml")).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args([
                "doc",
                "sign",
                "--key",
                &key,
                "--cert",
                "chain.pem",
                "--at",
                AT,
            ])
            .args(["-", "-o", "ccd.xml"])
            .current_dir(&dir)
            .stdin(stdin)
            .output()
            .unwrap()
    };
    assert_exit(&out, 2);
    assert_eq!(std::fs::read(dir.join("ccd.xml")).unwrap(), ccd);
}

#[test]
fn a_provenance_path_that_cannot_be_written_leaves_no_signature() {
    let dir = workdir("fhir-paths");
    setup(&dir);
    let fhir = ["ccd.xml", "--fhir", "--target", "DocumentReference/7"];
    // The signature's own path, spelled another way.
    let absolute = dir.join("own.jws").display().to_string();
    let mut args = fhir.to_vec();
    args.extend(["-o", "own.jws", "--fhir-output", &absolute]);
    assert_exit(&sign(&dir, &args), 2);
    assert!(!dir.join("own.jws").exists());
    // A folder that does not exist.
    let mut args = fhir.to_vec();
    args.extend(["-o", "s.jws", "--fhir-output", "missing/p.json"]);
    let out = sign(&dir, &args);
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(!dir.join("s.jws").exists());
    // -o - leaves no name for the Provenance.
    let mut args = fhir.to_vec();
    args.extend(["-o", "-"]);
    assert_exit(&sign(&dir, &args), 2);
    assert!(!dir.join("-.provenance.json").exists());
}
