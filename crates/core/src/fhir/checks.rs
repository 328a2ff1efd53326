//! The individual checks of a FHIR JSON signature, each a named report entry with the CDex
//! conformance rule it enforces (the CDex Signatures page's CONF ids) as evidence.

use crate::report::CheckCode;
use fhirsig_jcs::NumberChanges;

use super::element::SignatureElement;
use super::profile::{
    Profile, ASTM_SIGNATURE_TYPE_SYSTEM, JOSE_SIG_FORMAT, VERIFICATION_SIGNATURE_CODE,
};
use crate::canonicalization::{Canonicalization, CDEX_TARGET_FORMAT};
use crate::jws::{Header, JwsError, CDEX_VERIFICATION_COMMITMENT};
use crate::trust::{parse_rfc3339, Check, SubIndication};

/// The R4 `Signature` datatype's required elements (`type` 1..*, `when` 1..1, `who` 1..1).
pub fn element_shape(element: &SignatureElement) -> Check {
    const CODE: CheckCode = CheckCode::SignatureElement;
    let mut missing = Vec::new();
    if element.types.is_empty() {
        missing.push("type");
    }
    if element.when.is_none() {
        missing.push("when");
    }
    if !element.who_present {
        missing.push("who");
    }
    if missing.is_empty() {
        Check::pass(CODE, "type, when and who are present")
    } else {
        Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!(
                "the Signature element lacks {} (FHIR R4 Signature)",
                missing.join(", ")
            ),
        )
    }
}

/// CONF-029: `sigFormat` is `application/jose` (required by the CDex profile).
pub fn sig_format(element: &SignatureElement, profile: Profile) -> Check {
    const CODE: CheckCode = CheckCode::SigFormat;
    match element.sig_format.as_deref() {
        Some(JOSE_SIG_FORMAT) => Check::pass(CODE, "sigFormat is application/jose"),
        None if profile != Profile::Cdex => Check::pass(
            CODE,
            format!("sigFormat is absent, which the {profile} profile allows"),
        ),
        None => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "sigFormat is missing; the CDex profile fixes it to application/jose",
        ),
        Some(other) => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!("sigFormat is {other:?}, not application/jose"),
        ),
    }
    .with("conf", "CONF-029")
}

/// CONF-030/031 and the R6 `canon` agreement rule: the declared canonicalisation is the one
/// the profile's payload uses.
pub fn target_format(element: &SignatureElement, header: &Header, profile: Profile) -> Check {
    const CODE: CheckCode = CheckCode::TargetFormat;
    let expected = profile.canonicalization();
    let declared = match element.target_format.as_deref() {
        None => None,
        Some(t) => match Canonicalization::from_target_format(t) {
            Ok(rule) => rule,
            Err(e) => {
                return Check::failed(CODE, SubIndication::FormatFailure, e.to_string())
                    .with("conf", "CONF-031")
            }
        },
    };
    if let Some(canon) = header.canon() {
        match Canonicalization::from_uri(canon) {
            Ok(rule) if declared.is_some_and(|d| d != rule) => {
                return Check::failed(
                    CODE,
                    SubIndication::FormatFailure,
                    "the header canon and Signature.targetFormat name different canonicalisations",
                )
                .with("canon", canon.to_owned())
            }
            Ok(_) => {}
            Err(e) => return Check::failed(CODE, SubIndication::FormatFailure, e.to_string()),
        }
    }
    match (profile, element.target_format.as_deref(), declared) {
        (Profile::Cdex, Some(CDEX_TARGET_FORMAT), _) => {
            Check::pass(CODE, "targetFormat is the CDex fixed value")
        }
        (Profile::Cdex, other, _) => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!(
                "targetFormat is {}, the CDex profile fixes {CDEX_TARGET_FORMAT}",
                other.map_or("absent".to_owned(), |o| format!("{o:?}"))
            ),
        ),
        (_, _, Some(rule)) if rule != expected => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!("targetFormat names {rule}, but the {profile} profile signs with {expected}"),
        ),
        (_, None, _) => Check::pass(
            CODE,
            format!("targetFormat is absent; the {profile} profile's rule {expected} applies"),
        ),
        (_, Some(_), _) => Check::pass(CODE, format!("targetFormat names {expected}")),
    }
    .with("conf", "CONF-031")
    .with("canonicalization", expected.uri())
}

