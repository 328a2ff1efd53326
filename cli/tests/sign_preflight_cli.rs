//! `fhirsig sign` checks before it signs: a signer certificate that is not valid at the signing
//! time, a KeyUsage without signatures, or a `Signature.who` in no SAN makes a signature every
//! payer rejects, so it refuses (exit 2, saying what to fix); `--force` signs and says what
//! will fail. A leaf-only chain only warns.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::path::Path;

use common::{fhirsig, small_bundle, temp_dir};

fn pki(dir: &Path) -> std::path::PathBuf {
    let pki = dir.join("pki");
    assert!(fhirsig(&["pki", "init", pki.to_str().unwrap()])
        .status
        .success());
    pki
}

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
    let pki = pki(&dir);
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
    let pki = pki(&dir);
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
