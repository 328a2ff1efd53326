//! The audit trail: one JSON line per sign, verify and Provenance request (`--audit-log`), and
//! optionally one FHIR AuditEvent per request (`--audit-event-log`, NDJSON) with DICOM / ATNA
//! codes, as an EHR's HIPAA audit expects. Neither ever holds a token, a PIN or a body.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

use serde_json::json;

use crate::error::CliError;

/// One audited request.
pub struct Entry<'a> {
    /// When it was answered (RFC 3339).
    pub time: &'a str,
    /// Who asked: `anonymous`, `token:ID` (first bytes of the token's SHA-256), plus the client
    /// certificate's subject under mutual TLS.
    pub caller: &'a str,
    /// The client's address.
    pub remote: &'a str,
    /// `sign`, `verify-signature` or `provenance`.
    pub operation: &'a str,
    /// SHA-256 of the request body, hex.
    pub body_sha256: &'a str,
    /// `signed`, `verified`, `not-verified`, `rejected`.
    pub outcome: &'a str,
    /// The HTTP status answered.
    pub status: u16,
}

/// Where audit records go.
#[derive(Default)]
pub struct Audit {
    lines: Option<Mutex<File>>,
    events: Option<Mutex<File>>,
}

fn open(path: &Path) -> Result<Mutex<File>, CliError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(Mutex::new)
        .map_err(|e| CliError::input(format!("cannot open the audit log {}: {e}", path.display())))
}

impl Audit {
    /// Opens the logs for appending (created when missing; never truncated).
    pub fn open(lines: Option<&Path>, events: Option<&Path>) -> Result<Self, CliError> {
        Ok(Self {
            lines: lines.map(open).transpose()?,
            events: events.map(open).transpose()?,
        })
    }

    /// Appends the entry to each configured log. A failed write is reported on standard error
    /// and does not fail the request (the answer has been computed).
    pub fn record(&self, entry: &Entry<'_>) {
        if let Some(file) = &self.lines {
            let line = json!({
                "time": entry.time, "caller": entry.caller, "remote": entry.remote,
                "operation": entry.operation, "bodySha256": entry.body_sha256,
                "outcome": entry.outcome, "status": entry.status,
            });
            write_line(file, &line.to_string());
        }
        if let Some(file) = &self.events {
            write_line(file, &audit_event(entry).to_string());
        }
    }
}

fn write_line(file: &Mutex<File>, line: &str) {
    let Ok(mut file) = file.lock() else { return };
    if let Err(e) = writeln!(file, "{line}") {
        crate::io::diagnostic("warning", &format!("audit log write failed: {e}"));
    }
}

/// A FHIR R4 AuditEvent: DICOM 110106 Export for a signature made (signed data leaves the
/// EHR), 110107 Import for a verification (received data checked), 110106 for a Provenance
/// added; subtype the FHIR RESTful operation; outcome 0 success, 4 a signature that failed,
/// 8 a request refused.
fn audit_event(entry: &Entry<'_>) -> serde_json::Value {
    const DCM: &str = "http://dicom.nema.org/resources/ontology/DCM";
    let (code, display) = match entry.operation {
        "verify-signature" => ("110107", "Import"),
        _ => ("110106", "Export"),
    };
    let outcome = match entry.outcome {
        "signed" | "verified" | "added" => "0",
        "not-verified" => "4",
        _ => "8",
    };
    json!({
        "resourceType": "AuditEvent",
        "type": {"system": DCM, "code": code, "display": display},
        "subtype": [{"system": "http://hl7.org/fhir/restful-interaction", "code": "operation",
                     "display": format!("${}", entry.operation)}],
        "action": "E",
        "recorded": entry.time,
        "outcome": outcome,
        "outcomeDesc": format!("{} (HTTP {})", entry.outcome, entry.status),
        "agent": [{
            "type": {"coding": [{"system": DCM, "code": "110153", "display": "Source Role ID"}]},
            "who": {"identifier": {"value": entry.caller}},
            "requestor": true,
            "network": {"address": entry.remote, "type": "2"}
        }],
        "source": {
            "observer": {"display": "fhirsig serve"},
            "type": [{"system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                      "code": "4", "display": "Application Server"}]
        },
        "entity": [{
            "what": {"identifier": {"system": "urn:ietf:rfc:3986",
                                    "value": format!("urn:sha256:{}", entry.body_sha256)}},
            "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                     "code": "2", "display": "System Object"}
        }]
    })
}
