//! `fhirsig pki init` and `fhirsig cert verify` end to end: a generated test PKI, every
//! validation outcome, exit statuses, `--json`, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The instant the test PKIs are generated at and validated at.
const NOW: &str = "2026-06-01T00:00:00Z";

fn fhirsig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(args)
        .output()
        .unwrap()
}

/// A fresh empty folder under the target directory, unique per test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cert_cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A test PKI generated at [`NOW`] into a fresh folder.
fn pki(test: &str) -> PathBuf {
    let dir = temp_dir(test).join("pki");
    let out = fhirsig(&["pki", "init", dir.to_str().unwrap(), "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
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
