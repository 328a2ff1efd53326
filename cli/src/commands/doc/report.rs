//! Printing a verification report: one line per check, or one JSON object.

use fhirsig_core::fhir::write_check_json;
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

/// `{"signature", "indication", "subIndication", "checks": [...]}`; each check in the core's
/// one JSON form (code, evidence, message, outcome, subIndication), as `verify --json` writes.
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
        write_check_json(&mut out, check);
    }
    out.extend_from_slice(b"]}\n");
    String::from_utf8_lossy(&out).into_owned()
}