/// CONF-042: `x5c` carries the signer certificate.
pub fn x5c(header: &Header) -> Check {
    const CODE: CheckCode = CheckCode::X5c;
    match header.x5c() {
        Some(chain) if !chain.is_empty() => Check::pass(
            CODE,
            format!(
                "x5c holds {} certificate(s), the signer's first",
                chain.len()
            ),
        ),
        _ => Check::indeterminate(
            CODE,
            SubIndication::NoSigningCertificateFound,
            "the header has no x5c, so there is no signer certificate (CONF-042)",
        ),
    }
    .with("conf", "CONF-042")
}

/// RFC 7515 sections 4.1.7-8: `x5t#S256` and `x5t`, when present, are thumbprints of the
/// certificate in `x5c[0]`. A thumbprint naming another certificate means the header
/// contradicts itself about who signed; `None` when the header has neither.
pub fn x5t(header: &Header) -> Option<Check> {
    const CODE: CheckCode = CheckCode::X5t;
    let wanted: Vec<(&str, &[u8], &'static ring::digest::Algorithm)> = [
        ("x5t#S256", header.x5t_s256(), &ring::digest::SHA256),
        ("x5t", header.x5t(), &ring::digest::SHA1_FOR_LEGACY_USE_ONLY),
    ]
    .into_iter()
    .filter_map(|(name, value, alg)| value.map(|v| (name, v, alg)))
    .collect();
    if wanted.is_empty() {
        return None;
    }
    let names = wanted
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(" and ");
    let Some(leaf) = header.x5c().and_then(|c| c.first()) else {
        return Some(Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!("the header has {names} but no x5c[0] certificate to compare it with"),
        ));
    };
    for (name, value, alg) in &wanted {
        if ring::digest::digest(alg, leaf).as_ref() != *value {
            return Some(
                Check::failed(
                    CODE,
                    SubIndication::FormatFailure,
                    format!("{name} is the thumbprint of another certificate than x5c[0]"),
                )
                .with("member", *name),
            );
        }
    }
    Some(Check::pass(
        CODE,
        format!("{names} equal(s) the thumbprint of x5c[0]"),
    ))
}

/// True for `YYYY-MM-DDThh:mm:ssZ`, the JAdES `sigT` form (UTC, no fraction).
pub fn is_jades_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// CONF-043: `sigT` present (CDex) and in JAdES form.
pub fn sig_t(header: &Header, profile: Profile) -> Check {
    const CODE: CheckCode = CheckCode::SigT;
    match header.sig_t() {
        None if profile.requires_jades_members() => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "the header has no sigT; CDex requires the signing time (CONF-043)",
        ),
        None => Check::not_checked(CODE, format!("no sigT, which the {profile} profile allows")),
        Some(t) if parse_rfc3339(t).is_none() => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!("sigT {t:?} is not an RFC 3339 date-time"),
        ),
        Some(t) if is_jades_time(t) => Check::pass(CODE, format!("sigT {t}")),
        Some(t) => Check::warn(
            CODE,
            format!(
                "sigT {t} is not in the JAdES form (UTC, no fractional seconds, 'Z'); accepted as an instant"
            ),
        ),
    }
    .with("conf", "CONF-043")
}

