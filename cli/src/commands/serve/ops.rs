//! The FHIR operations: each takes the request body and query, calls the same core functions
//! as the CLI command it mirrors, and returns a complete reply. They run on blocking threads.

use fhirsig_core::fhir::{
    file_operation_outcome, sign_with_certificates, verify_parsed, write_file_json,
    write_signature_json, FileReport, FileRules, Profile, SignRequest, VerifyOptions,
};
use fhirsig_provenance::{add_to_bundle, Scope};
use serde_json::json;

use super::state::SignerConfig;
use crate::commands::provenance::common::AgentArgs;

/// `application/fhir+json`.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// A complete answer.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Its content type.
    pub content_type: &'static str,
    /// Its body.
    pub body: Vec<u8>,
    /// For metrics and the audit trail: `signed`, `verified`, `not-verified`, `added`,
    /// `rejected`, `ok`.
    pub outcome: &'static str,
}

impl Reply {
    /// A FHIR resource with status 200.
    pub fn fhir(body: impl Into<Vec<u8>>, outcome: &'static str) -> Self {
        Reply {
            status: 200,
            content_type: FHIR_JSON,
            body: body.into(),
            outcome,
        }
    }

    /// An OperationOutcome with one error issue.
    pub fn error(status: u16, code: &str, diagnostics: &str) -> Self {
        let body = json!({
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]
        });
        Reply {
            status,
            content_type: FHIR_JSON,
            body: format!("{body}\n").into_bytes(),
            outcome: "rejected",
        }
    }
}

/// The query, checked against what an operation takes: every parameter must be one of `known`
/// (FHIR's general parameters, `_format`, `_pretty` and any other starting with `_`, are
/// ignored), given once, and those in `booleans` must be `true`, `false` or bare (true). A
/// misspelt or repeated parameter is a 400, never a silent default: a typo in
/// `require-all-signed` must not loosen a verification.
pub fn check_query(query: &str, known: &[&str], booleans: &[&str]) -> Result<(), Reply> {
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key);
        if key.starts_with('_') {
            continue;
        }
        if !known.contains(&key.as_str()) {
            let known = if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            };
            return Err(Reply::error(
                400,
                "not-supported",
                &format!("unknown parameter {key:?} for this operation (it takes: {known})"),
            ));
        }
        if seen.contains(&key) {
            return Err(Reply::error(
                400,
                "invalid",
                &format!("parameter {key:?} is given more than once"),
            ));
        }
        let value = percent_decode(value);
        if booleans.contains(&key.as_str()) && !matches!(value.as_str(), "" | "true" | "false") {
            return Err(Reply::error(
                400,
                "invalid",
                &format!("parameter {key:?} is true or false, not {value:?}"),
            ));
        }
        seen.push(key);
    }
    Ok(())
}

/// A query parameter's value (the last one given), percent-decoded.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
        .next_back()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A body that is not strict JSON: 400 with the parser's message, which names the place, and
/// the JSON Pointer in an extension (`issue.expression` is FHIRPath, not a JSON Pointer).
fn json_error(e: &fhirsig_jcs::ParseError) -> Reply {
    let hint = e
        .hint()
        .map(|h| format!(" (hint: {h})"))
        .unwrap_or_default();
    let body = json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "error", "code": "invalid", "diagnostics": format!("{e}{hint}"),
            "extension": [{"url": "https://fhirsig.example.invalid/StructureDefinition/json-pointer",
                           "valueString": e.pointer()}]
        }]
    });
    Reply {
        status: 400,
        content_type: FHIR_JSON,
        body: format!("{body}\n").into_bytes(),
        outcome: "rejected",
    }
}

/// `POST /fhir/$verify-signature`: every signature in the body, the file verdict; an
/// OperationOutcome (200 verified, 422 not), or the JSON report when `json` is asked for.
pub fn verify(body: &[u8], query: &str, options: &VerifyOptions, json_report: bool) -> Reply {
    if let Err(reply) = check_query(
        query,
        &["pointer", "require-all-signed"],
        &["require-all-signed"],
    ) {
        return reply;
    }
    let doc = match fhirsig_jcs::parse(body) {
        Ok(doc) => doc,
        Err(e) => return json_error(&e),
    };
    let rules = FileRules::under(
        options.policy.as_deref(),
        query_param(query, "pointer"),
        query_param(query, "require-all-signed").is_some_and(|v| v != "false"),
    );
    if let Some(pointer) = &rules.subject {
        if doc.pointer(pointer).is_none() {
            return Reply::error(
                400,
                "invalid",
                &format!("pointer {pointer:?} names nothing in the body"),
            );
        }
    }
    let FileReport {
        signatures: results,
        verdict,
        ..
    } = verify_parsed(&doc, options, &rules);
    let (status, outcome) = if verdict.verified {
        (200, "verified")
    } else {
        (422, "not-verified")
    };
    let body = if json_report {
        let mut out = Vec::with_capacity(4096);
        out.extend_from_slice(b"{\"signatures\":[");
        for (i, result) in results.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_signature_json(&mut out, "request", result);
        }
        out.extend_from_slice(b"],\"file\":");
        write_file_json(&mut out, "request", &verdict, results.len());
        out.extend_from_slice(b"}\n");
        out
    } else {
        (file_operation_outcome(&results, &verdict) + "\n").into_bytes()
    };
    Reply {
        status,
        content_type: if json_report {
            "application/json"
        } else {
            FHIR_JSON
        },
        body,
        outcome,
    }
}

