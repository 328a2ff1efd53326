//! The `Signature` element of a Provenance.

use fhirsig_jcs::Node;

use crate::codes::SIGNATURE_TYPE_SYSTEM;
use crate::json::Value;
use crate::reference::Reference;

/// The `targetFormat` of Provenance signatures made here: FHIR JSON, canonicalised by RFC 8785
/// with the R6 draft's `canonicalization/json` rule.
pub const TARGET_FORMAT: &str =
    "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json";
/// The `sigFormat` of a JWS signature.
pub const JOSE_SIG_FORMAT: &str = "application/jose";

/// The purpose of a signature (`Signature.type`, mirrored in the JWS `srCms`), from ASTM
/// E1762-95.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureType {
    /// `1.2.840.10065.1.12.1.5` Verification Signature (the CDex choice).
    Verification,
    /// `1.2.840.10065.1.12.1.1` Author's Signature.
    Author,
}

impl SignatureType {
    /// The ASTM OID code.
    pub fn code(self) -> &'static str {
        match self {
            SignatureType::Verification => "1.2.840.10065.1.12.1.5",
            SignatureType::Author => "1.2.840.10065.1.12.1.1",
        }
    }

    /// The display text.
    pub fn display(self) -> &'static str {
        match self {
            SignatureType::Verification => "Verification Signature",
            SignatureType::Author => "Author's Signature",
        }
    }
}

/// One `Provenance.signature`, either made here or copied verbatim (a signature received with a
/// Provenance, or a document's `Bundle.signature`): a copied signature is never rewritten.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature(Value);

impl Signature {
    /// A JWS signature element: type, when, who, targetFormat, sigFormat, data (standard base64
    /// of the compact JWS text).
    pub fn jws(kind: SignatureType, when: &str, who: &Reference, compact_jws: &str) -> Self {
        use base64::Engine as _;
        let coding = Value::object()
            .with("system", Value::str(SIGNATURE_TYPE_SYSTEM))
            .with("code", Value::str(kind.code()))
            .with("display", Value::str(kind.display()));
        let data = base64::engine::general_purpose::STANDARD.encode(compact_jws.as_bytes());
        Signature(
            Value::object()
                .with("type", Value::Array(vec![coding]))
                .with("when", Value::str(when))
                .with("who", who.to_value())
                .with("targetFormat", Value::str(TARGET_FORMAT))
                .with("sigFormat", Value::str(JOSE_SIG_FORMAT))
                .with("data", Value::str(data)),
        )
    }

    /// A verbatim copy of a parsed Signature element.
    pub fn from_node(node: Node<'_>) -> Self {
        Signature(Value::from_node(node))
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        self.0.clone()
    }
}
