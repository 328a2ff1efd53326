//! The two base64 flavours JOSE uses: unpadded base64url for JWS parts and JWK members (RFC 7515
//! section 2), and standard padded base64 for `x5c` entries (RFC 7515 section 4.1.6).
//!
//! Both decoders are strict: no white space, no wrong alphabet, no non-zero unused bits.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Unpadded base64url.
pub(crate) fn encode_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict unpadded base64url; `None` if `text` is anything else.
pub(crate) fn decode_url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Standard base64 with padding.
pub(crate) fn encode_std(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Strict standard base64 with canonical padding; `None` otherwise (base64url included).
pub(crate) fn decode_std(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_is_strict() {
        assert_eq!(decode_url("Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(decode_url("Zm8"), Some(b"fo".to_vec()));
        assert_eq!(decode_url("Zm8="), None, "padding");
        assert_eq!(decode_url("Zm9"), None, "non-zero unused bits");
        assert_eq!(decode_url("Zm 9v"), None, "white space");
        assert_eq!(decode_url("+/8"), None, "standard alphabet");
        assert_eq!(decode_url("-_8"), Some(vec![0xfb, 0xff]));
    }

    #[test]
    fn std_is_strict() {
        assert_eq!(decode_std("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_std("-_8="), None, "base64url alphabet");
        assert_eq!(decode_std("+/8"), None, "missing padding");
        assert_eq!(encode_std(&[0xfb, 0xff]), "+/8=");
    }
}
