//! `fhirsig inspect`: decode every FHIR JSON signature in a file and show what it says, without
//! judging it: the Signature element, the JWS form, the protected header as received, every
//! certificate of `x5c`, the detected profile and the payload it covers.
//!
//! Nothing here decides whether a signature is valid or trusted; `fhirsig verify` does that.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::fhir::{self, DataEncoding, Jws, Profile, SignatureElement};
use fhirsig_core::jws::Header;
use fhirsig_core::locate::{locate, Located};
use fhirsig_core::payload::{item_payload, resource_payload, SignedObject};
use fhirsig_core::trust::{
    certificate_identifiers, certificate_names, extended_key_usages, format_rfc3339,
    key_usage_names, Certificate,
};
use fhirsig_jcs::{Document, Node, NodeKind, NumberChange};
use serde_json::{json, Value};

use crate::error::{json_error, CliError, Status};
use crate::fingerprint::{colon_hex, hex, sha256};
use crate::io::{read_input, write_stdout};
use crate::terminal::{escape, escape_lines};

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
Nothing is verified or trusted here: use `fhirsig verify` for that.
A file without signatures prints `FILE: no signature found` and is not an error.
Exit status: 0 everything decoded (also when there is no signature); 2 bad input: a file is not
strict JSON, or a signature, header or certificate could not be decoded (named as a problem).")]
pub struct InspectArgs {
    /// FHIR JSON files; `-` reads standard input.
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
        let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
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
    number_changes: Vec<NumberChange>,
}