/// CONF-037/038/044: `srCms` holds the Verification Signature commitment.
pub fn sr_cms(header: &Header, profile: Profile) -> Check {
    const CODE: CheckCode = CheckCode::SrCms;
    let ids: Vec<&str> = header
        .sr_cms()
        .map(|c| c.iter().map(|t| t.id()).collect())
        .unwrap_or_default();
    match header.sr_cms() {
        None if profile.requires_jades_members() => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "the header has no srCms; CDex requires the signer commitment (CONF-037)",
        ),
        None => Check::not_checked(
            CODE,
            format!("no srCms, which the {profile} profile allows"),
        ),
        Some(_) if profile == Profile::Cdex && !ids.contains(&CDEX_VERIFICATION_COMMITMENT) => {
            Check::failed(
                CODE,
                SubIndication::SigConstraintsFailure,
                format!(
                    "srCms lacks {CDEX_VERIFICATION_COMMITMENT} (Verification Signature, CONF-038)"
                ),
            )
        }
        Some(_) => Check::pass(CODE, format!("srCms commitments: {}", ids.join(", "))),
    }
    .with("conf", "CONF-037, CONF-038")
}

/// The commitment id a `Signature.type` coding stands for: `urn:oid:` + code for ASTM/OID
/// codes, else `system#code` (the mapping the HL7 validator's `BundleValidator` uses).
fn commitment_id(system: Option<&str>, code: &str) -> String {
    let oid_like = code
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if system == Some(ASTM_SIGNATURE_TYPE_SYSTEM) || (system.is_none() && oid_like) {
        format!("urn:oid:{code}")
    } else {
        format!("{}#{code}", system.unwrap_or(""))
    }
}

/// CONF-039/054: `Signature.type` codes and `srCms` ids name the same commitments; without
/// `srCms` the type must still be Verification Signature (all CDex versions fix it).
pub fn signature_type(element: &SignatureElement, header: &Header) -> Check {
    const CODE: CheckCode = CheckCode::SignatureType;
    let mut from_type: Vec<String> = element
        .types
        .iter()
        .filter_map(|c| {
            c.code
                .as_deref()
                .map(|code| commitment_id(c.system.as_deref(), code))
        })
        .collect();
    from_type.sort();
    from_type.dedup();
    let check = match header.sr_cms() {
        Some(commitments) => {
            let mut from_header: Vec<String> =
                commitments.iter().map(|c| c.id().to_owned()).collect();
            from_header.sort();
            from_header.dedup();
            if from_header == from_type {
                Check::pass(CODE, "Signature.type codes equal the srCms ids")
            } else {
                Check::failed(
                    CODE,
                    SubIndication::SigConstraintsFailure,
                    "Signature.type codes and srCms ids differ (CONF-039, CONF-054)",
                )
                .with("srCms", from_header.join(", "))
            }
        }
        None => {
            let verification = format!("urn:oid:{VERIFICATION_SIGNATURE_CODE}");
            if from_type.contains(&verification) {
                Check::pass(CODE, "Signature.type is Verification Signature")
            } else {
                Check::failed(
                    CODE,
                    SubIndication::SigConstraintsFailure,
                    "Signature.type is not Verification Signature (1.2.840.10065.1.12.1.5)",
                )
            }
        }
    };
    check
        .with("type", from_type.join(", "))
        .with("conf", "CONF-039, CONF-054")
}

/// CONF-055: `sigT` and `Signature.when` are the same instant (compared as instants; a
/// different spelling is a warning: CDex gives no spelling rule for the two).
pub fn when_matches_sig_t(element: &SignatureElement, header: &Header) -> Check {
    const CODE: CheckCode = CheckCode::WhenMatchesSigT;
    let (Some(sig_t), Some(when)) = (header.sig_t(), element.when.as_deref()) else {
        return Check::not_checked(CODE, "sigT or Signature.when is absent")
            .with("conf", "CONF-055");
    };
    compare_when(CODE, when, sig_t).with("conf", "CONF-055")
}

