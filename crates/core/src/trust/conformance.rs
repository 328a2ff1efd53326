//! The RFC 5280 section 4 certificate profile: rules a conforming CA follows when it issues a
//! certificate, checked on every certificate of a validated path (the path builder checks
//! signatures, names, validity and constraints; these are the rules it leaves out), and the
//! trust anchor's own validity. Each finding names the certificate by its place in the path and
//! the rule it breaks.

use const_oid::ObjectIdentifier;
use der::Encode;
use rustls_pki_types::UnixTime;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{KeyUsage, SubjectAltName};

use super::certificate::Certificate;
use super::times::format_rfc3339;
use crate::report::{Check, CheckCode, SubIndication};

const AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const NAME_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.30");
const POLICY_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.36");

/// At most this many findings are spelled out in the message (all are counted).
const SHOWN: usize = 3;

/// Where a certificate sits in the path, for the report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Leaf,
    Intermediate,
    Anchor,
}

/// The profile check over the path `leaf`, `intermediates` (leaf side first), `anchor`. A
/// pinned signer (the leaf is the anchor) is checked once, as the leaf.
pub(crate) fn check_path(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchor: &Certificate,
) -> Check {
    const CODE: CheckCode = CheckCode::CertificateProfile;
    let mut findings = Vec::new();
    let pinned = leaf.der() == anchor.der();
    let mut path: Vec<(Place, &Certificate)> = vec![(Place::Leaf, leaf)];
    path.extend(intermediates.iter().map(|c| (Place::Intermediate, c)));
    if !pinned {
        path.push((Place::Anchor, anchor));
    }
    for (index, (place, cert)) in path.iter().enumerate() {
        for problem in problems(*place, cert) {
            findings.push(format!(
                "certificate [{index}] {}: {problem}",
                cert.subject()
            ));
        }
    }
    if findings.is_empty() {
        return Check::pass(
            CODE,
            "every certificate of the path follows the RFC 5280 §4 profile rules checked",
        )
        .with("certificates", path.len().to_string());
    }
    let mut message = findings
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if findings.len() > SHOWN {
        message.push_str(&format!("; and {} more", findings.len() - SHOWN));
    }
    Check::indeterminate(CODE, SubIndication::ChainConstraintsFailure, message)
        .with("violations", findings.len().to_string())
}

/// RFC 5280 §4.2.1.3 and §6.1.4 (n): a CA certificate of the path whose KeyUsage is present
/// must assert keyCertSign, since it signed the next certificate.
pub(crate) fn check_ca_key_usage(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchor: &Certificate,
) -> Check {
    const CODE: CheckCode = CheckCode::CaKeyUsage;
    let mut cas: Vec<(usize, &Certificate)> = intermediates
        .iter()
        .enumerate()
        .map(|(i, c)| (i + 1, c))
        .collect();
    if anchor.der() != leaf.der() {
        cas.push((intermediates.len() + 1, anchor));
    }
    for (index, cert) in cas {
        if let Ok(Some((_, ku))) = cert.x509().tbs_certificate().get_extension::<KeyUsage>() {
            if !ku.key_cert_sign() {
                return Check::indeterminate(
                    CODE,
                    SubIndication::ChainConstraintsFailure,
                    format!(
                        "certificate [{index}] {} is a CA whose KeyUsage does not assert keyCertSign, yet it issued the next certificate (RFC 5280 §6.1.4 (n))",
                        cert.subject()
                    ),
                )
                .with("certificate", cert.subject());
            }
        }
    }
    Check::pass(CODE, "every CA of the path may sign certificates")
}

/// The trust anchor's own validity at the path's instant (RFC 5280 treats anchors as inputs;
/// an anchor past its notAfter is one its owner no longer vouches for).
pub(crate) fn check_anchor_validity(anchor: &Certificate, at: UnixTime) -> Check {
    const CODE: CheckCode = CheckCode::TrustAnchorValidity;
    let check = if anchor.valid_at(at) {
        Check::pass(CODE, "the trust anchor is within its validity")
    } else {
        Check::indeterminate(
            CODE,
            SubIndication::OutOfBoundsNoPoe,
            format!(
                "the trust anchor {} is not valid at {}",
                anchor.subject(),
                format_rfc3339(at)
            ),
        )
    };
    check
        .with("anchor", anchor.subject())
        .with("not-before", format_rfc3339(anchor.not_before()))
        .with("not-after", format_rfc3339(anchor.not_after()))
}

