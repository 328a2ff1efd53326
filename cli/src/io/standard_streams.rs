//! Standard output, where a closed pipe ends the program quietly, and standard error's
//! diagnostics.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::CliError;

/// Writes to standard output; a broken pipe counts as success (the reader has what it wanted).
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    with_raw_stdout(|out| out.write_all(bytes))
}

/// Runs `write` on standard output without its line buffering: large output handed over in
/// big pieces goes straight to the file descriptor, instead of being searched for newlines by
/// the standard library's line writer on the way. Falls back to the locked standard output
/// where the descriptor cannot be duplicated.
pub fn with_raw_stdout(
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    // Nothing written through `out` may be left behind in its buffer.
    if let Err(e) = out.flush() {
        return finish_stdout(Err(e));
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = out.as_fd().try_clone_to_owned() {
            let mut file = std::fs::File::from(fd);
            return finish_stdout(write(&mut file));
        }
    }
    finish_stdout(write(&mut out).and_then(|()| out.flush()))
}

/// Set once a write to standard output met a broken pipe.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// True once standard output's reader has gone (`| head`): long runs stop producing output
/// nobody reads.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// The result of writing standard output: a broken pipe is success, other errors are reported.
pub fn finish_stdout(result: io::Result<()>) -> Result<(), CliError> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::input(format!(
            "cannot write standard output: {e}"
        ))),
        Ok(()) => Ok(()),
    }
}

/// Prints a diagnostic line to standard error, prefixed `fhirsig:`. The message is escaped for
/// the terminal ([`crate::terminal::escape`]): diagnostics echo file names and input values.
pub fn diagnostic(kind: &str, message: &str) {
    let message = crate::terminal::escape(message);
    let _ = writeln!(io::stderr().lock(), "fhirsig: {kind}: {message}");
}
