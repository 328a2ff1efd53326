//! Attack pass on the CLI's key sources: password files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::process::Command;

use common::{fhirsig, temp_dir};

fn fixture(name: &str) -> String {
    common::key_fixture(name)
}

fn bundle(dir: &std::path::Path) -> String {
    common::small_bundle(dir)
}

/// key_source.rs `secret_file` reads the whole password (or PIN) file with `fs::read` before
/// taking its first line, so `--key-password-file /dev/zero` (or any endless or huge file, or
/// `pin-source=file:/dev/zero` in a URI) allocates without bound until the process is killed.
/// Run here under a 1 GiB address-space limit, fhirsig takes all the memory it may have and then
/// fails with "cannot read /dev/zero: out of memory"; without a limit it takes the machine's
/// memory (the OOM killer ends it, or another process). Expected: read a bounded prefix (the
/// first line) and refuse an over-long line, without exhausting memory.
#[test]
fn an_endless_password_file_is_refused_not_read_to_the_end() {
    let dir = temp_dir("attack-dev-zero");
    let input = bundle(&dir);
    let signed = dir.join("signed.json").display().to_string();
    let script = format!(
        "ulimit -v 1048576; exec '{}' sign '{input}' --key '{}' --key-password-file /dev/zero -o '{signed}'",
        env!("CARGO_BIN_EXE_fhirsig"),
        fixture("leaf-p256.p12"),
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{:?}: {stderr}", out.status);
    assert!(stderr.contains("/dev/zero"), "{stderr}");
    assert!(!stderr.contains("out of memory"), "{stderr}");
}

/// `openssl pkcs12 -export -passout pass:` (and many Windows and Java exports) make PKCS#12
/// files whose password is empty; `fhirsig_core::keys::open_key_file` opens them with
/// `Password::new("")`, but the CLI has no way to give an empty password: a password file whose
/// first line is empty is refused ("the password file is empty") and an empty
/// FHIRSIG_KEY_PASSWORD counts as none. Expected: a password file holding just a newline means
/// the empty password.
#[test]
fn an_empty_password_file_opens_an_empty_password_pkcs12() {
    let dir = temp_dir("attack-empty-password");
    let input = bundle(&dir);
    let signed = dir.join("signed.json").display().to_string();
    let password = dir.join("empty-password.txt");
    std::fs::write(&password, "\n").unwrap();
    let out = fhirsig(&[
        "sign",
        &input,
        "--key",
        &fixture("attack-empty-password.p12"),
        "--key-password-file",
        &password.display().to_string(),
        "-o",
        &signed,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `fhirsig keys check --key pkcs11:…` compares the certificate with
/// `TokenSigner::verifying_key()`, which is itself taken from that token certificate (same
/// CKA_ID or label): the comparison is always true and the private key is never used. A token
/// whose certificate (id 03) belongs to another key than the private key with id 03 passes
/// `keys check` ("the key is the certificate's key", exit 0), and then every `fhirsig sign`
/// fails ("made a signature that its public key does not verify"). docs/keys.md has operators
/// run `keys check` at deployment to confirm exactly this. Expected: exit 1 (the key is not
/// the certificate's), e.g. by making and verifying one test signature.
/// Needs a SoftHSM2 token (tests/pkcs11/softhsm-token.sh DIR; FHIRSIG_PKCS11_TEST_DIR=DIR).
#[test]
#[ignore = "needs a SoftHSM2 token: FHIRSIG_PKCS11_TEST_DIR"]
fn keys_check_on_a_token_notices_a_certificate_of_another_key() {
    let dir = std::env::var("FHIRSIG_PKCS11_TEST_DIR").expect("FHIRSIG_PKCS11_TEST_DIR");
    let module = std::env::var("FHIRSIG_PKCS11_MODULE")
        .unwrap_or_else(|_| "/usr/lib/softhsm/libsofthsm2.so".to_owned());
    let conf = format!("{dir}/softhsm2.conf");
    let pin_file = format!("{dir}/pin.txt");
    let pin = std::fs::read_to_string(&pin_file)
        .unwrap()
        .trim_end()
        .to_owned();
    let work = temp_dir("attack-token-mismatch");
    let label = format!("attack-mismatch-{}", std::process::id());
    let run = |program: &str, args: &[&str]| {
        let out = Command::new(program)
            .args(args)
            .env("SOFTHSM2_CONF", &conf)
            .output()
            .unwrap();
        assert!(out.status.success(), "{program} {args:?}: {out:?}");
    };
    // A fresh P-256 key, and the fixture leaf certificate (of another P-256 key), same id.
    let key = work.join("other.key.der").display().to_string();
    let pem = work.join("other.key.pem").display().to_string();
    run(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &pem,
        ],
    );
    run(
        "openssl",
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", &pem, "-outform", "DER", "-out", &key,
        ],
    );
    let cert = work.join("leaf.cert.der").display().to_string();
    run(
        "openssl",
        &[
            "x509",
            "-in",
            &fixture("leaf-p256.cert.pem"),
            "-outform",
            "DER",
            "-out",
            &cert,
        ],
    );
    let tool = |file: &str, kind: &str, extra: &[&str]| {
        let mut args = vec![
            "--module",
            &module,
            "--token-label",
            "fhirsig-test",
            "--login",
            "--pin",
            &pin,
            "--write-object",
            file,
            "--type",
            kind,
            "--id",
            "7e",
            "--label",
            &label,
        ];
        args.extend(extra);
        run("pkcs11-tool", &args);
    };
    tool(&key, "privkey", &["--usage-sign"]);
    tool(&cert, "cert", &[]);
    let uri = format!("pkcs11:token=fhirsig-test;object={label}");
    let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args([
            "keys",
            "check",
            "--key",
            &uri,
            "--pkcs11-module",
            &module,
            "--pin-file",
            &pin_file,
        ])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "keys check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
