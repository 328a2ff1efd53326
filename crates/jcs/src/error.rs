//! Parse errors: what is wrong with the input, and where (JSON Pointer, byte offset, line, column).

use std::fmt;

/// Why an input is not strict I-JSON (RFC 7493), the input RFC 8785 requires.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The input is empty or only white space.
    Empty,
    /// The input starts with a UTF-8 byte order mark, which RFC 8259 section 8.1 forbids.
    ByteOrderMark,
    /// The input is larger than this parser addresses (4 GiB less one byte).
    InputTooLarge {
        /// The input's length in bytes.
        len: usize,
    },
    /// A string or number longer than the 2 GiB this parser holds in one value.
    ValueTooLong {
        /// The value's length in bytes.
        len: usize,
    },
    /// A byte sequence that is not UTF-8.
    InvalidUtf8,
    /// A UTF-16 surrogate that is not part of a pair, escaped (`"\ud800"`) or raw (bytes `ED A0 80`).
    LoneSurrogate,
    /// An object has two members with the same name (after unescaping).
    DuplicateMember {
        /// The repeated member name.
        name: String,
    },
    /// `NaN`, `Infinity` or `-Infinity`: not JSON, and RFC 8785 section 3.2.2.3 forbids them.
    NonFiniteLiteral {
        /// The literal as written.
        literal: String,
    },
    /// A number whose magnitude is too large for an IEEE-754 double (for example `1e400`).
    NumberOutOfRange {
        /// The number as written.
        lexical: String,
    },
    /// A number that does not follow the JSON number grammar (for example `01`, `1.`, `+1`, `.5`).
    InvalidNumber,
    /// A backslash escape that JSON does not define (for example `\x` or a short `\u12`).
    InvalidEscape,
    /// A raw control character (U+0000 to U+001F) inside a string; it must be escaped.
    ControlCharacterInString {
        /// The control character's code.
        byte: u8,
    },
    /// Nesting deeper than the configured limit ([`crate::ParseOptions::max_depth`]).
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// A byte that cannot stand here.
    UnexpectedByte {
        /// What was found, shown printable.
        found: String,
        /// What the grammar allows here.
        expected: &'static str,
    },
    /// The input ended inside a value.
    UnexpectedEnd {
        /// What the grammar still needed.
        expected: &'static str,
    },
    /// Something other than white space follows the top-level value.
    TrailingContent,
}

/// Where in the input an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// RFC 6901 JSON Pointer of the value being read (`""` is the whole document).
    pub pointer: String,
    /// Byte offset in the input.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in bytes.
    pub column: usize,
}

/// The input is not strict I-JSON; [`ParseError::kind`] says why and [`ParseError::location`] where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    location: Location,
    /// What the input looks like instead, when it fails at its start and is recognisably
    /// something else (PEM, DER, a compact JWS, XML, PDF).
    looks_like: Option<&'static str>,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, input: &[u8], offset: usize, pointer: String) -> Self {
        let offset = offset.min(input.len());
        let before = input.get(..offset).unwrap_or_default();
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let location = Location {
            pointer,
            offset,
            line,
            column: offset - line_start + 1,
        };
        // Only an input refused at its very start is taken for something else.
        let looks_like = (offset < 16).then(|| looks_like(input)).flatten();
        ParseError {
            kind,
            location,
            looks_like,
        }
    }

    /// Why the input was refused.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// Where the problem is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The JSON Pointer of the offending value (shortcut for `location().pointer`).
    pub fn pointer(&self) -> &str {
        &self.location.pointer
    }

    /// A one-line hint saying how to fix the input, where there is a useful one.
    pub fn hint(&self) -> Option<&'static str> {
        if let Some(other) = self.looks_like {
            return Some(other);
        }
        match &self.kind {
            ParseErrorKind::ByteOrderMark => {
                Some("save the file as UTF-8 without a byte order mark")
            }
            ParseErrorKind::DuplicateMember { .. } => {
                Some("I-JSON forbids repeated member names; keep exactly one of them")
            }
            ParseErrorKind::LoneSurrogate | ParseErrorKind::InvalidUtf8 => {
                Some("the text must be valid Unicode encoded as UTF-8")
            }
            ParseErrorKind::NumberOutOfRange { .. } => {
                Some("JSON numbers must fit an IEEE-754 double; send larger values as strings")
            }
            ParseErrorKind::TooDeep { .. } => {
                Some("raise the nesting limit if this depth is expected")
            }
            ParseErrorKind::ControlCharacterInString { .. } => {
                Some("escape control characters, e.g. \\n or \\u0001")
            }
            _ => None,
        }
    }
}

