//! The one JSON form of verification results, shared by every command and by library users.
//!
//! Members are written in sorted order and strings escaped as RFC 8785 does, so the output is
//! canonical JSON. Written directly rather than through a value tree: in batch runs building a
//! tree per record cost more than the signature check itself. The member names are stable (see
//! docs/cli.md, "JSON output").

use std::collections::BTreeMap;

use fhirsig_jcs::write_escaped;

use super::file_verdict::FileVerdict;
use super::verify::{SignatureKind, SignatureVerification};
use crate::report::Check;

/// Appends the JSON object for one signature result (no newline). `file` names the input.
pub fn write_signature_json(out: &mut Vec<u8>, file: &str, result: &SignatureVerification) {
    let report = result.report();
    out.extend_from_slice(b"{\"checks\":[");
    for (i, check) in report.checks().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_check_json(out, check);
    }
    out.extend_from_slice(b"],\"coverage\":{\"canonicalization\":");
    push_opt(out, result.coverage.canonicalization.map(|c| c.uri()));
    out.extend_from_slice(b",\"excluded\":");
    fhirsig_jcs::write_string_array(&result.coverage.excluded, out);
    out.extend_from_slice(b",\"signed\":");
    fhirsig_jcs::write_string_array(&result.coverage.signed, out);
    out.extend_from_slice(b"},\"file\":");
    write_escaped(file, out);
    out.extend_from_slice(b",\"indication\":");
    push_code(out, report.indication().as_str());
    out.extend_from_slice(b",\"jwsSignature\":");
    match result.jws_entry {
        None => out.extend_from_slice(b"null"),
        Some(entry) => out.extend_from_slice(
            format!("{{\"count\":{},\"index\":{}}}", entry.count, entry.index).as_bytes(),
        ),
    }
    out.extend_from_slice(b",\"kind\":");
    push_code(
        out,
        match result.kind {
            SignatureKind::Electronic { .. } => "electronic",
            _ => "digital",
        },
    );
    out.extend_from_slice(b",\"object\":");
    write_escaped(result.object.name(), out);
    out.extend_from_slice(b",\"payloadSha256\":");
    push_opt(out, result.payload_sha256.as_deref());
    out.extend_from_slice(b",\"pointer\":");
    write_escaped(&result.pointer, out);
    out.extend_from_slice(b",\"policy\":");
    push_opt(out, result.policy.as_deref());
    out.extend_from_slice(b",\"profile\":");
    push_opt(out, result.profile.map(|p| p.name()));
    out.extend_from_slice(b",\"sigT\":");
    push_opt(out, result.sig_t.as_deref());
    out.extend_from_slice(b",\"requiredNotPassed\":[");
    for (i, code) in result.unmet().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_code(out, code.as_str());
    }
    out.extend_from_slice(b"],\"signaturePointer\":");
    write_escaped(&result.signature_pointer, out);
    out.extend_from_slice(b",\"signer\":");
    match &result.signer {
        None => out.extend_from_slice(b"null"),
        Some(signer) => {
            out.extend_from_slice(b"{\"identifiers\":[");
            for (i, (system, value)) in signer.identifiers.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"system\":");
                write_escaped(system, out);
                out.extend_from_slice(b",\"value\":");
                write_escaped(value, out);
                out.push(b'}');
            }
            out.extend_from_slice(b"],\"subject\":");
            write_escaped(&signer.subject, out);
            out.push(b'}');
        }
    }
    out.extend_from_slice(b",\"subIndication\":");
    push_code_opt(out, report.sub_indication().map(|s| s.as_str()));
    out.extend_from_slice(b",\"type\":\"signature\",\"verified\":");
    out.extend_from_slice(if result.verified() { b"true" } else { b"false" });
    out.push(b'}');
}

/// Evidence lists up to this long are sorted in place (the longest a check adds is a dozen).
const SORTED_ON_STACK: usize = 16;

/// Appends the JSON object for one check: code, evidence (one value per key: the first one
/// added, which is the one [`Check::evidence_value`] returns), level (under the validation
/// policy), message, outcome, subIndication, and `waived`: what the check found when the policy
/// lowered it (`null` otherwise).
pub fn write_check_json(out: &mut Vec<u8>, check: &Check) {
    match check.json_memo() {
        // A check shared by many reports (one chain's checks in a batch) is rendered once.
        Some(memo) => out.extend_from_slice(memo.get_or_init(|| {
            let mut json = Vec::new();
            render_check_json(&mut json, check);
            json.into_boxed_slice()
        })),
        None => render_check_json(out, check),
    }
}