/// `POST /fhir/$sign`: the body signed as `fhirsig sign` signs it with the configured key, at
/// the request's second; query `profile` (cdex, cdex2, r6) and `pointer`.
pub fn sign(body: &[u8], query: &str, signer: &SignerConfig, now: time::OffsetDateTime) -> Reply {
    if let Err(reply) = check_query(query, &["profile", "pointer"], &[]) {
        return reply;
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Reply::error(400, "invalid", "the body is not UTF-8 text");
    };
    let profile = match query_param(query, "profile").as_deref() {
        None => Profile::Cdex,
        Some(name) => match Profile::from_name(name) {
            Some(p) => p,
            None => {
                return Reply::error(
                    400,
                    "invalid",
                    &format!("unknown profile {name:?} (cdex, cdex2, r6)"),
                )
            }
        },
    };
    let request = SignRequest {
        key: signer.key.signer.as_ref(),
        chain: signer.chain.to_der_list(),
        profile,
        signing_time: now,
        who: signer.who.clone(),
        on_behalf_of: None,
        algorithm: None,
        kty_compat: false,
        replace: false,
        exact_header: None,
    };
    match sign_with_certificates(
        text,
        query_param(query, "pointer").as_deref(),
        &request,
        &[],
    ) {
        Ok(signed) => Reply::fhir(signed.text, "signed"),
        Err(fhirsig_core::fhir::SignError::Json(e)) => json_error(&e),
        Err(e) => Reply::error(422, "processing", &e.to_string()),
    }
}

/// `POST /fhir/$provenance`: the Bundle with a Provenance entry (or one per entry), as
/// `fhirsig provenance for-bundle`; query `profile`, `author`, `author-org`, `transmitter`,
/// `per-entry`; `recorded` is the request's time.
pub fn provenance(body: &[u8], query: &str, now: &str) -> Reply {
    const KNOWN: [&str; 7] = [
        "profile",
        "author",
        "author-org",
        "transmitter",
        "occurred",
        "source-format",
        "per-entry",
    ];
    if let Err(reply) = check_query(query, &KNOWN, &["per-entry"]) {
        return reply;
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Reply::error(400, "invalid", "the body is not UTF-8 text");
    };
    let profile = match query_param(query, "profile")
        .as_deref()
        .unwrap_or("us-core")
        .parse()
    {
        Ok(profile) => profile,
        Err(_) => return Reply::error(400, "invalid", "profile must be us-core, hrex or pdex"),
    };
    let agents = AgentArgs {
        profile,
        author: query_param(query, "author"),
        author_org: query_param(query, "author-org"),
        transmitter: query_param(query, "transmitter"),
        recorded: Some(now.to_owned()),
        occurred: query_param(query, "occurred"),
        source_format: query_param(query, "source-format"),
    };
    let template = match agents.template() {
        Ok(t) => t,
        Err(e) => return Reply::error(400, "invalid", &e.to_string()),
    };
    let scope = if query_param(query, "per-entry").is_some_and(|v| v != "false") {
        Scope::PerEntry
    } else {
        Scope::WholeBundle
    };
    // The added entries are part of what a Bundle.signature signs: the reply would carry a
    // signature that no longer verifies, and no one reads a server's warnings.
    let broken = crate::commands::provenance::common::whole_bundle_signatures(body);
    if !broken.is_empty() {
        return Reply::error(
            422,
            "processing",
            &format!(
                "the Bundle carries {}, which added Provenance entries would break (it signs \
                 every entry); add Provenance before signing, or remove the signature first",
                broken.join(" and ")
            ),
        );
    }
    match add_to_bundle(text, &template, scope) {
        Ok(out) => Reply::fhir(out, "added"),
        Err(fhirsig_provenance::TemplateError::Json(e)) => json_error(&e),
        Err(e) => Reply::error(422, "processing", &e.to_string()),
    }
}

