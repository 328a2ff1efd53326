//! Signing a Provenance's targets into `Provenance.signature`.

use std::fmt;

use fhirsig_core::jws::{self, HeaderBuilder, JwsError};
use fhirsig_core::trust::{format_rfc3339, parse_rfc3339};
use fhirsig_jcs::edit::{append_to_array_member, Style};

use super::element::{Signature, SignatureType};
use crate::reference::Reference;
use crate::Instant;
use fhirsig_core::fhir::{resolve_all, targets_payload, ResolveError};

/// Who signs, with which key and certificates, when, and for what purpose.
#[derive(Debug, Clone)]
pub struct Signer<'k> {
    /// The private key.
    pub key: &'k dyn jws::Signer,
    /// The `x5c` chain as DER, signer certificate first.
    pub certificates: Vec<Vec<u8>>,
    /// The signing time (passed in; written as `Signature.when` and the JWS `sigT` in the
    /// JAdES form `YYYY-MM-DDThh:mm:ssZ`, so the two agree exactly).
    pub when: Instant,
    /// `Signature.who` (and the signing Provenance's agent for embedded signatures).
    pub who: Reference,
    /// `onBehalfOf` for the embedded signing Provenance's agent (US Core `provenance-1` needs
    /// it when `who` is a Practitioner or Device).
    pub on_behalf_of: Option<Reference>,
    /// The purpose.
    pub kind: SignatureType,
}

/// Why a signature could not be made.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SignError {
    /// The input is not strict I-JSON.
    Json(fhirsig_jcs::ParseError),
    /// Nothing at the JSON Pointer, or it is not a Provenance.
    NotAProvenance {
        /// The pointer.
        pointer: String,
    },
    /// A target is not in the document.
    Resolve(ResolveError),
    /// The signing time is not representable as a JAdES `sigT`.
    BadTime {
        /// The time as given.
        when: String,
    },
    /// The JWS could not be made (key/algorithm mismatch, …).
    Jws(JwsError),
    /// The document is not a Bundle (embedded signatures need one).
    NotABundle,
    /// The signing Provenance could not be built for its profile.
    Build(crate::BuildError),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::Json(e) => write!(f, "{e}"),
            SignError::NotAProvenance { pointer } => {
                write!(f, "no Provenance at JSON Pointer {pointer:?}")
            }
            SignError::Resolve(e) => write!(f, "{e}"),
            SignError::BadTime { when } => {
                write!(f, "signing time {when:?} is not a UTC instant after 1970")
            }
            SignError::Jws(e) => write!(f, "cannot sign: {e}"),
            SignError::NotABundle => f.write_str("embedded signatures need a Bundle"),
            SignError::Build(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SignError {}

impl From<JwsError> for SignError {
    fn from(e: JwsError) -> Self {
        SignError::Jws(e)
    }
}

impl From<ResolveError> for SignError {
    fn from(e: ResolveError) -> Self {
        SignError::Resolve(e)
    }
}

/// `when` in the JAdES form.
pub(crate) fn jades_time(when: &Instant) -> Result<String, SignError> {
    parse_rfc3339(when.as_str())
        .map(format_rfc3339)
        .ok_or_else(|| SignError::BadTime {
            when: when.as_str().to_owned(),
        })
}

/// Signs `payload` (from [`super::targets_payload`]) and returns the `Signature` element:
/// a detached compact JWS with protected header `alg`, `x5c`, `sigT`, `srCms`.
///
/// # Errors
/// [`SignError::BadTime`], [`SignError::Jws`].
pub fn sign_targets(payload: &[u8], signer: &Signer<'_>) -> Result<Signature, SignError> {
    let when = jades_time(&signer.when)?;
    let mut header = HeaderBuilder::new(signer.key.default_algorithm());
    for der in &signer.certificates {
        header = header.certificate(der);
    }
    let header = header
        .sig_t(&when)
        .commitment(
            &format!("urn:oid:{}", signer.kind.code()),
            Some(signer.kind.display()),
        )
        .build()?;
    let compact = jws::sign_detached(&header, payload, signer.key)?;
    Ok(Signature::jws(signer.kind, &when, &signer.who, &compact))
}

/// Signs the Provenance at JSON Pointer `pointer` of `text` (a Bundle holding the Provenance
/// and its targets, or a lone Provenance whose targets name only `#/`-free resources found in
/// the same document), and returns `text` with the new signature appended to its `signature`
/// array. Every other byte, including signatures already there, is kept.
///
/// # Errors
/// [`SignError::Json`], [`SignError::NotAProvenance`], [`SignError::Resolve`] and the errors of
/// [`sign_targets`].
pub fn sign_provenance_in_bundle(
    text: &str,
    pointer: &str,
    signer: &Signer<'_>,
) -> Result<String, SignError> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(SignError::Json)?;
    let provenance = doc
        .pointer(pointer)
        .filter(|p| p.get("resourceType").and_then(|t| t.as_str()) == Some("Provenance"))
        .ok_or_else(|| SignError::NotAProvenance {
            pointer: pointer.to_owned(),
        })?;
    let targets = resolve_all(&doc, provenance)?;
    let payload = targets_payload(&doc, &targets);
    let signature = sign_targets(&payload, signer)?;
    let values = [signature.to_value()];
    // The Provenance was found in `text` itself, as an object: the edit cannot fail.
    append_to_array_member(
        text,
        provenance,
        "signature",
        &values,
        Style::TwoSpaceLevels,
    )
    .map_err(|_| SignError::NotAProvenance {
        pointer: pointer.to_owned(),
    })
}