/// [`write_check_json`], written out now.
fn render_check_json(out: &mut Vec<u8>, check: &Check) {
    out.extend_from_slice(b"{\"code\":");
    push_code(out, check.code().as_str());
    out.extend_from_slice(b",\"evidence\":{");
    let evidence = check.evidence();
    // Keys in byte order (RFC 8785's order for the ASCII keys checks use). Most checks add
    // their evidence in that order already, with no key twice: then it is written as it stands.
    if evidence.windows(2).all(|w| w[0].0 < w[1].0) {
        write_members(out, evidence.iter().map(|(k, v)| (&**k, &**v)));
    } else if evidence.len() <= SORTED_ON_STACK {
        // Sorted by key, ties in the order added, then the first of each key kept.
        let mut order = [0usize; SORTED_ON_STACK];
        let order = &mut order[..evidence.len()];
        order.iter_mut().enumerate().for_each(|(i, slot)| *slot = i);
        order.sort_unstable_by(|&a, &b| evidence[a].0.cmp(&evidence[b].0).then(a.cmp(&b)));
        let mut previous: Option<&str> = None;
        let members = order.iter().filter_map(|&i| {
            let (key, value) = &evidence[i];
            let repeat = previous == Some(&**key);
            previous = Some(key);
            (!repeat).then_some((&**key, &**value))
        });
        write_members(out, members);
    } else {
        let mut sorted: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, value) in evidence {
            sorted.entry(key).or_insert(value);
        }
        write_members(out, sorted.into_iter());
    }
    out.extend_from_slice(b"},\"level\":");
    push_code(out, check.level().as_str());
    out.extend_from_slice(b",\"message\":");
    write_escaped(check.message(), out);
    out.extend_from_slice(b",\"outcome\":");
    push_code(out, check.outcome().as_str());
    out.extend_from_slice(b",\"subIndication\":");
    push_code_opt(out, check.failure().map(|(_, s)| s.as_str()));
    out.extend_from_slice(b",\"waived\":");
    match check.waived() {
        None => out.extend_from_slice(b"null"),
        Some(waived) => {
            out.extend_from_slice(b"{\"indication\":");
            push_code_opt(out, waived.failure.map(|(i, _)| i.as_str()));
            out.extend_from_slice(b",\"outcome\":");
            push_code(out, waived.outcome.as_str());
            out.extend_from_slice(b",\"subIndication\":");
            push_code_opt(out, waived.failure.map(|(_, s)| s.as_str()));
            out.push(b'}');
        }
    }
    out.push(b'}');
}

/// Appends the JSON object for a file verdict (no newline).
pub fn write_file_json(out: &mut Vec<u8>, file: &str, verdict: &FileVerdict, signatures: usize) {
    out.extend_from_slice(b"{\"file\":");
    write_escaped(file, out);
    out.extend_from_slice(b",\"reason\":");
    push_opt(out, verdict.reason.as_deref());
    out.extend_from_slice(format!(",\"signatures\":{signatures},\"subject\":").as_bytes());
    fhirsig_jcs::write_string_array(&verdict.subject, out);
    out.extend_from_slice(b",\"subjectCovered\":");
    out.extend_from_slice(if verdict.subject_covered {
        b"true"
    } else {
        b"false"
    });
    out.extend_from_slice(b",\"type\":\"file\",\"uncovered\":[");
    for (i, u) in verdict.uncovered.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"pointer\":");
        write_escaped(&u.pointer, out);
        out.extend_from_slice(b",\"resourceType\":");
        write_escaped(&u.resource_type, out);
        out.extend_from_slice(b",\"signed\":");
        out.extend_from_slice(if u.signed { b"true" } else { b"false" });
        out.extend_from_slice(b",\"underFailedSignature\":");
        out.extend_from_slice(if u.under_failed_signature {
            b"true"
        } else {
            b"false"
        });
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"verified\":");
    out.extend_from_slice(if verdict.verified { b"true" } else { b"false" });
    out.push(b'}');
}

/// Writes `"key":"value"` pairs separated by commas (the braces are the caller's).
fn write_members<'a>(out: &mut Vec<u8>, members: impl Iterator<Item = (&'a str, &'a str)>) {
    for (j, (key, value)) in members.enumerate() {
        if j > 0 {
            out.push(b',');
        }
        write_escaped(key, out);
        out.push(b':');
        write_escaped(value, out);
    }
}

/// Writes one of the report's own codes (check codes, levels, outcomes, indications,
/// sub-indications: kebab-case ASCII, which JSON and RFC 8785 write as they are) as a JSON
/// string, without the scan for characters to escape that other text needs.
fn push_code(out: &mut Vec<u8>, code: &'static str) {
    debug_assert!(is_plain_code(code), "{code:?} is not a kebab-case code");
    out.reserve(code.len() + 2);
    out.push(b'"');
    out.extend_from_slice(code.as_bytes());
    out.push(b'"');
}

/// [`push_code`], or `null`.
fn push_code_opt(out: &mut Vec<u8>, code: Option<&'static str>) {
    match code {
        Some(code) => push_code(out, code),
        None => out.extend_from_slice(b"null"),
    }
}

