//! The files this run has read, by device and inode, so that no output replaces one of them.

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::sync::Mutex;

/// A file this run has read, by device and inode (so another name for it, a hard link or a
/// symbolic link, is still recognised).
struct InputId {
    dev: u64,
    ino: u64,
    name: String,
}

/// Every regular file read so far: an output must not replace one of them (unless the command
/// was asked to, with `--in-place`). Kept here rather than passed around so that every reader
/// ([`super::read_input`], the batch walk) and every writer agree without each command wiring it.
static INPUTS: Mutex<Vec<InputId>> = Mutex::new(Vec::new());

/// Notes that `path` is an input of this run, so that no output replaces it. Readers here and
/// in [`crate::batch`] call it; a command that opens a file some other way should too. Paths
/// that cannot be examined, and files that are not regular (standard input, devices), are
/// ignored.
pub fn note_input(path: &Path) {
    if let Ok(meta) = fs::metadata(path) {
        note_input_metadata(&meta, path);
    }
}

/// Notes standard input as an input when it is a regular file (`< file` in a shell), so that
/// `-o file` does not replace what was read.
pub fn note_stdin() {
    if let Ok(meta) = fs::metadata("/dev/stdin") {
        note_input_metadata(&meta, Path::new("<stdin>"));
    }
}

/// As [`note_input`], with the metadata already at hand (the batch walk has it).
pub fn note_input_metadata(meta: &fs::Metadata, path: &Path) {
    if !meta.file_type().is_file() {
        return;
    }
    let mut inputs = INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !inputs
        .iter()
        .any(|i| i.dev == meta.dev() && i.ino == meta.ino())
    {
        inputs.push(InputId {
            dev: meta.dev(),
            ino: meta.ino(),
            name: path.display().to_string(),
        });
    }
}

/// The name under which an input with this device and inode was read, if one was.
pub(super) fn input_named(meta: &fs::Metadata) -> Option<String> {
    let inputs = INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    inputs
        .iter()
        .find(|i| i.dev == meta.dev() && i.ino == meta.ino())
        .map(|i| i.name.clone())
}
