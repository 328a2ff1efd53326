//! Where a command's main output goes: standard output or a file named by `-o`.

use std::path::PathBuf;

use super::safe_write::write_atomically;
use super::standard_streams::write_stdout;
use crate::error::CliError;

/// Where a command's main output goes.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, written by [`super::safe_write::write_file`] (replaced atomically when complete).
    File(PathBuf),
}

impl Output {
    /// `-o FILE` if given, else standard output.
    pub fn from_option(path: Option<PathBuf>) -> Self {
        match path {
            Some(p) if p.as_os_str() != "-" => Output::File(p),
            _ => Output::Stdout,
        }
    }

    /// Writes all of `bytes`. A closed standard output (`| head`) is not an error.
    pub fn write(&self, bytes: &[u8]) -> Result<(), CliError> {
        match self {
            Output::Stdout => write_stdout(bytes),
            Output::File(path) => write_atomically(path, bytes),
        }
    }
}
