//! Signing a Bundle, a QuestionnaireResponse or a QuestionnaireResponse item: the JWS over the
//! profile's payload, the `Signature` element, and the element spliced into the input text.

use std::fmt;

use fhirsig_jcs::edit::{
    append_to_array_member, insert_member, replace_value, EditError, JsonObject, Style,
};
use fhirsig_jcs::{Document, Node, NodeKind};

use super::profile::{
    Profile, ASTM_SIGNATURE_TYPE_SYSTEM, JOSE_SIG_FORMAT, VERIFICATION_SIGNATURE_CODE,
};
use crate::jws::{self, Algorithm, HeaderBuilder, JwsError, KeyKind, Signer};
use crate::payload::{
    is_signature_extension, item_payload, resource_payload, PayloadError, SignedObject,
    QR_SIGNATURE_EXTENSION,
};

/// Bundle types a signature may cover: CDex signs `document` and `searchset`; `collection` is a
/// plain set of resources with no server semantics that would change its content.
pub const SIGNABLE_BUNDLE_TYPES: [&str; 3] = ["document", "searchset", "collection"];

/// An identifier naming a signer (`Signature.who.identifier`, `onBehalfOf.identifier`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// `Identifier.system`, e.g. `http://hl7.org/fhir/sid/us-npi`.
    pub system: String,
    /// `Identifier.value`, e.g. an NPI.
    pub value: String,
    /// `display`, e.g. "John Hancock, MD".
    pub display: Option<String>,
}

/// Everything a signature needs besides the document.
#[derive(Debug)]
pub struct SignRequest<'k> {
    /// The signing key.
    pub key: &'k dyn Signer,
    /// The signer's certificate chain, DER, leaf first (becomes `x5c`).
    pub chain: Vec<Vec<u8>>,
    /// The profile.
    pub profile: Profile,
    /// The signing instant (`sigT` and `Signature.when`); the caller reads the clock.
    pub signing_time: time::OffsetDateTime,
    /// Who signs (`Signature.who.identifier`).
    pub who: Party,
    /// On whose behalf (`Signature.onBehalfOf.identifier`).
    pub on_behalf_of: Option<Party>,
    /// The algorithm; `None` takes the key's default (RS256, ES256, ES384, EdDSA).
    pub algorithm: Option<Algorithm>,
    /// Add `"kty": "RS"` to the header of an RSA signature (CDex 2.x peers expect it).
    pub kty_compat: bool,
    /// Replace an existing signature instead of refusing.
    pub replace: bool,
    /// Exact protected-header JSON to sign with instead of the profile's (for reproducing an
    /// existing signature byte for byte; the caller answers for its content).
    pub exact_header: Option<Vec<u8>>,
}

/// A signed document.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The input text with the signature inserted; everything else as it was.
    pub text: String,
    /// The detached JWS, compact (or JSON serialization for several certificates);
    /// `Signature.data` is its base64.
    pub jws: String,
    /// What was signed.
    pub object: SignedObject,
    /// JSON Pointer of the signed object.
    pub pointer: String,
    /// The signed payload bytes (RFC 8785).
    pub payload: Vec<u8>,
}

/// Why a document cannot be signed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignError {
    /// The input is not strict I-JSON.
    Json(fhirsig_jcs::ParseError),
    /// Nothing at the JSON Pointer given.
    NoSuchPointer {
        /// The pointer.
        pointer: String,
    },
    /// The object cannot be signed (not a Bundle, QuestionnaireResponse or item).
    Payload(PayloadError),
    /// A Bundle type that is not signed (e.g. `transaction`).
    BundleType {
        /// The `Bundle.type` found (empty when missing).
        found: String,
    },
    /// The object is signed already and replacing was not asked for.
    AlreadySigned {
        /// JSON Pointer of the existing signature.
        pointer: String,
    },
    /// No certificate was given (CDex CONF-042 requires `x5c`).
    NoCertificate,
    /// The certificate's key is not the signing key's public key.
    KeyDoesNotMatchCertificate,
    /// JWS creation failed (algorithm/key mismatch, …).
    Jws(JwsError),
    /// The signed output did not reproduce the payload (an internal safety check).
    SelfCheck(String),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::Json(e) => write!(f, "{e}"),
            SignError::NoSuchPointer { pointer } => write!(f, "nothing at JSON Pointer {pointer:?}"),
            SignError::Payload(e) => write!(f, "{e}"),
            SignError::BundleType { found } => write!(
                f,
                "a Bundle of type {found:?} is not signed; signable types are document, searchset and collection"
            ),
            SignError::AlreadySigned { pointer } => {
                write!(f, "already signed (signature at {pointer}); pass --replace to re-sign")
            }
            SignError::NoCertificate => f.write_str("no signer certificate was given (x5c is required)"),
            SignError::KeyDoesNotMatchCertificate => f.write_str(
                "the private key does not belong to the first certificate of the chain",
            ),
            SignError::Jws(e) => write!(f, "{e}"),
            SignError::SelfCheck(why) => write!(f, "internal check of the signed output failed: {why}"),
        }
    }
}

