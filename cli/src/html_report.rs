//! `fhirsig verify --html REPORT.html`: a self-contained audit report (inline CSS and SVG, no
//! scripts, no external assets) that opens offline: a summary, then for each signature its
//! checks, its certificate chain and a time line of `sigT` against the certificates' validity.

use std::fmt::Write as _;

use fhirsig_core::fhir::{FileVerdict, SignatureKind, SignatureVerification};
use fhirsig_core::trust::{format_rfc3339, Outcome};
use rustls_pki_types::UnixTime;

/// What one record (file or NDJSON line) came to, for the report.
pub enum ReportRecord {
    /// Its signatures (none: unsigned) and the verdict for the record as a whole.
    Verified(String, Vec<SignatureVerification>, FileVerdict),
    /// It could not be read or parsed.
    Error(String, String),
}

/// How the run was configured, shown at the top.
pub struct RunFacts {
    /// The verification time.
    pub verification_time: UnixTime,
    /// `now` or `sigt`.
    pub time_policy: String,
    /// Whether trust anchors were given.
    pub anchors: bool,
    /// Trust anchor files, as named.
    pub trust: Vec<String>,
}

/// `text` as HTML text or an attribute value: first made visible as on a terminal (controls and
/// bidi controls become `\x1b` or `\u{202e}`, see [`crate::terminal::escape`]: the report
/// may be read with `less` or `cat`, and in a browser a bidi override would still reverse
/// the text after it), then HTML-escaped.
fn esc(text: &str) -> String {
    let text = crate::terminal::escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:72rem;color:#1d232a;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:0}
.meta{color:#5a6570;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem}
th,td{border-bottom:1px solid #e3e7eb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f8;font-weight:600}
td.code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}
section.sig{border:1px solid #d5dbe1;border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0}
.badge{display:inline-block;border-radius:999px;padding:.1rem .7rem;font-weight:600;font-size:.85rem}
.pass,.b-pass{color:#116329}.fail,.b-fail{color:#a40e26}.warn{color:#8a5a00}.not-checked{color:#5a6570}
.b-pass{background:#dafbe1}.b-fail{background:#ffebe9}.b-other{background:#fff8c5;color:#6b4b00}
.ev{color:#5a6570;font-size:.85rem;word-break:break-all}
.kv td:first-child{width:11rem;color:#5a6570}
.summary td:nth-child(2){font-weight:600}
svg text{font:12px system-ui,sans-serif}
details summary{cursor:pointer;color:#116329;margin:.4rem 0}
";

/// The whole report as one HTML document.
pub fn render(records: &[ReportRecord], facts: &RunFacts) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>fhirsig verification report</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = writeln!(
        out,
        "<h1>fhirsig verification report</h1><p class=\"meta\">Verified as of {} · certificates validated at: {} · trust anchors: {} · fhirsig {}</p>",
        esc(&format_rfc3339(facts.verification_time)),
        if facts.time_policy == "sigt" { "the signing time (sigT)" } else { "the verification time" },
        if facts.anchors { esc(&facts.trust.join(", ")) } else { "none given (no signer is trusted)".to_owned() },
        env!("CARGO_PKG_VERSION"),
    );
    summary(&mut out, records);
    for record in records {
        match record {
            ReportRecord::Error(name, message) => {
                let _ = writeln!(
                    out,
                    "<section class=\"sig\"><h2>{}</h2><p><span class=\"badge b-fail\">unreadable</span> {}</p></section>",
                    esc(name),
                    esc(message)
                );
            }
            ReportRecord::Verified(name, results, _) if results.is_empty() => {
                let _ = writeln!(
                    out,
                    "<section class=\"sig\"><h2>{}</h2><p><span class=\"badge b-other\">no signature</span> nothing in this record is signed</p></section>",
                    esc(name)
                );
            }
            ReportRecord::Verified(name, results, file) => {
                for result in results {
                    signature(&mut out, name, result, facts.verification_time);
                }
                file_verdict(&mut out, name, file);
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// The verdict for one record: verified, or why not, and the resources no signature covers.
fn file_verdict(out: &mut String, name: &str, file: &FileVerdict) {
    let verdict = match &file.reason {
        None => "<span class=\"badge b-pass\">file verified</span>".to_owned(),
        Some(reason) => format!(
            "<span class=\"badge b-fail\">file not verified</span> {}",
            esc(reason)
        ),
    };
    let uncovered: Vec<String> = file
        .uncovered
        .iter()
        .filter(|u| !u.signed && !u.under_failed_signature)
        .map(|u| {
            let place = if u.pointer.is_empty() {
                "/"
            } else {
                &u.pointer
            };
            format!(
                "<li><code>{}</code> {}: unsigned</li>",
                esc(place),
                esc(&u.resource_type)
            )
        })
        .collect();
    let list = if uncovered.is_empty() {
        String::new()
    } else {
        format!("<ul>{}</ul>", uncovered.join(""))
    };
    let _ = writeln!(
        out,
        "<p class=\"file\">{verdict} <span class=\"meta\">{}</span></p>{list}",
        esc(name)
    );
}

fn summary(out: &mut String, records: &[ReportRecord]) {
    let (mut signatures, mut verified, mut unsigned, mut unreadable) = (0, 0, 0, 0);
    let mut files_not_verified = 0;
    let mut by_outcome: std::collections::BTreeMap<String, usize> = Default::default();
    for record in records {
        match record {
            ReportRecord::Error(..) => unreadable += 1,
            ReportRecord::Verified(_, r, _) if r.is_empty() => unsigned += 1,
            ReportRecord::Verified(_, results, file) => {
                files_not_verified += usize::from(!file.verified);
                for result in results {
                    signatures += 1;
                    verified += usize::from(result.verified());
                    *by_outcome.entry(verdict(result)).or_default() += 1;
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "<h2>Summary</h2><table class=\"summary\"><tr><th>Records</th><td>{}</td></tr><tr><th>Signatures</th><td>{signatures}</td></tr><tr><th>Verified</th><td class=\"pass\">{verified}</td></tr><tr><th>Not verified</th><td class=\"fail\">{}</td></tr><tr><th>Without a signature</th><td>{unsigned}</td></tr><tr><th>Signed, but not verified as a whole</th><td>{files_not_verified}</td></tr><tr><th>Unreadable</th><td>{unreadable}</td></tr></table>",
        records.len(),
        signatures - verified
    );
    if !by_outcome.is_empty() {
        out.push_str(
            "<table><tr><th>Outcome (indication / sub-indication)</th><th>Signatures</th></tr>",
        );
        for (outcome, count) in &by_outcome {
            let _ = write!(
                out,
                "<tr><td class=\"code\">{}</td><td>{count}</td></tr>",
                esc(outcome)
            );
        }
        out.push_str("</table>\n");
    }
}

fn verdict(result: &SignatureVerification) -> String {
    match (&result.kind, result.report().sub_indication()) {
        (SignatureKind::Electronic { .. }, _) => "electronic (not digital)".to_owned(),
        (_, Some(sub)) => format!("{}/{}", result.report().indication(), sub.as_str()),
        _ if result.verified() => "passed".to_owned(),
        _ => result.report().indication().as_str().to_owned(),
    }
}

fn signature(out: &mut String, name: &str, result: &SignatureVerification, now: UnixTime) {
    let place = if result.pointer.is_empty() {
        "/"
    } else {
        &result.pointer
    };
    let badge = if result.verified() {
        "<span class=\"badge b-pass\">verified</span>".to_owned()
    } else {
        format!(
            "<span class=\"badge b-fail\">not verified · {}</span>",
            esc(&verdict(result))
        )
    };
    let _ = write!(
        out,
        "<section class=\"sig\"><h2>{} <span class=\"meta\">{}</span></h2><p>{badge}</p><table class=\"kv\">",
        esc(name),
        esc(place)
    );
    let mut row = |k: &str, v: &str| {
        let _ = write!(out, "<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v));
    };
    row(
        "Profile",
        &result
            .profile
            .map_or("—".to_owned(), |p| p.name().to_owned()),
    );
    if let Some(signer) = &result.signer {
        row("Signer", &signer.subject);
        for (system, value) in &signer.identifiers {
            row("Signer identifier", &format!("{value} ({system})"));
        }
    }
    row(
        "sigT (claimed signing time)",
        result.sig_t.as_deref().unwrap_or("—"),
    );
    row(
        "Payload SHA-256",
        result.payload_sha256.as_deref().unwrap_or("—"),
    );
    let shown = |pointers: &[String]| {
        pointers
            .iter()
            .map(|p| if p.is_empty() { "/" } else { p.as_str() })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !result.coverage.signed.is_empty() {
        row("Covers", &shown(&result.coverage.signed));
        row(
            "Left out by the rule",
            &Some(shown(&result.coverage.excluded))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "nothing".to_owned()),
        );
    }
    out.push_str("</table>");
    if !result.chain.is_empty() {
        out.push_str("<table><tr><th>Certificate (x5c, signer first)</th><th>Issuer</th><th>Valid from</th><th>Valid until</th></tr>");
        for cert in result.chain.iter() {
            let _ = write!(
                out,
                "<tr><td>{}<div class=\"ev\">serial {}</div></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&cert.subject),
                esc(&cert.serial),
                esc(&cert.issuer),
                esc(&format_rfc3339(cert.not_before)),
                esc(&format_rfc3339(cert.not_after))
            );
        }
        out.push_str("</table>");
        timeline(out, result, now);
    }
    let (passed, other): (Vec<_>, Vec<_>) = result
        .report()
        .checks()
        .iter()
        .partition(|c| c.outcome() == Outcome::Pass);
    if !other.is_empty() {
        check_table(out, &other);
    }
    let _ = write!(
        out,
        "<details><summary>{} check(s) passed</summary>",
        passed.len()
    );
    check_table(out, &passed);
    out.push_str("</details>");
    out.push_str("</section>\n");
}

fn check_table(out: &mut String, checks: &[&fhirsig_core::trust::Check]) {
    out.push_str("<table><tr><th>Result</th><th>Check</th><th>Finding</th></tr>");
    for check in checks {
        let class = check.outcome().as_str();
        let mut evidence = String::new();
        for (k, v) in check.evidence() {
            let _ = write!(evidence, "<div class=\"ev\">{}: {}</div>", esc(k), esc(v));
        }
        let label = match check.outcome() {
            Outcome::Pass => "pass",
            Outcome::Warn => "warning",
            Outcome::NotChecked => "not checked",
            Outcome::Info => "info",
            Outcome::Ignored => "ignored",
            _ => "fail",
        };
        // What a check the validation policy lowered found, so the audit shows what was waived.
        if let Some(waived) = check.waived() {
            let _ = write!(
                evidence,
                "<div class=\"ev\">policy level {}: was {}</div>",
                esc(check.level().as_str()),
                esc(waived.outcome.as_str())
            );
        }
        let _ = write!(
            out,
            "<tr><td class=\"{class}\">{label}</td><td class=\"code\">{}</td><td>{}{evidence}</td></tr>",
            esc(check.code().as_str()),
            esc(check.message())
        );
    }
    out.push_str("</table>");
}

/// An SVG time line: one bar per certificate's validity, and marks for `sigT` and the
/// verification time.
fn timeline(out: &mut String, result: &SignatureVerification, now: UnixTime) {
    let sig_t = result
        .sig_t
        .as_deref()
        .and_then(fhirsig_core::trust::parse_rfc3339);
    let mut points: Vec<u64> = result
        .chain
        .iter()
        .flat_map(|c| [c.not_before.as_secs(), c.not_after.as_secs()])
        .collect();
    points.push(now.as_secs());
    points.extend(sig_t.map(|t| t.as_secs()));
    let (Some(&min), Some(&max)) = (points.iter().min(), points.iter().max()) else {
        return;
    };
    let span = (max - min).max(1) as f64;
    let (left, width) = (180.0, 560.0);
    let x = |t: u64| left + (t - min) as f64 / span * width;
    let rows = result.chain.len();
    let height = 40 + rows * 26 + 40;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"time line\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        left + width + 40.0,
        left + width + 40.0
    );
    for (i, cert) in result.chain.iter().enumerate() {
        let y = 30 + i * 26;
        // The common name reads best in a narrow column; else the whole name, shortened.
        let name = cert
            .subject
            .split(',')
            .find_map(|part| part.strip_prefix("CN="))
            .unwrap_or(&cert.subject);
        let label: String = name.chars().take(28).collect();
        let (x1, x2) = (x(cert.not_before.as_secs()), x(cert.not_after.as_secs()));
        let _ = write!(
            out,
            "<text x=\"4\" y=\"{}\">{}</text><rect x=\"{x1:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"14\" rx=\"3\" fill=\"#9fc5e8\"/>",
            y + 11,
            esc(&label),
            (x2 - x1).max(1.0)
        );
    }
    let bottom = 30 + rows * 26;
    let mut mark = |t: u64, color: &str, label: &str, label_y: usize| {
        let px = x(t);
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"16\" x2=\"{px:.1}\" y2=\"{bottom}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{px:.1}\" y=\"{label_y}\" text-anchor=\"middle\" fill=\"{color}\">{}</text>",
            esc(label)
        );
    };
    mark(now.as_secs(), "#1d232a", "verified at", 12);
    if let Some(t) = sig_t {
        mark(t.as_secs(), "#0b5cad", "sigT", bottom + 32);
    }
    let _ = write!(
        out,
        "<text x=\"{left}\" y=\"{}\" fill=\"#5a6570\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#5a6570\">{}</text></svg>",
        bottom + 16,
        esc(&format_rfc3339(UnixTime::since_unix_epoch(std::time::Duration::from_secs(min)))),
        left + width,
        bottom + 16,
        esc(&format_rfc3339(UnixTime::since_unix_epoch(std::time::Duration::from_secs(max))))
    );
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_is_made_visible_then_html_escaped() {
        assert_eq!(
            esc("CN=\u{1b}[31m<b>\u{202e}&'\"\u{7}"),
            "CN=\\x1b[31m&lt;b&gt;\\u{202e}&amp;&#39;&quot;\\x07"
        );
        assert_eq!(esc("Dr. Müller, שלום"), "Dr. Müller, שלום");
    }
}
