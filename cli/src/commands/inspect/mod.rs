//! `fhirsig inspect`: decode every FHIR JSON signature in a file and show what it says, without
//! judging it: the Signature element, the JWS form, the protected header as received, every
//! certificate of `x5c`, the detected profile and the payload it covers.
//!
//! Nothing here decides whether a signature is valid or trusted; `fhirsig verify` does that.

use std::path::PathBuf;

use clap::Args;
use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::fhir::{self, DataEncoding, Jws, Profile, SignatureElement};
use fhirsig_core::jws::Header;
use fhirsig_core::locate::{locate, Located};
use fhirsig_core::payload::{item_payload, resource_payload, SignedObject};
use fhirsig_core::trust::Certificate;
use fhirsig_jcs::{Document, Node, NumberChanges};

use crate::error::{json_error, CliError, Status};
use crate::fingerprint::{hex, sha256};
use crate::io::{read_input, write_stdout};
use crate::terminal::{escape, escape_lines};

mod bare_jws;
mod json;
mod text;

use json::json_lines;
use text::human;

/// Arguments of `fhirsig inspect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig inspect signed.json                    every signature, decoded, for people
  fhirsig inspect attachment.json --json         one JSON object per signature (docs/cli.md)
  fhirsig inspect - < signed.json                from standard input