impl std::error::Error for SignError {}

/// Signs the object at `pointer` (`None`: the document's root resource) of the JSON `text`.
///
/// # Errors
/// See [`SignError`].
pub fn sign(
    text: &str,
    pointer: Option<&str>,
    request: &SignRequest<'_>,
) -> Result<Signed, SignError> {
    sign_with_certificates(text, pointer, request, &[])
}

/// As [`sign`], for a signer with several certificates for the same key (for example one per
/// trust community, CDex CONF-047): `Signature.data` then carries the JWS JSON serialization,
/// one signature per chain (the request's own chain first), headers identical except `x5c`.
///
/// # Errors
/// See [`SignError`]; [`SignError::KeyDoesNotMatchCertificate`] when an additional chain's
/// leaf is not the signing key's.
pub fn sign_with_certificates(
    text: &str,
    pointer: Option<&str>,
    request: &SignRequest<'_>,
    additional_chains: &[Vec<Vec<u8>>],
) -> Result<Signed, SignError> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(SignError::Json)?;
    let pointer = pointer.unwrap_or("");
    let target = doc
        .pointer(pointer)
        .ok_or_else(|| SignError::NoSuchPointer {
            pointer: pointer.to_owned(),
        })?;
    let object = classify(&doc, target, pointer)?;
    let existing = existing_signature(target, object);
    if let (Some(sig), false) = (existing, request.replace) {
        return Err(SignError::AlreadySigned {
            pointer: doc.pointer_of(sig.id()),
        });
    }
    let payload = match object {
        SignedObject::QuestionnaireResponseItem => item_payload(&doc, target),
        _ => resource_payload(&doc, target, request.profile.canonicalization()),
    }
    .map_err(SignError::Payload)?
    .bytes;
    // Every x5c leaf must certify the signing key (CONF-047: only x5c may differ).
    for chain in std::iter::once(&request.chain).chain(additional_chains) {
        let leaf = chain.first().ok_or(SignError::NoCertificate)?;
        let cert_key =
            jws::VerifyingKey::from_certificate_der(leaf).map_err(|_| SignError::NoCertificate)?;
        if cert_key.to_jwk() != request.key.verifying_key().to_jwk() {
            return Err(SignError::KeyDoesNotMatchCertificate);
        }
    }
    let mut sig_t = jades_time(request.signing_time);
    let header = match &request.exact_header {
        Some(bytes) => {
            // Signature.when repeats the header's own sigT, spelled the same (CONF-055).
            let parsed = jws::Header::from_json(bytes, true).map_err(SignError::Jws)?;
            if let Some(t) = parsed.sig_t() {
                sig_t = t.to_owned();
            }
            bytes.clone()
        }
        None => header_for(request, &sig_t)?,
    };
    let jws = if additional_chains.is_empty() {
        jws::sign_detached(&header, &payload, request.key).map_err(SignError::Jws)?
    } else {
        let mut headers = vec![header];
        for chain in additional_chains {
            let one = SignRequest {
                chain: chain.clone(),
                exact_header: None,
                on_behalf_of: None,
                who: request.who.clone(),
                ..*request
            };
            headers.push(header_for(&one, &sig_t)?);
        }
        let signers: Vec<(&[u8], &dyn Signer)> = headers
            .iter()
            .map(|h| (h.as_slice(), request.key))
            .collect();
        jws::JsonJws::sign_detached(&signers, &payload).map_err(SignError::Jws)?
    };
    let element = signature_element(request, &sig_t, &jws);
    let text = splice(text, target, object, existing, &element)
        .map_err(|e| SignError::SelfCheck(e.to_string()))?;
    self_check(&text, pointer, object, request.profile, &payload)?;
    Ok(Signed {
        text,
        jws,
        object,
        pointer: pointer.to_owned(),
        payload,
    })
}

/// `sigT` in the JAdES form: UTC, whole seconds, `Z` (ETSI TS 119 182-1 clause 5.2.1).
pub fn jades_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn classify(
    doc: &Document<'_>,
    target: Node<'_>,
    pointer: &str,
) -> Result<SignedObject, SignError> {
    if target.kind() != NodeKind::Object {
        return Err(SignError::Payload(PayloadError::NotAnObject {
            pointer: pointer.to_owned(),
        }));
    }
    match target.get("resourceType").and_then(|t| t.as_str()) {
        Some("Bundle") => {
            let found = target.get("type").and_then(|t| t.as_str()).unwrap_or("");
            if SIGNABLE_BUNDLE_TYPES.contains(&found) {
                Ok(SignedObject::Bundle)
            } else {
                Err(SignError::BundleType {
                    found: found.to_owned(),
                })
            }
        }
        Some("QuestionnaireResponse") => Ok(SignedObject::QuestionnaireResponse),
        Some(other) => Err(SignError::Payload(PayloadError::UnsupportedResourceType {
            resource_type: other.to_owned(),
            pointer: pointer.to_owned(),
        })),
        None if crate::locate::is_questionnaire_item(doc, pointer) => {
            Ok(SignedObject::QuestionnaireResponseItem)
        }
        None => Err(SignError::Payload(PayloadError::MissingResourceType {
            pointer: pointer.to_owned(),
        })),
    }
}

