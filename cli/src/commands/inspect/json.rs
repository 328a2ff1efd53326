//! `fhirsig inspect --json`: one JSON object per signature (the fields are documented in
//! docs/cli.md).

use std::fmt::Write as _;

use fhirsig_core::fhir::{Profile, SignatureElement};
use fhirsig_core::jws::Header;
use fhirsig_core::trust::{
    certificate_identifiers, certificate_names, extended_key_usages, format_rfc3339,
    key_usage_names, Certificate,
};
use serde_json::{json, Value};

use super::{recognised_members, DataForm, Form, Inspected, JwsSignature};
use crate::fingerprint::{hex, sha256};

/// The JSON Lines of one file: one object per signature, or one `no-signature` line.
pub(super) fn json_lines(source: &str, signatures: &[Inspected]) -> String {
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
            "form": form_name(&s.form),
            "detached": detached(&s.form),
            "signatures": s.jws.iter().map(jws_json).collect::<Vec<_>>(),
            "profile": s.profile.map(Profile::name),
            "payload": s.payload.as_ref().map(|p| json!({
                "canonicalization": p.canonicalization,
                "size": p.size,
                "sha256": p.sha256,
                "targets": p.targets,
                "numberChangeCount": p.number_changes.len(),
                "numberChanges": p.number_changes.listed().iter().map(|c| json!({
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

/// The `form` field: `compact`, `json`, `electronic` or `undecoded`.
pub(super) fn form_name(form: &Form) -> &'static str {
    match form {
        Form::Compact { .. } => "compact",
        Form::Json { .. } => "json",
        Form::Electronic { .. } => "electronic",
        Form::Undecoded => "undecoded",
    }
}

/// The `detached` field: whether the payload is detached, for a compact or JSON JWS.
pub(super) fn detached(form: &Form) -> Option<bool> {
    match form {
        Form::Compact { detached } | Form::Json { detached, .. } => Some(*detached),
        _ => None,
    }
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

pub(super) fn jws_json(jws: &JwsSignature) -> Value {
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
