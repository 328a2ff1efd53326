//! Helpers shared by the CLI integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The CDex example suite beside the repository; fails loudly when it is missing.
pub fn vectors() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/cdex");
    assert!(
        dir.is_dir(),
        "test vector suite `cdex` is missing at {} (the shared/ folder beside the repository)",
        dir.display()
    );
    dir
}

/// Runs the `fhirsig` binary.
pub fn fhirsig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs the `fhirsig` binary in `dir`.
pub fn fhirsig_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Runs the `fhirsig` binary with `stdin` written to its standard input (`None`: an empty
/// one), closed afterwards.
pub fn fhirsig_with_input(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// A suite of ../shared/vectors (beside the repository); fails loudly when it is missing.
pub fn vector_suite(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors")
        .join(name);
    assert!(
        dir.is_dir(),
        "test vector suite `{name}` is missing at {} (the shared/ folder beside the repository)",
        dir.display()
    );
    dir
}

/// A file of tests/fixtures/openssl-pki/out (made by its generate.sh with openssl), as a path
/// string.
pub fn openssl_pki(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/openssl-pki/out")
        .join(file);
    assert!(path.is_file(), "missing fixture {}", path.display());
    path.to_str().unwrap().to_owned()
}

/// Writes the generated test PKI (fhirsig-testkit, at 2026-06-01) into `dir` with `chain.pem`
/// (the EC leaf and the intermediate); returns the (key, chain, root) paths.
pub fn testkit_pki(dir: &Path) -> (String, String, String) {
    let now = fhirsig_core::trust::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let files = fhirsig_testkit::pki::generate_test_pki(now, &Default::default()).unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let leaf = std::fs::read_to_string(dir.join("leaf-ec.cert.pem")).unwrap();
    let intermediate = std::fs::read_to_string(dir.join("intermediate-ca.cert.pem")).unwrap();
    std::fs::write(dir.join("chain.pem"), leaf + &intermediate).unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_owned();
    (p("leaf-ec.key.pem"), p("chain.pem"), p("root-ca.cert.pem"))
}

/// A signing PKI made by `fhirsig pki init` in `dir/pki` (at `now`, RFC 3339, when given),
/// with `chain.pem` (the EC leaf and the intermediate); the PKI folder.
pub fn pki_init(dir: &Path, now: Option<&str>) -> PathBuf {
    let pki = dir.join("pki");
    let mut args = vec!["pki", "init", pki.to_str().unwrap()];
    if let Some(now) = now {
        args.extend(["--now", now]);
    }
    let out = fhirsig(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chain = [
        std::fs::read(pki.join("leaf-ec.cert.pem")).unwrap(),
        std::fs::read(pki.join("intermediate-ca.cert.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(pki.join("chain.pem"), chain).unwrap();
    pki
}

/// A fresh, empty folder named after the test, removed with everything in it when the value
/// is dropped (at the end of the test, passed or failed).
pub fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("fhirsig-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// A test's folder (see [`temp_dir`]); used as a `Path`.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A file of tests/fixtures/key-files (made by its generate.sh with openssl), as a path string.
pub fn key_fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/key-files")
        .join(name)
        .display()
        .to_string()
}

/// A small unsigned searchset written to `dir/bundle.json`; its path.
pub fn small_bundle(dir: &Path) -> String {
    let path = dir.join("bundle.json");
    std::fs::write(
        &path,
        r#"{"resourceType":"Bundle","type":"searchset","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1"}}]}"#,
    )
    .unwrap();
    path.display().to_string()
}