fn existing_signature<'d>(target: Node<'d>, object: SignedObject) -> Option<Node<'d>> {
    match object {
        SignedObject::Bundle => target.get("signature"),
        _ => target
            .get("extension")?
            .elements()
            .find(|e| is_signature_extension(*e)),
    }
}

fn header_for(request: &SignRequest<'_>, sig_t: &str) -> Result<Vec<u8>, SignError> {
    let alg = request
        .algorithm
        .unwrap_or_else(|| request.key.default_algorithm());
    let mut builder = HeaderBuilder::new(alg);
    if request.profile == Profile::R6 {
        builder = builder.typ("JOSE");
    }
    for der in &request.chain {
        builder = builder.certificate(der);
    }
    if request.profile != Profile::Cdex2 {
        builder = builder.sig_t(sig_t).commitment(
            jws::CDEX_VERIFICATION_COMMITMENT,
            Some("Verification Signature"),
        );
    }
    if let Some(canon) = request.profile.canon_header() {
        builder = builder.canon(canon);
    }
    if request.kty_compat && matches!(request.key.kind(), KeyKind::Rsa { .. }) {
        builder = builder.member("kty", "\"RS\"");
    }
    builder.build().map_err(SignError::Jws)
}

fn identifier_json(party: &Party) -> String {
    let identifier = JsonObject::new()
        .string("system", &party.system)
        .string("value", &party.value)
        .finish();
    JsonObject::new()
        .raw("identifier", &identifier)
        .string_opt("display", party.display.as_deref())
        .finish()
}

fn signature_element(request: &SignRequest<'_>, sig_t: &str, jws: &str) -> String {
    let coding = JsonObject::new()
        .string("system", ASTM_SIGNATURE_TYPE_SYSTEM)
        .string("code", VERIFICATION_SIGNATURE_CODE)
        .string("display", "Verification Signature")
        .finish();
    let mut element = JsonObject::new()
        .raw("type", &format!("[{coding}]"))
        .string("when", sig_t)
        .raw("who", &identifier_json(&request.who));
    if let Some(party) = &request.on_behalf_of {
        element = element.raw("onBehalfOf", &identifier_json(party));
    }
    element
        .string_opt("targetFormat", request.profile.target_format())
        .string("sigFormat", JOSE_SIG_FORMAT)
        .string("data", &crate::jws::b64::encode_std(jws.as_bytes()))
        .finish()
}

/// `text` with the signature `element` in place: the Bundle's `signature`, or a QuestionnaireResponse
/// (item) signature extension, replacing the one already there. New text is indented like the
/// surrounding members and elements.
fn splice(
    text: &str,
    target: Node<'_>,
    object: SignedObject,
    existing: Option<Node<'_>>,
    element: &str,
) -> Result<String, EditError> {
    let style = Style::Neighbours;
    if object == SignedObject::Bundle {
        return match existing {
            Some(old) => replace_value(text, old, element, style),
            None => insert_member(text, target, "signature", element, style),
        };
    }
    let extension = JsonObject::new()
        .string("url", QR_SIGNATURE_EXTENSION)
        .raw("valueSignature", element)
        .finish();
    match existing {
        Some(old) => replace_value(text, old, &extension, style),
        None => append_to_array_member(text, target, "extension", &[extension], style),
    }
}

/// Re-reads the output: the object's payload must be byte-identical to what was signed.
fn self_check(
    text: &str,
    pointer: &str,
    object: SignedObject,
    profile: Profile,
    payload: &[u8],
) -> Result<(), SignError> {
    let doc =
        fhirsig_jcs::parse(text.as_bytes()).map_err(|e| SignError::SelfCheck(e.to_string()))?;
    let node = doc
        .pointer(pointer)
        .ok_or_else(|| SignError::SelfCheck("the signed object moved".into()))?;
    let again = match object {
        SignedObject::QuestionnaireResponseItem => item_payload(&doc, node),
        _ => resource_payload(&doc, node, profile.canonicalization()),
    }
    .map_err(|e| SignError::SelfCheck(e.to_string()))?;
    if again.bytes != payload {
        return Err(SignError::SelfCheck(
            "the payload changed when the signature was inserted".into(),
        ));
    }
    Ok(())
}
