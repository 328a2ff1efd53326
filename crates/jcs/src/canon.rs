//! RFC 8785 serialisation of a [`Document`] (or one value of it, minus [`Exclusions`]).

use std::io;

use crate::changes::NumberChanges;
use crate::document::{Document, Exclusions, Kind, NodeId, AUX_FLAG, AUX_VALUE};

/// Canonical output is handed to a streaming writer in pieces of about this size, so that
/// writing a large document never holds its whole canonical form in memory.
const STREAM_CHUNK: usize = 64 * 1024;

/// Where canonical bytes go: a buffer, drained into `sink` (when there is one) once it fills.
struct Emitter<'w> {
    buf: Vec<u8>,
    sink: Option<&'w mut dyn io::Write>,
    error: Option<io::Error>,
    /// When noting: the token of each reformatted number whose text changed.
    noted: Option<Vec<u32>>,
}

impl Emitter<'_> {
    /// Passes the buffer on when it is full (only when streaming).
    #[inline]
    fn drain_if_full(&mut self) {
        if self.buf.len() >= STREAM_CHUNK {
            self.drain();
        }
    }

    fn drain(&mut self) {
        if let Some(sink) = self.sink.as_mut() {
            if self.error.is_none() {
                if let Err(e) = sink.write_all(&self.buf) {
                    self.error = Some(e);
                }
            }
            self.buf.clear();
        }
    }
}

impl Document<'_> {
    /// The RFC 8785 canonical UTF-8 bytes of the whole document.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len());
        self.write_canonical(self.root().id(), &Exclusions::new(), &mut out);
        out
    }

    /// Appends the RFC 8785 form of the value `node` to `out`, leaving out every excluded member
    /// or array element (at any depth inside `node`).
    pub fn write_canonical(&self, node: NodeId, exclusions: &Exclusions, out: &mut Vec<u8>) {
        let mut emitter = Emitter {
            buf: std::mem::take(out),
            sink: None,
            error: None,
            noted: None,
        };
        let mut numbers = ryu_js::Buffer::new();
        self.write_value(node.0, exclusions, &mut emitter, &mut numbers);
        *out = emitter.buf;
    }

    /// Streams the RFC 8785 form of `node` (minus exclusions) to `sink` in pieces, using a
    /// small buffer instead of the whole canonical document.
    ///
    /// # Errors
    /// The first error `sink` returned.
    pub fn stream_canonical(
        &self,
        node: NodeId,
        exclusions: &Exclusions,
        sink: &mut dyn io::Write,
    ) -> io::Result<()> {
        let mut emitter = Emitter {
            buf: Vec::with_capacity(STREAM_CHUNK + 4096),
            sink: Some(sink),
            error: None,
            noted: None,
        };
        let mut numbers = ryu_js::Buffer::new();
        self.write_value(node.0, exclusions, &mut emitter, &mut numbers);
        emitter.drain();
        match emitter.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Streams the RFC 8785 form of `node` (minus exclusions) to `sink` like
    /// [`Document::stream_canonical`], and returns what [`Document::number_changes`] returns for
    /// the same `node` and `exclusions`: the numbers whose canonical form differs from their
    /// input text, in document order, with JSON Pointers from the root.
    ///
    /// Signing and verifying need both; this does them in one walk of the tape instead of two,
    /// and compares only the numbers that were reformatted anyway.
    ///
    /// # Errors
    /// The first error `sink` returned.
    pub fn stream_canonical_noting_numbers(
        &self,
        node: NodeId,
        exclusions: &Exclusions,
        sink: &mut dyn io::Write,
    ) -> io::Result<NumberChanges> {
        let mut emitter = Emitter {
            buf: Vec::with_capacity(STREAM_CHUNK + 4096),
            sink: Some(sink),
            error: None,
            noted: Some(Vec::new()),
        };
        let mut numbers = ryu_js::Buffer::new();
        self.write_value(node.0, exclusions, &mut emitter, &mut numbers);
        emitter.drain();
        if let Some(e) = emitter.error {
            return Err(e);
        }
        // `number_changes` leaves out every number inside an excluded value, and an excluded
        // value that holds `node` (or is it) holds all of them; the writer only looks at
        // exclusions below `node`.
        let tokens = self.tokens.len() as u32;
        let inside_excluded = exclusions
            .iter()
            .any(|e| e.0 <= node.0 && e.0 < tokens && node.0 < self.next_sibling(e.0));
        let mut noted = emitter.noted.unwrap_or_default();
        if inside_excluded {
            noted.clear();
        }
        // Members were written in RFC 8785 order; the changes are reported in document order.
        noted.sort_unstable();
        Ok(self.list_changes(&noted))
    }

    // Recursion depth is bounded by the parser's nesting limit (`ParseOptions::max_depth`).
    fn write_value(
        &self,
        index: u32,
        exclusions: &Exclusions,
        emitter: &mut Emitter<'_>,
        numbers: &mut ryu_js::Buffer,
    ) {
        let out = &mut emitter.buf;
        let token = *self.token(index);
        match self.kind_at(token.start) {
            Kind::Null => out.extend_from_slice(b"null"),
            Kind::True => out.extend_from_slice(b"true"),
            Kind::False => out.extend_from_slice(b"false"),
            Kind::Number => {
                if token.aux & AUX_FLAG != 0 {
                    out.extend_from_slice(self.span_bytes(token.start, token.aux & AUX_VALUE));
                } else {
                    let value = self.number_value(index);
                    let canonical = numbers.format_finite(value);
                    out.extend_from_slice(canonical.as_bytes());
                    if let Some(noted) = emitter.noted.as_mut() {
                        if self.value_text(index) != canonical {
                            noted.push(index);
                        }
                    }
                }
            }
            Kind::String => self.write_string(index, out),
            Kind::Array => {
                out.push(b'[');
                let end = self.next_sibling(index);
                let mut first = true;
                let mut element = index + 1;
                while element < end {
                    if !exclusions.contains(NodeId(element)) {
                        if !first {
                            emitter.buf.push(b',');
                        }
                        first = false;
                        self.write_value(element, exclusions, emitter, numbers);
                        emitter.drain_if_full();
                    }
                    element = self.next_sibling(element);
                }
                emitter.buf.push(b']');
            }
            Kind::Object => {
                out.push(b'{');
                let mut first = true;
                let mut member = |key: u32, emitter: &mut Emitter<'_>| {
                    if exclusions.contains(NodeId(key + 1)) {
                        return;
                    }
                    if !first {
                        emitter.buf.push(b',');
                    }
                    first = false;
                    self.write_string(key, &mut emitter.buf);
                    emitter.buf.push(b':');
                    self.write_value(key + 1, exclusions, emitter, numbers);
                    emitter.drain_if_full();
                };
                match self.sorted_keys(index) {
                    Some(keys) => keys.iter().for_each(|&key| member(key, emitter)),
                    None => {
                        let end = self.next_sibling(index);
                        let mut key = index + 1;
                        while key < end {
                            member(key, emitter);
                            key = self.next_sibling(key + 1);
                        }
                    }
                }
                emitter.buf.push(b'}');
            }
        }
    }

    /// The `len` input bytes from `start`.
    #[inline]
    fn span_bytes(&self, start: u32, len: u32) -> &[u8] {
        let start = start as usize;
        self.text
            .as_bytes()
            .get(start..start + len as usize)
            .unwrap_or_default()
    }

    #[inline]
    fn write_string(&self, index: u32, out: &mut Vec<u8>) {
        let token = *self.token(index);
        if token.aux & AUX_FLAG == 0 {
            // Written without escapes, so it holds no quote, backslash or control character:
            // its RFC 8785 form is exactly its input text, quotes included.
            out.extend_from_slice(self.span_bytes(token.start, token.aux));
        } else {
            write_escaped(self.string_text(index), out);
        }
    }
}

