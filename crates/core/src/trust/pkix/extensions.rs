//! The extensions path validation reads, decoded once per certificate, and the RFC 5280 §4.2
//! rules on extensions themselves (no duplicates, critical ones understood).

use std::collections::BTreeSet;

use const_oid::db::rfc5280 as oids;
use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, InhibitAnyPolicy, KeyUsage,
    NameConstraints, PolicyConstraints, PolicyMappings, SubjectAltName, SubjectKeyIdentifier,
};

use super::super::certificate::Certificate;

/// anyPolicy (RFC 5280 §4.2.1.4).
pub(crate) const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// Extensions this validator processes or may ignore by their definition: a critical extension
/// outside the list makes the certificate unusable (RFC 5280 §4.2: "A certificate-using system
/// MUST reject the certificate if it encounters a critical extension it does not recognize").
/// authorityInfoAccess and subjectInfoAccess are known but must not be critical (§4.2.2), so
/// they are left out.
const UNDERSTOOD: [ObjectIdentifier; 13] = [
    oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    oids::ID_CE_SUBJECT_KEY_IDENTIFIER,
    oids::ID_CE_BASIC_CONSTRAINTS,
    oids::ID_CE_KEY_USAGE,
    oids::ID_CE_EXT_KEY_USAGE,
    oids::ID_CE_SUBJECT_ALT_NAME,
    oids::ID_CE_ISSUER_ALT_NAME,
    oids::ID_CE_NAME_CONSTRAINTS,
    oids::ID_CE_POLICY_CONSTRAINTS,
    oids::ID_CE_CERTIFICATE_POLICIES,
    oids::ID_CE_POLICY_MAPPINGS,
    oids::ID_CE_INHIBIT_ANY_POLICY,
    oids::ID_CE_CRL_DISTRIBUTION_POINTS,
];

/// Largest number of policies or mappings one certificate may carry: the policy graph grows
/// with them, so a hostile certificate cannot make it large.
pub(crate) const MAX_POLICIES: usize = 64;

/// What path validation needs from one certificate.
#[derive(Debug, Default)]
pub(crate) struct View {
    pub(crate) version3: bool,
    pub(crate) basic_constraints: Option<BasicConstraints>,
    pub(crate) key_usage: Option<KeyUsage>,
    pub(crate) subject_alt_names: Vec<GeneralName>,
    pub(crate) name_constraints: Option<NameConstraints>,
    /// The policy OIDs asserted (anyPolicy included); `None` without the extension.
    pub(crate) policies: Option<BTreeSet<ObjectIdentifier>>,
    /// (issuerDomainPolicy, subjectDomainPolicy) pairs.
    pub(crate) mappings: Vec<(ObjectIdentifier, ObjectIdentifier)>,
    pub(crate) policy_constraints: Option<PolicyConstraints>,
    pub(crate) inhibit_any_policy: Option<u32>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
    /// Critical extensions this validator does not understand.
    pub(crate) unknown_critical: Vec<ObjectIdentifier>,
}

