//! A FHIR OperationOutcome for failed signature verifications, in the shape CDex CONF-025 asks
//! for when a `$submit-attachment` signature fails (HTTP 400, `business-rule`, the reason).

use fhirsig_jcs::edit::JsonObject;

use super::file_verdict::FileVerdict;
use super::verify::SignatureVerification;
use crate::trust::Outcome;

/// An OperationOutcome (compact JSON) with one `error` issue per signature that did not verify
/// (its deciding check as the reason) and one `warning` issue per warning; `information` when
/// every signature verified.
pub fn operation_outcome(results: &[SignatureVerification]) -> String {
    outcome(results, None)
}

/// As [`operation_outcome`], for a whole file: also a `warning` per carried resource no
/// signature covers, and an `error` when the file does not verify although its signatures do
/// (its subject is not covered, or `require_all_signed` found an unsigned resource).
pub fn file_operation_outcome(results: &[SignatureVerification], verdict: &FileVerdict) -> String {
    outcome(results, Some(verdict))
}

fn outcome(results: &[SignatureVerification], verdict: Option<&FileVerdict>) -> String {
    let mut issues = Vec::new();
    // Whether an error issue was written: an outcome that is not "verified" always has one, so
    // that its body alone (without the HTTP status) tells a failure from a success.
    let mut has_error = false;
    for result in results {
        let location = expression(&result.signature_pointer);
        if !result.verified() {
            has_error = true;
            let reason = result
                .report()
                .checks()
                .iter()
                .find(|c| c.failure().is_some())
                .map_or_else(
                    || {
                        let unmet: Vec<&str> = result.unmet().iter().map(|c| c.as_str()).collect();
                        format!("required checks did not run: {}", unmet.join(", "))
                    },
                    |c| c.message().to_owned(),
                );
            let sub = result
                .report()
                .sub_indication()
                .map_or("not-verified", |s| s.as_str());
            issues.push(
                JsonObject::new()
                    .string("severity", "error")
                    .string("code", "business-rule")
                    .raw(
                        "details",
                        &JsonObject::new()
                            .string(
                                "text",
                                &format!("The signature cannot be verified: {reason}"),
                            )
                            .finish(),
                    )
                    .string(
                        "diagnostics",
                        &format!(
                            "{} ({}); resubmit with a valid digital signature",
                            result.report().indication(),
                            sub
                        ),
                    )
                    .raw("expression", &format!("[{}]", quoted(&location)))
                    .finish(),
            );
        }
        for warning in result
            .report()
            .checks()
            .iter()
            .filter(|c| c.outcome() == Outcome::Warn)
        {
            let at = Some(result.signature_pointer.as_str());
            issues.push(issue("warning", "informational", warning.message(), at));
        }
    }
    if let Some(verdict) = verdict {
        for uncovered in verdict
            .uncovered
            .iter()
            .filter(|u| !u.signed && !u.under_failed_signature)
        {
            let what = if uncovered.resource_type.is_empty() {
                "object (it has no resourceType)"
            } else {
                uncovered.resource_type.as_str()
            };
            let text = format!("this {what} is not covered by a verified signature");
            issues.push(issue(
                "warning",
                "informational",
                &text,
                Some(&uncovered.pointer),
            ));
        }
        let signatures_verified = !results.is_empty() && results.iter().all(|r| r.verified());
        if let (false, true, Some(reason)) = (
            verdict.verified,
            signatures_verified,
            verdict.reason.as_deref(),
        ) {
            let text = format!("The content is not verified: {reason}");
            issues.push(issue("error", "business-rule", &text, None));
            has_error = true;
        }
        if !verdict.verified && !has_error {
            let text = match (results.is_empty(), verdict.reason.as_deref()) {
                (true, Some(reason)) => reason.to_owned(),
                (true, None) => "no signature was found".to_owned(),
                (false, Some(reason)) => format!("The content is not verified: {reason}"),
                (false, None) => "The content is not verified".to_owned(),
            };
            issues.push(issue("error", "business-rule", &text, None));
        }
        if verdict.verified && !issues.is_empty() {
            // Warnings alone would not say that it verified.
            let text = "every signature verified";
            issues.insert(0, issue("information", "informational", text, None));
        }
    }
    if issues.is_empty() {
        let text = if results.is_empty() {
            "no signature was found"
        } else {
            "every signature verified"
        };
        let severity = if results.is_empty() {
            "error"
        } else {
            "information"
        };
        let code = if results.is_empty() {
            "business-rule"
        } else {
            "informational"
        };
        issues.push(
            JsonObject::new()
                .string("severity", severity)
                .string("code", code)
                .raw("details", &JsonObject::new().string("text", text).finish())
                .finish(),
        );
    }
    JsonObject::new()
        .string("resourceType", "OperationOutcome")
        .raw("issue", &format!("[{}]", issues.join(",")))
        .finish()
}

/// One issue: severity, code, `details.text` and, for a JSON Pointer, its location.
fn issue(severity: &str, code: &str, text: &str, pointer: Option<&str>) -> String {
    let mut object = JsonObject::new()
        .string("severity", severity)
        .string("code", code)
        .raw("details", &JsonObject::new().string("text", text).finish());
    if let Some(pointer) = pointer {
        object = object.raw("expression", &format!("[{}]", quoted(&expression(pointer))));
    }
    object.finish()
}

fn quoted(text: &str) -> String {
    let mut out = Vec::new();
    fhirsig_jcs::write_escaped(text, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A FHIRPath-like location from a JSON Pointer: `/parameter/7/part/2/resource/signature` →
/// `parameter[7].part[2].resource.signature`.
fn expression(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        if token.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token.replace("~1", "/").replace("~0", "~"));
        }
    }
    if out.is_empty() {
        "(resource)".to_owned()
    } else {
        out
    }
}
