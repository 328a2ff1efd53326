//! `fhirsig pki init` and `fhirsig cert verify` end to end: a generated test PKI, every
//! validation outcome, exit statuses, `--json`, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fhirsig;
use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;

/// The instant the test PKIs are generated at and validated at.
const NOW: &str = "2026-06-01T00:00:00Z";

/// A fresh empty folder under the target directory, unique per test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cert_cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A test PKI generated at [`NOW`] into a fresh folder.
fn pki(test: &str) -> PathBuf {
    common::pki_init(&temp_dir(test), Some(NOW))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pki_init_writes_every_file_and_no_key_material_to_stdout() {
    let dir = pki("pki_init_writes");
    let manifest = std::fs::read_to_string(dir.join("README.txt")).unwrap();
    assert!(manifest.contains("FOR TESTS ONLY"));
    for stem in [
        "root-ca",
        "intermediate-ca",
        "leaf-ec",
        "leaf-rsa",
        "leaf-expired",
        "leaf-not-yet-valid",
        "leaf-wrong-key-usage",
        "leaf-revoked",
        "leaf-wrong-san",
    ] {
        assert!(dir.join(format!("{stem}.cert.pem")).is_file(), "{stem}");
        let key = dir.join(format!("{stem}.key.pem"));
        assert!(key.is_file(), "{stem}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{stem}");
        }
    }
    assert!(dir.join("intermediate-ca.crl.pem").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Printing again (with --force) shows a table of purposes, never a key.
    let out = fhirsig(&["pki", "init", dir.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(!table.contains("PRIVATE KEY"), "{table}");
    assert!(!table.contains("-----BEGIN"), "{table}");
    assert!(table.contains("root-ca.cert.pem"), "{table}");
    assert!(table.contains("use as trust anchor"), "{table}");
    assert!(table.contains("leaf-revoked.cert.pem"), "{table}");
}

#[test]
fn pki_init_refuses_to_overwrite_without_force() {
    let dir = pki("pki_init_refuses");
    let before = std::fs::read(dir.join("root-ca.cert.pem")).unwrap();
    let out = fhirsig(&["pki", "init", dir.to_str().unwrap(), "--now", NOW]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("fhirsig: error: "), "{err}");
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.join("root-ca.cert.pem")).unwrap(), before);

    let out = fhirsig(&["pki", "init", dir.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(std::fs::read(dir.join("root-ca.cert.pem")).unwrap(), before);
}

#[test]
fn pki_init_rejects_a_bad_instant() {
    let dir = temp_dir("pki_init_bad_now").join("pki");
    let out = fhirsig(&["pki", "init", dir.to_str().unwrap(), "--now", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("fhirsig: error: --now"), "{err}");
    assert!(!dir.exists());
}

/// One test PKI shared by the `cert verify` tests (they only read it).
fn shared_pki() -> &'static PathBuf {
    static PKI: OnceLock<PathBuf> = OnceLock::new();
    PKI.get_or_init(|| pki("shared"))
}

fn file(name: &str) -> String {
    shared_pki().join(name).to_str().unwrap().to_owned()
}

/// `cert verify LEAF --intermediates INT --trust ROOT --at NOW` plus `extra`, with `--json`.
fn verify_leaf(stem: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let leaf = file(&format!("{stem}.cert.pem"));
    let int = file("intermediate-ca.cert.pem");
    let root = file("root-ca.cert.pem");
    let mut args = vec![
        "cert",
        "verify",
        &leaf,
        "--intermediates",
        &int,
        "--trust",
        &root,
    ];
    args.extend(["--at", NOW, "--json"]);
    args.extend(extra);
    let out = fhirsig(&args);
    assert!(out.stderr.is_empty(), "{stem}: {}", stderr(&out));
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code(), json)
}

fn indication(json: &serde_json::Value) -> (String, Option<String>) {
    (
        json["indication"].as_str().unwrap().to_owned(),
        json["subIndication"].as_str().map(str::to_owned),
    )
}

fn assert_one_line_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stdout(out));
    assert!(out.stdout.is_empty(), "{}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("fhirsig: error: "), "{err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
}

#[test]
fn good_leaves_pass_with_exit_0_and_show_checks_and_chain() {
    for stem in ["leaf-ec", "leaf-rsa"] {
        let leaf = file(&format!("{stem}.cert.pem"));
        let int = file("intermediate-ca.cert.pem");
        let root = file("root-ca.cert.pem");
        let crl = file("intermediate-ca.crl.pem");
        let root_crl = file("root-ca.crl.pem");
        let out = fhirsig(&[
            "cert",
            "verify",
            &leaf,
            "--intermediates",
            &int,
            "--trust",
            &root,
            "--crl",
            &crl,
            "--crl",
            &root_crl,
            "--at",
            NOW,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "PASSED", "{text}");
        assert!(
            lines[1].starts_with("  pass         time-policy: "),
            "{text}"
        );
        assert!(
            text.contains("  not checked  signing-time-in-validity: "),
            "{text}"
        );
        assert!(
            text.contains("  pass         revocation-status: "),
            "{text}"
        );
        assert!(
            text.contains(&format!("subject  CN=fhirsig test signer ({stem})")),
            "{text}"
        );
        assert!(
            text.contains("issuer   CN=fhirsig test intermediate CA"),
            "{text}"
        );
        assert!(
            text.contains("valid    2026-05-31T00:00:00Z to 2027-06-01T00:00:00Z"),
            "{text}"
        );
        let fingerprint = text.lines().find(|l| l.contains("SHA-256")).unwrap();
        assert_eq!(
            fingerprint.trim().len(),
            "SHA-256  ".len() + 32 * 3 - 1,
            "{text}"
        );
    }
}

/// Leaf, extra arguments, exit status, indication, sub-indication.
type Case<'a> = (&'a str, &'a [&'a str], i32, &'a str, Option<&'a str>);

#[test]
fn every_test_pki_leaf_gets_its_outcome() {
    let crl = file("intermediate-ca.crl.pem");
    let root_crl = file("root-ca.crl.pem");
    let with_crl = ["--crl", crl.as_str(), "--crl", root_crl.as_str()];
    let intermediate_crl_only = ["--crl", crl.as_str()];
    let at_policy = ["--time-policy", "at"];
    let cases: [Case<'_>; 10] = [
        ("leaf-ec", &with_crl, 0, "passed", None),
        // A CRL was given, but none covers the intermediate: its status is unknown, so the
        // chain is not trusted (the built-in policies' `if-given` revocation rule).
        (
            "leaf-ec",
            &intermediate_crl_only,
            1,
            "indeterminate",
            Some("try-later"),
        ),
        (
            "leaf-expired",
            &[],
            1,
            "indeterminate",
            Some("out-of-bounds-no-poe"),
        ),
        ("leaf-expired", &at_policy, 1, "failed", Some("expired")),
        (
            "leaf-not-yet-valid",
            &[],
            1,
            "failed",
            Some("not-yet-valid"),
        ),
        (
            "leaf-wrong-key-usage",
            &[],
            1,
            "indeterminate",
            Some("chain-constraints-failure"),
        ),
        (
            "leaf-revoked",
            &with_crl,
            1,
            "indeterminate",
            Some("revoked-no-poe"),
        ),
        // Without the CRL nothing says the certificate is revoked: passed, revocation not checked.
        ("leaf-revoked", &[], 0, "passed", None),
        // Signer identity is not part of certificate validation: the wrong NPI still validates.
        ("leaf-wrong-san", &with_crl, 0, "passed", None),
        (
            "leaf-ec",
            &["--eku", "1.3.6.1.5.5.7.3.1"],
            1,
            "indeterminate",
            Some("chain-constraints-failure"),
        ),
    ];
    for (stem, extra, status, want, sub) in cases {
        let (code, json) = verify_leaf(stem, extra);
        let got = indication(&json);
        assert_eq!(
            (code, got.0.as_str(), got.1.as_deref()),
            (Some(status), want, sub),
            "{stem} {extra:?}: {json}"
        );
    }
    let (_, json) = verify_leaf("leaf-revoked", &[]);
    let revocation = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "revocation-status")
        .unwrap();
    assert_eq!(revocation["outcome"], "not-checked", "{json}");
}

