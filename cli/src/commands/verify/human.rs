//! What `fhirsig verify` prints for people: a verdict line per signature, the checks that did
//! not simply pass, the resources no signature covers, the file verdict; colour on a terminal;
//! every string that came from the input escaped.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use fhirsig_core::fhir::{FileVerdict, SignatureKind, SignatureVerification};
use fhirsig_core::report::CheckCode;
use fhirsig_core::trust::Outcome;

use crate::terminal::escape;

/// The width of the check-code column: the longest code, so that messages line up.
fn code_width() -> usize {
    CheckCode::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(24)
}

/// Why a signature is not verified, in a few words: `failed/sig-crypto-failure`, or the
/// required checks that did not run (`not checked: signer-identity`).
pub(crate) fn not_verified_reason(result: &SignatureVerification) -> String {
    let report = result.report();
    match report.sub_indication() {
        Some(sub) => format!("{}/{}", report.indication(), sub.as_str()),
        None if matches!(result.kind, SignatureKind::Electronic { .. }) => {
            "electronic, not digital".to_owned()
        }
        None => format!(
            "not checked: {}",
            result
                .unmet()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// ANSI colour for people on a terminal: off with NO_COLOR, TERM=dumb, a pipe, or --json.
pub struct Style {
    on: bool,
}

impl Style {
    pub(super) fn new(choice: &str, machine_output: bool) -> Self {
        let on = match choice {
            "always" => true,
            "never" => false,
            _ => {
                !machine_output
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Style { on }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(super) fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub(super) fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }

    pub(super) fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }
}

pub(super) fn human(
    source: &str,
    results: &[SignatureVerification],
    verdict: &FileVerdict,
    verbose: bool,
    style: &Style,
) -> String {
    // Everything below that came from the input (names, pointers, certificate fields, header
    // values, messages quoting them) is escaped: a control character must not reach a terminal.
    let source = escape(source);
    let mut out = String::new();
    if results.is_empty() {
        match verdict.reason.as_deref() {
            Some(reason) if reason.starts_with("not a FHIR resource") => {
                let _ = writeln!(out, "{source}: {reason}");
            }
            _ => {
                let _ = writeln!(out, "{source}: no signature found");
            }
        }
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
                format!(
                    "electronic signature ({}), not a digital signature",
                    escape(sig_format)
                )
            }
            (_, true) => style.good("verified"),
            (_, false) => style.bad(&format!("NOT VERIFIED ({})", not_verified_reason(result))),
        };
        let profile = result.profile.map_or(String::new(), |p| format!(", {p}"));
        let entry = result.jws_entry.map_or(String::new(), |e| {
            format!(" (signer {} of {})", e.index + 1, e.count)
        });
        let _ = writeln!(
            out,
            "{source}: {} {}{profile}{entry}: {verdict}",
            escape(&place),
            result.object.name()
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
            let _ = writeln!(
                out,
                "  signer   {}",
                escape(&format!("{}{ids}", signer.subject))
            );
        }
        if let Some(sig_t) = &result.sig_t {
            let _ = writeln!(out, "  sigT     {}", escape(sig_t));
        }
        // The policy is named when it is not the profile's own or when it waived something, so
        // an auditor sees by which rules a verdict was reached.
        let waived = result
            .report()
            .checks()
            .iter()
            .filter(|c| c.waived().is_some())
            .count();
        if let Some(policy) = &result.policy {
            let default = result
                .profile
                .map(|p| fhirsig_core::Policy::for_profile(p).name().to_owned());
            if waived > 0 || default.as_deref() != Some(policy.as_str()) {
                let note = match waived {
                    0 => String::new(),
                    n => format!(" ({n} check(s) lowered from fail by the policy)"),
                };
                let _ = writeln!(out, "  policy   {}{note}", escape(policy));
            }
        }
        for check in result.report().checks() {
            if !verbose && check.outcome() == Outcome::Pass {
                continue;
            }
            let label = format!("{:<11}", check.outcome().as_str());
            let label = match check.outcome() {
                Outcome::Fail => style.bad(&label),
                Outcome::Warn => style.warn(&label),
                _ => label,
            };
            // The certificate a revocation line is about (a path has several).
            let about = match (check.code(), check.evidence_value("certificate")) {
                (CheckCode::RevocationStatus, Some(subject)) => format!(" [{}]", escape(subject)),
                _ => String::new(),
            };
            let lowered = match check.waived() {
                Some(w) => format!(" (was {}; level {})", w.outcome.as_str(), check.level()),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {label} {:<width$} {}{about}{lowered}",
                check.code().as_str(),
                escape(check.message()),
                width = code_width(),
            );
        }
    }
    // Signed objects whose signature failed are reported above; name what nothing signs.
    for uncovered in verdict
        .uncovered
        .iter()
        .filter(|u| !u.signed && !u.under_failed_signature)
    {
        let place = if uncovered.pointer.is_empty() {
            "/"
        } else {
            &uncovered.pointer
        };
        let _ = writeln!(
            out,
            "{source}: {} {}: {}",
            escape(place),
            escape(&uncovered.resource_type),
            style.warn("UNSIGNED: no signature covers it")
        );
    }
    let _ = match &verdict.reason {
        None => writeln!(out, "{source}: file {}", style.good("verified")),
        Some(reason) => writeln!(
            out,
            "{source}: file {}: {}",
            style.bad("NOT VERIFIED"),
            escape(reason)
        ),
    };
    out
}
