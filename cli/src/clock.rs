//! The clock and instants given on the command line. The library never reads the clock; this
//! module is where the binary does.

use fhirsig_core::trust::parse_rfc3339;
use rustls_pki_types::UnixTime;

use crate::error::CliError;

/// The instant named by `text` (given as `flag`), or the current time when there is none.
pub fn instant_or_now(flag: &str, text: Option<&str>) -> Result<UnixTime, CliError> {
    match text {
        Some(text) => parse_instant(flag, text),
        None => Ok(UnixTime::now()),
    }
}

/// Parses an RFC 3339 instant given as `flag`.
pub fn parse_instant(flag: &str, text: &str) -> Result<UnixTime, CliError> {
    parse_rfc3339(text.trim()).ok_or_else(|| {
        CliError::input(format!("{flag} {text:?} is not an RFC 3339 instant"))
            .with_hint("write a UTC date and time such as 2026-06-01T00:00:00Z")
    })
}
