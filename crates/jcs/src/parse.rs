//! Strict I-JSON (RFC 7493) parser producing a [`Document`] tape.
//!
//! The parser is iterative: nesting lives in an explicit stack, so hostile depth ends in
//! [`ParseErrorKind::TooDeep`], never a stack overflow. UTF-8 is validated once for the whole
//! input before parsing (fast on ASCII); if it fails, parsing proceeds only to find which value
//! holds the bad bytes, so the error can name its JSON Pointer.

use crate::document::{
    Container, Document, EscapedString, Token, AUX_FLAG, AUX_VALUE, IN_INPUT_ORDER,
};
use crate::error::{describe_byte, ParseError, ParseErrorKind};
use crate::order::cmp_utf16;
use crate::pointer::{push_index, push_token};

/// Limits for [`parse_with`].
#[derive(Debug, Clone)]
pub struct ParseOptions {
    max_depth: usize,
    threads: usize,
    /// Inputs at least this long may be parsed on two threads (tests set it low).
    pub(crate) parallel_from: usize,
}

/// The default nesting limit: far deeper than any FHIR resource (which rarely passes 30), far
/// shallower than anything that could exhaust memory or the canonical writer's stack.
pub const DEFAULT_MAX_DEPTH: usize = 512;

/// The deepest nesting [`ParseOptions::max_depth`] allows: the canonical writer recurses once
/// per level, and this many levels fit in the 2 MiB stack of a spawned thread (a worker of a
/// batch, a server's request) even in an unoptimised build.
pub const MAX_DEPTH_CAP: usize = 2_000;

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_depth: DEFAULT_MAX_DEPTH,
            threads: 2,
            parallel_from: crate::parallel::PARALLEL_FROM,
        }
    }
}

impl ParseOptions {
    /// Sets how many arrays and objects may nest (at least 1; larger values are capped at
    /// [`MAX_DEPTH_CAP`], which the recursive canonical writer handles on a thread's default
    /// 2 MiB stack).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth.clamp(1, MAX_DEPTH_CAP);
        self
    }

    /// The nesting limit.
    pub(crate) fn max_depth_limit(&self) -> usize {
        self.max_depth
    }

    /// Sets how many threads one large document (from 64 MiB) may be parsed on: 1 parses on
    /// the calling thread only; the default, 2, lets a second thread parse the later half of a
    /// long array of objects (such as a Bundle's `entry`) while this one parses the rest, for
    /// about 10 MB more memory at the peak. More than two are not used. The document, and any
    /// error, are the same either way.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.clamp(1, 2);
        self
    }
}

/// Parses strict I-JSON with the default [`ParseOptions`].
///
/// # Errors
/// Returns a [`ParseError`] naming the problem and its JSON Pointer for anything that is not
/// I-JSON: bad syntax, invalid UTF-8, lone surrogates, duplicate member names, numbers that do not
/// fit a double, `NaN`/`Infinity`, or nesting deeper than the limit.
pub fn parse(input: &[u8]) -> Result<Document<'_>, ParseError> {
    parse_with(input, &ParseOptions::default())
}

/// Parses strict I-JSON with explicit limits. See [`parse`].
///
/// # Errors
/// As [`parse`].
pub fn parse_with<'a>(input: &'a [u8], options: &ParseOptions) -> Result<Document<'a>, ParseError> {
    if input.len() >= u32::MAX as usize {
        return Err(ParseError::new(
            ParseErrorKind::InputTooLarge { len: input.len() },
            &[],
            0,
            String::new(),
        ));
    }
    let (text, bad_utf8_at) = match std::str::from_utf8(input) {
        Ok(text) => (text, None),
        Err(e) => (
            // The valid prefix is text; the parser stops at or before the bad byte.
            std::str::from_utf8(&input[..e.valid_up_to()]).unwrap_or_default(),
            Some(e.valid_up_to()),
        ),
    };
    if bad_utf8_at.is_none() && options.threads > 1 && input.len() >= options.parallel_from {
        if let Some(parsed) = crate::parallel::parse_on_two_threads(input, text, options) {
            return parsed;
        }
    }
    let mut parser = Parser::new(input, text, bad_utf8_at, options.max_depth);
    parser.run()?;
    if let Some(at) = bad_utf8_at {
        // Unreachable in practice (every byte is inside some value or is a syntax error), but
        // a document must never be returned over text that is not UTF-8.
        return Err(parser.error_at(ParseErrorKind::InvalidUtf8, at));
    }
    Ok(parser.doc)
}

