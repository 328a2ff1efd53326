//! The clock and instants given on the command line (`--at`). The library never reads the
//! clock; this module is where the binary does: once per run ([`now`], read first thing in `main`), so every
//! part of one command — a signing time, the verification time after it, a file name — sees
//! the same instant; `serve`, which answers requests for hours, reads it per request
//! ([`current`], [`current_utc`]).

use std::sync::OnceLock;

use fhirsig_core::trust::parse_rfc3339;
use rustls_pki_types::UnixTime;

use crate::error::CliError;

static RUN_INSTANT: OnceLock<UnixTime> = OnceLock::new();

/// Reads the clock for the run; `main` calls it before anything else.
pub fn start() {
    RUN_INSTANT.get_or_init(UnixTime::now);
}

/// The run's instant: the clock as read once at the start.
pub fn now() -> UnixTime {
    *RUN_INSTANT.get_or_init(UnixTime::now)
}

/// The run's instant as a calendar time (UTC).
pub fn now_utc() -> time::OffsetDateTime {
    i64::try_from(now().as_secs())
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// The instant named by `text` (given as `flag`), or the current time when there is none.
pub fn instant_or_now(flag: &str, text: Option<&str>) -> Result<UnixTime, CliError> {
    match text {
        Some(text) => parse_instant(flag, text),
        None => Ok(now()),
    }
}

/// Parses an RFC 3339 instant given as `flag`.
pub fn parse_instant(flag: &str, text: &str) -> Result<UnixTime, CliError> {
    parse_rfc3339(text.trim()).ok_or_else(|| {
        CliError::input(format!("{flag} {text:?} is not an RFC 3339 instant"))
            .with_hint("write a UTC date and time such as 2026-06-01T00:00:00Z")
    })
}

/// The current time, read again: `serve` judges each request as of its arrival.
pub fn current() -> UnixTime {
    UnixTime::now()
}

/// The current time as a calendar time (UTC), with its sub-second part: `serve`'s audit trail.
pub fn current_utc() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// `--at` if given, else the run's instant, as a calendar time in whole seconds (`doc sign`,
/// `doc verify`), read by the same rule as every other `--at` ([`parse_instant`]).
pub fn calendar_at_or_now(at: Option<&str>) -> Result<time::OffsetDateTime, CliError> {
    let secs = instant_or_now("--at", at)?.as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or_else(|| CliError::input("the instant is out of range"))
}
