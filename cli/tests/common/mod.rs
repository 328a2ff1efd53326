//! Helpers shared by the CLI integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
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