impl<'a> Document<'a> {
    /// An empty tape over `text` with room for the values of about `len` bytes of it.
    pub(crate) fn with_room_for(text: &'a str, len: usize) -> Self {
        Document {
            text,
            tokens: Vec::with_capacity(len / 12 + 4),
            decoded: String::new(),
            decoded_ranges: Vec::new(),
            containers: Vec::with_capacity(len / 64 + 4),
            // About one entry per 21 input bytes on pretty-printed FHIR Bundles; an under-estimate
            // costs a copy of the whole vector, an over-estimate only address space.
            order: Vec::with_capacity(len / 18 + 4),
            array_starts: std::sync::OnceLock::new(),
        }
    }
}

/// Why [`Parser::values`] returned without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The whole document has been read.
    End,
    /// The next value starts at or after [`Parser::attention`].
    Handoff,
    /// Sequence mode: the next element of the array starts at or after [`Parser::attention`].
    Cut,
    /// Sequence mode: the `]` after the last element is at [`Parser::pos`] (not consumed).
    SequenceEnd,
}

/// An open array or object.
pub(crate) struct Frame {
    token: u32,
    pub(crate) is_object: bool,
    /// Elements (arrays) or members (objects) seen so far.
    pub(crate) count: u32,
    /// The key token of the member being read, while inside a member.
    key: Option<u32>,
    /// Where this object's member names start in `Parser::keys`.
    keys_from: usize,
}

/// `SEQUENCE`: parses the elements of an array whose `[` lies before `pos`, stopping at its
/// `]` (a second thread's part of a large document); else a whole document.
pub(crate) struct Parser<'a, const SEQUENCE: bool = false> {
    bytes: &'a [u8],
    pub(crate) pos: usize,
    bad_utf8_at: Option<usize>,
    max_depth: usize,
    pub(crate) stack: Vec<Frame>,
    pub(crate) doc: Document<'a>,
    /// The most arrays and objects open at once so far (the stack's high-water mark).
    pub(crate) deepest: usize,
    /// [`Parser::values`] stops at a value starting at or after this offset (`usize::MAX`:
    /// never): with [`Stop::Handoff`] when parsing a whole document, with [`Stop::Cut`] at the
    /// next element of the array in sequence mode.
    pub(crate) attention: usize,
    /// Sequence mode: every token whose `aux` indexes another vector of the tape (arrays,
    /// objects, strings written with escapes), so that appending the tape elsewhere shifts
    /// those and copies the rest.
    pub(crate) indexed: Option<Vec<u32>>,
    /// Sort keys of the member names of every open object, innermost last: built as each name
    /// is read, so that closing an object does not walk its subtree again to find them.
    keys: Vec<SortKey>,
}

/// A member name for sorting: its first eight bytes as a big-endian number (zero-padded), so
/// most comparisons of ASCII names (all of FHIR's) are one integer comparison.
#[derive(Clone, Copy)]
struct SortKey {
    prefix: u64,
    key: u32,
    /// The prefix holds only ASCII, where byte order is RFC 8785 order.
    ascii: bool,
}

impl SortKey {
    fn new(name: &[u8], key: u32) -> Self {
        let mut bytes = [0u8; 8];
        let n = name.len().min(8);
        bytes[..n].copy_from_slice(&name[..n]);
        SortKey {
            prefix: u64::from_be_bytes(bytes),
            key,
            ascii: bytes.is_ascii(),
        }
    }