Shows, per signature: where it is, the Signature element (type, when, who, onBehalfOf,
targetFormat, sigFormat), the JWS form (compact, or JSON serialization with N signatures, or an
electronic image), the protected header as received and the members fhirsig recognises, every
x5c certificate (subject, issuer, serial, validity, names, key usage, EKU, SHA-256), the detected
profile, and the SHA-256 and size of the payload under that profile's canonicalization, with the
numbers whose written precision a signature does not protect.
Provenance.signature entries are shown too, with the payload of the Provenance's targets (or the
media type of a document outside the file that they sign).
A JWS file (a compact JWS such as `doc sign`'s .jws, or a JWS JSON serialization) is shown as
one: its form, headers and certificates.
Nothing is verified or trusted here: use `fhirsig verify` for that.
A file without signatures prints `FILE: no signature found` and is not an error.
Exit status: 0 everything decoded (also when there is no signature); 2 bad input: a file is not
strict JSON, or a signature, header or certificate could not be decoded (named as a problem).")]
pub struct InspectArgs {
    /// FHIR JSON files (or JWS files); `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Print JSON Lines: one object per signature (see docs/cli.md for the fields).
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig inspect`.
pub fn run(args: InspectArgs) -> Result<Status, CliError> {
    let mut undecoded = false;
    for file in &args.files {
        let input = read_input(file)?;
        let parsed = fhirsig_jcs::parse(&input.bytes);
        // A JWS file (`doc sign`'s .jws, a JOSE library's output) is shown as what it is.
        if let Some(jws) = bare_jws::read(&input.bytes, parsed.as_ref().ok()) {
            undecoded |= !jws.problems.is_empty();
            let text = if args.json {
                bare_jws::json_line(&input.name, &jws)
            } else {
                escape_lines(&bare_jws::human(&escape(&input.name), &jws)).into_owned()
            };
            write_stdout(text.as_bytes())?;
            continue;
        }
        let doc = parsed.map_err(|e| json_error(&input.name, &e))?;
        let signatures = inspect_document(&doc);
        undecoded |= signatures.iter().any(|s| !s.problems.is_empty());
        let text = if args.json {
            json_lines(&input.name, &signatures)
        } else {
            // Fields are escaped where they are written; this catches the rest (pointers made
            // of member names, a media type), keeping the report's own newlines.
            escape_lines(&human(&escape(&input.name), &signatures)).into_owned()
        };
        write_stdout(text.as_bytes())?;
    }
    Ok(match undecoded {
        true => Status::BadInput,
        false => Status::Success,
    })
}

/// Everything decoded about one signature.
struct Inspected {
    pointer: String,
    signature_pointer: String,
    object: SignedObject,
    element: SignatureElement,
    /// How `Signature.data` was written.
    data: DataForm,
    form: Form,
    /// One per JWS signature (one for compact, N for the JSON serialization).
    jws: Vec<JwsSignature>,
    profile: Option<Profile>,
    payload: Option<PayloadInfo>,
    /// For a Provenance signature over a document held elsewhere: its media type.
    external_document: Option<String>,
    /// What could not be decoded.
    problems: Vec<String>,
}

/// How `Signature.data` holds the JWS.
enum DataForm {
    Missing,
    Base64 { chars: usize },
    RawJws { chars: usize },
    Undecodable { chars: usize },
}

/// The kind of signature the element holds.
enum Form {
    Compact { detached: bool },
    Json { signatures: usize, detached: bool },
    Electronic { sig_format: String },
    Undecoded,
}

/// One JWS signature: its headers and certificates.
struct JwsSignature {
    protected: Option<Header>,
    unprotected: Option<Header>,
    certificates: Vec<Result<Certificate, String>>,
}

/// The payload under the detected profile.
struct PayloadInfo {
    /// The canonicalization URI, or `None` for a QuestionnaireResponse item (its own rule).
    canonicalization: Option<&'static str>,
    size: usize,
    sha256: String,
    /// For a Provenance signature: how many targets the payload holds.
    targets: Option<usize>,
    number_changes: NumberChanges,
}

impl PayloadInfo {
    fn new(
        bytes: &[u8],
        canonicalization: Option<&'static str>,
        targets: Option<usize>,
        number_changes: NumberChanges,
    ) -> Self {
        PayloadInfo {
            canonicalization,
            size: bytes.len(),
            sha256: hex(&sha256(bytes)),
            targets,
            number_changes,
        }
    }
}

fn inspect_document(doc: &Document<'_>) -> Vec<Inspected> {
    let mut found: Vec<Inspected> = locate(doc)
        .iter()
        .flat_map(|located| {
            located
                .signatures
                .iter()
                .map(|signature| inspect_one(doc, located, *signature))
                .collect::<Vec<_>>()
        })
        .collect();
    found.extend(
        fhir::provenance_signatures(doc)
            .into_iter()
            .map(|(pointer, signature)| inspect_provenance(doc, pointer, signature)),
    );
    found
}

/// A resource or item signature: decoded, then its payload under the detected profile.
fn inspect_one(doc: &Document<'_>, located: &Located<'_>, signature: Node<'_>) -> Inspected {
    let mut result = decode_signature(doc, located.pointer.clone(), located.object, signature);
    if matches!(result.form, Form::Electronic { .. }) {
        return result;
    }
    let first = result.jws.first().and_then(|s| s.protected.as_ref());
    let profile = Profile::detect(
        result.element.target_format.as_deref(),
        first.and_then(Header::canon),
        first.and_then(Header::sig_t).is_some(),
    );
    result.profile = Some(profile);
    let rule = match located.object {
        SignedObject::QuestionnaireResponseItem => None,
        _ => Some(profile.canonicalization().uri()),
    };
    let payload = match located.object {
        SignedObject::QuestionnaireResponseItem => item_payload(doc, located.node),
        _ => resource_payload(doc, located.node, profile.canonicalization()),
    };
    match payload {
        Ok(p) => result.payload = Some(PayloadInfo::new(&p.bytes, rule, None, p.number_changes)),
        Err(e) => result.problems.push(format!("no payload: {e}")),
    }
    result
}

/// A `Provenance.signature`: decoded, then the content of the Provenance's targets (or a note
/// that it covers a document outside this file).
fn inspect_provenance(
    doc: &Document<'_>,
    pointer: String,
    found: fhir::ProvenanceSignature<'_>,
) -> Inspected {
    let object = SignedObject::ProvenanceTargets;
    let mut result = decode_signature(doc, pointer, object, found.signature);
    if matches!(result.form, Form::Electronic { .. }) {
        return result;
    }
    if let Some(media) = fhir::external_document_format(found.signature) {
        result.external_document = Some(media.to_owned());
        return result;
    }
    let rule = match result.element.target_format.as_deref() {
        Some(tf) => match Canonicalization::from_target_format(tf) {
            Ok(rule) => rule,
            Err(e) => {
                result.problems.push(format!("no payload: {e}"));
                return result;
            }
        },
        None => None,
    };
    match fhir::signed_content(doc, found.provenance, rule) {
        Ok(c) => {
            let rule = Some(c.canonicalization.uri());
            let payload = PayloadInfo::new(&c.bytes, rule, Some(c.targets), c.number_changes);
            result.payload = Some(payload);
        }
        Err(e) => result.problems.push(format!("no payload: {e}")),
    }
    result
}

/// The Signature element, `Signature.data` and the JWS in it, decoded by the core's one
/// decoder (the one `verify` uses).
fn decode_signature(
    doc: &Document<'_>,
    pointer: String,
    object: SignedObject,
    signature: Node<'_>,
) -> Inspected {
    let decoded = fhir::decode_signature(signature);
    let chars = decoded.element.data.as_deref().map_or(0, str::len);
    let mut result = Inspected {
        pointer,
        signature_pointer: doc.pointer_of(signature.id()),
        object,
        data: DataForm::Missing,
        form: Form::Undecoded,
        jws: Vec::new(),
        profile: None,
        payload: None,
        external_document: None,
        problems: Vec::new(),
        element: decoded.element,
    };
    if let Some(format) = result
        .element
        .sig_format
        .as_deref()
        .filter(|f| f.starts_with("image/"))
    {
        // An electronic signature: `data` is a picture, not a JWS.
        result.form = Form::Electronic {
            sig_format: format.to_owned(),
        };
        if result.element.data.is_some() {
            result.data = DataForm::Base64 { chars };
        }
        return result;
    }
    result.data = match decoded.encoding {
        DataEncoding::Missing => DataForm::Missing,
        DataEncoding::Base64 => DataForm::Base64 { chars },
        DataEncoding::RawJws => DataForm::RawJws { chars },
        _ => DataForm::Undecodable { chars },
    };
    match decoded.jws {
        None => result.problems.push(match result.data {
            DataForm::Missing => "Signature.data is missing: there is no JWS to decode".to_owned(),
            DataForm::Undecodable { .. } => {
                "Signature.data is neither base64 of a JWS nor a compact JWS".to_owned()
            }
            _ => {
                let reason = decoded
                    .checks
                    .iter()
                    .find(|c| c.failure().is_some())
                    .map_or("", |c| c.message());
                format!("the JWS cannot be decoded: {reason}")
            }
        }),
        Some(jws) => {
            let (form, signatures) = decoded_jws(&jws, &mut result.problems);
            result.form = form;
            result.jws = signatures;
        }
    }
    result
}

/// The form and the signatures (headers, certificates) of a decoded JWS; what cannot be
/// decoded is added to `problems`.
fn decoded_jws(jws: &Jws, problems: &mut Vec<String>) -> (Form, Vec<JwsSignature>) {
    match jws {
        Jws::Json(jws) => {
            let form = Form::Json {
                signatures: jws.signatures().len(),
                detached: jws.is_detached(),
            };
            let mut signatures = Vec::new();
            for (index, entry) in jws.signatures().iter().enumerate() {
                if entry.protected().is_none() {
                    problems.push(format!("JWS signature {index} has no protected header"));
                }
                signatures.push(jws_signature(
                    entry.protected().cloned(),
                    entry.unprotected().cloned(),
                    &format!("signature {index}"),
                    problems,
                ));
            }
            (form, signatures)
        }
        Jws::Compact(jws) => (
            Form::Compact {
                detached: jws.is_detached(),
            },
            vec![jws_signature(
                Some(jws.header().clone()),
                None,
                "the JWS",
                problems,
            )],
        ),
        _ => {
            problems.push("the JWS is in a form this version cannot show".to_owned());
            (Form::Undecoded, Vec::new())
        }
    }
}

fn jws_signature(
    protected: Option<Header>,
    unprotected: Option<Header>,
    what: &str,
    problems: &mut Vec<String>,
) -> JwsSignature {
    let certificates = protected
        .as_ref()
        .and_then(Header::x5c)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, der)| {
            Certificate::from_der(der).map_err(|e| {
                let message = format!("x5c[{index}] of {what} is not an X.509 certificate: {e}");
                problems.push(message.clone());
                message
            })
        })
        .collect();
    JwsSignature {
        protected,
        unprotected,
        certificates,
    }
}

/// The header members fhirsig interprets, in the header's order; the rest are listed apart.
pub(super) fn recognised_members(header: &Header) -> (Vec<&str>, Vec<&str>) {
    let others: Vec<&str> = header
        .other_members()
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let recognised = header
        .member_names()
        .iter()
        .map(String::as_str)
        .filter(|n| !others.contains(n))
        .collect();
    (recognised, others)
}
