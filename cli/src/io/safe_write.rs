//! Writing a file named on the command line: never through a planted link, never over an input
//! of the run, never replacing a device (see [`write_file`]).

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

use super::atomic_replace::replace;
use super::follow_symlinks::follow_symlinks;
use super::input_registry::input_named;
use super::standard_streams::write_stdout;
use crate::error::CliError;

/// How [`write_file`] may treat the file it replaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// A secret (a private key): the file is mode 0600 from its creation on, whatever the file
    /// it replaces allowed.
    pub private: bool,
    /// The output may be one of the inputs (`--in-place`); otherwise that is refused.
    pub in_place: bool,
}

/// Writes `bytes` to `path` safely; see [`write_file`]. Refuses to replace any input of the run.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_file(path, bytes, WriteOptions::default())
}

/// As [`write_atomically`], for secrets: the file is mode 0600 from the moment it exists, so
/// the bytes are never readable by others, not even while being written.
#[cfg_attr(not(feature = "test-pki"), allow(dead_code))]
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_file(
        path,
        bytes,
        WriteOptions {
            private: true,
            ..WriteOptions::default()
        },
    )
}

/// Replaces an input with a command's result (`--in-place`): as [`write_atomically`], but the
/// target may be (and usually is) one of the files the run read.
pub fn write_in_place(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return Err(CliError::input(
            "--in-place needs a file, not standard input",
        ));
    }
    write_file(
        path,
        bytes,
        WriteOptions {
            in_place: true,
            ..WriteOptions::default()
        },
    )
}

/// The one way fhirsig writes a file named on its command line (`-` is standard output).
///
/// - A regular file, or a path that does not exist yet, is written to a new temporary file in
///   the same folder (random name, created exclusively and without following links, so nothing
///   planted there can redirect the write), flushed to disk, given the replaced file's mode
///   (and, when run as root, its owner), then renamed over the target: a reader sees the old
///   file or the new one, never half of one, and a failure removes the temporary file and
///   leaves the old one as it was. Like every rename, this gives the path a new inode: other
///   hard links to the old file keep the old content (a note says so).
/// - Anything else that exists (a character device such as `/dev/null`, a FIFO) is opened and
///   written as it is: never replaced by a regular file.
/// - A symbolic link is refused unless `--follow-symlinks` was given; then the file it points
///   to is written as above, and the link stays.
/// - A file the run has read (see [`super::note_input`]) is refused unless `options.in_place`.
pub fn write_file(path: &Path, bytes: &[u8], options: WriteOptions) -> Result<(), CliError> {
    let name = path.display().to_string();
    match plan(path, &name, options)? {
        Plan::Stdout => write_stdout(bytes),
        Plan::Create => replace(path, &name, bytes, None, options),
        Plan::Replace(meta) => replace(path, &name, bytes, Some(&meta), options),
        Plan::Follow(target) => write_file(&target, bytes, options),
        Plan::Direct => write_directly(path, bytes)
            .map_err(|e| CliError::input(format!("cannot write {name}: {e}"))),
    }
}

/// Refuses, before anything is written, what [`write_file`] would refuse for `path` (a link
/// without `--follow-symlinks`, a folder, an input of the run): a command that writes two files
/// checks the second before writing the first, so a refusal leaves no half of its output.
pub fn check_writable(path: &Path) -> Result<(), CliError> {
    let name = path.display().to_string();
    match plan(path, &name, WriteOptions::default())? {
        Plan::Follow(target) => check_writable(&target),
        _ => Ok(()),
    }
}

/// How [`write_file`] writes one path.
enum Plan {
    /// `-`: standard output.
    Stdout,
    /// Nothing is there yet.
    Create,
    /// A regular file, replaced atomically.
    Replace(fs::Metadata),
    /// A symbolic link followed (`--follow-symlinks`) to this file.
    Follow(std::path::PathBuf),
    /// A device or FIFO, written as it is.
    Direct,
}

/// What `path` is and whether it may be written: every refusal of [`write_file`] is made here.
fn plan(path: &Path, name: &str, options: WriteOptions) -> Result<Plan, CliError> {
    if path.as_os_str() == "-" {
        return Ok(Plan::Stdout);
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !folder.is_dir() {
                return Err(CliError::input(format!(
                    "cannot write {name}: the folder {} does not exist",
                    folder.display()
                ))
                .with_hint("create the folder first, or name a file in an existing one"));
            }
            return Ok(Plan::Create);
        }
        Err(e) => return Err(CliError::input(format!("cannot write {name}: {e}"))),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        if !follow_symlinks() {
            return Err(CliError::input(format!(
                "refusing to write {name}: it is a symbolic link"
            ))
            .with_hint(
                "pass --follow-symlinks to write the file it points to, or name the file itself",
            ));
        }
        let target = fs::canonicalize(path)
            .map_err(|e| CliError::input(format!("cannot follow the link {name}: {e}")))?;
        // The resolved path names no link; should one appear there meanwhile, stop rather
        // than resolve again (a link swapped back and forth could otherwise keep us going).
        if fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(CliError::input(format!(
                "cannot write {name}: its target changed while being resolved"
            )));
        }
        return Ok(Plan::Follow(target));
    }
    if kind.is_dir() {
        return Err(
            CliError::input(format!("cannot write {name}: it is a folder"))
                .with_hint("name a file"),
        );
    }
    if !options.in_place {
        if let Some(input) = input_named(&meta) {
            let what = if input == name {
                "it is also an input".to_owned()
            } else {
                format!("it is the same file as the input {input}")
            };
            return Err(
                CliError::input(format!("refusing to write {name}: {what}")).with_hint(
                    "name another output file (commands that rewrite their input take --in-place)",
                ),
            );
        }
    }
    Ok(if kind.is_file() {
        Plan::Replace(meta)
    } else {
        Plan::Direct
    })
}

/// Writes into an existing non-regular file (a device, a FIFO) without replacing it. Not
/// truncated: devices have nothing to truncate, and a FIFO cannot be.
fn write_directly(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    // Checked on the opened file: the path may have changed since it was examined.
    if file.metadata()?.file_type().is_file() {
        return Err(io::Error::other(
            "it became a regular file while being opened",
        ));
    }
    file.write_all(bytes)?;
    file.flush()
}