/// Writes a JSON array of strings, each as [`write_escaped`] writes it, with no whitespace.
pub fn write_string_array<S: AsRef<str>>(items: &[S], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_escaped(item.as_ref(), out);
    }
    out.push(b']');
}

/// Writes a string in RFC 8785 section 3.2.2.2 form: `"` and `\` escaped, the five short control
/// escapes, other controls as lowercase `\u00xx`, everything else (including U+007F, U+2028 and
/// all non-ASCII) as raw UTF-8.
pub fn write_escaped(text: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut clean_from = 0;
    // Runs without anything to escape (most of any text) are found eight bytes at a time.
    loop {
        let i = crate::parse::find_special(bytes, clean_from);
        out.extend_from_slice(&bytes[clean_from..i]);
        let Some(&b) = bytes.get(i) else { break };
        clean_from = i + 1;
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0A => b"\\n",
            0x0C => b"\\f",
            0x0D => b"\\r",
            _ => &[],
        };
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        } else {
            out.extend_from_slice(escape);
        }
    }
    out.push(b'"');
}

/// The RFC 8785 (ECMAScript `Number::toString`) form of a finite double; `None` for NaN and
/// infinities, which RFC 8785 section 3.2.2.3 forbids.
pub fn format_number(value: f64) -> Option<String> {
    value
        .is_finite()
        .then(|| ryu_js::Buffer::new().format_finite(value).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_at_every_offset_of_a_word() {
        for special in (0u8..0x20).chain([b'"', b'\\', 0x7f]) {
            for at in 0..20 {
                let mut text = "abcdefghijklmnopqrs".to_owned();
                text.insert(at, char::from(special));
                text.push('é');
                let mut ours = Vec::new();
                write_escaped(&text, &mut ours);
                let independent = serde_json::to_string(&text).unwrap_or_default();
                assert_eq!(ours, independent.as_bytes(), "byte {special:#x} at {at}");
            }
        }
    }
}