/// `Signature.when` against the signed `sigT`: equal passes, the same instant written
/// differently warns, another instant fails (`when` is the unsigned claim of when the
/// signature was made), and text that is no RFC 3339 date-time fails as a format error.
pub(crate) fn compare_when(code: CheckCode, when: &str, sig_t: &str) -> Check {
    match (parse_rfc3339(sig_t), parse_rfc3339(when)) {
        (Some(a), Some(b)) if a == b && sig_t == when => {
            Check::pass(code, "Signature.when equals sigT")
        }
        (Some(a), Some(b)) if a == b => Check::warn(
            code,
            "Signature.when and sigT are the same instant written differently",
        ),
        (Some(_), Some(_)) => Check::failed(
            code,
            SubIndication::SigConstraintsFailure,
            "Signature.when and the signed sigT are different instants",
        ),
        _ => Check::failed(
            code,
            SubIndication::FormatFailure,
            "Signature.when or sigT is not an RFC 3339 date-time",
        ),
    }
    .with("sigT", sig_t.to_owned())
    .with("when", when.to_owned())
}

/// Decimal precision is not protected by a JCS signature: one warning listing the numbers.
pub fn decimal_precision(changes: &NumberChanges) -> Option<Check> {
    if changes.is_empty() {
        return None;
    }
    let shown: Vec<String> = changes
        .listed()
        .iter()
        .take(5)
        .map(|c| {
            format!(
                "{} {} -> {}",
                shortened(&c.pointer),
                shortened(&c.lexical),
                c.canonical
            )
        })
        .collect();
    let more = changes.len() - shown.len();
    let mut message = format!(
        "{} number(s) are signed in a different form than written, so their precision is not protected: {}",
        changes.len(),
        shown.join("; ")
    );
    if more > 0 {
        message.push_str(&format!("; and {more} more"));
    }
    Some(Check::warn(CheckCode::DecimalPrecision, message))
}

/// `text`, or its first 200 characters, an ellipsis and its length: a member name (and so a
/// pointer) or a number may be megabytes long, and a report line quotes it.
fn shortened(text: &str) -> std::borrow::Cow<'_, str> {
    fhirsig_jcs::shortened(text, 200)
}

/// The report entry for a JWS that could not be verified.
pub fn jws_failure(code: CheckCode, error: &JwsError) -> Check {
    let sub = match error {
        JwsError::BadSignature => SubIndication::SigCryptoFailure,
        JwsError::PayloadNotDetached { matches: false } => SubIndication::HashFailure,
        JwsError::AlgorithmNone
        | JwsError::MacAlgorithm { .. }
        | JwsError::UnknownAlgorithm { .. }
        | JwsError::AlgorithmNotAllowed { .. }
        | JwsError::KeyAlgorithmMismatch { .. }
        | JwsError::KeyRestrictedToOtherAlgorithm { .. }
        | JwsError::Key(_) => SubIndication::CryptoConstraintsFailure,
        _ => SubIndication::FormatFailure,
    };
    Check::failed(code, sub, error.to_string())
}

/// A JAdES `sigD` header names external documents as the signed data; a FHIR resource
/// signature signs the resource itself, so a `sigD` there is refused (it would otherwise let a
/// document signature pass for a signature over the resource).
pub fn no_detached_references(header: &Header) -> Option<Check> {
    header.member_names().iter().any(|n| n == "sigD").then(|| {
        Check::failed(
            CheckCode::JwsFormat,
            SubIndication::FormatFailure,
            "the header carries sigD (signed document references); a FHIR signature covers the resource itself",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_precision_warning_shortens_long_pointers_and_counts_the_rest() {
        let name = "é".repeat(5_000);
        let numbers = ["1.0"; 8].join(",");
        let text = format!(r#"{{"{name}": [{numbers}]}}"#);
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let changes = doc.number_changes(doc.root().id(), &fhirsig_jcs::Exclusions::new());
        let check = decimal_precision(&changes).unwrap_or_else(|| panic!("a warning"));
        let message = check.message();
        assert!(message.starts_with("8 number(s)"), "{message}");
        assert!(message.ends_with("; and 3 more"), "{message}");
        assert_eq!(message.matches('…').count(), 5, "{message}");
        assert!(message.len() < 5 * 2 * 210 + 200, "{} bytes", message.len());
    }
}
