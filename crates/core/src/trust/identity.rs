//! Signer identity: does the leaf certificate name the `Signature.who.identifier`?
//! (CDex CONF-048/049/053; neither CDex nor FHIR says how the identifier is encoded in
//! the certificate, so the otherName typed with the identifier system's OID is looked for first.)
//!
//! Order: `otherName` SANs whose type-id is the OID of the identifier system, then URI SANs,
//! then DNS SANs, then the subject common name. A URI SAN matches when it equals the identifier
//! value exactly (`system|value` token syntax is not a URI and is not matched). A DNS SAN
//! matches case-insensitively. A common-name match is reported separately because CONF-053 asks
//! for a SAN.

use crate::report::CheckCode;
use const_oid::ObjectIdentifier;
use der::asn1::{Ia5StringRef, PrintableStringRef, Utf8StringRef};
use der::{Tag, Tagged};
use x509_cert::ext::pkix::name::{GeneralName, OtherName};

use super::certificate::Certificate;
use crate::report::{Check, SubIndication};

/// Identifier systems whose values certificates carry as `otherName` with a known OID.
/// Confirmed against HL7 terminology (`NamingSystem` resources); other systems can be given as
/// `urn:oid:…`.
pub const IDENTIFIER_SYSTEM_OIDS: [(&str, &str); 3] = [
    ("http://hl7.org/fhir/sid/us-npi", "2.16.840.1.113883.4.6"),
    ("http://hl7.org/fhir/sid/us-ssn", "2.16.840.1.113883.4.1"),
    (
        "http://terminology.hl7.org/NamingSystem/USEIN",
        "2.16.840.1.113883.4.4",
    ),
];

/// The `signer-identity` message for an `otherName` match of each OID of
/// [`IDENTIFIER_SYSTEM_OIDS`], written out: a batch signed by one NPI holder reports it once
/// per record, and formatting an OID walks its arcs.
const KNOWN_OTHER_NAME_MESSAGES: [(ObjectIdentifier, &str); 3] = [
    (
        ObjectIdentifier::new_unwrap("2.16.840.1.113883.4.6"),
        "SAN otherName 2.16.840.1.113883.4.6 equals the identifier",
    ),
    (
        ObjectIdentifier::new_unwrap("2.16.840.1.113883.4.1"),
        "SAN otherName 2.16.840.1.113883.4.1 equals the identifier",
    ),
    (
        ObjectIdentifier::new_unwrap("2.16.840.1.113883.4.4"),
        "SAN otherName 2.16.840.1.113883.4.4 equals the identifier",
    ),
];

/// The OID an identifier system maps to: the table [`IDENTIFIER_SYSTEM_OIDS`], or `X` for a
/// `urn:oid:X` system.
pub fn system_oid(system: &str) -> Option<ObjectIdentifier> {
    let text = match system.strip_prefix("urn:oid:") {
        Some(oid) => oid,
        None => IDENTIFIER_SYSTEM_OIDS.iter().find(|(s, _)| *s == system)?.1,
    };
    ObjectIdentifier::new(text).ok()
}

/// Which part of the certificate named the signer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentityMatch {
    /// A SAN `otherName` with this type-id and the identifier value.
    OtherName {
        /// The `otherName` type-id.
        oid: ObjectIdentifier,
    },
    /// A SAN URI equal to the identifier value.
    Uri,
    /// A SAN DNS name equal to the identifier value (ASCII case-insensitive).
    Dns,
    /// Only the subject common name equals the value (not a SAN; a warning for CONF-053).
    CommonName,
    /// Nothing matched.
    NoMatch {
        /// The names present, e.g. `otherName:2.16.840.1.113883.4.6=1234567893`, `DNS:…`,
        /// `URI:…`, `CN:…`, as evidence.
        present: Vec<String>,
    },
}

impl IdentityMatch {
    /// True for a SAN match (otherName, URI or DNS).
    pub fn is_san_match(&self) -> bool {
        matches!(self, Self::OtherName { .. } | Self::Uri | Self::Dns)
    }

