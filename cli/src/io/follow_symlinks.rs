//! The run-wide `--follow-symlinks` choice.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set from the global `--follow-symlinks` flag before a command runs; read by the writers here
/// and by the folder walk in [`crate::batch`]. A process-wide setting because it is one choice
/// for the whole run, made once on the command line.
static FOLLOW_SYMLINKS: AtomicBool = AtomicBool::new(false);

/// Records the global `--follow-symlinks` choice (called once, by `main`).
pub fn set_follow_symlinks(follow: bool) {
    FOLLOW_SYMLINKS.store(follow, Ordering::Relaxed);
}

/// True when `--follow-symlinks` was given: outputs that are symbolic links are written through
/// to the file they point to, and folder walks follow links (with loop detection).
pub fn follow_symlinks() -> bool {
    FOLLOW_SYMLINKS.load(Ordering::Relaxed)
}
