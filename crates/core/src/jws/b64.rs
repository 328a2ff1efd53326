//! The two base64 flavours JOSE uses: unpadded base64url for JWS parts and JWK members (RFC 7515
//! section 2), and standard padded base64 for `x5c` entries (RFC 7515 section 4.1.6) and FHIR
//! base64Binary (`Signature.data`).
//!
//! Both decoders are strict: no white space, no wrong alphabet, no missing or extra padding, no
//! non-zero unused bits (RFC 4648 section 3.5). Every verification decodes three layers
//! (`Signature.data`, the protected header, each `x5c` certificate) and encodes the payload
//! into the signing input; a vectorised codec (SSE4.1/AVX2 chosen at run time, scalar
//! elsewhere) does that at several times the speed of a byte-table one, with the same answers
//! (the tests below compare it with the `base64` crate on every short input shape).

use base64_simd::{STANDARD, URL_SAFE_NO_PAD};

/// Unpadded base64url.
pub(crate) fn encode_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode_to_string(bytes)
}

/// Appends the unpadded base64url of `bytes` to `out`.
pub(crate) fn encode_url_append(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_append(bytes, out);
}

/// The length of the unpadded base64url of `len` bytes.
pub(crate) fn encoded_url_len(len: usize) -> usize {
    URL_SAFE_NO_PAD.encoded_length(len)
}

/// Writes the unpadded base64url of `bytes` into `scratch` (cleared first) and returns it.
pub(crate) fn encode_url_into<'s>(bytes: &[u8], scratch: &'s mut Vec<u8>) -> &'s [u8] {
    scratch.clear();
    URL_SAFE_NO_PAD.encode_append(bytes, scratch);
    scratch
}

/// Strict unpadded base64url; `None` if `text` is anything else.
pub(crate) fn decode_url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode_to_vec(text).ok()
}

/// Standard base64 with padding.
pub(crate) fn encode_std(bytes: &[u8]) -> String {
    STANDARD.encode_to_string(bytes)
}

/// Strict standard base64 with canonical padding; `None` otherwise (base64url included).
pub(crate) fn decode_std(text: &[u8]) -> Option<Vec<u8>> {
    STANDARD.decode_to_vec(text).ok()
}

/// Base64url (no padding) of bytes that arrive in pieces, written into `sink` a piece at a
/// time: whole groups of three bytes are encoded as they come, at most two wait for the next
/// piece or for [`Base64UrlStream::finish`].
pub(crate) struct Base64UrlStream<S> {
    sink: S,
    pending: [u8; 2],
    pending_len: usize,
}

/// Where a [`Base64UrlStream`] puts its text.
pub(crate) trait Base64UrlSink {
    /// Takes the base64url of `bytes` (a whole number of three-byte groups, except at the end).
    fn encoded(&mut self, bytes: &[u8]);
}

impl Base64UrlSink for String {
    fn encoded(&mut self, bytes: &[u8]) {
        encode_url_append(bytes, self);
    }
}

impl<S: Base64UrlSink> Base64UrlStream<S> {
    pub(crate) fn new(sink: S) -> Self {
        Self {
            sink,
            pending: [0; 2],
            pending_len: 0,
        }
    }

    /// Encodes what waits and gives the sink back.
    pub(crate) fn finish(mut self) -> S {
        let rest = self.pending;
        self.sink.encoded(&rest[..self.pending_len]);
        self.sink
    }
}

