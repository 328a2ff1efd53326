//! Reading the files named on the command line, and the one wording of a read failure.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use super::input_registry::{note_input, note_stdin};
use crate::error::CliError;

/// An input named on the command line: a path, or `-` for standard input.
pub struct Input {
    /// How to call it in messages.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Reads a file named as a command's argument, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Input, CliError> {
    read(path, true)
}

/// Reads a file named by an option (`--key`, `--trust`, `--cert`, …), or standard input for
/// `-`. As [`read_input`], but a missing file gets no hint about standard input, which an
/// option's file rarely is.
pub fn read_option_file(path: &Path) -> Result<Input, CliError> {
    read(path, false)
}

fn read(path: &Path, argument: bool) -> Result<Input, CliError> {
    if path.as_os_str() == "-" {
        note_stdin();
        let bytes = read_capped(io::stdin(), MAX_INPUT, None)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?
            .ok_or_else(|| too_large("standard input"))?;
        return Ok(Input {
            name: "<stdin>".to_owned(),
            bytes,
        });
    }
    let name = path.display().to_string();
    let bytes = read_file_capped(path).map_err(|e| read_error(&name, &e, argument))?;
    let Some(bytes) = bytes else {
        return Err(too_large(&name));
    };
    note_input(path);
    Ok(Input { name, bytes })
}

/// The most bytes one input may have (4 GiB less one byte, the most a JSON document's parse can
/// index): a device or a pipe that never ends (`/dev/zero`) is cut off here with an error
/// instead of filling memory.
const MAX_INPUT: usize = u32::MAX as usize - 1;

/// The file's bytes, or `None` when it has more than [`MAX_INPUT`] (a regular file that large
/// is refused without being read).
fn read_file_capped(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let file = fs::File::open(path)?;
    let size = file
        .metadata()
        .ok()
        .filter(fs::Metadata::is_file)
        .map(|m| m.len());
    read_capped(file, MAX_INPUT, size)
}

/// Reads everything, or `None` past `max` bytes. `size` (the file's length, if known) sizes
/// the buffer up front; it is only a hint, never more than `max + 1` bytes are reserved. A
/// file already longer than `max` is refused without reading it (a 2 GB file is not read
/// into memory only to be dropped); one that grows while it is read is still cut at `max`.
pub fn read_capped(
    reader: impl Read,
    max: usize,
    size: Option<u64>,
) -> io::Result<Option<Vec<u8>>> {
    if size.is_some_and(|n| n > max as u64) {
        return Ok(None);
    }
    let reserve = size.map_or(0, |n| {
        usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(max)
            .saturating_add(1)
    });
    let mut bytes = Vec::with_capacity(reserve);
    let read = reader.take(max as u64 + 1).read_to_end(&mut bytes)?;
    Ok((read <= max).then_some(bytes))
}

fn too_large(name: &str) -> CliError {
    CliError::input(format!(
        "{name} is larger than 4 GiB, the most fhirsig reads as one input"
    ))
    .with_hint("split the data (NDJSON lines are verified one record at a time)")
}

/// The one wording of "cannot read NAME: …" for a file that could not be opened or read; a
/// missing file is "no such file or folder" (with, for a command's argument, a hint that `-`
/// reads standard input).
pub fn read_error(name: &str, e: &io::Error, argument: bool) -> CliError {
    let error = CliError::input(format!("cannot read {name}: {}", io_error_text(e)));
    match e.kind() {
        io::ErrorKind::NotFound if argument => {
            error.with_hint("check the path; use - to read standard input")
        }
        io::ErrorKind::NotFound => error.with_hint("check the path"),
        io::ErrorKind::IsADirectory => error.with_hint("name a file, not a folder"),
        _ => error,
    }
}

/// An I/O error in words, with a missing file always said the same way.
pub fn io_error_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_file_known_to_be_over_the_limit_is_not_read() {
        // A reader that fails if touched: the size alone decides.
        struct Untouchable;
        impl Read for Untouchable {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("read"))
            }
        }
        assert_eq!(read_capped(Untouchable, 10, Some(11)).unwrap(), None);
        assert!(
            read_capped(Untouchable, 10, Some(10)).is_err(),
            "within the limit: read"
        );
        let grown = read_capped(io::Cursor::new(vec![b' '; 12]), 10, Some(5)).unwrap();
        assert_eq!(grown, None, "a file that grew past the limit is still cut");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_without_being_read() {
        let dir = std::env::temp_dir().join(format!("fhirsig-read-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small.json");
        fs::write(&small, b"{}").unwrap();
        assert_eq!(read_file_capped(&small).unwrap(), Some(b"{}".to_vec()));
        // Sparse: no disk space, and reading it would take 4 GiB of memory.
        let huge = dir.join("huge.json");
        fs::File::create(&huge)
            .unwrap()
            .set_len(MAX_INPUT as u64 + 1)
            .unwrap();
        assert_eq!(read_file_capped(&huge).unwrap(), None);
        let error = read_input(&huge).err().expect("refused");
        assert!(error.to_string().contains("larger than 4 GiB"), "{error}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