    fn cmp(&self, other: &SortKey, doc: &Document<'_>) -> std::cmp::Ordering {
        if self.prefix != other.prefix && self.ascii && other.ascii {
            // Zero padding sorts a shorter name first, as RFC 8785 requires; a name with a
            // U+0000 inside has equal prefixes with its padded twin and falls through.
            return self.prefix.cmp(&other.prefix);
        }
        cmp_utf16(
            doc.string_text(self.key).as_bytes(),
            doc.string_text(other.key).as_bytes(),
        )
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Marks (in bit 7 of the byte) any byte of `word` that is `"`, `\` or below 0x20. The lowest
/// marked byte is always a true match; later marks may be false (borrows), which is harmless since
/// only the first is used.
#[inline]
fn special_bytes(word: u64) -> u64 {
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let quote = zero_in(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quote | backslash | control
}

/// Index of the first `"`, `\` or control byte at or after `i`, or `bytes.len()`.
#[inline]
pub(crate) fn find_special(bytes: &[u8], mut i: usize) -> usize {
    // Sixteen bytes a step through long text (base64 values, narratives), then eight.
    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
        let both = u128::from_le_bytes(*chunk);
        let low = special_bytes(both as u64);
        let high = special_bytes((both >> 64) as u64);
        if low | high != 0 {
            let at = if low != 0 {
                low.trailing_zeros()
            } else {
                64 + high.trailing_zeros()
            };
            return i + (at / 8) as usize;
        }
        i += 16;
    }
    if let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let marks = special_bytes(u64::from_le_bytes(*chunk));
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = bytes.len().saturating_sub(i);
    if rest == 0 {
        return i;
    }
    // Fewer than eight bytes are left. When the text is longer, its last eight bytes are read
    // as one word, the bytes before `i` (which may be special: an escape just stepped over)
    // shifted out and spaces (never special) shifted in above, so nothing before `i` can mark
    // or borrow into what is left.
    if let Some(last) = bytes.last_chunk::<8>() {
        let shift = 8 * (8 - rest) as u32;
        let word =
            (u64::from_le_bytes(*last) >> shift) | ((ONES * u64::from(b' ')) << (64 - shift));
        return match special_bytes(word) {
            0 => bytes.len(),
            marks => i + (marks.trailing_zeros() / 8) as usize,
        };
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// Exact powers of ten that a double holds: 10^0 ..= 10^22.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The value of a grammatically valid JSON number when it can be computed exactly without the
/// general algorithm, and whether its text is already its RFC 8785 form.
///
/// Value: with at most 15 significant digits the digits form an integer below 2^53 (exact in
/// a double), and with a decimal exponent of magnitude at most 22 the power of ten is exact too,
/// so one IEEE multiplication or division gives the correctly rounded result (Clinger's fast
/// path). Anything else returns `None` and goes through `str::parse`.
///
/// Text: ECMAScript prints the shortest digits that round-trip. Distinct decimals of at most 15
/// significant digits map to distinct doubles, so a number written without exponent, with at
/// most 15 significant digits and no trailing fraction zero, already is its shortest form; it is
/// also printed without exponent when it has at most five zeros after "0." (values from 1e-6).
fn fast_number(lexical: &[u8], negative: bool, int_start: usize) -> Option<(f64, bool)> {
    let body = &lexical[int_start..];
    let mut mantissa: u64 = 0;
    let mut significant = 0u32;
    let mut fraction_digits: i32 = 0;
    let mut leading_fraction_zeros = 0u32;
    let mut in_fraction = false;
    let mut exponent_at = None;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                if in_fraction {
                    fraction_digits += 1;
                }
                if mantissa == 0 && b == b'0' {
                    if in_fraction && significant == 0 {
                        leading_fraction_zeros += 1;
                    }
                    if significant == 0 {
                        continue;
                    }
                }
                significant += 1;
                if significant > 15 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
            }
            b'.' => in_fraction = true,
            _ => {
                exponent_at = Some(i);
                break;
            }
        }
    }
    let mut exponent: i32 = 0;
    if let Some(at) = exponent_at {
        let digits = &body[at + 1..];
        let (sign, digits) = match digits.first() {
            Some(b'-') => (-1, &digits[1..]),
            Some(b'+') => (1, &digits[1..]),
            _ => (1, digits),
        };
        if digits.len() > 4 {
            return None;
        }
        exponent = sign
            * digits
                .iter()
                .fold(0i32, |acc, d| acc * 10 + i32::from(d - b'0'));
    }
    let scale = exponent - fraction_digits;
    let magnitude = mantissa as f64;
    let value = if mantissa == 0 {
        0.0
    } else if (0..=22).contains(&scale) {
        magnitude * POWERS_OF_TEN[scale as usize]
    } else if (-22..0).contains(&scale) {
        magnitude / POWERS_OF_TEN[(-scale) as usize]
    } else {
        return None;
    };
    let value = if negative { -value } else { value };
    let ends_with_zero = lexical.last() == Some(&b'0');
    let verbatim = exponent_at.is_none()
        && mantissa != 0
        && !(in_fraction && ends_with_zero)
        && leading_fraction_zeros <= 5
        || (exponent_at.is_none() && !in_fraction && !negative && mantissa == 0);
    Some((value, verbatim))
}

/// The value of a number token's text (which the parser has checked: a grammatically valid
/// JSON number that fits a double).
pub(crate) fn number_value(lexical: &[u8]) -> f64 {
    let negative = lexical.first() == Some(&b'-');
    match fast_number(lexical, negative, usize::from(negative)) {
        Some((value, _)) => value,
        None => std::str::from_utf8(lexical)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(f64::NAN),
    }
}

