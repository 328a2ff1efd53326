//! `fhirsig inspect` of a JWS file rather than a FHIR resource: a compact JWS (`doc sign`'s
//! `.jws`, RFC 7515 §7.1) or a JWS JSON serialization (§7.2), shown as its form, headers and
//! certificates. Nothing is verified.

use std::fmt::Write as _;

use fhirsig_core::fhir::Jws;
use fhirsig_core::jws::{CompactJws, JsonJws};
use fhirsig_jcs::{Document, NodeKind};
use serde_json::json;

use super::{decoded_jws, Form, JwsSignature};

/// A JWS file, decoded.
pub(super) struct BareJws {
    /// Whether it is the JSON serialization.
    json: bool,
    form: Form,
    signatures: Vec<JwsSignature>,
    /// What could not be decoded.
    pub(super) problems: Vec<String>,
}

/// The JWS `bytes` hold, when they are one: text in the compact form's alphabet with two dots,
/// or (`parsed`) a JSON object that is no FHIR resource and has the JSON serialization's
/// `signatures`, or `protected` and `signature`, members. `None` for anything else.
pub(super) fn read(bytes: &[u8], parsed: Option<&Document<'_>>) -> Option<BareJws> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let (json, decoded) = match parsed {
        Some(doc) => {
            let root = doc.root();
            let serialization = root.kind() == NodeKind::Object
                && root.get("resourceType").is_none()
                && (root.get("signatures").is_some()
                    || (root.get("protected").is_some() && root.get("signature").is_some()));
            if !serialization {
                return None;
            }
            (true, JsonJws::parse(text).map(Jws::Json))
        }
        None => {
            let compact = text.bytes().filter(|b| *b == b'.').count() == 2
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !compact {
                return None;
            }
            (
                false,
                CompactJws::parse(text).map(|jws| Jws::Compact(Box::new(jws))),
            )
        }
    };
    let mut problems = Vec::new();
    let (form, signatures) = match decoded {
        Ok(jws) => decoded_jws(&jws, &mut problems),
        Err(e) => {
            problems.push(format!("the JWS cannot be decoded: {e}"));
            (Form::Undecoded, Vec::new())
        }
    };
    Some(BareJws {
        json,
        form,
        signatures,
        problems,
    })
}

/// The report for people.
pub(super) fn human(source: &str, jws: &BareJws) -> String {
    let mut out = String::new();
    let kind = match jws.json {
        true => "a JWS JSON serialization",
        false => "a compact JWS",
    };
    let _ = writeln!(out, "{source}: {kind} (not a FHIR resource)");
    let _ = writeln!(out, "  {:<24}{}", "form", super::text::form_text(&jws.form));
    super::text::signatures_text(&mut out, &jws.form, &jws.signatures);
    for problem in &jws.problems {
        let _ = writeln!(
            out,
            "  {:<24}{}",
            "PROBLEM",
            crate::terminal::escape(problem)
        );
    }
    out
}

/// One JSON line: `type` `jws`, `file`, `form`, `detached`, `signatures` (as for a FHIR
/// signature), `problems`.
pub(super) fn json_line(source: &str, jws: &BareJws) -> String {
    let line = json!({
        "type": "jws",
        "file": source,
        "form": super::json::form_name(&jws.form),
        "detached": super::json::detached(&jws.form),
        "signatures": jws.signatures.iter().map(super::json::jws_json).collect::<Vec<_>>(),
        "problems": jws.problems,
    });
    format!("{line}\n")
}