impl<S: Base64UrlSink> std::io::Write for Base64UrlStream<S> {
    fn write(&mut self, mut buf: &[u8]) -> std::io::Result<usize> {
        let len = buf.len();
        if self.pending_len > 0 {
            let mut group = [0u8; 3];
            group[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
            let take = (3 - self.pending_len).min(buf.len());
            group[self.pending_len..self.pending_len + take].copy_from_slice(&buf[..take]);
            buf = &buf[take..];
            if self.pending_len + take < 3 {
                self.pending[..self.pending_len + take]
                    .copy_from_slice(&group[..self.pending_len + take]);
                self.pending_len += take;
                return Ok(len);
            }
            self.sink.encoded(&group);
            self.pending_len = 0;
        }
        let whole = buf.len() - buf.len() % 3;
        if whole > 0 {
            self.sink.encoded(&buf[..whole]);
        }
        let rest = &buf[whole..];
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
        Ok(len)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use base64::Engine as _;
    use std::io::Write as _;

    #[test]
    fn url_is_strict() {
        assert_eq!(decode_url("Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(decode_url("Zm8"), Some(b"fo".to_vec()));
        assert_eq!(decode_url("Zm8="), None, "padding");
        assert_eq!(decode_url("Zm9"), None, "non-zero unused bits");
        assert_eq!(decode_url("Zm 9v"), None, "white space");
        assert_eq!(decode_url("+/8"), None, "standard alphabet");
        assert_eq!(decode_url("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_url("Z"), None, "a lone character");
    }

    #[test]
    fn std_is_strict() {
        assert_eq!(decode_std(b"+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_std(b"-_8="), None, "base64url alphabet");
        assert_eq!(decode_std(b"+/8"), None, "missing padding");
        assert_eq!(decode_std(b"Zh=="), None, "non-zero unused bits");
        assert_eq!(decode_std(b"Zm9v===="), None, "too much padding");
        assert_eq!(decode_std(b"Zg==Zm9v"), None, "padding inside");
        assert_eq!(decode_std(b"Zm9v\n"), None, "a line break");
        assert_eq!(encode_std(&[0xfb, 0xff]), "+/8=");
    }

    /// Every string of up to four characters over an alphabet holding both alphabets, padding,
    /// white space and a non-ASCII byte, and longer ones built from them (the vectorised paths
    /// take 16 and 32 bytes a step): decoded exactly as the `base64` crate's strict engines do.
    #[test]
    fn decoders_agree_with_an_independent_implementation() {
        let alphabet: &[u8] = b"AQgw/+_-=\n \xc3Zh9";
        let mut shapes: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=4 {
            let mut next = Vec::new();
            for shape in shapes.iter().filter(|s| s.len() == len - 1) {
                for &c in alphabet {
                    let mut s = shape.clone();
                    s.push(c);
                    next.push(s);
                }
            }
            shapes.extend(next);
        }
        let body = base64::engine::general_purpose::STANDARD.encode([0x5au8; 45]);
        let body_url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xfbu8; 45]);
        for shape in &shapes {
            for prefix in ["", body.as_str(), body_url.as_str()] {
                let mut text = prefix.as_bytes().to_vec();
                text.extend_from_slice(shape);
                let std_expected = base64::engine::general_purpose::STANDARD.decode(&text).ok();
                assert_eq!(decode_std(&text), std_expected, "{text:?}");
                let url_expected = std::str::from_utf8(&text).ok().and_then(|t| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(t)
                        .ok()
                });
                let url = std::str::from_utf8(&text).ok().and_then(decode_url);
                assert_eq!(url, url_expected, "{text:?}");
            }
        }
    }

    #[test]
    fn a_stream_in_any_pieces_encodes_as_one_call() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let whole = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(encode_url(&bytes), whole);
        for piece in [1, 2, 3, 4, 5, 7, 64, 999, 1000] {
            let mut stream = Base64UrlStream::new(String::new());
            for chunk in bytes.chunks(piece) {
                stream.write_all(chunk).unwrap();
            }
            assert_eq!(stream.finish(), whole, "pieces of {piece}");
        }
        // Pieces of uneven sizes, empty ones included.
        let mut stream = Base64UrlStream::new(String::new());
        let mut at = 0;
        for size in [0, 1, 0, 2, 5, 1, 1, 3, 0].into_iter().cycle() {
            let end = (at + size).min(bytes.len());
            stream.write_all(&bytes[at..end]).unwrap();
            at = end;
            if at == bytes.len() {
                break;
            }
        }
        assert_eq!(stream.finish(), whole);
        let mut scratch = Vec::new();
        assert_eq!(encode_url_into(b"fo", &mut scratch), b"Zm8");
        assert_eq!(encoded_url_len(2), 3);
        let mut appended = "x.".to_owned();
        encode_url_append(b"foo", &mut appended);
        assert_eq!(appended, "x.Zm9v");
    }
}
