//! Attack pass on validation policies on the command line.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::path::PathBuf;

use common::{fhirsig, temp_dir, TempDir};

/// A fresh test PKI: (dir, pki dir, chain.pem, bundle.json).
fn pki(name: &str) -> (TempDir, PathBuf, String, String) {
    let dir = temp_dir(name);
    let pki = dir.join("pki");
    assert!(fhirsig(&["pki", "init", pki.to_str().unwrap()])
        .status
        .success());
    let chain = dir.join("chain.pem");
    std::fs::write(
        &chain,
        [
            std::fs::read(pki.join("leaf-rsa.cert.pem")).unwrap(),
            std::fs::read(pki.join("intermediate-ca.cert.pem")).unwrap(),
        ]
        .concat(),
    )
    .unwrap();
    let bundle = common::small_bundle(&dir);
    (dir, pki, chain.display().to_string(), bundle)
}

/// `signers = 2` asks for two signers of a JWS JSON serialization (CONF-047: several signers),
/// but the count is of verified *entries*: one signer who signs the same resource twice with the
/// same key and the same certificate (`--also-cert` naming the chain already given) meets a
/// two-signer policy alone. The rule must count distinct signers (certificates), or a dual-
/// control policy is met by one party.
#[test]
fn one_signer_twice_meets_a_two_signer_policy() {
    let (dir, pki, chain, bundle) = pki("attack-signers-twice");
    let twice = dir.join("twice.json").display().to_string();
    let key = pki.join("leaf-rsa.key.pem").display().to_string();
    let out = fhirsig(&[
        "sign",
        &bundle,
        "--key",
        &key,
        "--cert",
        &chain,
        "--also-cert",
        &chain,
        "-o",
        &twice,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy = dir.join("two.toml");
    std::fs::write(&policy, "name = \"dual\"\n[signatures]\nsigners = 2\n").unwrap();
    let root = pki.join("root-ca.cert.pem").display().to_string();
    let out = fhirsig(&[
        "verify",
        &twice,
        "--trust",
        &root,
        "--policy",
        policy.to_str().unwrap(),
        "--json",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let signers = stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"signature\""))
        .count();
    assert_eq!(signers, 2, "the file has two JWS JSON entries: {stdout}");
    let file_line = stdout
        .lines()
        .find(|l| l.contains("\"type\":\"file\""))
        .unwrap_or("");
    assert_ne!(
        out.status.code(),
        Some(0),
        "one certificate's two entries met signers = 2: {file_line}"
    );
}