    /// The report entry (code `signer-identity`): pass for a SAN match, a warning for a
    /// common-name-only match, `INDETERMINATE/sig-constraints-failure` for no match.
    pub fn to_check(&self, value: &str) -> Check {
        const CODE: CheckCode = CheckCode::SignerIdentity;
        match self {
            Self::OtherName { oid } => match KNOWN_OTHER_NAME_MESSAGES
                .iter()
                .find(|(known, _)| known == oid)
            {
                Some((_, message)) => Check::pass(CODE, *message),
                None => Check::pass(CODE, format!("SAN otherName {oid} equals the identifier")),
            },
            Self::Uri => Check::pass(CODE, "a SAN URI equals the identifier value"),
            Self::Dns => Check::pass(CODE, "a SAN DNS name equals the identifier value"),
            Self::CommonName => Check::warn(
                CODE,
                "only the subject CN equals the identifier; CONF-053 requires a SAN",
            ),
            Self::NoMatch { present } => Check::indeterminate(
                CODE,
                SubIndication::SigConstraintsFailure,
                "no SAN of the signer certificate matches Signature.who.identifier (CONF-053)",
            )
            .with("present", present.join(", ")),
        }
        .with("identifier", value.to_owned())
    }
}

/// How `Signature.who.identifier` is matched with the signer certificate, by its `system`
/// (CONF-053 asks for a SAN equal to the identifier; the system says which kind of SAN):
///
/// | `identifier.system` | matches |
/// |---|---|
/// | a known identifier system (NPI, SSN, EIN) or `urn:oid:OID` | an `otherName` of that OID whose value equals `value` |
/// | `urn:ietf:rfc:3986` (the value is a URI) | a URI SAN equal to `value`, or a DNS SAN equal to the URI's host |
/// | `urn:ietf:rfc:1035` (the value is a domain name) | a DNS SAN equal to `value` (case-insensitive) |
/// | another system, or none | a URI SAN equal to `value` |
///
/// An identifier of one kind never matches a SAN of another (an NPI never matches a DNS name
/// that happens to be the same text). A subject CN equal to `value` is reported as a warning
/// only (CONF-053 requires a SAN), and is never enough to verify.
pub fn match_signer_identity(
    leaf: &Certificate,
    system: Option<&str>,
    value: &str,
) -> IdentityMatch {
    let names = subject_alt_names(leaf);
    let uri_equal = || {
        names
            .iter()
            .any(|n| matches!(n, GeneralName::UniformResourceIdentifier(u) if u.as_str() == value))
    };
    let dns_equal = |host: &str| {
        !host.is_empty()
            && names.iter().any(
                |n| matches!(n, GeneralName::DnsName(d) if d.as_str().eq_ignore_ascii_case(host)),
            )
    };
    let found = match system {
        Some("urn:ietf:rfc:3986") => {
            if uri_equal() {
                Some(IdentityMatch::Uri)
            } else if dns_equal(url_host(value).unwrap_or("")) {
                Some(IdentityMatch::Dns)
            } else {
                None
            }
        }
        Some("urn:ietf:rfc:1035") => dns_equal(value).then_some(IdentityMatch::Dns),
        Some(system) => match system_oid(system) {
            Some(oid) => names.iter().find_map(|name| match name {
                GeneralName::OtherName(other)
                    if other.type_id == oid && other_value(other).as_deref() == Some(value) =>
                {
                    Some(IdentityMatch::OtherName { oid })
                }
                _ => None,
            }),
            None => uri_equal().then_some(IdentityMatch::Uri),
        },
        None => uri_equal().then_some(IdentityMatch::Uri),
    };
    if let Some(found) = found {
        return found;
    }
    let cn = common_name(leaf);
    if cn.as_deref() == Some(value) {
        return IdentityMatch::CommonName;
    }
    let mut present: Vec<String> = names.iter().map(describe).collect();
    present.extend(cn.map(|c| format!("CN:{c}")));
    IdentityMatch::NoMatch { present }
}

