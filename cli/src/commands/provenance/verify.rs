//! `fhirsig provenance verify`: every Provenance signature of a file.

use std::path::PathBuf;

use clap::Args;
use fhirsig_core::fhir::{
    unchecked_provenances, unsigned_provenances, verify_provenance_signatures, write_signature_json,
};
use fhirsig_core::trust::Outcome;

use super::common::with_newline;
use crate::error::{json_error, CliError, Status};
use crate::inputs::trust::TrustArgs;
use crate::io::{read_input, write_stdout};
use crate::terminal::escape;

/// Arguments of `fhirsig provenance verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance verify signed.json --trust root-ca.cert.pem
  fhirsig provenance verify signed.json --trust root.pem --crl ca.crl.pem --at 2026-06-02T00:00:00Z --json

Targets are found in the same Bundle (fullUrl or Type/id; #/ is the Bundle itself); each must
name exactly one entry. Each signature is checked as a Bundle signature is: the JWS header, the
targets' bytes, the signature value, the chain to --trust, Signature.who against the
certificate, Signature.when against sigT and Signature.type against srCms. Without --trust the
signer is not trusted, so nothing verifies (the report says why).
A Provenance without a signature is listed as UNSIGNED, and one elsewhere than the root or the
Bundle's entries (contained, in a nested Bundle) as NOT CHECKED; either keeps the file from
verifying.
Exit status: 0 every Provenance signed and every signature verified, 1 one did not (or none
found), 2 bad input.")]
pub struct VerifyArgs {
    /// A Bundle (or Provenance) carrying Provenance signatures; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,

    /// Trust anchors, CRLs, intermediates, EKUs and the verification instant.
    #[command(flatten)]
    trust: TrustArgs,

    /// Write the reports as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig provenance verify`.
pub fn run(args: VerifyArgs) -> Result<Status, CliError> {
    let options = args.trust.options(None)?;
    let input = read_input(&args.file)?;
    let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
    let results = verify_provenance_signatures(&doc, &options);
    let unsigned = unsigned_provenances(&doc);
    let unchecked = unchecked_provenances(&doc);
    let all_verified = !results.is_empty()
        && unsigned.is_empty()
        && unchecked.is_empty()
        && results.iter().all(|r| r.verified());
    let text = if args.json {
        let mut out = b"{\"file\":".to_vec();
        fhirsig_jcs::write_escaped(&input.name, &mut out);
        out.extend_from_slice(b",\"signatures\":[");
        for (i, result) in results.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_signature_json(&mut out, &input.name, result);
        }
        out.extend_from_slice(b"],\"unsigned\":");
        fhirsig_jcs::write_string_array(&unsigned, &mut out);
        out.extend_from_slice(b",\"unchecked\":");
        fhirsig_jcs::write_string_array(&unchecked, &mut out);
        out.extend_from_slice(b",\"verified\":");
        out.extend_from_slice(if all_verified { b"true" } else { b"false" });
        out.push(b'}');
        String::from_utf8_lossy(&out).into_owned()
    } else {
        let mut lines = Vec::new();
        for r in &results {
            let report = r.report();
            let verdict = if r.verified() {
                "verified".to_owned()
            } else {
                format!(
                    "NOT VERIFIED ({})",
                    crate::commands::verify::not_verified_reason(r)
                )
            };
            lines.push(format!("{}: {verdict}", escape(&r.signature_pointer)));
            if let Some(signer) = &r.signer {
                lines.push(format!("  signer   {}", escape(&signer.subject)));
            }
            if !r.coverage.signed.is_empty() {
                let shown: Vec<&str> = r
                    .coverage
                    .signed
                    .iter()
                    .map(|p| if p.is_empty() { "/" } else { p.as_str() })
                    .collect();
                lines.push(format!("  covers   {}", shown.join(", ")));
            }
            for c in report
                .checks()
                .iter()
                .filter(|c| c.outcome() != Outcome::Pass)
            {
                lines.push(format!("  {}", escape(&c.to_string())));
            }
        }
        for pointer in &unsigned {
            lines.push(format!(
                "{}: UNSIGNED Provenance: it carries no signature, so nothing vouches for what \
                 it says",
                escape(if pointer.is_empty() { "/" } else { pointer })
            ));
        }
        for pointer in &unchecked {
            lines.push(format!(
                "{}: NOT CHECKED Provenance: only Provenance at the root or in the Bundle's \
                 entries is verified, so this one's claims are vouched for by nothing checked",
                escape(pointer)
            ));
        }
        if results.is_empty() {
            lines.push(format!(
                "{}: no Provenance signature found",
                escape(&input.name)
            ));
        }
        lines.join("\n")
    };
    write_stdout(&with_newline(text))?;
    Ok(if all_verified {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}
