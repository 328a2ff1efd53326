//! Standard output, where a closed pipe ends the program quietly, and standard error's
//! diagnostics.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::CliError;

/// Writes to standard output; a broken pipe counts as success (the reader has what it wanted).
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    with_raw_stdout(|out| out.write_all(bytes))
}

/// Writes `parts` to standard output one after another, several per system call (a batch's
/// records are written as they were rendered, without first being joined into one buffer).
/// A broken pipe counts as success.
pub fn write_stdout_parts(parts: &[Vec<u8>]) -> Result<(), CliError> {
    with_raw_stdout(|out| write_all_parts(out, parts))
}

/// `write_all` for a list of buffers: `write_vectored` until every byte is written.
fn write_all_parts(out: &mut dyn Write, parts: &[Vec<u8>]) -> io::Result<()> {
    // Most systems take at most 1024 buffers per call (IOV_MAX).
    for group in parts.chunks(1024) {
        let mut slices: Vec<io::IoSlice<'_>> = group
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| io::IoSlice::new(part))
            .collect();
        let mut slices = &mut slices[..];
        while !slices.is_empty() {
            match out.write_vectored(slices) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => io::IoSlice::advance_slices(&mut slices, written),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes at most `limit` bytes per call, as a pipe may.
    struct Trickle {
        written: Vec<u8>,
        limit: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(self.limit);
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_part_is_written_in_order_through_short_writes() {
        let parts: Vec<Vec<u8>> = (0..2500)
            .map(|i| {
                if i % 7 == 0 {
                    Vec::new()
                } else {
                    format!("part {i};").into_bytes()
                }
            })
            .collect();
        for limit in [1, 5, 64, 1 << 20] {
            let mut out = Trickle {
                written: Vec::new(),
                limit,
            };
            write_all_parts(&mut out, &parts).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                out.written,
                parts.concat(),
                "at most {limit} bytes per call"
            );
        }
    }
}
