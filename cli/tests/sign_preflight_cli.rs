//! `fhirsig sign` checks before it signs: a signer certificate that is not valid at the signing
//! time, a KeyUsage without signatures, or a `Signature.who` in no SAN makes a signature every
//! payer rejects, so it refuses (exit 2, saying what to fix); `--force` signs and says what
//! will fail. A leaf-only chain only warns.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::path::Path;

use common::{fhirsig, pki_init, small_bundle, temp_dir};

fn chain(pki: &Path, leaf: &str) -> String {
    let path = pki.join(format!("{leaf}.chain.pem"));
    let bytes = [
        std::fs::read(pki.join(format!("{leaf}.cert.pem"))).unwrap(),
        std::fs::read(pki.join("intermediate-ca.cert.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn sign(pki: &Path, leaf: &str, input: &str, extra: &[&str]) -> std::process::Output {
    let key = pki.join(format!("{leaf}.key.pem")).display().to_string();
    let cert = chain(pki, leaf);
    let mut args = vec!["sign", input, "--key", &key, "--cert", &cert];
    args.extend(extra);
    fhirsig(&args)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn refusals_name_what_payers_would_reject() {
    let dir = temp_dir("preflight");
    let pki = pki_init(&dir, None);
    let input = small_bundle(&dir);
    for (leaf, extra, expected) in [
        ("leaf-expired", vec![], "not valid at the signing time"),
        (
            "leaf-not-yet-valid",
            vec![],
            "not valid at the signing time",
        ),
        (
            "leaf-wrong-key-usage",
            vec![],
            "allows neither digitalSignature nor nonRepudiation",
        ),
        ("leaf-ec", vec!["--who-value", "9999999999"], "is in no SAN"),
    ] {
        let out = sign(&pki, leaf, &input, &extra);
        assert_eq!(out.status.code(), Some(2), "{leaf}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{leaf}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--force"),
            "{leaf}: the hint names --force"
        );
        assert!(out.stdout.is_empty(), "{leaf}: nothing signed");
        // --force signs anyway and says what will fail.
        let mut forced = extra.clone();
        forced.push("--force");
        let out = sign(&pki, leaf, &input, &forced);
        assert_eq!(out.status.code(), Some(0), "{leaf}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("payers will reject it"),
            "{leaf}: {}",
            stderr(&out)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"signature\""));
    }
}

#[test]
fn a_good_signer_signs_quietly_and_a_leaf_only_chain_warns() {
    let dir = temp_dir("preflight-good");
    let pki = pki_init(&dir, None);
    let input = small_bundle(&dir);
    let out = sign(&pki, "leaf-ec", &input, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let key = pki.join("leaf-ec.key.pem").display().to_string();
    let leaf_only = pki.join("leaf-ec.cert.pem").display().to_string();
    let out = fhirsig(&["sign", &input, "--key", &key, "--cert", &leaf_only]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("signer certificate only"),
        "{}",
        stderr(&out)
    );
}

/// The R6-shaped signer of tests/fixtures/r6-publisher: self-signed CA:TRUE, no KeyUsage,
/// `who` (its subject DN) in no SAN.
fn r6_publisher(name: &str) -> String {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/r6-publisher")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn the_checks_before_signing_follow_the_payers_policy() {
    let dir = temp_dir("preflight-policy");
    let input = small_bundle(&dir);
    let (key, cert) = (r6_publisher("key.pem"), r6_publisher("cert.pem"));
    let who = "OU=IG Publisher,L=Ann Arbor,CN=hl7.org,O=HL7,ST=Missouri,C=us";
    let sign = |extra: &[&str]| {
        let mut args = vec![
            "sign",
            &input,
            "--key",
            &key,
            "--cert",
            &cert,
            "--at",
            "2026-12-02T00:00:00Z",
            "--who-system",
            "http://example.org/certificates",
            "--who-value",
            who,
        ];
        args.extend_from_slice(extra);
        fhirsig(&args)
    };
    // Under r6 (the R6 profile's policy) CONF-053 and CONF-051 only warn: it signs.
    let out = sign(&["--profile", "r6"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("is in no SAN"), "{}", stderr(&out));
    assert!(stderr(&out).contains("level warn under the r6 policy"));
    assert!(stderr(&out).contains("no KeyUsage extension"));
    // Under cdex (the default for the CDex profile) the identity rule refuses.
    let out = sign(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("refusing to sign") && stderr(&out).contains("in no SAN"));
    // cdex-strict refuses the missing KeyUsage too.
    let out = sign(&["--profile", "r6", "--policy", "cdex-strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no KeyUsage extension"),
        "{}",
        stderr(&out)
    );
    // A policy file that waives the identity rule lets it sign under the CDex profile.
    let policy = dir.join("p.toml");
    std::fs::write(
        &policy,
        "name = \"p\"\n[checks]\nsigner-identity = \"warn\"\n",
    )
    .unwrap();
    let out = sign(&["--policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn with_trust_the_chain_is_checked_as_the_payer_would() {
    let dir = temp_dir("preflight-trust");
    let pki = pki_init(&dir, None);
    let other = dir.join("other");
    assert!(fhirsig(&["pki", "init", other.to_str().unwrap()])
        .status
        .success());
    let input = small_bundle(&dir);
    let root = pki.join("root-ca.cert.pem").display().to_string();
    let foreign = other.join("root-ca.cert.pem").display().to_string();
    let out = sign(&pki, "leaf-ec", &input, &["--trust", &root]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    // Anchors the chain does not lead to: refused, naming the path check.
    let out = sign(&pki, "leaf-ec", &input, &["--trust", &foreign]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("with the --trust anchors, certificate-path"),
        "{}",
        stderr(&out)
    );
    let out = sign(&pki, "leaf-ec", &input, &["--trust", &foreign, "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("payers will reject it"));
}

#[test]
fn doc_sign_and_provenance_sign_check_before_they_sign_too() {
    let dir = temp_dir("preflight-doc");
    let pki = pki_init(&dir, None);
    let note = dir.join("note.xml");
    std::fs::write(&note, "<ClinicalDocument/>").unwrap();
    let note = note.display().to_string();
    let doc_sign = |leaf: &str, extra: &[&str]| {
        let key = pki.join(format!("{leaf}.key.pem")).display().to_string();
        let cert = chain(&pki, leaf);
        let out_file = dir.join(format!("{leaf}.jws")).display().to_string();
        let mut args = vec![
            "doc", "sign", &note, "--key", &key, "--cert", &cert, "-o", &out_file,
        ];
        args.extend_from_slice(extra);
        fhirsig(&args)
    };
    let out = doc_sign("leaf-expired", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not valid at the signing time"));
    assert!(!dir.join("leaf-expired.jws").exists(), "nothing written");
    let out = doc_sign("leaf-expired", &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("payers will reject it"));
    let out = doc_sign("leaf-wrong-key-usage", &[]);
    assert_eq!(out.status.code(), Some(2));
    // The identity is checked when a Provenance names the signer (--fhir --who-value).
    let out = doc_sign(
        "leaf-ec",
        &[
            "--fhir",
            "--target",
            "DocumentReference/1",
            "--who-value",
            "9999999999",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is in no SAN"));
    assert_eq!(doc_sign("leaf-ec", &[]).status.code(), Some(0));

    // provenance sign: a Bundle's Provenance, signed by a certificate whose KeyUsage forbids it.
    let bundle = small_bundle(&dir);
    let answered = dir.join("answered.json").display().to_string();
    let out = fhirsig(&[
        "provenance",
        "for-bundle",
        &bundle,
        "--profile",
        "hrex",
        "--author",
        "Organization/ehr1",
        "--transmitter",
        "Organization/ehr1",
        "-o",
        &answered,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let provenance_sign = |leaf: &str, extra: &[&str]| {
        let key = pki.join(format!("{leaf}.key.pem")).display().to_string();
        let cert = chain(&pki, leaf);
        let out_file = dir.join(format!("{leaf}.prov.json")).display().to_string();
        let mut args = vec![
            "provenance",
            "sign",
            &answered,
            "--key",
            &key,
            "--cert",
            &cert,
            "-o",
            &out_file,
        ];
        args.extend_from_slice(extra);
        fhirsig(&args)
    };
    let out = provenance_sign("leaf-wrong-key-usage", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("allows neither digitalSignature nor nonRepudiation"));
    assert_eq!(
        provenance_sign("leaf-wrong-key-usage", &["--force"])
            .status
            .code(),
        Some(0)
    );
    let out = provenance_sign("leaf-ec", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// The DER of the first certificate in a PEM file.
fn der_of(pem: &Path) -> Vec<u8> {
    use base64::Engine as _;
    let text = std::fs::read_to_string(pem).unwrap();
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn every_cert_option_reads_a_chain_by_the_same_rule() {
    let dir = temp_dir("cert-rule");
    let pki = pki_init(&dir, None);
    let input = small_bundle(&dir);
    let key = pki.join("leaf-ec.key.pem").display().to_string();
    // One DER certificate is a chain of one, for `sign` as for `doc sign` and `cert verify`.
    let der = dir.join("leaf.der");
    std::fs::write(&der, der_of(&pki.join("leaf-ec.cert.pem"))).unwrap();
    let der = der.display().to_string();
    let signed = dir.join("signed.json").display().to_string();
    let out = fhirsig(&["sign", &input, "--key", &key, "--cert", &der, "-o", &signed]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = dir.join("note.txt");
    std::fs::write(&doc, b"a note").unwrap();
    let doc = doc.display().to_string();
    let out = fhirsig(&["doc", "sign", &doc, "--key", &key, "--cert", &der]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A file that is neither names itself, with the same words for every option.
    let junk = dir.join("junk.pem");
    std::fs::write(&junk, b"not a certificate").unwrap();
    let junk = junk.display().to_string();
    for args in [
        vec!["sign", &input, "--key", &key, "--cert", &junk],
        vec!["doc", "sign", &doc, "--key", &key, "--cert", &junk],
        vec!["cert", "verify", &junk, "--trust", &junk],
    ] {
        let out = fhirsig(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("junk.pem: no certificate found, so the chain is empty"),
            "{args:?}: {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