#[test]
fn eku_any_accepts_every_purpose() {
    let (code, json) = verify_leaf("leaf-ec", &["--eku", "any"]);
    assert_eq!(code, Some(0), "{json}");
    let (code, _) = verify_leaf("leaf-ec", &["--eku", "document-signing,1.3.6.1.5.5.7.3.1"]);
    assert_eq!(code, Some(0));
}

#[test]
fn broken_chains_are_no_certificate_chain_found() {
    let leaf = file("leaf-ec.cert.pem");
    let root = file("root-ca.cert.pem");
    // The intermediate is missing.
    let out = fhirsig(&[
        "cert", "verify", &leaf, "--trust", &root, "--at", NOW, "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        indication(&json),
        (
            "indeterminate".into(),
            Some("no-certificate-chain-found".into())
        )
    );
    // A root from another PKI.
    let other = pki("broken_chains");
    let other_root = other.join("root-ca.cert.pem");
    let int = file("intermediate-ca.cert.pem");
    let out = fhirsig(&[
        "cert",
        "verify",
        &leaf,
        "--intermediates",
        &int,
        "--trust",
        other_root.to_str().unwrap(),
        "--at",
        NOW,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["subIndication"], "no-certificate-chain-found",
        "{json}"
    );
    let text = fhirsig(&["cert", "verify", &leaf, "--trust", &root, "--at", NOW]);
    assert!(stdout(&text).starts_with("INDETERMINATE: no-certificate-chain-found\n"));
}

#[test]
fn a_chain_file_may_carry_the_intermediate_and_a_der_leaf_is_read() {
    let dir = temp_dir("chain_file");
    let leaf_pem = std::fs::read_to_string(file("leaf-ec.cert.pem")).unwrap();
    let int_pem = std::fs::read_to_string(file("intermediate-ca.cert.pem")).unwrap();
    let chain = dir.join("chain.pem");
    std::fs::write(&chain, format!("{leaf_pem}{int_pem}")).unwrap();
    let root = file("root-ca.cert.pem");
    let out = fhirsig(&[
        "cert",
        "verify",
        chain.to_str().unwrap(),
        "--trust",
        &root,
        "--at",
        NOW,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["chain"].as_array().unwrap().len(), 2);

    let der = dir.join("leaf.der");
    std::fs::write(&der, pem_to_der(&leaf_pem)).unwrap();
    let int = file("intermediate-ca.cert.pem");
    let out = fhirsig(&[
        "cert",
        "verify",
        der.to_str().unwrap(),
        "--intermediates",
        &int,
        "--trust",
        &root,
        "--at",
        NOW,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn trust_may_be_a_folder_and_only_unparsable_files_are_named() {
    let dir = temp_dir("trust_dir");
    std::fs::copy(file("root-ca.cert.pem"), dir.join("root.crt")).unwrap();
    std::fs::write(dir.join("junk.pem"), "not a certificate\n").unwrap();
    std::fs::write(
        dir.join("notes.txt"),
        "ignored: not *.pem, *.crt or *.cer\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("nested.pem")).unwrap();
    let leaf = file("leaf-ec.cert.pem");
    let int = file("intermediate-ca.cert.pem");
    let out = fhirsig(&[
        "cert",
        "verify",
        &leaf,
        "--intermediates",
        &int,
        "--trust",
        dir.to_str().unwrap(),
        "--at",
        NOW,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("fhirsig: warning: ") && err.contains("junk.pem"),
        "{err}"
    );

    let empty = temp_dir("trust_dir_empty");
    let out = fhirsig(&[
        "cert",
        "verify",
        &leaf,
        "--trust",
        empty.to_str().unwrap(),
        "--at",
        NOW,
    ]);
    assert_one_line_error(&out, "no usable trust anchor");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let dir = temp_dir("bad_input");
    let garbage = dir.join("garbage.pem");
    std::fs::write(
        &garbage,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let text = dir.join("text.pem");
    std::fs::write(&text, "hello\n").unwrap();
    let garbage = garbage.to_str().unwrap();
    let text = text.to_str().unwrap();
    let leaf = file("leaf-ec.cert.pem");
    let root = file("root-ca.cert.pem");
    let missing = dir.join("missing.pem");
    let missing = missing.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["cert", "verify"];
        all.extend(args);
        fhirsig(&all)
    };
    assert_one_line_error(&run(&[missing, "--trust", &root]), "cannot read");
    assert_one_line_error(&run(&[&leaf, "--trust", missing]), "cannot read");
    assert_one_line_error(
        &run(&[garbage, "--trust", &root]),
        "not a DER X.509 certificate",
    );
    assert_one_line_error(&run(&[text, "--trust", &root]), "chain is empty");
    assert_one_line_error(
        &run(&[&leaf, "--trust", text]),
        "cannot be used as a trust anchor",
    );
    assert_one_line_error(&run(&[&leaf, "--trust", &root, "--crl", text]), "not a CRL");
    assert_one_line_error(
        &run(&[&leaf, "--trust", &root, "--intermediates", text]),
        text,
    );
    assert_one_line_error(
        &run(&[&leaf, "--trust", &root, "--at", "2026-13-01"]),
        "--at",
    );
    assert_one_line_error(
        &run(&[&leaf, "--trust", &root, "--eku", "signing"]),
        "--eku",
    );
    assert_one_line_error(
        &run(&[&leaf, "--trust", &root, "--time-policy", "at"]),
        "--at",
    );
}

#[test]
fn json_has_the_documented_fields() {
    let crl = file("intermediate-ca.crl.pem");
    let (code, json) = verify_leaf("leaf-revoked", &["--crl", &crl]);
    assert_eq!(code, Some(1));
    let object = json.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "chain",
            "checks",
            "indication",
            "policy",
            "subIndication",
            "timePolicy",
            "validationTime"
        ]
    );
    assert_eq!(json["policy"], "cdex");
    assert_eq!(json["validationTime"], NOW);
    assert_eq!(json["timePolicy"], "verification-time");
    for check in json["checks"].as_array().unwrap() {
        let code = check["code"].as_str().unwrap();
        assert!(
            code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{code}"
        );
        let outcome = check["outcome"].as_str().unwrap();
        assert!(
            ["pass", "warn", "not-checked", "fail"].contains(&outcome),
            "{check}"
        );
        assert!(
            check["message"].is_string() && check["evidence"].is_object(),
            "{check}"
        );
        assert_eq!(
            check["subIndication"].is_string(),
            outcome == "fail",
            "{check}"
        );
    }
    let revoked = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "fail")
        .unwrap();
    assert_eq!(revoked["code"], "revocation-status");
    assert_eq!(revoked["subIndication"], "revoked-no-poe");
    assert_eq!(revoked["evidence"]["serial"], "0f");
    let leaf = &json["chain"][0];
    for key in [
        "subject",
        "issuer",
        "serialNumber",
        "notBefore",
        "notAfter",
        "sha256",
    ] {
        assert!(leaf[key].is_string(), "{key}: {leaf}");
    }
    assert_eq!(leaf["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(leaf["serialNumber"], "0f");

    let (_, json) = verify_leaf("leaf-ec", &[]);
    assert!(json["subIndication"].is_null(), "{json}");
}

#[test]
fn the_cdex_example_certificate_trusted_directly_passes() {
    let cert = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/cdex/keys/example_org_cert/cert.pem");
    assert!(
        cert.is_file(),
        "the CDex example certificate is missing at {} (the shared/ folder beside the repository)",
        cert.display()
    );
    let cert = cert.to_str().unwrap();
    let out = fhirsig(&[
        "cert",
        "verify",
        cert,
        "--trust",
        cert,
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("the signer certificate is itself the trust anchor"));
}

#[test]
fn a_trust_folder_trusts_its_cas_not_the_signer_certificates_beside_them() {
    let dir = temp_dir("trust_dir_signers");
    std::fs::copy(file("root-ca.cert.pem"), dir.join("root-ca.cert.pem")).unwrap();
    std::fs::copy(file("leaf-ec.cert.pem"), dir.join("leaf-ec.cert.pem")).unwrap();
    std::fs::copy(file("leaf-ec.key.pem"), dir.join("leaf-ec.key.pem")).unwrap();
    let leaf = file("leaf-ec.cert.pem");
    let out = fhirsig(&[
        "cert",
        "verify",
        &leaf,
        "--trust",
        dir.to_str().unwrap(),
        "--at",
        NOW,
    ]);
    // Without the intermediate there is no path to the root: the leaf beside it in the folder
    // is not an anchor of its own.
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert_eq!(
        err.lines().count(),
        2,
        "one note for signers, one for keys: {err}"
    );
    assert!(
        err.contains("skipped 1 signer (end-entity) certificate(s), not CAs: leaf-ec.cert.pem"),
        "{err}"
    );
    assert!(err.contains("skipped 1 file(s) of keys or CRLs"), "{err}");
}

#[test]
fn ocsp_responses_are_a_revocation_source() {
    let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/openssl-pki/out");
    let path = |name: &str| fixtures.join(name).display().to_string();
    let good = std::fs::read(fixtures.join("ocsp-good.der")).unwrap();
    let produced = fhirsig_core::trust::OcspResponse::from_der(&good)
        .unwrap()
        .produced_at();
    let at = fhirsig_core::trust::format_rfc3339(rustls_pki_types::UnixTime::since_unix_epoch(
        std::time::Duration::from_secs(produced.as_secs() + 3600),
    ));
    let run = |leaf: &str, response: &str| {
        let out = fhirsig(&[
            "cert",
            "verify",
            &path(leaf),
            "--intermediates",
            &path("intermediate.cert.pem"),
            "--trust",
            &path("root.cert.pem"),
            "--ocsp",
            &path(response),
            "--at",
            &at,
            "--json",
        ]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "revocation-status")
            .unwrap()
            .clone()
    };
    let leaf = run("leaf-good.cert.pem", "ocsp-good.der");
    assert_eq!(leaf["outcome"], "pass", "{leaf}");
    assert_eq!(leaf["evidence"]["source"], "ocsp");
    let revoked = run("leaf-revoked.cert.pem", "ocsp-revoked.der");
    assert_eq!(revoked["outcome"], "fail", "{revoked}");
    let bad = fhirsig(&[
        "cert",
        "verify",
        &path("leaf-good.cert.pem"),
        "--trust",
        &path("root.cert.pem"),
        "--ocsp",
        &path("root.crl.pem"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a usable OCSP response"),
        "{}",
        stderr(&bad)
    );
    let no_trust = fhirsig(&["verify", "x.json", "--ocsp", &path("ocsp-good.der")]);
    assert_eq!(no_trust.status.code(), Some(2));
}

#[test]
fn a_truncated_pem_is_named_by_its_missing_end_line_in_words() {
    let dir = pki("truncated_pem");
    let truncated = dir.join("truncated.pem");
    std::fs::write(&truncated, "-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap();
    let root = dir.join("root-ca.cert.pem");
    let out = fhirsig(&[
        "cert",
        "verify",
        truncated.to_str().unwrap(),
        "--trust",
        root.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("no end line (-----END CERTIFICATE-----)"),
        "{message}"
    );
    assert!(
        !message.contains("[45, 45"),
        "bytes listed as numbers: {message}"
    );
}
