//! Command errors: one line saying what went wrong and what to do, and the exit status.

use std::fmt;
use std::process::ExitCode;

/// Exit status 1: the command ran, but a signature or check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit status 2: usage, input or I/O problems.
pub const EXIT_BAD_INPUT: u8 = 2;

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything checked passed (exit 0).
    Success,
    /// It ran, but at least one signature or check failed (exit 1).
    ChecksFailed,
}

impl Status {
    /// The exit status.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Status::Success => ExitCode::SUCCESS,
            Status::ChecksFailed => ExitCode::from(EXIT_CHECK_FAILED),
        }
    }
}

/// A failure that ends a command.
#[derive(Debug)]
pub struct CliError {
    message: String,
    hint: Option<String>,
    status: u8,
}

impl CliError {
    /// Bad input or usage (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            hint: None,
            status: EXIT_BAD_INPUT,
        }
    }

    /// Adds what the user can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.status)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Turns a strict-JSON parse error into a one-line error naming the file and the place.
pub fn json_error(source: &str, err: &fhirsig_jcs::ParseError) -> CliError {
    let error = CliError::input(format!("{source}: {err}"));
    match err.hint() {
        Some(hint) => error.with_hint(hint),
        None => error,
    }
}