/// The host of an `http`/`https` URL (`https://ehr.example.org/fhir` → `ehr.example.org`).
fn url_host(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// The identifiers a certificate carries as `otherName` SANs whose type-id maps to a known
/// identifier system ([`IDENTIFIER_SYSTEM_OIDS`]), as `(system, value)`, in SAN order. A signer
/// uses the first as its default `Signature.who.identifier`.
pub fn certificate_identifiers(cert: &Certificate) -> Vec<(&'static str, String)> {
    subject_alt_names(cert)
        .iter()
        .filter_map(|name| match name {
            GeneralName::OtherName(other) => {
                let system = IDENTIFIER_SYSTEM_OIDS
                    .iter()
                    .find(|(_, oid)| ObjectIdentifier::new(oid).ok() == Some(other.type_id))?
                    .0;
                Some((system, other_value(other)?))
            }
            _ => None,
        })
        .collect()
}

/// Every name of the certificate (SANs, then the subject CN), as `kind:value` text.
pub fn certificate_names(cert: &Certificate) -> Vec<String> {
    let mut names: Vec<String> = subject_alt_names(cert).iter().map(describe).collect();
    names.extend(common_name(cert).map(|c| format!("CN:{c}")));
    names
}

fn subject_alt_names(leaf: &Certificate) -> &[GeneralName] {
    leaf.alt_names()
}

fn common_name(leaf: &Certificate) -> Option<String> {
    let cn = leaf
        .x509()
        .tbs_certificate()
        .subject()
        .common_name()
        .ok()??;
    Some(cn.value().into_owned())
}

/// The string value of an `otherName` encoded as UTF8String, IA5String or PrintableString.
fn other_value(other: &OtherName) -> Option<String> {
    let any = &other.value;
    let text = match any.tag() {
        Tag::Utf8String => Utf8StringRef::try_from(any).ok()?.as_str().to_owned(),
        Tag::Ia5String => Ia5StringRef::try_from(any).ok()?.as_str().to_owned(),
        Tag::PrintableString => PrintableStringRef::try_from(any).ok()?.as_str().to_owned(),
        _ => return None,
    };
    Some(text)
}

fn describe(name: &GeneralName) -> String {
    match name {
        GeneralName::OtherName(o) => {
            format!(
                "otherName:{}={}",
                o.type_id,
                other_value(o).unwrap_or_else(|| "?".into())
            )
        }
        GeneralName::DnsName(d) => format!("DNS:{}", d.as_str()),
        GeneralName::UniformResourceIdentifier(u) => format!("URI:{}", u.as_str()),
        GeneralName::Rfc822Name(e) => format!("email:{}", e.as_str()),
        GeneralName::DirectoryName(dn) => format!("DirName:{dn}"),
        GeneralName::RegisteredId(oid) => format!("RID:{oid}"),
        GeneralName::IpAddress(ip) => match ip.as_bytes() {
            &[a, b, c, d] => format!("IP:{}", std::net::Ipv4Addr::new(a, b, c, d)),
            bytes => match <[u8; 16]>::try_from(bytes) {
                Ok(v6) => format!("IP:{}", std::net::Ipv6Addr::from(v6)),
                Err(_) => format!("IP:(malformed, {} bytes)", bytes.len()),
            },
        },
        GeneralName::EdiPartyName(_) => "ediPartyName".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn written_out_messages_are_the_formatted_ones_for_every_known_system() {
        for (system, text) in IDENTIFIER_SYSTEM_OIDS {
            let oid = system_oid(system).unwrap();
            assert_eq!(oid.to_string(), text);
            let (_, message) = KNOWN_OTHER_NAME_MESSAGES
                .iter()
                .find(|(known, _)| *known == oid)
                .unwrap();
            assert_eq!(
                *message,
                format!("SAN otherName {oid} equals the identifier")
            );
            let check = IdentityMatch::OtherName { oid }.to_check("1234567893");
            assert_eq!(check.message(), *message);
        }
        assert_eq!(
            KNOWN_OTHER_NAME_MESSAGES.len(),
            IDENTIFIER_SYSTEM_OIDS.len()
        );
    }

    #[test]
    fn another_oid_is_formatted() {
        let oid = ObjectIdentifier::new_unwrap("1.2.3.4.5");
        let check = IdentityMatch::OtherName { oid }.to_check("x");
        assert_eq!(
            check.message(),
            "SAN otherName 1.2.3.4.5 equals the identifier"
        );
    }
}