impl PayloadInfo {
    fn new(
        bytes: &[u8],
        canonicalization: Option<&'static str>,
        targets: Option<usize>,
        number_changes: Vec<NumberChange>,
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
        Some(Jws::Json(jws)) => {
            result.form = Form::Json {
                signatures: jws.signatures().len(),
                detached: jws.is_detached(),
            };
            for (index, entry) in jws.signatures().iter().enumerate() {
                if entry.protected().is_none() {
                    result
                        .problems
                        .push(format!("JWS signature {index} has no protected header"));
                }
                result.jws.push(jws_signature(
                    entry.protected().cloned(),
                    entry.unprotected().cloned(),
                    &format!("signature {index}"),
                    &mut result.problems,
                ));
            }
        }
        Some(Jws::Compact(jws)) => {
            result.form = Form::Compact {
                detached: jws.is_detached(),
            };
            result.jws.push(jws_signature(
                Some(jws.header().clone()),
                None,
                "the JWS",
                &mut result.problems,
            ));
        }
        Some(_) => result
            .problems
            .push("the JWS is in a form this version cannot show".to_owned()),
    }
    result
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
fn recognised_members(header: &Header) -> (Vec<&str>, Vec<&str>) {
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

// ---------------------------------------------------------------------------------------------
// Text for people.

/// Strings longer than this are shortened in the header shown to people (`--json` has them
/// whole).
const SHOWN_STRING: usize = 64;
/// Numbers whose form changes shown one per line before the rest are counted.
const SHOWN_CHANGES: usize = 10;

fn human(source: &str, signatures: &[Inspected]) -> String {
    let mut out = String::new();
    if signatures.is_empty() {
        let _ = writeln!(out, "{source}: no signature found");
        return out;
    }
    for s in signatures {
        let place = if s.pointer.is_empty() {
            "/"
        } else {
            &s.pointer
        };
        let _ = writeln!(
            out,
            "{source}: {place} {} (Signature at {})",
            s.object.name(),
            s.signature_pointer
        );
        element_text(&mut out, &s.element);
        let _ = writeln!(out, "  {:<24}{}", "Signature.data", data_text(&s.data));
        let _ = writeln!(out, "  {:<24}{}", "form", form_text(&s.form));
        let labelled = matches!(s.form, Form::Json { .. });
        for (index, jws) in s.jws.iter().enumerate() {
            let indent = if labelled {
                let _ = writeln!(out, "  JWS signature [{index}]");
                "    "
            } else {
                "  "
            };
            jws_text(&mut out, jws, indent);
        }
        if let Some(profile) = s.profile {
            let _ = writeln!(out, "  {:<24}{profile}", "profile (detected)");
        }
        if let Some(p) = &s.payload {
            let rule = p
                .canonicalization
                .unwrap_or("the item minus its id and signature extension");
            let targets = p
                .targets
                .map_or(String::new(), |n| format!(" over {n} target(s)"));
            let _ = writeln!(
                out,
                "  {:<24}{} bytes by {rule}{targets}",
                "payload", p.size
            );
            let _ = writeln!(out, "  {:<24}{}", "payload SHA-256", p.sha256);
            numbers_text(&mut out, &p.number_changes);
        }
        if let Some(media) = &s.external_document {
            let _ = writeln!(
                out,
                "  {:<24}a document outside this file ({media}): fhirsig doc verify PROVENANCE.json DOCUMENT",
                "payload"
            );
        }
        for problem in &s.problems {
            let _ = writeln!(out, "  {:<24}{}", "PROBLEM", escape(problem));
        }
    }
    out
}

fn element_text(out: &mut String, e: &SignatureElement) {
    let line = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(out, "  {label:<24}{}", escape(value));
    };
    let types: Vec<String> = e
        .types
        .iter()
        .map(|c| {
            format!(
                "{}|{}",
                c.system.as_deref().unwrap_or(""),
                c.code.as_deref().unwrap_or("")
            )
        })
        .collect();
    line(
        out,
        "Signature.type",
        &if types.is_empty() {
            "(none)".to_owned()
        } else {
            types.join(", ")
        },
    );
    line(out, "Signature.when", e.when.as_deref().unwrap_or("(none)"));
    let mut who = Vec::new();
    if let Some(id) = &e.who_identifier {
        who.push(format!("identifier {}", identifier_text(id)));
    }
    if let Some(reference) = &e.who_reference {
        who.push(format!("reference {reference}"));
    }
    if let Some(display) = &e.who_display {
        who.push(format!("display {display:?}"));
    }
    let who = match (who.is_empty(), e.who_present) {
        (false, _) => who.join("; "),
        (true, true) => "(present, but without identifier, reference or display)".to_owned(),
        (true, false) => "(none)".to_owned(),
    };
    line(out, "Signature.who", &who);
    if let Some(id) = &e.on_behalf_of_identifier {
        line(
            out,
            "Signature.onBehalfOf",
            &format!("identifier {}", identifier_text(id)),
        );
    }
    line(
        out,
        "Signature.targetFormat",
        e.target_format.as_deref().unwrap_or("(none)"),
    );
    line(
        out,
        "Signature.sigFormat",
        e.sig_format.as_deref().unwrap_or("(none)"),
    );
}

fn identifier_text(id: &fhirsig_core::fhir::Identifier) -> String {
    format!(
        "{}|{}",
        id.system.as_deref().unwrap_or(""),
        id.value.as_deref().unwrap_or("")
    )
}

fn data_text(data: &DataForm) -> String {
    match data {
        DataForm::Missing => "(none)".to_owned(),
        DataForm::Base64 { chars } => format!("base64, {chars} characters"),
        DataForm::RawJws { chars } => format!(
            "a compact JWS written as is, not base64 (CONF-046 says base64), {chars} characters"
        ),
        DataForm::Undecodable { chars } => format!("not decodable, {chars} characters"),
    }
}

fn form_text(form: &Form) -> String {
    let payload = |detached: bool| match detached {
        true => "detached payload",
        false => "payload attached",
    };
    match form {
        Form::Compact { detached } => format!("JWS compact serialization, {}", payload(*detached)),
        Form::Json {
            signatures,
            detached,
        } => format!(
            "JWS JSON serialization with {signatures} signature{}, {}",
            if *signatures == 1 { "" } else { "s" },
            payload(*detached)
        ),
        Form::Electronic { sig_format } => {
            format!("electronic image ({sig_format}), not a digital signature")
        }
        Form::Undecoded => "not decoded".to_owned(),
    }
}

fn jws_text(out: &mut String, jws: &JwsSignature, indent: &str) {
    for (label, header) in [
        ("protected header", &jws.protected),
        ("unprotected header", &jws.unprotected),
    ] {
        let Some(header) = header else { continue };
        let _ = writeln!(out, "{indent}{label} (as received):");
        let mut shortened = false;
        match fhirsig_jcs::parse(header.json().as_bytes()) {
            Ok(doc) => {
                let mut text = String::new();
                pretty(doc.root(), 0, &mut text, &mut shortened);
                for line in text.lines() {
                    let _ = writeln!(out, "{indent}  {}", escape(line));
                }
            }
            Err(_) => {
                let _ = writeln!(out, "{indent}  {}", escape(header.json()));
            }
        }
        if shortened {
            let _ = writeln!(
                out,
                "{indent}  (strings over {SHOWN_STRING} characters are shortened; --json shows them whole)"
            );
        }
        members_text(out, header, indent);
    }
    for (index, cert) in jws.certificates.iter().enumerate() {
        let _ = writeln!(out, "{indent}certificate x5c[{index}]");
        match cert {
            Ok(cert) => certificate_text(out, cert, &format!("{indent}  ")),
            Err(message) => {
                let _ = writeln!(out, "{indent}  {}", escape(message));
            }
        }
    }
}

fn members_text(out: &mut String, header: &Header, indent: &str) {
    let (recognised, others) = recognised_members(header);
    let _ = writeln!(out, "{indent}recognised members:");
    for name in recognised {
        let value = match name {
            "alg" => header.alg().unwrap_or_default().to_owned(),
            "kid" => header.kid().unwrap_or_default().to_owned(),
            "typ" => header.typ().unwrap_or_default().to_owned(),
            "x5c" => {
                let n = header.x5c().map_or(0, <[Vec<u8>]>::len);
                format!("{n} certificate{}", if n == 1 { "" } else { "s" })
            }
            "x5t#S256" => header.x5t_s256().map(hex).unwrap_or_default(),
            "sigT" => header.sig_t().unwrap_or_default().to_owned(),
            "srCms" => header
                .sr_cms()
                .unwrap_or_default()
                .iter()
                .map(|c| match c.desc() {
                    Some(desc) => format!("{} ({desc})", c.id()),
                    None => c.id().to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            "canon" => header.canon().unwrap_or_default().to_owned(),
            "crit" => header.crit().unwrap_or_default().join(", "),
            _ => String::new(),
        };
        let _ = writeln!(out, "{indent}  {name:<10} {}", escape(&value));
    }
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "{indent}not interpreted: {} (ignored by verification)",
            escape(&others.join(", "))
        );
    }
}

fn certificate_text(out: &mut String, cert: &Certificate, indent: &str) {
    let line = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(out, "{indent}{label:<10} {}", escape(value));
    };
    line(out, "subject", &cert.subject());
    line(out, "issuer", &cert.issuer());
    line(out, "serial", &cert.serial_hex());
    line(
        out,
        "valid",
        &format!(
            "{} to {}",
            format_rfc3339(cert.not_before()),
            format_rfc3339(cert.not_after())
        ),
    );
    let names = certificate_names(cert);
    line(
        out,
        "names",
        &if names.is_empty() {
            "(none)".to_owned()
        } else {
            names.join(", ")
        },
    );
    for (system, value) in certificate_identifiers(cert) {
        line(out, "identifier", &format!("{system}|{value}"));
    }
    line(
        out,
        "key usage",
        &match key_usage_names(cert) {
            Some(bits) if !bits.is_empty() => bits.join(", "),
            Some(_) => "(extension present, no bits)".to_owned(),
            None => "(no extension)".to_owned(),
        },
    );
    line(
        out,
        "EKU",
        &match extended_key_usages(cert) {
            Some(ekus) => ekus
                .iter()
                .map(|(oid, name)| match name {
                    Some(name) => format!("{name} ({oid})"),
                    None => oid.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => "(no extension)".to_owned(),
        },
    );
    line(out, "SHA-256", &colon_hex(&sha256(cert.der())));
}

fn numbers_text(out: &mut String, changes: &[NumberChange]) {
    if changes.is_empty() {
        let _ = writeln!(
            out,
            "  {:<24}every number is written in its canonical form",
            "numbers"
        );
        return;
    }
    let _ = writeln!(
        out,
        "  {:<24}{} written differently from their canonical form (that precision is not protected):",
        "numbers",
        changes.len()
    );
    for change in changes.iter().take(SHOWN_CHANGES) {
        let at = if change.pointer.is_empty() {
            "(root)"
        } else {
            &change.pointer
        };
        let _ = writeln!(
            out,
            "    {at}  written {}, canonical {}",
            change.lexical, change.canonical
        );
    }
    if changes.len() > SHOWN_CHANGES {
        let _ = writeln!(
            out,
            "    … and {} more (--json lists all)",
            changes.len() - SHOWN_CHANGES
        );
    }
}

/// Pretty-prints a JSON value in its received member order, with numbers and strings exactly as
/// written (long strings shortened).
fn pretty(node: Node<'_>, depth: usize, out: &mut String, shortened: &mut bool) {
    let pad = "  ".repeat(depth + 1);
    let close = "  ".repeat(depth);
    match node.kind() {
        NodeKind::Object => {
            let members: Vec<(&str, Node<'_>)> = node.members().collect();
            if members.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{\n");
            for (i, (name, value)) in members.iter().enumerate() {
                let _ = write!(out, "{pad}{}: ", Value::from(*name));
                pretty(*value, depth + 1, out, shortened);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{close}}}");
        }
        NodeKind::Array => {
            let elements: Vec<Node<'_>> = node.elements().collect();
            if elements.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for (i, value) in elements.iter().enumerate() {
                out.push_str(&pad);
                pretty(*value, depth + 1, out, shortened);
                out.push_str(if i + 1 < elements.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{close}]");
        }
        NodeKind::String if node.raw_text().chars().count() > SHOWN_STRING + 2 => {
            *shortened = true;
            let head: String = node.raw_text().chars().take(SHOWN_STRING - 8).collect();
            let _ = write!(out, "{head}…\"");
        }
        _ => out.push_str(node.raw_text()),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines for programs (the fields are documented in docs/cli.md).

fn json_lines(source: &str, signatures: &[Inspected]) -> String {
    let mut out = String::new();
    if signatures.is_empty() {
        let line = json!({"type": "no-signature", "file": source});
        let _ = writeln!(out, "{line}");
    }
    for s in signatures {
        let line = json!({
            "type": "signature",
            "file": source,
            "pointer": s.pointer,
            "signaturePointer": s.signature_pointer,
            "object": s.object.name(),
            "element": element_json(&s.element),
            "data": match s.data {
                DataForm::Missing => Value::Null,
                DataForm::Base64 { chars } => json!({"encoding": "base64", "length": chars}),
                DataForm::RawJws { chars } => json!({"encoding": "jws", "length": chars}),
                DataForm::Undecodable { chars } => json!({"encoding": "unknown", "length": chars}),
            },
            "form": match s.form {
                Form::Compact { .. } => "compact",
                Form::Json { .. } => "json",
                Form::Electronic { .. } => "electronic",
                Form::Undecoded => "undecoded",
            },
            "detached": match s.form {
                Form::Compact { detached } | Form::Json { detached, .. } => Some(detached),
                _ => None,
            },
            "signatures": s.jws.iter().map(jws_json).collect::<Vec<_>>(),
            "profile": s.profile.map(Profile::name),
            "payload": s.payload.as_ref().map(|p| json!({
                "canonicalization": p.canonicalization,
                "size": p.size,
                "sha256": p.sha256,
                "targets": p.targets,
                "numberChanges": p.number_changes.iter().map(|c| json!({
                    "pointer": c.pointer,
                    "written": c.lexical,
                    "canonical": c.canonical,
                })).collect::<Vec<_>>(),
            })),
            "externalDocument": s.external_document,
            "problems": s.problems,
        });
        let _ = writeln!(out, "{line}");
    }
    out
}

fn element_json(e: &SignatureElement) -> Value {
    let identifier = |id: &Option<fhirsig_core::fhir::Identifier>| {
        id.as_ref()
            .map(|i| json!({"system": i.system, "value": i.value}))
    };
    json!({
        "type": e.types.iter().map(|c| json!({"system": c.system, "code": c.code})).collect::<Vec<_>>(),
        "when": e.when,
        "who": e.who_present.then(|| json!({
            "identifier": identifier(&e.who_identifier),
            "reference": e.who_reference,
            "display": e.who_display,
        })),
        "onBehalfOf": e.on_behalf_of_identifier.as_ref().map(|_| json!({
            "identifier": identifier(&e.on_behalf_of_identifier),
        })),
        "targetFormat": e.target_format,
        "sigFormat": e.sig_format,
    })
}

fn jws_json(jws: &JwsSignature) -> Value {
    json!({
        "protectedHeader": jws.protected.as_ref().map(header_json),
        "unprotectedHeader": jws.unprotected.as_ref().map(header_json),
        "certificates": jws.certificates.iter().map(|c| match c {
            Ok(cert) => certificate_json(cert),
            Err(message) => json!({"error": message}),
        }).collect::<Vec<_>>(),
    })
}

fn header_json(header: &Header) -> Value {
    let (recognised, others) = recognised_members(header);
    json!({
        "json": header.json(),
        "members": header.member_names(),
        "recognised": recognised,
        "notInterpreted": others,
        "alg": header.alg(),
        "kid": header.kid(),
        "typ": header.typ(),
        "x5cCount": header.x5c().map(<[Vec<u8>]>::len),
        "x5tS256": header.x5t_s256().map(hex),
        "sigT": header.sig_t(),
        "srCms": header.sr_cms().map(|list| list.iter().map(|c| json!({
            "id": c.id(),
            "desc": c.desc(),
        })).collect::<Vec<_>>()),
        "canon": header.canon(),
        "crit": header.crit(),
    })
}

fn certificate_json(cert: &Certificate) -> Value {
    json!({
        "subject": cert.subject(),
        "issuer": cert.issuer(),
        "serialNumber": cert.serial_hex(),
        "notBefore": format_rfc3339(cert.not_before()),
        "notAfter": format_rfc3339(cert.not_after()),
        "names": certificate_names(cert),
        "identifiers": certificate_identifiers(cert)
            .iter()
            .map(|(system, value)| json!({"system": system, "value": value}))
            .collect::<Vec<_>>(),
        "keyUsage": key_usage_names(cert),
        "extendedKeyUsage": extended_key_usages(cert).map(|list| list
            .iter()
            .map(|(oid, name)| json!({"oid": oid, "name": name}))
            .collect::<Vec<_>>()),
        "sha256": hex(&sha256(cert.der())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_pretty_printed_in_received_order_with_long_strings_shortened() {
        let long = "A".repeat(100);
        let text = format!(r#"{{"z":1.50,"a":["{long}"],"e":{{}}}}"#);
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mut out = String::new();
        let mut shortened = false;
        pretty(doc.root(), 0, &mut out, &mut shortened);
        assert!(shortened);
        let expected = format!(
            "{{\n  \"z\": 1.50,\n  \"a\": [\n    \"{}…\"\n  ],\n  \"e\": {{}}\n}}",
            "A".repeat(SHOWN_STRING - 9)
        );
        assert_eq!(out, expected);
    }
}
