//! `fhirsig doc sign --fhir`: a Provenance that carries a document's signature, so a signed
//! C-CDA or PDF can travel in a FHIR exchange next to the DocumentReference or Binary that
//! holds it, and `fhirsig doc verify PROVENANCE.json DOCUMENT` can check it later.

use base64::Engine as _;
use fhirsig_core::trust::{certificate_identifiers, Certificate};
use serde_json::{json, Value};

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
    let who = pretty(&json!({"identifier": {"system": who.0, "value": who.1}}));
    let data = base64::engine::general_purpose::STANDARD.encode(c.signature);
    // Members in the order of the Provenance definition, for people reading the file
    // (serde_json would sort them).
    let signature = ordered(&[
        (
            "type",
            pretty(
                &json!([{"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.5", "display": "Verification Signature"}]),
            ),
        ),
        ("when", pretty(&json!(c.when))),
        ("who", who.clone()),
        ("targetFormat", pretty(&json!(c.media_type))),
        ("sigFormat", pretty(&json!(c.sig_format))),
        ("data", pretty(&json!(data))),
    ]);
    let agent = ordered(&[
        (
            "type",
            pretty(
                &json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "code": "verifier", "display": "Verifier"}]}),
            ),
        ),
        ("who", who),
    ]);
    Ok(ordered(&[
        ("resourceType", pretty(&json!("Provenance"))),
        ("meta", pretty(&json!({"profile": [HREX_PROVENANCE]}))),
        ("target", pretty(&json!([{"reference": c.target}]))),
        ("recorded", pretty(&json!(c.when))),
        ("agent", array(&[agent])),
        ("signature", array(&[signature])),
    ]) + "\n")
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// An object from pre-rendered member values, in the given order, indented by two spaces.
fn ordered(members: &[(&str, String)]) -> String {
    let lines: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("  {}: {}", json!(name), value.replace('\n', "\n  ")))
        .collect();
    format!("{{\n{}\n}}", lines.join(",\n"))
}

/// An array of pre-rendered values.
fn array(items: &[String]) -> String {
    let lines: Vec<String> = items
        .iter()
        .map(|i| format!("  {}", i.replace('\n', "\n  ")))
        .collect();
    format!("[\n{}\n]", lines.join(",\n"))
}
