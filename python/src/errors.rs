//! Python exceptions: the classes live in `fhirsig._errors` (pure Python, with a `kind`
//! attribute); the native code raises them by name. Never a panic across the boundary.

use pyo3::prelude::*;

fn raise(py: Python<'_>, class: &str, message: &str, kind: Option<&str>) -> PyErr {
    let made = py
        .import("fhirsig._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message, kind)));
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// `fhirsig.InputError(message, kind)`.
pub fn input_error(py: Python<'_>, message: &str, kind: &str) -> PyErr {
    raise(py, "InputError", message, Some(kind))
}

/// `fhirsig.KeySourceError(message)`.
pub fn key_source_error(py: Python<'_>, message: &str) -> PyErr {
    raise(py, "KeySourceError", message, None)
}

/// `fhirsig.PolicyError(message)`.
pub fn policy_error(py: Python<'_>, message: &str) -> PyErr {
    raise(py, "PolicyError", message, None)
}

/// A strict-JSON refusal as `InputError`, its kind the published vectors' code
/// (`duplicate-member`, `number-out-of-range`, …).
pub fn parse_error(py: Python<'_>, e: &fhirsig_jcs::ParseError) -> PyErr {
    let hint = e
        .hint()
        .map(|h| format!(" (hint: {h})"))
        .unwrap_or_default();
    input_error(py, &format!("{e}{hint}"), parse_kind(e))
}

/// The published vectors' code of a strict-JSON refusal.
pub fn parse_kind(e: &fhirsig_jcs::ParseError) -> &'static str {
    use fhirsig_jcs::ParseErrorKind as K;
    match e.kind() {
        K::Empty => "empty",
        K::ByteOrderMark => "byte-order-mark",
        K::InputTooLarge { .. } => "input-too-large",
        K::InvalidUtf8 => "invalid-utf8",
        K::LoneSurrogate => "lone-surrogate",
        K::DuplicateMember { .. } => "duplicate-member",
        K::NonFiniteLiteral { .. } => "non-finite-literal",
        K::NumberOutOfRange { .. } => "number-out-of-range",
        K::InvalidNumber => "invalid-number",
        K::InvalidEscape => "invalid-escape",
        K::ControlCharacterInString { .. } => "control-character-in-string",
        K::TooDeep { .. } => "too-deep",
        K::UnexpectedByte { .. } => "unexpected-byte",
        K::UnexpectedEnd { .. } => "unexpected-end",
        K::TrailingContent => "trailing-content",
        _ => "parse",
    }
}
