//! `fhirsig doc sign --fhir`: a Provenance that carries a document's signature, so a signed
//! C-CDA or PDF can travel in a FHIR exchange next to the DocumentReference or Binary that
//! holds it, and `fhirsig doc verify PROVENANCE.json DOCUMENT` can check it later.

use base64::Engine as _;
use fhirsig_core::trust::{certificate_identifiers, Certificate};
use fhirsig_provenance::Value;

use crate::error::CliError;

/// The HRex Provenance profile the emitted resource claims (target.reference, retained signature).
const HREX_PROVENANCE: &str =
    "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition/hrex-provenance";

/// What the Provenance says.
pub struct Carriage<'a> {
    /// The DocumentReference or Binary holding the document, e.g. `DocumentReference/123`.
    pub target: &'a str,
    /// The document's media type (`Signature.targetFormat`).
    pub media_type: &'a str,
    /// `application/jose` or `application/pkcs7-signature`.
    pub sig_format: &'a str,
    /// The signature bytes (`Signature.data` is their base64).
    pub signature: &'a [u8],
    /// The signing time as written in the signature (RFC 3339).
    pub when: &'a str,
    /// `(system, value)` naming the signer; default: the certificate's NPI.
    pub who: Option<(String, String)>,
    /// The signer's certificate (DER), for the default identity.
    pub leaf: Option<&'a [u8]>,
}

/// The Provenance JSON text (two-space indent, FHIR member order).
pub fn provenance(c: &Carriage<'_>) -> Result<String, CliError> {
    let who = match (&c.who, c.leaf) {
        (Some((system, value)), _) => (system.clone(), value.clone()),
        (None, Some(der)) => {
            let cert = Certificate::from_der(der).map_err(|e| CliError::input(e.to_string()))?;
            let (system, value) = certificate_identifiers(&cert)
                .into_iter()
                .next()
                .ok_or_else(|| {
                    CliError::input("the certificate carries no NPI (or other known identifier)")
                        .with_hint("pass --who-system and --who-value")
                })?;
            (system.to_owned(), value)
        }
        (None, None) => {
            return Err(CliError::input(
                "--fhir needs --cert (or --who-system and --who-value)",
            ))
        }
    };
    let who = Value::object().with(
        "identifier",
        Value::object()
            .with("system", Value::str(who.0))
            .with("value", Value::str(who.1)),
    );
    // A Coding's members as this command has always written them (code, display, system).
    let coding = |system: &str, code: &str, display: &str| {
        Value::object()
            .with("code", Value::str(code))
            .with("display", Value::str(display))
            .with("system", Value::str(system))
    };
    let data = base64::engine::general_purpose::STANDARD.encode(c.signature);
    // Members in the order of the Provenance definition, for people reading the file.
    let signature = Value::object()
        .with(
            "type",
            Value::Array(vec![coding(
                "urn:iso-astm:E1762-95:2013",
                "1.2.840.10065.1.12.1.5",
                "Verification Signature",
            )]),
        )
        .with("when", Value::str(c.when))
        .with("who", who.clone())
        .with("targetFormat", Value::str(c.media_type))
        .with("sigFormat", Value::str(c.sig_format))
        .with("data", Value::str(data));
    let agent = Value::object()
        .with(
            "type",
            Value::object().with(
                "coding",
                Value::Array(vec![coding(
                    "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "verifier",
                    "Verifier",
                )]),
            ),
        )
        .with("who", who);
    let provenance = Value::object()
        .with("resourceType", Value::str("Provenance"))
        .with(
            "meta",
            Value::object().with("profile", Value::Array(vec![Value::str(HREX_PROVENANCE)])),
        )
        .with(
            "target",
            Value::Array(vec![Value::object().with("reference", Value::str(c.target))]),
        )
        .with("recorded", Value::str(c.when))
        .with("agent", Value::Array(vec![agent]))
        .with("signature", Value::Array(vec![signature]));
    Ok(provenance.to_pretty() + "\n")
}
