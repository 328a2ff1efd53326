//! Shared helpers for the core crate's integration tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

/// The folder of one external suite (`../shared/vectors/<name>` beside the repository); panics
/// with a clear message when it is missing, so a missing suite fails instead of passing.
pub fn suite(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors")
        .join(name);
    assert!(
        dir.is_dir(),
        "test vector suite `{name}` is missing: expected it at {} (the shared/ folder beside the repository)",
        dir.display()
    );
    dir
}
