//! Locates the shared external test vectors (`../shared/vectors` beside the repository).

use std::path::PathBuf;

/// The folder of one external suite; panics with a clear message when it is missing, so a
/// missing suite is a failure, never a silent pass.
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
