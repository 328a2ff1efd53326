//! How `cert verify` shows a validation: a human-readable text, or one JSON object (the schema
//! is documented in `docs/cli-cert.md`).

use std::fmt::Write as _;

use fhirsig_core::trust::{format_rfc3339, Certificate, Check, Outcome, Report};
use serde_json::{json, Value};

use crate::fingerprint::{colon_hex, hex, sha256};
use crate::terminal::escape;

/// A finished validation, ready to show.
pub struct Validation<'a> {
    /// The checks and the indication.
    pub report: &'a Report,
    /// The certificates as given, signer first.
    pub chain: Vec<&'a Certificate>,
    /// The instant certificates were judged at (RFC 3339).
    pub validation_time: String,
    /// The time policy's kebab-case name.
    pub time_policy: &'static str,
    /// The validation policy's name.
    pub policy: &'a str,
}

/// The text report: the indication, one line per check, then the chain.
pub fn text(v: &Validation<'_>) -> String {
    let indication = v.report.indication().as_str().to_ascii_uppercase();
    let mut out = match v.report.sub_indication() {
        Some(sub) => format!("{indication}: {sub}\n"),
        None => format!("{indication}\n"),
    };
    for check in v.report.checks() {
        let outcome = match check.outcome() {
            Outcome::NotChecked => "not checked",
            other => other.as_str(),
        };
        // The outcome column already says "not checked"; the library's message may repeat it.
        let message = check.message();
        let message = message.strip_prefix("not checked: ").unwrap_or(message);
        let _ = write!(
            out,
            "  {outcome:<11}  {}: {}",
            check.code(),
            escape(message)
        );
        if let Some(waived) = check.waived() {
            let _ = write!(
                out,
                " (was {}; level {})",
                waived.outcome.as_str(),
                check.level()
            );
        }
        match check.evidence_value("certificate") {
            Some(subject) => {
                let _ = writeln!(out, " [{}]", escape(subject));
            }
            None => out.push('\n'),
        }
    }
    let _ = writeln!(
        out,
        "chain (as given, signer first; validated at {}, time policy {}, validation policy {}):",
        v.validation_time,
        v.time_policy,
        escape(v.policy)
    );
    for (index, cert) in v.chain.iter().enumerate() {
        let _ = writeln!(out, "  [{index}] subject  {}", escape(&cert.subject()));
        let _ = writeln!(out, "      issuer   {}", escape(&cert.issuer()));
        let _ = writeln!(
            out,
            "      valid    {} to {}",
            format_rfc3339(cert.not_before()),
            format_rfc3339(cert.not_after())
        );
        let _ = writeln!(out, "      serial   {}", cert.serial_hex());
        let _ = writeln!(out, "      SHA-256  {}", colon_hex(&sha256(cert.der())));
    }
    out
}

/// The JSON report: one object, on one line.
pub fn json(v: &Validation<'_>) -> Value {
    json!({
        "indication": v.report.indication().as_str(),
        "subIndication": v.report.sub_indication().map(|s| s.as_str()),
        "validationTime": v.validation_time,
        "timePolicy": v.time_policy,
        "policy": v.policy,
        "checks": v.report.checks().iter().map(check_json).collect::<Vec<_>>(),
        "chain": v.chain.iter().map(|c| cert_json(c)).collect::<Vec<_>>(),
    })
}

/// A check in the core's one JSON form (the one `verify --json` writes).
fn check_json(check: &Check) -> Value {
    let mut out = Vec::new();
    fhirsig_core::fhir::write_check_json(&mut out, check);
    serde_json::from_slice(&out).unwrap_or(Value::Null)
}

fn cert_json(cert: &Certificate) -> Value {
    json!({
        "subject": cert.subject(),
        "issuer": cert.issuer(),
        "serialNumber": cert.serial_hex(),
        "notBefore": format_rfc3339(cert.not_before()),
        "notAfter": format_rfc3339(cert.not_after()),
        "sha256": hex(&sha256(cert.der())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_formatted_both_ways() {
        assert_eq!(hex(&[0x0a, 0xff]), "0aff");
        assert_eq!(colon_hex(&[0x0a, 0xff]), "0A:FF");
    }
}