impl<'a> Parser<'a> {
    /// A parser of the whole of `input` (whose valid UTF-8 prefix is `text`).
    pub(crate) fn new(
        input: &'a [u8],
        text: &'a str,
        bad_utf8_at: Option<usize>,
        max_depth: usize,
    ) -> Self {
        Self::with_tape(
            input,
            Document::with_room_for(text, input.len()),
            bad_utf8_at,
            max_depth,
        )
    }
}

impl<'a> Parser<'a, true> {
    /// A parser of the elements of an array from the element at `from` to the array's `]`,
    /// with room for the values of about `room` bytes. Its tape indexes from 0, as if the
    /// elements were a document of their own; its stack holds the array (without a token).
    pub(crate) fn sequence(
        input: &'a [u8],
        text: &'a str,
        from: usize,
        room: usize,
        max_depth: usize,
    ) -> Self {
        let mut parser =
            Parser::with_tape(input, Document::with_room_for(text, room), None, max_depth);
        parser.pos = from;
        parser.stack.push(Frame {
            token: u32::MAX,
            is_object: false,
            count: 0,
            key: None,
            keys_from: 0,
        });
        parser.deepest = 1;
        parser.indexed = Some(Vec::with_capacity(room / 64 + 4));
        parser
    }
}

impl<'a, const SEQUENCE: bool> Parser<'a, SEQUENCE> {
    fn with_tape(
        input: &'a [u8],
        doc: Document<'a>,
        bad_utf8_at: Option<usize>,
        max_depth: usize,
    ) -> Self {
        Parser {
            bytes: input,
            pos: 0,
            bad_utf8_at,
            max_depth,
            // Room for the open containers and member names of a small document (a FHIR
            // resource or a JWS header nests about eight deep with a few dozen names open).
            stack: Vec::with_capacity(16),
            doc,
            deepest: 0,
            attention: usize::MAX,
            indexed: None,
            keys: Vec::with_capacity(32),
        }
    }

    /// Parses the whole document.
    fn run(&mut self) -> Result<(), ParseError> {
        self.start()?;
        self.values(false).map(|_| ())
    }