fn problems(place: Place, cert: &Certificate) -> Vec<String> {
    let tbs = cert.x509().tbs_certificate();
    let mut out = Vec::new();
    let serial = tbs.serial_number().as_bytes();
    if serial.is_empty() || serial[0] & 0x80 != 0 || serial.iter().all(|b| *b == 0) {
        out.push("its serial number is not a positive integer (RFC 5280 §4.1.2.2)".to_owned());
    } else if serial.len() > 21 || (serial.len() == 21 && serial[0] != 0) {
        out.push("its serial number is longer than 20 octets (RFC 5280 §4.1.2.2)".to_owned());
    }
    let extensions: &[x509_cert::ext::Extension] = tbs.extensions().map_or(&[], |e| e.as_slice());
    let find = |oid: ObjectIdentifier| extensions.iter().find(|e| e.extn_id == oid);
    let self_issued = tbs.subject().to_der().ok() == tbs.issuer().to_der().ok();
    let is_ca = cert.is_ca();
    let empty_subject = tbs.subject().is_empty();
    match find(AKI) {
        Some(aki) if aki.critical => {
            out.push("authorityKeyIdentifier is critical (RFC 5280 §4.2.1.1: non-critical)".into())
        }
        // RFC 5280 §4.2.1.1: only a self-signed certificate may omit it; a trust anchor
        // given as a cross-signed certificate is held to the rule too.
        None if !self_issued => out.push(
            "no authorityKeyIdentifier, which every certificate but a self-signed one carries (RFC 5280 §4.2.1.1)"
                .into(),
        ),
        _ => {}
    }
    match find(SKI) {
        Some(ski) if ski.critical => {
            out.push("subjectKeyIdentifier is critical (RFC 5280 §4.2.1.2: non-critical)".into())
        }
        None if is_ca => {
            out.push("a CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)".into())
        }
        _ => {}
    }
    match (place, find(BASIC_CONSTRAINTS)) {
        (Place::Anchor | Place::Intermediate, None) => {
            out.push("a CA certificate without basicConstraints (RFC 5280 §4.2.1.9)".into())
        }
        (_, Some(bc)) if is_ca && !bc.critical => out.push(
            "a CA certificate whose basicConstraints is not critical (RFC 5280 §4.2.1.9)".into(),
        ),
        _ => {}
    }
    if let Ok(Some((_, ku))) = tbs.get_extension::<KeyUsage>() {
        if ku.key_cert_sign() && !is_ca {
            out.push(
                "KeyUsage asserts keyCertSign but basicConstraints does not assert cA (RFC 5280 §4.2.1.3)"
                    .into(),
            );
        }
    }
    if is_ca && empty_subject {
        out.push("a CA certificate with an empty subject (RFC 5280 §4.1.2.6)".into());
    }
    if empty_subject && find(SAN).is_some_and(|san| !san.critical) {
        out.push(
            "an empty subject with a non-critical subjectAltName (RFC 5280 §4.2.1.6: critical)"
                .into(),
        );
    }
    if let Ok(Some((_, nc))) = tbs.get_extension::<x509_cert::ext::pkix::NameConstraints>() {
        let subtrees = nc
            .permitted_subtrees
            .iter()
            .flatten()
            .chain(nc.excluded_subtrees.iter().flatten());
        for subtree in subtrees {
            if let GeneralName::DnsName(dns) = &subtree.base {
                if dns.as_str().starts_with('.') {
                    out.push(format!(
                        "the dNSName name constraint {:?} starts with a period, which only URI constraints may (RFC 5280 §4.2.1.10)",
                        dns.as_str()
                    ));
                }
            }
        }
    }
    match find(NAME_CONSTRAINTS) {
        Some(_) if !is_ca => out
            .push("nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)".into()),
        Some(nc) if !nc.critical => {
            out.push("nameConstraints is not critical (RFC 5280 §4.2.1.10)".into())
        }
        _ => {}
    }
    if find(POLICY_CONSTRAINTS).is_some_and(|pc| !pc.critical) {
        out.push("policyConstraints is not critical (RFC 5280 §4.2.1.11)".into());
    }
    if let Ok(Some((_, san))) = tbs.get_extension::<SubjectAltName>() {
        for name in &san.0 {
            if let GeneralName::DnsName(dns) = name {
                if !is_dns_name(dns.as_str()) {
                    out.push(format!(
                        "the dNSName SAN {:?} is not in the preferred name syntax (RFC 5280 §4.2.1.6)",
                        dns.as_str()
                    ));
                }
            }
        }
    }
    out
}

/// RFC 1034 §3.5 preferred name syntax as RFC 5280 §4.2.1.6 asks for dNSName (a leading `*`
/// label, a wildcard, accepted as certificates use it), without the trailing root dot.
fn is_dns_name(name: &str) -> bool {
    !name.ends_with('.') && super::pkix::valid_dns_name(name, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        for good in [
            "example.com",
            "*.example.com",
            "a-b.c0",
            "xn--bcher-kva.example",
        ] {
            assert!(is_dns_name(good), "{good}");
        }
        for bad in [
            "",
            "_dmarc.example.com",
            "-a.com",
            "a-.com",
            "a..com",
            "*",
            "a b.com",
        ] {
            assert!(!is_dns_name(bad), "{bad}");
        }
    }
}
