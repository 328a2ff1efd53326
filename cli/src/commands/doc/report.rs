//! Printing a verification report: one line per check, or one JSON object.

use fhirsig_core::trust::Report;

use crate::error::CliError;
use crate::io::write_stdout;

/// Writes the report for `signature` to standard output.
pub fn print(signature: &str, report: &Report, json: bool, key_only: bool) -> Result<(), CliError> {
    let text = if json {
        to_json(signature, report)
    } else {
        // The report's checks quote certificate names and header values: escaped, keeping
        // the report's own line breaks.
        let mut text =
            crate::terminal::escape_lines(&format!("{signature}: {report}")).into_owned();
        if key_only && report.passed() {
            text.push_str(
                "note: verified with the given key only; no certificate chain was checked\n",
            );
        }
        text
    };
    write_stdout(text.as_bytes())
}

/// `{"signature", "indication", "subIndication", "checks": [{code, outcome, message, indication?,
/// subIndication?, evidence}]}`.
pub fn to_json(signature: &str, report: &Report) -> String {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"signature\":");
    fhirsig_jcs::write_escaped(signature, &mut out);
    out.extend_from_slice(b",\"indication\":");
    fhirsig_jcs::write_escaped(report.indication().as_str(), &mut out);
    out.extend_from_slice(b",\"subIndication\":");
    match report.sub_indication() {
        Some(sub) => fhirsig_jcs::write_escaped(sub.as_str(), &mut out),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"checks\":[");
    for (i, check) in report.checks().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"code\":");
        fhirsig_jcs::write_escaped(check.code().as_str(), &mut out);
        out.extend_from_slice(b",\"outcome\":");
        fhirsig_jcs::write_escaped(check.outcome().as_str(), &mut out);
        if let Some((indication, sub)) = check.failure() {
            out.extend_from_slice(b",\"indication\":");
            fhirsig_jcs::write_escaped(indication.as_str(), &mut out);
            out.extend_from_slice(b",\"subIndication\":");
            fhirsig_jcs::write_escaped(sub.as_str(), &mut out);
        }
        out.extend_from_slice(b",\"message\":");
        fhirsig_jcs::write_escaped(check.message(), &mut out);
        out.extend_from_slice(b",\"evidence\":{");
        for (j, (key, value)) in check.evidence().iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            fhirsig_jcs::write_escaped(key, &mut out);
            out.push(b':');
            fhirsig_jcs::write_escaped(value, &mut out);
        }
        out.extend_from_slice(b"}}");
    }
    out.extend_from_slice(b"]}\n");
    String::from_utf8_lossy(&out).into_owned()
}
