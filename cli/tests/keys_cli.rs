//! Key sources on the command line: PKCS#12 and encrypted PKCS#8 files made by `openssl`
//! (tests/fixtures/key-files), passwords from a file or the environment and never echoed,
//! `keys check`, and the PKCS#11 usage errors that need no token (those with a SoftHSM2 token
//! are in tests/pkcs11/run.sh).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::process::{Command, Output};

use common::{fhirsig, temp_dir};

const PASSWORD: &str = "fixture-password";

fn fixture(name: &str) -> String {
    common::key_fixture(name)
}

fn bundle(dir: &std::path::Path) -> String {
    common::small_bundle(dir)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn everything(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

fn verify(signed: &str) -> Output {
    fhirsig(&["verify", signed, "--trust", &fixture("ca.cert.pem")])
}

#[test]
fn pkcs12_and_encrypted_pkcs8_sign_and_verify() {
    let dir = temp_dir("keys-sign");
    let input = bundle(&dir);
    for (key, cert) in [
        ("leaf-p256.p12", None),
        ("leaf-p256.legacy.p12", None),
        ("leaf-rsa3072.p12", None),
        ("leaf-p256.aes.pem", Some("leaf-p256.cert.pem")),
        ("leaf-p256.aes.der", Some("leaf-p256.cert.pem")),
        ("leaf-rsa3072.scrypt.pem", Some("leaf-rsa3072.cert.pem")),
    ] {
        let signed = dir.join(format!("{key}.signed.json")).display().to_string();
        let key_path = fixture(key);
        let mut args = vec![
            "sign",
            &input,
            "--key",
            &key_path,
            "--key-password-file",
            "PW",
            "-o",
            &signed,
        ];
        let password_file = fixture("password.txt");
        args[5] = &password_file;
        let cert_path = cert.map(fixture);
        if let Some(cert) = &cert_path {
            args.extend(["--cert", cert]);
        }
        let out = fhirsig(&args);
        assert!(out.status.success(), "{key}: {}", stderr(&out));
        assert!(
            !everything(&out).contains(PASSWORD),
            "{key}: password echoed"
        );
        let out = verify(&signed);
        assert!(out.status.success(), "{key}: {}", everything(&out));
    }
}

#[test]
fn the_password_can_come_from_the_environment() {
    let dir = temp_dir("keys-env");
    let input = bundle(&dir);
    let signed = dir.join("signed.json").display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args([
            "sign",
            &input,
            "--key",
            &fixture("leaf-p256.p12"),
            "-o",
            &signed,
        ])
        .env("FHIRSIG_KEY_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(verify(&signed).status.success());
}

#[test]
fn wrong_or_missing_passwords_exit_2_without_echoing_them() {
    let dir = temp_dir("keys-wrong");
    let input = bundle(&dir);
    let wrong = dir.join("wrong.txt");
    std::fs::write(&wrong, "fixture-passwore\n").unwrap();
    for key in [
        "leaf-p256.p12",
        "leaf-p256.legacy.p12",
        "leaf-p256.aes.pem",
        "leaf-rsa3072.scrypt.pem",
    ] {
        let out = fhirsig(&[
            "sign",
            &input,
            "--key",
            &fixture(key),
            "--cert",
            &fixture("leaf-p256.cert.pem"),
            "--key-password-file",
            wrong.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{key}");
        let text = everything(&out);
        assert!(text.contains("password is wrong"), "{key}: {text}");
        assert!(!text.contains("fixture-passwore"), "{key}: password echoed");
        let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args([
                "sign",
                &input,
                "--key",
                &fixture(key),
                "--cert",
                &fixture("leaf-p256.cert.pem"),
            ])
            .env_remove("FHIRSIG_KEY_PASSWORD")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{key}");
        assert!(
            stderr(&out).contains("--key-password-file"),
            "{key}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_legacy_encrypted_pem_is_refused_with_the_conversion() {
    let dir = temp_dir("keys-legacy-pem");
    let out = fhirsig(&[
        "sign",
        &bundle(&dir),
        "--key",
        &fixture("leaf-p256.legacy-pem.pem"),
        "--cert",
        &fixture("leaf-p256.cert.pem"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("openssl pkcs8 -topk8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn documents_and_provenance_sign_with_a_pkcs12_file() {
    let dir = temp_dir("keys-doc");
    let doc = dir.join("ccd.xml");
    std::fs::write(&doc, "<ClinicalDocument/>").unwrap();
    let out = fhirsig(&[
        "doc",
        "sign",
        doc.to_str().unwrap(),
        "--key",
        &fixture("leaf-p256.p12"),
        "--key-password-file",
        &fixture("password.txt"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let signature = format!("{}.jws", doc.display());
    let out = fhirsig(&[
        "doc",
        "verify",
        &signature,
        doc.to_str().unwrap(),
        "--trust",
        &fixture("ca.cert.pem"),
    ]);
    assert!(out.status.success(), "{}", everything(&out));

    let embedded = dir.join("embedded.json").display().to_string();
    let out = fhirsig(&[
        "provenance",
        "sign",
        &bundle(&dir),
        "--key",
        &fixture("leaf-rsa3072.p12"),
        "--key-password-file",
        &fixture("password.txt"),
        "--embedded",
        "--who",
        "Organization/ehr1",
        "-o",
        &embedded,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = fhirsig(&[
        "provenance",
        "verify",
        &embedded,
        "--trust",
        &fixture("ca.cert.pem"),
    ]);
    assert!(out.status.success(), "{}", everything(&out));
}

#[test]
fn rsa_2056_signs_on_the_command_line() {
    let dir = temp_dir("keys-2056");
    let signed = dir.join("signed.json").display().to_string();
    let out = fhirsig(&[
        "sign",
        &bundle(&dir),
        "--key",
        &fixture("rsa-2056.key.pem"),
        "--cert",
        &fixture("rsa-2056.cert.pem"),
        "--force", // the certificate has no SAN: the identity check is expected to fail
        "--who-value",
        "anyone",
        "-o",
        &signed,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The certificate has no SAN, so identity fails; the signature value itself passes.
    let out = fhirsig(&[
        "verify",
        &signed,
        "--trust",
        &fixture("rsa-2056.cert.pem"),
        "--json",
    ]);
    let first_line = out.stdout.split(|&b| b == b'\n').next().unwrap();
    let report: serde_json::Value = serde_json::from_slice(first_line).unwrap();
    let checks = report["checks"].as_array().unwrap();
    let value = checks
        .iter()
        .find(|c| c["code"] == "signature-value")
        .unwrap();
    assert_eq!(value["outcome"], "pass", "{report}");
    let identity = checks
        .iter()
        .find(|c| c["code"] == "signer-identity")
        .unwrap();
    assert_eq!(identity["outcome"], "fail");
}

#[test]
fn keys_check_matches_and_mismatches() {
    let out = fhirsig(&[
        "keys",
        "check",
        "--key",
        &fixture("leaf-rsa3072.p12"),
        "--key-password-file",
        &fixture("password.txt"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("RSA-3072"), "{text}");
    assert!(text.contains("the key is the certificate's key"), "{text}");
    assert!(text.contains("digitalSignature, nonRepudiation"), "{text}");

    let out = fhirsig(&[
        "keys",
        "check",
        "--key",
        &fixture("leaf-p256.key.pem"),
        "--cert",
        &fixture("leaf-rsa3072.cert.pem"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["keyMatchesCertificate"], false);
}

#[test]
fn a_key_with_no_certificate_anywhere_is_a_usage_error() {
    let dir = temp_dir("keys-nocert");
    let out = fhirsig(&[
        "sign",
        &bundle(&dir),
        "--key",
        &fixture("leaf-p256.key.pem"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass --cert"), "{}", stderr(&out));
}

#[test]
fn pkcs11_usage_errors_need_no_token() {
    let dir = temp_dir("keys-pkcs11");
    let input = bundle(&dir);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args(args)
            .env_remove("FHIRSIG_PKCS11_MODULE")
            .env_remove("FHIRSIG_PKCS11_PIN")
            .output()
            .unwrap()
    };
    // No module anywhere.
    let out = run(&["sign", &input, "--key", "pkcs11:token=t;object=k"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--pkcs11-module"), "{}", stderr(&out));
    // A module that does not exist, and a file that is not a module.
    for module in ["/nonexistent/libpkcs11.so", "/etc/hostname"] {
        let out = run(&[
            "sign",
            &input,
            "--key",
            "pkcs11:token=t;object=k",
            "--pkcs11-module",
            module,
        ]);
        assert_eq!(out.status.code(), Some(2), "{module}");
        assert!(
            stderr(&out).contains("cannot load the PKCS#11 module"),
            "{}",
            stderr(&out)
        );
    }
    // A PIN in the URI is refused, and not repeated.
    let out = run(&["sign", &input, "--key", "pkcs11:object=k?pin-value=31337"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pin-source"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("31337"));
    // Token flags with a key file.
    let out = run(&[
        "sign",
        &input,
        "--key",
        &fixture("leaf-p256.key.pem"),
        "--pin-file",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pkcs11:"), "{}", stderr(&out));
}
