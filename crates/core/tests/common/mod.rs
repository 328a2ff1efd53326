//! Shared helpers for the integration tests: locating the external vector suites.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap
#![allow(dead_code)]

use std::path::PathBuf;

/// `shared/vectors/<suite>`, next to the repository. Panics (never skips) when it is missing.
pub fn vectors(suite: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors")
        .join(suite);
    assert!(
        dir.exists(),
        "test vector suite `{suite}` is missing: expected it at {} (shared/vectors beside the clone)",
        dir.display()
    );
    dir
}

/// Reads a JSON file of a vector suite.
pub fn json(suite: &str, file: &str) -> serde_json::Value {
    let path = vectors(suite).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The repository's `tests/` folder.
pub fn repo_tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

/// Decodes lowercase/uppercase hex.
pub fn hex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