/// What a non-JSON input is, judged from its first bytes, for the hint.
fn looks_like(input: &[u8]) -> Option<&'static str> {
    let text = input.trim_ascii_start();
    if text.starts_with(b"-----BEGIN ") {
        return Some("this is PEM text (-----BEGIN ...), not JSON");
    }
    // DER: a SEQUENCE (0x30) whose length is in the long form, or exactly the input's.
    if let [0x30, length, ..] = input {
        if *length >= 0x81 && *length <= 0x84 || usize::from(*length) + 2 == input.len() {
            return Some(
                "this looks like DER (binary ASN.1: a certificate, a key or a CMS signature), not JSON",
            );
        }
    }
    // A compact JWS: `eyJ` (base64url of `{"`), then base64url and dots; judged from its
    // first line, at most 1 MiB of it (a hint need not read a huge input twice).
    let base64url = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let head = text.get(..1 << 20).unwrap_or(text);
    let line = head
        .split(|b| *b == b'\n')
        .next()
        .unwrap_or_default()
        .trim_ascii_end();
    let dots = line.iter().filter(|b| **b == b'.').count();
    if text.starts_with(b"eyJ") && (1..=2).contains(&dots) && line.iter().all(base64url) {
        return Some("this looks like a compact JWS (three base64url parts), not JSON");
    }
    if text.starts_with(b"%PDF-") {
        return Some("this is a PDF document, not JSON");
    }
    if text.starts_with(b"<") {
        return Some("this looks like XML or HTML, not JSON");
    }
    None
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::Empty => f.write_str("no JSON value in the input"),
            ParseErrorKind::ByteOrderMark => f.write_str("input starts with a byte order mark"),
            ParseErrorKind::InputTooLarge { len } => {
                write!(
                    f,
                    "input of {len} bytes is larger than the 4 GiB this parser reads"
                )
            }
            ParseErrorKind::ValueTooLong { len } => write!(
                f,
                "a string or number of {len} bytes is longer than the 2 GiB this parser holds in one value"
            ),
            ParseErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8"),
            ParseErrorKind::LoneSurrogate => f.write_str("lone UTF-16 surrogate in a string"),
            ParseErrorKind::DuplicateMember { name } => {
                write!(f, "duplicate member name {}", Quoted(name))
            }
            ParseErrorKind::NonFiniteLiteral { literal } => {
                write!(f, "{} is not a JSON number", shortened(literal, SHOWN_CHARS))
            }
            ParseErrorKind::NumberOutOfRange { lexical } => {
                write!(
                    f,
                    "number {} is outside the IEEE-754 double range",
                    shortened(lexical, SHOWN_CHARS)
                )
            }
            ParseErrorKind::InvalidNumber => f.write_str("malformed number"),
            ParseErrorKind::InvalidEscape => f.write_str("invalid escape sequence in a string"),
            ParseErrorKind::ControlCharacterInString { byte } => {
                write!(f, "unescaped control character U+{byte:04X} in a string")
            }
            ParseErrorKind::TooDeep { limit } => {
                write!(f, "nesting deeper than the limit of {limit} levels")
            }
            ParseErrorKind::UnexpectedByte { found, expected } => {
                write!(f, "unexpected {found}, expected {expected}")
            }
            ParseErrorKind::UnexpectedEnd { expected } => {
                write!(f, "unexpected end of input, expected {expected}")
            }
            ParseErrorKind::TrailingContent => {
                f.write_str("unexpected content after the top-level value")
            }
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        let pointer = if loc.pointer.is_empty() {
            "(document root)"
        } else {
            loc.pointer.as_str()
        };
        write!(
            f,
            "{} at {} (line {}, column {}, byte {})",
            self.kind, pointer, loc.line, loc.column, loc.offset
        )
    }
}

impl std::error::Error for ParseError {}

/// Shows a string in JSON quotes, shortened so that one error stays one line.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_CHARS: usize = 60;
        let mut shown: String = self.0.chars().take(MAX_CHARS).collect();
        if self.0.chars().nth(MAX_CHARS).is_some() {
            shown.push('…');
        }
        write!(f, "{shown:?}")
    }
}

/// `text` for a message: as it is, or its first `max_chars` characters, an ellipsis and its
/// length in bytes. A number of five million digits or a member name (and so a JSON Pointer) of
/// megabytes is quoted by messages and warnings; each stays one short line.
pub fn shortened(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => text.into(),
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()).into(),
    }
}

/// How many characters of a literal a parse error shows.
const SHOWN_CHARS: usize = 60;

/// Describes a byte for an error message: printable ASCII as itself, anything else in hex.
pub(crate) fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", char::from(byte))
    } else {
        format!("byte 0x{byte:02X}")
    }
}
