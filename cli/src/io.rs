//! Reading inputs and writing outputs: `-` is standard input, outputs are written atomically,
//! and a closed pipe on standard output ends the program quietly.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// An input named on the command line: a path, or `-` for standard input.
pub struct Input {
    /// How to call it in messages.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Input, CliError> {
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
    let bytes = fs::read(path).map_err(|e| {
        let error = CliError::input(format!("cannot read {name}: {e}"));
        match e.kind() {
            io::ErrorKind::NotFound => {
                error.with_hint("check the path; use - to read standard input")
            }
            io::ErrorKind::IsADirectory => error.with_hint("name a file, not a directory"),
            _ => error,
        }
    })?;
    Ok(Input { name, bytes })
}

/// Where a command's main output goes.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, replaced atomically when complete.
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

/// Writes to standard output; a broken pipe counts as success (the reader has what it wanted).
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    finish_stdout(out.write_all(bytes).and_then(|()| out.flush()))
}

/// Set once a write to standard output met a broken pipe.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once standard output's reader has gone (`| head`): long runs stop producing output
/// nobody reads.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The result of writing standard output: a broken pipe is success, other errors are reported.
pub fn finish_stdout(result: io::Result<()>) -> Result<(), CliError> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::input(format!(
            "cannot write standard output: {e}"
        ))),
        Ok(()) => Ok(()),
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a reader
/// never sees half a file and a failure leaves any previous file untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_replacing(path, bytes, false)
}

/// As [`write_atomically`], for secrets: on Unix the file is created with mode 0600, so the
/// bytes are never readable by others, not even while being written.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_replacing(path, bytes, true)
}

fn write_replacing(path: &Path, bytes: &[u8], private: bool) -> Result<(), CliError> {
    let name = path.display();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| CliError::input(format!("{name} is not a file name")))?;
    let temp = dir.join(format!(
        ".{}.fhirsig-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = create_temp(&temp, private)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&temp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(CliError::input(format!("cannot write {name}: {e}")));
    }
    Ok(())
}

/// Creates (or truncates) `path`; `private` means owner-only permissions on Unix.
fn create_temp(path: &Path, private: bool) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let file = options.mode(0o600).open(path)?;
        // The mode above applies only to a new file; a stale temporary file keeps its own.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        return Ok(file);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

/// Prints a diagnostic line to standard error, prefixed `fhirsig:`.
pub fn diagnostic(kind: &str, message: &str) {
    let _ = writeln!(io::stderr().lock(), "fhirsig: {kind}: {message}");
}
