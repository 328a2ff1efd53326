//! Canonicalisation rules, named by URI: which root members are removed before RFC 8785.
//!
//! The rule is always chosen by a URI (from `Signature.targetFormat`, the JWS `canon` header, or
//! the caller), never guessed from content (CDex CONF-030/031, FHIR R4/R5 `json.html#canonical`):
//! the same URI string means different bytes in FHIR R4/R5 and in CDex, so this crate treats
//! each supported URI as the name of exactly one algorithm.

use std::fmt;

/// CDex (current build) and FHIR R6 `#document`: RFC 8785 of the resource minus root `id`,
/// `meta` and `signature` (for a QuestionnaireResponse: minus `id`, `meta` and its signature
/// extension).
pub const CDEX_DOCUMENT_URI: &str = "http://hl7.org/fhir/canonicalization/json#document";
/// FHIR R6 draft `canonicalization/json`: RFC 8785 of the resource minus only its signature.
pub const R6_JSON_URI: &str = "http://hl7.org/fhir/canonicalization/json";

/// The `targetFormat` MIME type that CDex CONF-031 fixes for its signatures.
pub const CDEX_TARGET_FORMAT: &str =
    "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document";

/// A supported canonicalisation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Canonicalization {
    /// [`CDEX_DOCUMENT_URI`]: root `id`, `meta` and signature removed.
    Document,
    /// [`R6_JSON_URI`]: only the root signature removed.
    Json,
}

/// A canonicalisation URI or `targetFormat` this crate does not implement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CanonicalizationError {
    /// A known FHIR canonicalisation that this crate deliberately does not implement.
    Unsupported {
        /// The URI as given.
        uri: String,
        /// Why it is not implemented.
        reason: &'static str,
    },
    /// A URI that names no known canonicalisation.
    Unknown {
        /// The URI as given.
        uri: String,
    },
    /// A `targetFormat` that is not `application/fhir+json` (so not a FHIR JSON signature).
    NotFhirJson {
        /// The MIME type as given.
        target_format: String,
    },
}

impl Canonicalization {
    /// The rule a URI names.
    ///
    /// # Errors
    /// [`CanonicalizationError::Unsupported`] for FHIR's other variants (`#data`, `#static`,
    /// `#narrative`, JSON-XML, XML), [`CanonicalizationError::Unknown`] for anything else.
    pub fn from_uri(uri: &str) -> Result<Self, CanonicalizationError> {
        let uri = uri.trim();
        match uri {
            CDEX_DOCUMENT_URI => Ok(Canonicalization::Document),
            R6_JSON_URI => Ok(Canonicalization::Json),
            _ => {
                let base = "http://hl7.org/fhir/canonicalization/";
                let reason = if !uri.starts_with(base) {
                    return Err(CanonicalizationError::Unknown {
                        uri: uri.to_owned(),
                    });
                } else if uri.contains("xml") {
                    "XML and JSON-XML canonicalisation need narrative XHTML canonicalisation, \
                     which fhirsig does not implement (CDex signatures are JSON-only)"
                } else if uri.ends_with("#data")
                    || uri.ends_with("#static")
                    || uri.ends_with("#narrative")
                {
                    "narrative-removing variants are not used by CDex and are not implemented"
                } else {
                    return Err(CanonicalizationError::Unknown {
                        uri: uri.to_owned(),
                    });
                };
                Err(CanonicalizationError::Unsupported {
                    uri: uri.to_owned(),
                    reason,
                })
            }
        }
    }

    /// The rule named by a `Signature.targetFormat` value such as
    /// `application/fhir+json;canonicalization=<uri>`. `Ok(None)` when the MIME type carries no
    /// `canonicalization` parameter.
    ///
    /// # Errors
    /// [`CanonicalizationError::NotFhirJson`] when the media type is not `application/fhir+json`
    /// (or `application/json`), and the errors of [`Canonicalization::from_uri`].
    pub fn from_target_format(target_format: &str) -> Result<Option<Self>, CanonicalizationError> {
        let mut parts = target_format.split(';');
        let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        if media_type != "application/fhir+json" && media_type != "application/json" {
            return Err(CanonicalizationError::NotFhirJson {
                target_format: target_format.to_owned(),
            });
        }
        for parameter in parts {
            let Some((name, value)) = parameter.split_once('=') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("canonicalization") {
                let value = value.trim().trim_matches('"');
                return Self::from_uri(value).map(Some);
            }
        }
        Ok(None)
    }

    /// The URI that names this rule.
    pub fn uri(&self) -> &'static str {
        match self {
            Canonicalization::Document => CDEX_DOCUMENT_URI,
            Canonicalization::Json => R6_JSON_URI,
        }
    }

    /// Whether root `id` and `meta` are removed (besides the signature).
    pub fn strips_id_and_meta(&self) -> bool {
        matches!(self, Canonicalization::Document)
    }
}

impl fmt::Display for Canonicalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

impl fmt::Display for CanonicalizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalizationError::Unsupported { uri, reason } => {
                write!(f, "canonicalization {uri} is not supported: {reason}")
            }
            CanonicalizationError::Unknown { uri } => write!(
                f,
                "unknown canonicalization {uri:?} (supported: {CDEX_DOCUMENT_URI}, {R6_JSON_URI})"
            ),
            CanonicalizationError::NotFhirJson { target_format } => write!(
                f,
                "targetFormat {target_format:?} is not application/fhir+json, so this is not a \
                 FHIR JSON signature"
            ),
        }
    }
}

impl std::error::Error for CanonicalizationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_name_rules() {
        assert_eq!(
            Canonicalization::from_uri(CDEX_DOCUMENT_URI),
            Ok(Canonicalization::Document)
        );
        assert_eq!(
            Canonicalization::from_uri(R6_JSON_URI),
            Ok(Canonicalization::Json)
        );
        assert!(matches!(
            Canonicalization::from_uri("http://hl7.org/fhir/canonicalization/json+xml#document"),
            Err(CanonicalizationError::Unsupported { .. })
        ));
        assert!(matches!(
            Canonicalization::from_uri("http://hl7.org/fhir/canonicalization/json#static"),
            Err(CanonicalizationError::Unsupported { .. })
        ));
        assert!(matches!(
            Canonicalization::from_uri("urn:example"),
            Err(CanonicalizationError::Unknown { .. })
        ));
    }

    #[test]
    fn target_format_parameter() {
        assert_eq!(
            Canonicalization::from_target_format(CDEX_TARGET_FORMAT),
            Ok(Some(Canonicalization::Document))
        );
        assert_eq!(
            Canonicalization::from_target_format(
                "application/fhir+json; canonicalization=\"http://hl7.org/fhir/canonicalization/json\""
            ),
            Ok(Some(Canonicalization::Json))
        );
        assert_eq!(
            Canonicalization::from_target_format("application/fhir+json"),
            Ok(None)
        );
        assert!(matches!(
            Canonicalization::from_target_format("application/pdf"),
            Err(CanonicalizationError::NotFhirJson { .. })
        ));
    }
}
