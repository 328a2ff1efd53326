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

/// A fresh, empty folder named after the test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fhirsig-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
