//! The one step from a FHIR `Signature` element to the JWS it carries, shared by every
//! verifier (resource, item and Provenance signatures) and by `inspect`.
//!
//! `Signature.data` is base64Binary (standard base64, whitespace allowed) of the JWS text
//! (CDex CONF-046). The JWS is compact, or the JSON serialization when the signer has several
//! certificates (CONF-047). A raw compact JWS in `data` is accepted with a warning, as the HL7
//! validator does, although base64Binary cannot hold a `.`.

use fhirsig_jcs::Node;

use super::checks::jws_failure;
use super::element::SignatureElement;
use crate::jws::{b64, CompactJws, JsonJws};
use crate::report::{Check, CheckCode, SubIndication};

/// The JWS found in `Signature.data`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Jws {
    /// A compact JWS (one signature); boxed, as its parsed header is large.
    Compact(Box<CompactJws>),
    /// A JWS JSON serialization (one or more signatures over the same payload).
    Json(JsonJws),
}

/// How `Signature.data` holds the JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataEncoding {
    /// `data` is absent.
    Missing,
    /// Standard base64 (possibly wrapped) of the JWS text, as CONF-046 says.
    Base64,
    /// The compact JWS itself, not its base64 (tolerated with a warning).
    RawJws,
    /// Neither: no JWS can be read from it.
    Undecodable,
}

/// A `Signature` element, read and decoded.
#[derive(Debug, Clone)]
pub struct DecodedSignature {
    /// The element's members.
    pub element: SignatureElement,
    /// How `data` holds the JWS.
    pub encoding: DataEncoding,
    /// The JWS, when `data` held one that parses.
    pub jws: Option<Jws>,
    /// The report entries of decoding: `signature-data`, then `jws-format` when the data
    /// decoded. A failed entry means `jws` is `None`.
    pub checks: Vec<Check>,
}

/// Reads `signature` (a FHIR `Signature` object) and decodes its `data`.
pub fn decode_signature(signature: Node<'_>) -> DecodedSignature {
    let element = SignatureElement::read(signature);
    let mut checks = Vec::new();
    let (encoding, text) = data_text(&element, &mut checks);
    let jws = text.and_then(|text| parse_jws(&text, &mut checks));
    DecodedSignature {
        element,
        encoding,
        jws,
        checks,
    }
}

/// `Signature.data` → JWS text.
fn data_text(
    element: &SignatureElement,
    checks: &mut Vec<Check>,
) -> (DataEncoding, Option<String>) {
    const CODE: CheckCode = CheckCode::SignatureData;
    let Some(data) = element.data.as_deref() else {
        checks.push(Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "Signature.data is missing: there is no JWS to verify",
        ));
        return (DataEncoding::Missing, None);
    };
    // base64Binary may be wrapped; the whitespace is taken out (a copy) only when the text as
    // it stands does not decode, so unwrapped data is not scanned twice.
    let mut compact: std::borrow::Cow<'_, str> = data.into();
    let mut decoded = b64::decode_std(data.as_bytes());
    if decoded.is_none() && data.bytes().any(|b| b.is_ascii_whitespace()) {
        let unwrapped: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        decoded = b64::decode_std(unwrapped.as_bytes());
        compact = unwrapped.into();
    }
    match decoded {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                checks.push(Check::pass(CODE, "Signature.data is base64 of the JWS"));
                (DataEncoding::Base64, Some(text))
            }
            Err(_) => {
                checks.push(Check::failed(
                    CODE,
                    SubIndication::FormatFailure,
                    "Signature.data does not decode to JWS text (not UTF-8)",
                ));
                (DataEncoding::Undecodable, None)
            }
        },
        None if compact.split('.').count() == 3 => {
            checks.push(Check::warn(
                CODE,
                "Signature.data holds the JWS itself, not its base64 (CONF-046 says base64 encoded again)",
            ));
            (DataEncoding::RawJws, Some(compact.into_owned()))
        }
        None => {
            checks.push(Check::failed(
                CODE,
                SubIndication::FormatFailure,
                "Signature.data is not base64",
            ));
            (DataEncoding::Undecodable, None)
        }
    }
}

/// JWS text → compact or JSON serialization.
fn parse_jws(text: &str, checks: &mut Vec<Check>) -> Option<Jws> {
    const CODE: CheckCode = CheckCode::JwsFormat;
    if text.trim_start().starts_with('{') {
        match JsonJws::parse(text) {
            Ok(jws) => {
                let count = jws.signatures().len();
                checks.push(Check::pass(
                    CODE,
                    format!("JWS JSON serialization with {count} signature(s) (CONF-047)"),
                ));
                Some(Jws::Json(jws))
            }
            Err(e) => {
                checks.push(jws_failure(CODE, &e));
                None
            }
        }
    } else {
        match CompactJws::parse(text.trim()) {
            Ok(jws) => {
                checks.push(Check::pass(CODE, "compact JWS (CONF-046)"));
                Some(Jws::Compact(Box::new(jws)))
            }
            Err(e) => {
                checks.push(jws_failure(CODE, &e));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(data: Option<&str>) -> DecodedSignature {
        let text = match data {
            Some(d) => format!(r#"{{"sigFormat":"application/jose","data":"{d}"}}"#),
            None => r#"{"sigFormat":"application/jose"}"#.to_owned(),
        };
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        decode_signature(doc.root())
    }

    #[test]
    fn data_is_base64_or_a_raw_jws() {
        let missing = decoded(None);
        assert_eq!(missing.encoding, DataEncoding::Missing);
        assert!(missing.jws.is_none());
        // base64 of "a.b.c" (wrapped): decodes, but is no JWS.
        let not_jws = decoded(Some("YS5i\\nLmM="));
        assert_eq!(not_jws.encoding, DataEncoding::Base64);
        assert!(not_jws.jws.is_none());
        assert_eq!(
            not_jws.checks.len(),
            2,
            "signature-data passed, jws-format failed"
        );
        let raw = decoded(Some("eyJhbGciOiJSUzI1NiJ9..c2ln"));
        assert_eq!(raw.encoding, DataEncoding::RawJws);
        assert!(matches!(raw.jws, Some(Jws::Compact(_))));
        assert_eq!(raw.checks[0].outcome(), crate::report::Outcome::Warn);
        // Wrapped at any width, with CR LF, spaces or tabs: the same JWS.
        for wrapped in [
            "ZXlK\\naGJH\\nY2lPaUpTVXpJMU5pSjkuLmMybG4=",
            "ZXlKaGJHY2lP\\r\\n aUpTVXpJMU5pSjkuLmMybG4=",
            "\\tZXlKaGJHY2lPaUpTVXpJMU5pSjkuLmMybG4=\\n",
        ] {
            let parsed = decoded(Some(wrapped));
            assert_eq!(parsed.encoding, DataEncoding::Base64, "{wrapped}");
            assert!(matches!(parsed.jws, Some(Jws::Compact(_))), "{wrapped}");
        }
        // A wrapped raw JWS is read as one once the whitespace is taken out.
        let spaced = decoded(Some("eyJhbGciOiJSUzI1NiJ9. .c2ln"));
        assert_eq!(spaced.encoding, DataEncoding::RawJws);
        let bad = decoded(Some("not base64!"));
        assert_eq!(bad.encoding, DataEncoding::Undecodable);
        assert!(bad.jws.is_none());
    }
}
