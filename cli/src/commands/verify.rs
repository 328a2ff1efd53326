//! `fhirsig verify`: verify every FHIR JSON signature in one or more files.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use fhirsig_core::fhir::{
    operation_outcome, verify_document, Profile, SignatureKind, SignatureVerification,
    VerifyOptions,
};
use fhirsig_core::jws::AlgorithmPolicy;
use fhirsig_core::payload::SignedObject;
use fhirsig_core::trust::Outcome;
use serde_json::json;

use crate::error::{json_error, CliError, Status};
use crate::io::{read_input, write_stdout};
use crate::trust_inputs::{instant, time_policy, validator};

/// Arguments of `fhirsig verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig verify signed.json --trust roots.pem
  fhirsig verify attachment.json --trust ./anchors/ --crl ca.crl --at 2026-06-01T00:00:00Z
  fhirsig verify signed.json --trust roots.pem --json        one JSON object per signature
  fhirsig verify signed.json --trust roots.pem --outcome     a FHIR OperationOutcome

Every signature in each file is verified: Bundle.signature, QuestionnaireResponse and item
signature extensions, also inside $submit-attachment Parameters and contained resources.
Without --trust no signer is trusted, so nothing verifies (the report says why).
Exit status: 0 every signature verified; 1 a signature did not verify, or a file has none;
2 bad input or usage.")]
pub struct VerifyArgs {
    /// FHIR JSON files; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Trust anchors: a PEM file, or a folder of .pem/.crt/.cer files (repeatable).
    #[arg(long, value_name = "PEM|DIR")]
    trust: Vec<PathBuf>,

    /// A CRL (PEM or DER) to check revocation with (repeatable).
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,

    /// Verify as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,

    /// Validate certificates at the verification time (now or --at) or at the signed sigT.
    #[arg(long, value_name = "POLICY", default_value = "now", value_parser = ["now", "sigt"])]
    time_policy: String,

    /// Hold signatures to this profile, or detect it from each signature.
    #[arg(long, value_name = "PROFILE", default_value = "auto", value_parser = ["auto", "cdex", "cdex2", "r6"])]
    profile: String,

    /// Print JSON Lines: one object per signature (see docs/cli.md for the schema).
    #[arg(long, conflicts_with = "outcome")]
    json: bool,

    /// Print a FHIR OperationOutcome per file (CDex CONF-025 shape).
    #[arg(long)]
    outcome: bool,

    /// Show every check, not only the ones that did not pass.
    #[arg(short, long)]
    verbose: bool,
}

/// Runs `fhirsig verify`.
pub fn run(args: VerifyArgs) -> Result<Status, CliError> {
    let options = VerifyOptions {
        profile: Profile::from_name(&args.profile),
        algorithms: AlgorithmPolicy::default(),
        validator: validator(&args.trust, &args.crl)?,
        verification_time: instant(args.at.as_deref())?,
        time_policy: time_policy(&args.time_policy),
    };
    let mut all_verified = true;
    for path in &args.files {
        let input = read_input(path)?;
        let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
        let results = verify_document(&doc, &options);
        if results.is_empty() || !results.iter().all(SignatureVerification::verified) {
            all_verified = false;
        }
        let text = if args.json {
            json_lines(&input.name, &results)
        } else if args.outcome {
            operation_outcome(&results) + "\n"
        } else {
            human(&input.name, &results, args.verbose)
        };
        write_stdout(text.as_bytes())?;
    }
    Ok(if all_verified {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}

fn object_name(object: SignedObject) -> &'static str {
    match object {
        SignedObject::Bundle => "Bundle",
        SignedObject::QuestionnaireResponse => "QuestionnaireResponse",
        SignedObject::QuestionnaireResponseItem => "QuestionnaireResponse item",
        _ => "object",
    }
}

fn human(source: &str, results: &[SignatureVerification], verbose: bool) -> String {
    let mut out = String::new();
    if results.is_empty() {
        let _ = writeln!(out, "{source}: no signature found");
        return out;
    }
    for result in results {
        let place = if result.pointer.is_empty() {
            "/".to_owned()
        } else {
            result.pointer.clone()
        };
        let verdict = match (&result.kind, result.verified()) {
            (SignatureKind::Electronic { sig_format }, _) => {
                format!("electronic signature ({sig_format}), not a digital signature")
            }
            (_, true) => "verified".to_owned(),
            (_, false) => format!(
                "NOT VERIFIED ({}/{})",
                result.report.indication(),
                result.report.sub_indication().map_or("-", |s| s.as_str())
            ),
        };
        let profile = result.profile.map_or(String::new(), |p| format!(", {p}"));
        let _ = writeln!(
            out,
            "{source}: {place} {}{profile}: {verdict}",
            object_name(result.object)
        );
        if let Some(signer) = &result.signer {
            let ids: Vec<String> = signer
                .identifiers
                .iter()
                .map(|(s, v)| format!("{v} ({s})"))
                .collect();
            let ids = if ids.is_empty() {
                String::new()
            } else {
                format!("; {}", ids.join(", "))
            };
            let _ = writeln!(out, "  signer   {}{ids}", signer.subject);
        }
        if let Some(sig_t) = &result.sig_t {
            let _ = writeln!(out, "  sigT     {sig_t}");
        }
        for check in result.report.checks() {
            if !verbose && check.outcome() == Outcome::Pass {
                continue;
            }
            let _ = writeln!(
                out,
                "  {:<11} {:<24} {}",
                check.outcome().as_str(),
                check.code(),
                check.message()
            );
        }
    }
    out
}

fn json_lines(source: &str, results: &[SignatureVerification]) -> String {
    let mut out = String::new();
    if results.is_empty() {
        let line =
            json!({"file": source, "verified": false, "indication": "no-signature", "checks": []});
        let _ = writeln!(out, "{line}");
    }
    for result in results {
        let checks: Vec<serde_json::Value> = result
            .report
            .checks()
            .iter()
            .map(|c| {
                let evidence: serde_json::Map<String, serde_json::Value> = c
                    .evidence()
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect();
                json!({
                    "code": c.code(),
                    "outcome": c.outcome().as_str(),
                    "subIndication": c.failure().map(|(_, s)| s.as_str()),
                    "message": c.message(),
                    "evidence": evidence,
                })
            })
            .collect();
        let line = json!({
            "file": source,
            "pointer": result.pointer,
            "signaturePointer": result.signature_pointer,
            "object": object_name(result.object),
            "profile": result.profile.map(|p| p.name()),
            "kind": match result.kind { SignatureKind::Electronic { .. } => "electronic", _ => "digital" },
            "verified": result.verified(),
            "indication": result.report.indication().as_str(),
            "subIndication": result.report.sub_indication().map(|s| s.as_str()),
            "signer": result.signer.as_ref().map(|s| json!({
                "subject": s.subject,
                "identifiers": s.identifiers.iter().map(|(sys, v)| json!({"system": sys, "value": v})).collect::<Vec<_>>(),
            })),
            "sigT": result.sig_t,
            "payloadSha256": result.payload_sha256,
            "checks": checks,
        });
        let _ = writeln!(out, "{line}");
    }
    out
}