impl View {
    /// Decodes the extensions of `cert`; the error says which rule the certificate breaks.
    pub(crate) fn of(cert: &Certificate) -> Result<Self, String> {
        let tbs = cert.x509().tbs_certificate();
        let mut view = View {
            version3: tbs.version() == x509_cert::Version::V3,
            ..View::default()
        };
        let extensions: &[x509_cert::ext::Extension] =
            tbs.extensions().map_or(&[], |e| e.as_slice());
        let mut seen = BTreeSet::new();
        for ext in extensions {
            if !seen.insert(ext.extn_id) {
                return Err(format!(
                    "the extension {} appears twice (RFC 5280 §4.2)",
                    ext.extn_id
                ));
            }
            let value = ext.extn_value.as_bytes();
            let bad = |what: &str| format!("its {what} extension is not valid DER (RFC 5280 §4.2)");
            match ext.extn_id {
                oids::ID_CE_BASIC_CONSTRAINTS => {
                    view.basic_constraints = Some(
                        BasicConstraints::from_der(value).map_err(|_| bad("basicConstraints"))?,
                    );
                }
                oids::ID_CE_KEY_USAGE => {
                    view.key_usage = Some(KeyUsage::from_der(value).map_err(|_| bad("keyUsage"))?);
                }
                oids::ID_CE_SUBJECT_ALT_NAME => {
                    let san = SubjectAltName::from_der(value).map_err(|_| bad("subjectAltName"))?;
                    if san.0.is_empty() {
                        return Err("its subjectAltName is empty (RFC 5280 §4.2.1.6)".into());
                    }
                    view.subject_alt_names = san.0;
                }
                oids::ID_CE_NAME_CONSTRAINTS => {
                    let nc =
                        NameConstraints::from_der(value).map_err(|_| bad("nameConstraints"))?;
                    if nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none() {
                        return Err("its nameConstraints is empty (RFC 5280 §4.2.1.10)".into());
                    }
                    view.name_constraints = Some(nc);
                }
                oids::ID_CE_CERTIFICATE_POLICIES => {
                    let policies = CertificatePolicies::from_der(value)
                        .map_err(|_| bad("certificatePolicies"))?;
                    if policies.0.len() > MAX_POLICIES {
                        return Err(format!(
                            "it asserts {} certificate policies, more than the {MAX_POLICIES} this validator accepts",
                            policies.0.len()
                        ));
                    }
                    let mut set = BTreeSet::new();
                    for info in &policies.0 {
                        if !set.insert(info.policy_identifier) {
                            return Err(format!(
                                "the certificate policy {} appears twice (RFC 5280 §4.2.1.4)",
                                info.policy_identifier
                            ));
                        }
                    }
                    view.policies = Some(set);
                }
                oids::ID_CE_POLICY_MAPPINGS => {
                    let mappings =
                        PolicyMappings::from_der(value).map_err(|_| bad("policyMappings"))?;
                    if mappings.0.len() > MAX_POLICIES {
                        return Err(format!(
                            "it has {} policy mappings, more than the {MAX_POLICIES} this validator accepts",
                            mappings.0.len()
                        ));
                    }
                    view.mappings = mappings
                        .0
                        .iter()
                        .map(|m| (m.issuer_domain_policy, m.subject_domain_policy))
                        .collect();
                }
                oids::ID_CE_POLICY_CONSTRAINTS => {
                    let pc =
                        PolicyConstraints::from_der(value).map_err(|_| bad("policyConstraints"))?;
                    if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                        return Err("its policyConstraints is empty (RFC 5280 §4.2.1.11)".into());
                    }
                    view.policy_constraints = Some(pc);
                }
                oids::ID_CE_INHIBIT_ANY_POLICY => {
                    let skip = der::asn1::Uint::from_der(value)
                        .ok()
                        .and_then(|n| uint_value(n.as_bytes()))
                        .ok_or_else(|| bad("inhibitAnyPolicy"))?;
                    view.inhibit_any_policy = Some(InhibitAnyPolicy(skip).0);
                }
                oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                    let aki = AuthorityKeyIdentifier::from_der(value)
                        .map_err(|_| bad("authorityKeyIdentifier"))?;
                    view.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                oids::ID_CE_SUBJECT_KEY_IDENTIFIER => {
                    let ski = SubjectKeyIdentifier::from_der(value)
                        .map_err(|_| bad("subjectKeyIdentifier"))?;
                    view.subject_key_id = Some(ski.0.as_bytes().to_vec());
                }
                _ => {}
            }
            if ext.critical && !UNDERSTOOD.contains(&ext.extn_id) {
                view.unknown_critical.push(ext.extn_id);
            }
        }
        Ok(view)
    }

    /// basicConstraints cA (RFC 5280 §4.2.1.9).
    pub(crate) fn is_ca(&self) -> bool {
        self.basic_constraints.as_ref().is_some_and(|bc| bc.ca)
    }
}

/// A non-negative INTEGER's value, when it fits in 32 bits.
fn uint_value(bytes: &[u8]) -> Option<u32> {
    if bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)))
}
