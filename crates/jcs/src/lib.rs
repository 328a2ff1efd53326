//! Strict I-JSON parsing and RFC 8785 JSON Canonicalization Scheme (JCS), byte-exact and fast.
//!
//! This crate knows nothing of FHIR. It turns bytes into a [`Document`] only if they are strict
//! I-JSON (RFC 7493: UTF-8, no duplicate member names, no lone surrogates, numbers that fit an
//! IEEE-754 double), and writes the RFC 8785 canonical form of the whole document or of one value
//! with some members left out ([`Exclusions`]), which is how signature payloads are selected.
//!
//! ```
//! let doc = fhirsig_jcs::parse(br#"{"b": 1.50, "a": "\u00e9"}"#)?;
//! assert_eq!(doc.canonical_bytes(), "{\"a\":\"é\",\"b\":1.5}".as_bytes());
//!
//! // Duplicate names are refused, with the JSON Pointer of the repeated member.
//! let err = fhirsig_jcs::parse(br#"{"a": {"x": 1, "x": 2}}"#).unwrap_err();
//! assert_eq!(err.pointer(), "/a/x");
//! # Ok::<(), fhirsig_jcs::ParseError>(())
//! ```

mod canon;
mod changes;
mod document;
pub mod edit;
mod error;
mod order;
mod parallel;
mod parse;
mod pointer;

pub use canon::{format_number, write_escaped, write_string_array};
pub use changes::{NumberChange, NumberChanges};
pub use document::{Document, Elements, Exclusions, Members, Node, NodeId, NodeKind};
pub use error::{shortened, Location, ParseError, ParseErrorKind};
pub use order::cmp_utf16;
pub use parse::{parse, parse_with, ParseOptions, DEFAULT_MAX_DEPTH, MAX_DEPTH_CAP};
pub use pointer::{push_index as pointer_push_index, push_token as pointer_push_token};

/// Parses `input` as strict I-JSON and returns its RFC 8785 canonical bytes.
///
/// # Errors
/// Any [`ParseError`] from [`parse`].
pub fn canonicalize(input: &[u8]) -> Result<Vec<u8>, ParseError> {
    Ok(parse(input)?.canonical_bytes())
}
