//! Reading the files named on the command line, and the one wording of a read failure.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use super::input_registry::note_input;
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
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
        return Ok(Input {
            name: "<stdin>".to_owned(),
            bytes,
        });
    }
    let name = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| read_error(&name, &e, argument))?;
    note_input(path);
    Ok(Input { name, bytes })
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