    /// Checks what comes before the top-level value.
    pub(crate) fn start(&mut self) -> Result<(), ParseError> {
        if self.bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Err(self.error_at(ParseErrorKind::ByteOrderMark, 0));
        }
        self.skip_ws();
        if self.pos >= self.bytes.len() {
            return Err(self.error_at(ParseErrorKind::Empty, self.pos));
        }
        Ok(())
    }

    /// Reads values from `pos` until the document ends (or a [`Stop`] this parser was set up
    /// for). With `after_value`, the value before `pos` is complete and what follows it comes
    /// next (a `,`, or the close of its container).
    pub(crate) fn values(&mut self, after_value: bool) -> Result<Stop, ParseError> {
        if after_value {
            if let Some(stop) = self.resume_after_value()? {
                return Ok(stop);
            }
        }
        loop {
            self.skip_ws();
            if self.pos >= self.attention {
                if let Some(stop) = self.attention_stop() {
                    return Ok(stop);
                }
            }
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.unexpected_end("a value"));
            };
            match b {
                b'{' | b'[' => {
                    if self.stack.len() >= self.max_depth {
                        let limit = self.max_depth;
                        return Err(self.error_at(ParseErrorKind::TooDeep { limit }, self.pos));
                    }
                    let is_object = b == b'{';
                    let container = self.doc.containers.len() as u32;
                    let token = self.push_token(self.pos, container);
                    if SEQUENCE {
                        if let Some(indexed) = &mut self.indexed {
                            indexed.push(token);
                        }
                    }
                    // An array's `order` stays IN_INPUT_ORDER (it has none); an object's is
                    // set when it closes.
                    self.doc.containers.push(Container {
                        skip: 0,
                        end: 0,
                        order: IN_INPUT_ORDER,
                    });
                    self.pos += 1;
                    self.stack.push(Frame {
                        token,
                        is_object,
                        count: 0,
                        key: None,
                        keys_from: self.keys.len(),
                    });
                    if SEQUENCE {
                        self.deepest = self.deepest.max(self.stack.len());
                    }
                    self.skip_ws();
                    let close = if is_object { b'}' } else { b']' };
                    if self.bytes.get(self.pos) == Some(&close) {
                        self.pos += 1;
                        self.close_container()?;
                    } else if is_object {
                        self.member_key()?;
                        continue;
                    } else {
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b'-' | b'0'..=b'9' => self.number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'N' | b'I' => return Err(self.non_finite()),
                other => {
                    return Err(self.unexpected(other, "a value"));
                }
            }
            if let Some(stop) = self.after_value()? {
                return Ok(stop);
            }
        }
    }

    /// Why parsing stops at a value starting at or after [`Parser::attention`], if it does:
    /// the first thread hands over there; a second thread cuts a fragment at an element of
    /// its array other than the first (deeper values go on until one comes).
    #[cold]
    fn attention_stop(&self) -> Option<Stop> {
        if !SEQUENCE {
            return Some(Stop::Handoff);
        }
        let at_later_element =
            self.stack.len() == 1 && self.stack.last().is_some_and(|array| array.count > 0);
        at_later_element.then_some(Stop::Cut)
    }

    /// [`Parser::after_value`], out of line: resuming after a splice.
    #[inline(never)]
    fn resume_after_value(&mut self) -> Result<Option<Stop>, ParseError> {
        self.after_value()
    }

    /// After a complete value: closes containers, or moves on past a `,` (and, in an object,
    /// the next name) to the next value (`None`), or says why parsing stops.
    #[inline(always)]
    fn after_value(&mut self) -> Result<Option<Stop>, ParseError> {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                self.skip_ws();
                if self.pos < self.bytes.len() {
                    return Err(self.error_at(ParseErrorKind::TrailingContent, self.pos));
                }
                return Ok(Some(Stop::End));
            };
            // Until a ',' moves on, errors point at the value just read.
            let is_object = frame.is_object;
            self.skip_ws();
            let close = if is_object { b'}' } else { b']' };
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    if let Some(frame) = self.stack.last_mut() {
                        frame.count += 1;
                        frame.key = None;
                    }
                    self.pos += 1;
                    if is_object {
                        self.skip_ws();
                        self.member_key()?;
                    }
                    return Ok(None);
                }
                Some(&b) if b == close => {
                    if SEQUENCE && !is_object && self.stack.len() == 1 {
                        return Ok(Some(Stop::SequenceEnd));
                    }
                    self.pos += 1;
                    self.close_container()?;
                }
                Some(&other) => {
                    let expected = if is_object {
                        "',' or '}'"
                    } else {
                        "',' or ']'"
                    };
                    return Err(self.unexpected(other, expected));
                }
                None => {
                    let expected = if is_object {
                        "',' or '}'"
                    } else {
                        "',' or ']'"
                    };
                    return Err(self.unexpected_end(expected));
                }
            }
        }
    }

    /// Reads `"name" :` inside an object and records the key token in the frame.
    fn member_key(&mut self) -> Result<(), ParseError> {
        match self.bytes.get(self.pos) {
            Some(b'"') => {}
            Some(&other) => return Err(self.unexpected(other, "a member name in quotes")),
            None => return Err(self.unexpected_end("a member name")),
        }
        let start = self.pos;
        let key = self.string()?;
        if let Some(frame) = self.stack.last_mut() {
            frame.key = Some(key);
        }
        let sort_key = if self.doc.is_escaped_string(key) {
            SortKey::new(self.doc.string_text(key).as_bytes(), key)
        } else {
            // `self.pos` is one past the closing quote.
            SortKey::new(
                self.bytes.get(start + 1..self.pos - 1).unwrap_or_default(),
                key,
            )
        };
        self.keys.push(sort_key);
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(&other) => Err(self.unexpected(other, "':'")),
            None => Err(self.unexpected_end("':'")),
        }
    }

    fn push_token(&mut self, start: usize, aux: u32) -> u32 {
        let index = self.doc.tokens.len() as u32;
        self.doc.tokens.push(Token {
            start: start as u32,
            aux,
        });
        index
    }

    /// The length of a string or number for its token, which must leave [`AUX_FLAG`] free.
    fn value_len(&self, start: usize, end: usize) -> Result<u32, ParseError> {
        let len = end - start;
        match u32::try_from(len) {
            Ok(len) if len <= AUX_VALUE => Ok(len),
            _ => Err(self.error_at(ParseErrorKind::ValueTooLong { len }, start)),
        }
    }

    /// Finishes the innermost container: records its extent and, for objects, sorts members into
    /// RFC 8785 order, which also brings duplicate names next to each other.
    fn close_container(&mut self) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let next = self.doc.tokens.len() as u32;
        let end = self.pos as u32;
        let container = self.doc.tokens[frame.token as usize].aux as usize;
        let info = &mut self.doc.containers[container];
        info.skip = next;
        info.end = end;
        if frame.is_object {
            self.order_members(frame, container)?;
        }
        Ok(())
    }

    fn order_members(&mut self, frame: Frame, object: usize) -> Result<(), ParseError> {
        let doc = &self.doc;
        let keys = self.keys.get_mut(frame.keys_from..).unwrap_or_default();
        // Names already in strictly increasing order (common for small objects and for
        // canonical input) need neither a sort nor a duplicate check.
        let ascending = keys
            .windows(2)
            .all(|pair| pair[0].cmp(&pair[1], doc) == std::cmp::Ordering::Less);
        if ascending {
            // Written in RFC 8785 order already: the canonical writer walks the members as
            // they stand, and nothing is stored.
            self.doc.containers[object].order = IN_INPUT_ORDER;
            self.keys.truncate(frame.keys_from);
            return Ok(());
        }
        keys.sort_unstable_by(|a, b| a.cmp(b, doc));
        let same = |a: &SortKey, b: &SortKey| {
            a.prefix == b.prefix && doc.string_text(a.key) == doc.string_text(b.key)
        };
        let duplicate = keys
            .windows(2)
            .any(|pair| same(&pair[0], &pair[1]))
            .then(|| {
                // The error names the first repeat in the input: over every run of equal
                // names (adjacent after sorting, in no particular order within the run), the
                // earliest second occurrence.
                keys.chunk_by(same)
                    .filter(|run| run.len() > 1)
                    .filter_map(|run| {
                        let mut at: Vec<u32> = run.iter().map(|k| k.key).collect();
                        at.sort_unstable();
                        at.get(1).copied()
                    })
                    .min()
            })
            .flatten();
        if let Some(second) = duplicate {
            let name = doc.string_text(second).to_owned();
            let offset = doc.tokens[second as usize].start as usize;
            let mut pointer = self.pointer_of_stack();
            push_token(&mut pointer, &name);
            return Err(ParseError::new(
                ParseErrorKind::DuplicateMember { name },
                self.bytes,
                offset,
                pointer,
            ));
        }
        let at = self.doc.order.len() as u32;
        self.doc.order.push(keys.len() as u32);
        self.doc.order.extend(keys.iter().map(|k| k.key));
        self.doc.containers[object].order = at;
        self.keys.truncate(frame.keys_from);
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), ParseError> {
        if self.bytes[self.pos..].starts_with(word) {
            self.push_token(self.pos, 0);
            self.pos += word.len();
            Ok(())
        } else {
            let found = self.bytes[self.pos];
            Err(self.unexpected(found, "a value"))
        }
    }

    fn non_finite(&mut self) -> ParseError {
        let rest = &self.bytes[self.pos..];
        let literal = [&b"NaN"[..], b"Infinity", b"-Infinity"]
            .into_iter()
            .find(|w| rest.starts_with(w));
        match literal {
            Some(word) => {
                let literal = String::from_utf8_lossy(word).into_owned();
                self.error_at(ParseErrorKind::NonFiniteLiteral { literal }, self.pos)
            }
            None => self.unexpected(rest[0], "a value"),
        }
    }

    fn number(&mut self) -> Result<(), ParseError> {
        let bytes = self.bytes;
        let start = self.pos;
        let mut i = start;
        let negative = bytes[i] == b'-';
        if negative {
            i += 1;
            if bytes.get(i) == Some(&b'I') {
                self.pos = start;
                return Err(self.non_finite());
            }
        }
        let int_start = i;
        match bytes.get(i) {
            Some(b'0') => {
                i += 1;
                if bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    return Err(self.error_at(ParseErrorKind::InvalidNumber, start));
                }
            }
            Some(b'1'..=b'9') => {
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(self.error_at(ParseErrorKind::InvalidNumber, start)),
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            let digits = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(self.error_at(ParseErrorKind::InvalidNumber, start));
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(self.error_at(ParseErrorKind::InvalidNumber, start));
            }
        }
        let lexical = &bytes[start..i];
        let verbatim = match fast_number(lexical, negative, int_start - start) {
            Some((_, verbatim)) => verbatim,
            None => {
                // Rust's float parsing rounds correctly (round-half-even to the nearest double).
                let text = std::str::from_utf8(lexical).unwrap_or_default();
                let value: f64 = text.parse().unwrap_or(f64::NAN);
                if !value.is_finite() {
                    let lexical = text.to_owned();
                    return Err(self.error_at(ParseErrorKind::NumberOutOfRange { lexical }, start));
                }
                false
            }
        };
        let len = self.value_len(start, i)?;
        self.push_token(start, if verbatim { len | AUX_FLAG } else { len });
        self.pos = i;
        Ok(())
    }

    /// Reads a string at `self.pos` (an opening quote) and returns its token index.
    fn string(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            i = find_special(self.bytes, i);
            match self.bytes.get(i) {
                None => return Err(self.unexpected_end("a closing quote")),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    // Skip the escaped character so an escaped quote does not end the string;
                    // the escape itself is checked while decoding.
                    i += 2;
                }
                Some(&control) => {
                    return Err(self.error_at(
                        ParseErrorKind::ControlCharacterInString { byte: control },
                        i,
                    ));
                }
            }
        }
        let end = i + 1;
        if let Some(bad) = self.bad_utf8_at.filter(|&b| b > start && b < end) {
            let kind = if self.bytes[bad] == 0xED && (0xA0..=0xBF).contains(&self.bytes[bad + 1]) {
                ParseErrorKind::LoneSurrogate
            } else {
                ParseErrorKind::InvalidUtf8
            };
            return Err(self.error_at(kind, bad));
        }
        let len = self.value_len(start, end)?;
        let token = if escaped {
            let (from, to) = self.decode_escaped(start)?;
            let escaped = self.doc.decoded_ranges.len() as u32;
            self.doc.decoded_ranges.push(EscapedString {
                from,
                to,
                raw_len: len,
            });
            let token = self.push_token(start, escaped | AUX_FLAG);
            if SEQUENCE {
                if let Some(indexed) = &mut self.indexed {
                    indexed.push(token);
                }
            }
            token
        } else {
            self.push_token(start, len)
        };
        self.pos = end;
        Ok(token)
    }

    /// Decodes the escaped string starting at `start` into `doc.decoded`; returns its range.
    fn decode_escaped(&mut self, start: usize) -> Result<(u32, u32), ParseError> {
        let bytes = self.bytes;
        let from = self.doc.decoded.len();
        let mut i = start + 1;
        loop {
            let special = find_special(bytes, i);
            // The whole string was found within the input's valid UTF-8 (`string` refused it
            // otherwise) and both ends of the segment are ASCII bytes: a slice of the text,
            // not a second validation.
            let segment = self
                .doc
                .text
                .get(i..special)
                .ok_or_else(|| self.error_at(ParseErrorKind::InvalidUtf8, i))?;
            self.doc.decoded.push_str(segment);
            i = special;
            if bytes[i] == b'"' {
                break;
            }
            // bytes[i] is a backslash (control bytes were refused while scanning).
            let escape_at = i;
            let Some(&code) = bytes.get(i + 1) else {
                return Err(self.error_at(ParseErrorKind::InvalidEscape, escape_at));
            };
            i += 2;
            let simple = match code {
                b'"' => Some('"'),
                b'\\' => Some('\\'),
                b'/' => Some('/'),
                b'b' => Some('\u{8}'),
                b'f' => Some('\u{c}'),
                b'n' => Some('\n'),
                b'r' => Some('\r'),
                b't' => Some('\t'),
                b'u' => None,
                _ => return Err(self.error_at(ParseErrorKind::InvalidEscape, escape_at)),
            };
            let c = match simple {
                Some(c) => c,
                None => {
                    let unit = self.hex4(i, escape_at)?;
                    i += 4;
                    match unit {
                        0xD800..=0xDBFF => {
                            let low = if bytes.get(i) == Some(&b'\\')
                                && bytes.get(i + 1) == Some(&b'u')
                            {
                                Some(self.hex4(i + 2, i)?)
                            } else {
                                None
                            };
                            match low {
                                Some(low @ 0xDC00..=0xDFFF) => {
                                    i += 6;
                                    let scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                    char::from_u32(scalar).ok_or_else(|| {
                                        self.error_at(ParseErrorKind::LoneSurrogate, escape_at)
                                    })?
                                }
                                _ => {
                                    return Err(
                                        self.error_at(ParseErrorKind::LoneSurrogate, escape_at)
                                    )
                                }
                            }
                        }
                        0xDC00..=0xDFFF => {
                            return Err(self.error_at(ParseErrorKind::LoneSurrogate, escape_at))
                        }
                        _ => char::from_u32(unit).ok_or_else(|| {
                            self.error_at(ParseErrorKind::InvalidEscape, escape_at)
                        })?,
                    }
                }
            };
            self.doc.decoded.push(c);
        }
        Ok((from as u32, self.doc.decoded.len() as u32))
    }

    fn hex4(&self, at: usize, escape_at: usize) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(at..at + 4)
            .ok_or_else(|| self.error_at(ParseErrorKind::InvalidEscape, escape_at))?;
        digits.iter().try_fold(0u32, |acc, &d| {
            let v = char::from(d)
                .to_digit(16)
                .ok_or_else(|| self.error_at(ParseErrorKind::InvalidEscape, escape_at))?;
            Ok(acc * 16 + v)
        })
    }

    /// Moves past whitespace. Inlined for the common case of none (a name's `:`, a
    /// value's `,`, the bracket after a value), the loop kept out of line.
    #[inline(always)]
    fn skip_ws(&mut self) {
        if self.bytes.get(self.pos).is_some_and(|&b| b > b' ') {
            return;
        }
        self.skip_ws_run();
    }

    fn skip_ws_run(&mut self) {
        let bytes = self.bytes;
        let mut i = self.pos;
        while let Some(&b) = bytes.get(i) {
            match b {
                b' ' | b'\r' | b'\t' => i += 1,
                b'\n' => {
                    i += 1;
                    // Pretty-printed input is about a fifth indentation: after a newline, skip
                    // spaces eight at a time (the first byte that is not a space ends the run).
                    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>())
                    {
                        let others = u64::from_le_bytes(*chunk) ^ (ONES * u64::from(b' '));
                        if others != 0 {
                            i += (others.trailing_zeros() / 8) as usize;
                            break;
                        }
                        i += 8;
                    }
                }
                _ => break,
            }
        }
        self.pos = i;
    }

    /// The JSON Pointer of the value being read: every open container's current member or index.
    fn pointer_of_stack(&self) -> String {
        let mut pointer = String::new();
        for frame in &self.stack {
            if frame.is_object {
                if let Some(key) = frame.key {
                    push_token(&mut pointer, self.doc.string_text(key));
                }
            } else {
                push_index(&mut pointer, frame.count as usize);
            }
        }
        pointer
    }

    fn error_at(&self, kind: ParseErrorKind, offset: usize) -> ParseError {
        ParseError::new(kind, self.bytes, offset, self.pointer_of_stack())
    }

    fn unexpected(&self, found: u8, expected: &'static str) -> ParseError {
        if found >= 0x80 && self.bad_utf8_at == Some(self.pos) {
            return self.error_at(ParseErrorKind::InvalidUtf8, self.pos);
        }
        let found = describe_byte(found);
        self.error_at(ParseErrorKind::UnexpectedByte { found, expected }, self.pos)
    }

    fn unexpected_end(&self, expected: &'static str) -> ParseError {
        self.error_at(ParseErrorKind::UnexpectedEnd { expected }, self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_byte_scan_finds_the_first() {
        let text = b"abcdefgh\"ijkl";
        assert_eq!(find_special(text, 0), 8);
        assert_eq!(find_special(b"ab\\cdefghij", 0), 2);
        assert_eq!(find_special(b"abcdefghijklmno\x01", 0), 15);
        assert_eq!(find_special("é€😀\"".as_bytes(), 0), 9);
        assert_eq!(find_special(b"abc", 0), 3);
        // Every length up to 40, a special byte at every offset (or none), from every start
        // (also past it, as after an escape).
        for len in 0..40usize {
            for special in [
                None,
                Some(b'"'),
                Some(b'\\'),
                Some(0x00),
                Some(0x1f),
                Some(b'\n'),
            ] {
                for at in 0..len.max(1) {
                    // Filled with the bytes a borrow from a mark would turn into false marks.
                    const FILL: &[u8] = b"a#] !]#\x7f\xc3b";
                    let mut text: Vec<u8> = (0..len).map(|k| FILL[k % FILL.len()]).collect();
                    if let (Some(b), true) = (special, at < len) {
                        text[at] = b;
                    }
                    for from in 0..=len {
                        let naive = (from..len)
                            .find(|&k| matches!(text[k], b'"' | b'\\') || text[k] < 0x20)
                            .unwrap_or(len);
                        assert_eq!(find_special(&text, from), naive, "{text:?} from {from}");
                    }
                }
            }
        }
        // Bytes at and above 0x20 other than the two marks are never special (0x7f, UTF-8).
        let high: Vec<u8> = (0x20u8..=0xff)
            .filter(|b| !matches!(b, b'"' | b'\\'))
            .collect();
        assert_eq!(find_special(&high, 0), high.len());
    }

    #[test]
    fn whitespace_runs_of_any_length_are_skipped() {
        for indent in 0..20 {
            let pad = " ".repeat(indent);
            let text =
                format!("{pad}{{\n{pad}\"a\"{pad}:\t{pad}[\r\n{pad}1 ,{pad}2{pad}]{pad}\n}}{pad}");
            let doc = parse(text.as_bytes()).expect("parses");
            assert_eq!(doc.canonical_bytes(), b"{\"a\":[1,2]}", "indent {indent}");
        }
        let err = parse(b"[1,        x]").expect_err("refused");
        assert_eq!(err.pointer(), "/1");
    }
}
