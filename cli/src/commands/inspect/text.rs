//! `fhirsig inspect` for people: each signature's element, JWS form, header, certificates and
//! payload, as text.

use std::fmt::Write as _;

use fhirsig_core::fhir::SignatureElement;
use fhirsig_core::jws::Header;
use fhirsig_core::trust::{
    certificate_identifiers, certificate_names, extended_key_usages, format_rfc3339,
    key_usage_names, Certificate,
};
use fhirsig_jcs::{Node, NodeKind, NumberChanges};
use serde_json::Value;

use super::{recognised_members, DataForm, Form, Inspected, JwsSignature};
use crate::fingerprint::{colon_hex, hex, sha256};
use crate::terminal::escape;

/// Strings longer than this are shortened in the header shown to people (`--json` has them
/// whole).
const SHOWN_STRING: usize = 64;
/// Numbers whose form changes shown one per line before the rest are counted.
const SHOWN_CHANGES: usize = 10;

/// The report of one file for people: each signature decoded, nothing judged.
pub(super) fn human(source: &str, signatures: &[Inspected]) -> String {
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
        signatures_text(&mut out, &s.form, &s.jws);
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

pub(super) fn form_text(form: &Form) -> String {
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

/// Every JWS signature of one JWS: labelled by index for the JSON serialization.
pub(super) fn signatures_text(out: &mut String, form: &Form, signatures: &[JwsSignature]) {
    let labelled = matches!(form, Form::Json { .. });
    for (index, jws) in signatures.iter().enumerate() {
        let indent = if labelled {
            let _ = writeln!(out, "  JWS signature [{index}]");
            "    "
        } else {
            "  "
        };
        jws_text(out, jws, indent);
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
    // JAdES sigD names documents outside the JWS by URI and digest: `doc verify` checks them.
    if others.contains(&"sigD") {
        match fhirsig_core::document::signed_documents(header) {
            Ok(Some(documents)) => {
                let _ = writeln!(
                    out,
                    "{indent}  {:<10} {} document(s) by URI and SHA-256 (fhirsig doc verify checks them)",
                    "sigD",
                    documents.len()
                );
                for document in documents {
                    let _ = writeln!(
                        out,
                        "{indent}    {}  {}{}",
                        hex(&document.sha256),
                        escape(&document.uri),
                        document
                            .media_type
                            .map_or(String::new(), |m| format!(" ({})", escape(&m)))
                    );
                }
            }
            Ok(None) => {}
            Err(e) => {
                let _ = writeln!(out, "{indent}  {:<10} not readable: {}", "sigD", escape(&e));
            }
        }
    }
    let others: Vec<&str> = others.into_iter().filter(|n| *n != "sigD").collect();
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

fn numbers_text(out: &mut String, changes: &NumberChanges) {
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
    let shown = changes
        .listed()
        .get(..SHOWN_CHANGES)
        .unwrap_or(changes.listed());
    for change in shown {
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
    if changes.len() > shown.len() {
        let listed = if changes.is_complete() {
            "--json lists all".to_owned()
        } else {
            format!("--json lists the first {}", changes.listed().len())
        };
        let _ = writeln!(
            out,
            "    … and {} more ({listed})",
            changes.len() - shown.len()
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