/// Lower-case ASCII letters, digits and `-` only.
fn is_plain_code(code: &str) -> bool {
    code.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn push_opt(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => write_escaped(text, out),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::report::CheckCode;

    /// Every code the report writes without the escape scan is one that needs none: written
    /// as the general route writes it.
    #[test]
    fn codes_are_written_as_escaped_text_would_be() {
        use crate::report::{Indication, Level, Outcome, SubIndication};
        let codes = CheckCode::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(Level::ALL.iter().map(|l| l.as_str()))
            .chain(SubIndication::ALL.iter().map(|s| s.as_str()))
            .chain(
                [
                    Outcome::Pass,
                    Outcome::Warn,
                    Outcome::NotChecked,
                    Outcome::Fail,
                    Outcome::Info,
                    Outcome::Ignored,
                ]
                .map(Outcome::as_str),
            )
            .chain(
                [
                    Indication::Passed,
                    Indication::Indeterminate,
                    Indication::Failed,
                ]
                .map(Indication::as_str),
            )
            .chain(["electronic", "digital"]);
        for code in codes {
            assert!(is_plain_code(code), "{code:?}");
            let (mut plain, mut escaped) = (Vec::new(), Vec::new());
            push_code(&mut plain, code);
            write_escaped(code, &mut escaped);
            assert_eq!(plain, escaped, "{code:?}");
        }
        assert!(!is_plain_code("a\"b"));
        assert!(!is_plain_code("Fail"));
    }

    /// The evidence member as the general route writes it: sorted, first value of each key.
    fn expected_evidence(pairs: &[(String, String)]) -> String {
        let mut sorted: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, v) in pairs {
            sorted.entry(k).or_insert(v);
        }
        let mut out = Vec::new();
        write_members(&mut out, sorted.into_iter());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn evidence_is_written_sorted_with_the_first_value_of_each_key() {
        // Lengths on both sides of the in-place limit, keys out of order and repeated.
        for len in [
            2,
            3,
            SORTED_ON_STACK - 1,
            SORTED_ON_STACK,
            SORTED_ON_STACK + 1,
            40,
        ] {
            let pairs: Vec<(String, String)> = (0..len)
                .map(|i| (format!("k{}", (i * 7 + 3) % (len / 2 + 1)), format!("v{i}")))
                .collect();
            let check = pairs
                .iter()
                .fold(Check::pass(CheckCode::Payload, "m"), |c, (k, v)| {
                    c.with(k.clone(), v.clone())
                });
            let mut out = Vec::new();
            write_check_json(&mut out, &check);
            let text = String::from_utf8(out).unwrap();
            let evidence = format!("\"evidence\":{{{}}}", expected_evidence(&pairs));
            assert!(text.contains(&evidence), "{len}: {text}");
        }
    }

    fn json(check: &Check) -> (String, String) {
        let (mut memo, mut fresh) = (Vec::new(), Vec::new());
        write_check_json(&mut memo, check);
        render_check_json(&mut fresh, check);
        (
            String::from_utf8(memo).unwrap(),
            String::from_utf8(fresh).unwrap(),
        )
    }

    #[test]
    fn a_shared_check_is_written_as_it_stands_whatever_its_clones_became() {
        use crate::report::{Level, SubIndication};
        let passed = Check::pass(CheckCode::CertificateProfile, "rules \"checked\"")
            .with("certificates", "3".to_owned())
            .into_shared();
        let failed = Check::failed(
            CheckCode::CaKeyUsage,
            SubIndication::ChainConstraintsFailure,
            "no",
        )
        .with("k", "v")
        .into_shared();
        for shared in [passed, failed] {
            // Clones at every level, some written before the others are changed.
            let mut clones: Vec<Check> = Level::ALL
                .iter()
                .flat_map(|&level| {
                    let mut clone = shared.clone();
                    clone.lower_to(level);
                    [clone.clone(), clone]
                })
                .collect();
            for clone in &clones {
                let (memo, fresh) = json(clone);
                assert_eq!(memo, fresh);
            }
            let (original, _) = json(&shared);
            // Changes after rendering: the changed clone is written as it now is, the others
            // as before.
            clones[0].require(
                crate::report::Indication::Indeterminate,
                SubIndication::TryLater,
                "required",
            );
            let more = clones[2].clone().with("more", "x");
            for check in clones.iter().chain([&more, &shared]) {
                let (memo, fresh) = json(check);
                assert_eq!(memo, fresh, "{check}");
            }
            assert_eq!(
                json(&shared).0,
                original,
                "the shared check itself is unchanged"
            );
            assert!(json(&more).0.contains("\"more\":\"x\""));
            assert!(json(&clones[0]).0.contains("required"));
        }
    }
}