/// `GET /fhir/metadata`: the CapabilityStatement, with the operations' definitions contained.
pub fn metadata(signing: bool, now: &str) -> Reply {
    let parameter = |name: &str, use_: &str, min: u32, max: &str, kind: &str, doc: &str| json!({"name": name, "use": use_, "min": min, "max": max, "type": kind, "documentation": doc});
    let definition = |id: &str,
                      code: &str,
                      description: &str,
                      parameters: Vec<serde_json::Value>| {
        json!({
            "resourceType": "OperationDefinition", "id": id, "status": "active", "kind": "operation",
            "name": code, "code": code, "system": true, "type": false, "instance": false,
            "description": description, "parameter": parameters
        })
    };
    let mut contained = vec![definition(
        "verify-signature",
        "verify-signature",
        "Verifies every signature in the posted resource (CDex, R6 and Provenance signatures): JWS, the CDex rules, the certificate chain against the server's trust anchors, the signer's identity. 200 with an OperationOutcome when the file verifies, 422 when it does not, 400 for a body that is not strict JSON. Accept: application/json answers the JSON report.",
        vec![
            parameter("resource", "in", 1, "1", "Resource", "the posted body"),
            parameter("pointer", "in", 0, "1", "string", "JSON Pointer of the object the file is about"),
            parameter("require-all-signed", "in", 0, "1", "boolean", "fail when a resource is not covered by a verified signature"),
            parameter("return", "out", 1, "1", "OperationOutcome", "the verdict and every check"),
        ],
    ),
    definition(
        "provenance",
        "provenance",
        "Adds US Core / HRex / PDex Provenance entries to the posted Bundle (as `fhirsig provenance for-bundle`).",
        vec![
            parameter("resource", "in", 1, "1", "Bundle", "the posted body"),
            parameter("profile", "in", 0, "1", "code", "us-core (default), hrex or pdex"),
            parameter("author", "in", 0, "1", "string", "the author reference"),
            parameter("author-org", "in", 0, "1", "string", "the organisation the author acts for"),
            parameter("transmitter", "in", 0, "1", "string", "the transmitter reference"),
            parameter("per-entry", "in", 0, "1", "boolean", "one Provenance per entry"),
            parameter("return", "out", 1, "1", "Bundle", "the Bundle with its Provenance"),
        ],
    )];
    let mut operations = vec![
        json!({"name": "verify-signature", "definition": "#verify-signature"}),
        json!({"name": "provenance", "definition": "#provenance"}),
    ];
    if signing {
        contained.push(definition(
            "sign",
            "sign",
            "Signs the posted Bundle or QuestionnaireResponse with the server's key (CDex detached JWS in Signature.data, x5c, sigT, srCms), byte for byte as `fhirsig sign` does at the same second.",
            vec![
                parameter("resource", "in", 1, "1", "Resource", "the posted body"),
                parameter("profile", "in", 0, "1", "code", "cdex (default), cdex2 or r6"),
                parameter("pointer", "in", 0, "1", "string", "JSON Pointer of the object to sign"),
                parameter("return", "out", 1, "1", "Resource", "the signed resource"),
            ],
        ));
        operations.insert(0, json!({"name": "sign", "definition": "#sign"}));
    }
    let statement = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now,
        "kind": "instance",
        "software": {"name": "fhirsig", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": "fhirsig serve: FHIR signatures and Provenance"},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "contained": contained,
        "rest": [{"mode": "server", "operation": operations}]
    });
    Reply::fhir(format!("{statement}\n"), "ok")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters() {
        assert_eq!(
            query_param("profile=r6&pointer=%2Fitem%2F0", "pointer").as_deref(),
            Some("/item/0")
        );
        assert_eq!(query_param("a=1&a=2", "a").as_deref(), Some("2"));
        assert_eq!(query_param("per-entry", "per-entry").as_deref(), Some(""));
        assert_eq!(query_param("x=%zz%4", "x").as_deref(), Some("%zz%4"));
        assert_eq!(query_param("", "x"), None);
    }

    #[test]
    fn misspelt_repeated_or_non_boolean_parameters_are_refused() {
        let known = ["pointer", "require-all-signed"];
        let booleans = ["require-all-signed"];
        let status = |query: &str| {
            check_query(query, &known, &booleans)
                .err()
                .map(|r| r.status)
        };
        for good in [
            "",
            "require-all-signed",
            "require-all-signed=true",
            "require-all-signed=false",
            "pointer=%2Fentry%2F0&require-all-signed=true",
            "_format=json&_pretty=true",
            "&&pointer=/a",
        ] {
            assert_eq!(status(good), None, "{good}");
        }
        for bad in [
            "require_all_signed=true",
            "Require-All-Signed=true",
            "require-all-signed=true&require-all-signed=false",
            "require-all-signed=yes",
            "require-all-signed=0",
            "profile=cdex",
            "pointer=/a&pointer=/b",
        ] {
            assert_eq!(status(bad), Some(400), "{bad}");
        }
        // A percent-encoded name is the name.
        assert_eq!(status("require%2Dall%2Dsigned=true"), None);
        let reply = check_query("requir-all-signed=true", &known, &booleans).unwrap_err();
        let body = String::from_utf8(reply.body).unwrap();
        assert!(
            body.contains("unknown parameter \\\"requir-all-signed\\\""),
            "{body}"
        );
    }
}
