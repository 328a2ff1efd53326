//! Key usage (KU) and extended key usage (EKU) of the signer certificate.
//!
//! webpki ignores KU for end entities and applies its EKU validator to every certificate of the
//! path (CA certificates included), so both checks are done here on the leaf only, and webpki is
//! given [`AnyEku`], which accepts everything.

use crate::report::CheckCode;
use const_oid::ObjectIdentifier;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};

use super::certificate::Certificate;
use crate::report::{Check, SubIndication};

/// `id-kp-documentSigning` (RFC 9336).
pub const DOCUMENT_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36");
/// `anyExtendedKeyUsage` (RFC 5280 section 4.2.1.12).
pub const ANY_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");

/// Which extended key usages the signer (leaf) certificate may carry.
///
/// A leaf without an EKU extension, or with `anyExtendedKeyUsage`, is accepted unless
/// [`EkuPolicy::require_extension`] was called; otherwise one of the accepted OIDs must be
/// present, unless the policy is [`EkuPolicy::any`]. CA certificates' EKUs are never looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EkuPolicy {
    accepted: Vec<ObjectIdentifier>,
    allow_absent: bool,
    any_purpose: bool,
}

impl Default for EkuPolicy {
    /// Absent EKU, `anyExtendedKeyUsage` or document signing (1.3.6.1.5.5.7.3.36).
    fn default() -> Self {
        Self::one_of(vec![DOCUMENT_SIGNING])
    }
}

impl EkuPolicy {
    /// Accept these EKU OIDs (plus absent EKU and `anyExtendedKeyUsage`).
    pub fn one_of(accepted: Vec<ObjectIdentifier>) -> Self {
        Self {
            accepted,
            allow_absent: true,
            any_purpose: false,
        }
    }

    /// Accept every EKU: the check passes whatever purposes the leaf names (it still reports
    /// them). For relying parties whose agreement does not restrict the signer's purposes.
    pub fn any() -> Self {
        Self {
            accepted: Vec::new(),
            allow_absent: true,
            any_purpose: true,
        }
    }

    /// Reject leaves that have no EKU extension.
    #[must_use]
    pub fn require_extension(mut self) -> Self {
        self.allow_absent = false;
        self
    }

    /// Checks the leaf's EKU against this policy.
    pub(crate) fn check(&self, leaf: &Certificate) -> Check {
        const CODE: CheckCode = CheckCode::SignerExtendedKeyUsage;
        let ekus = match leaf
            .x509()
            .tbs_certificate()
            .get_extension::<ExtendedKeyUsage>()
        {
            Err(e) => {
                let msg = format!("the EKU extension is malformed: {e}");
                return Check::indeterminate(CODE, SubIndication::ChainConstraintsFailure, msg);
            }
            Ok(None) if self.allow_absent => {
                return Check::pass(CODE, "no EKU extension: any usage is allowed");
            }
            Ok(None) => Vec::new(),
            Ok(Some((_, eku))) => eku.0,
        };
        let present = ekus
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let accepted =
            |oid: &ObjectIdentifier| *oid == ANY_EXTENDED_KEY_USAGE || self.accepted.contains(oid);
        if self.any_purpose && !ekus.is_empty() {
            Check::pass(CODE, "any EKU is accepted by the policy").with("present", present)
        } else if let Some(hit) = ekus.iter().find(|oid| accepted(oid)) {
            Check::pass(CODE, format!("EKU {hit} is accepted")).with("present", present)
        } else {
            let wanted = self
                .accepted
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>();
            let msg = "the signer certificate's EKU allows none of the accepted purposes";
            Check::indeterminate(CODE, SubIndication::ChainConstraintsFailure, msg)
                .with("present", present)
                .with("accepted", wanted.join(","))
        }
    }
}

/// RFC 5280 section 4.2.1.3: a KeyUsage, when present, must allow the signature
/// (`digitalSignature`, or `nonRepudiation` for content commitment); without the extension any
/// usage is allowed. The CDex recommendation that the extension be there with
/// `digitalSignature` (CONF-051) is [`check_digital_signature_usage`].
pub(crate) fn check_key_usage(leaf: &Certificate) -> Check {
    const CODE: CheckCode = CheckCode::SignerKeyUsage;
    let fail =
        |msg: String| Check::indeterminate(CODE, SubIndication::ChainConstraintsFailure, msg);
    match leaf.x509().tbs_certificate().get_extension::<KeyUsage>() {
        Err(e) => fail(format!("the KeyUsage extension is malformed: {e}")),
        Ok(None) => Check::pass(
            CODE,
            "the signer certificate has no KeyUsage extension: any usage is allowed (RFC 5280 §4.2.1.3)",
        ),
        Ok(Some((_, ku))) => {
            let names = asserted(&ku);
            let bits = if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(",")
            };
            if ku.digital_signature() || ku.non_repudiation() {
                Check::pass(CODE, "KeyUsage asserts digitalSignature or nonRepudiation")
                    .with("key-usage", bits)
            } else {
                fail("KeyUsage asserts neither digitalSignature nor nonRepudiation".into())
                    .with("key-usage", bits)
            }
        }
    }
    .with("rule", "RFC 5280 §4.2.1.3")
}

/// CONF-051 (SHOULD): the signer certificate's KeyUsage includes `digitalSignature`. A
/// failure here is a warning under the `cdex` policy and a failure under `cdex-strict`.
pub(crate) fn check_digital_signature_usage(leaf: &Certificate) -> Check {
    const CODE: CheckCode = CheckCode::SignerKeyUsageDigitalSignature;
    let fail =
        |msg: &'static str| Check::indeterminate(CODE, SubIndication::ChainConstraintsFailure, msg);
    match leaf.x509().tbs_certificate().get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) if ku.digital_signature() => {
            Check::pass(CODE, "KeyUsage includes digitalSignature")
        }
        Ok(Some(_)) => fail("KeyUsage does not include digitalSignature (CONF-051 recommends it)"),
        Ok(None) => fail("the signer certificate has no KeyUsage extension (CONF-051 recommends one with digitalSignature)"),
        Err(_) => fail("the KeyUsage extension is malformed"),
    }
    .with("conf", "CONF-051")
}

/// The KeyUsage bits `cert` asserts, by their RFC 5280 names (`digitalSignature`,
/// `nonRepudiation`, …), in bit order; `None` when it has no readable KeyUsage extension.
/// For display: nothing is judged here.
pub fn key_usage_names(cert: &Certificate) -> Option<Vec<&'static str>> {
    let (_, ku) = cert
        .x509()
        .tbs_certificate()
        .get_extension::<KeyUsage>()
        .ok()??;
    Some(asserted(&ku))
}

/// The bits `ku` asserts, by their RFC 5280 §4.2.1.3 names, in bit order.
fn asserted(ku: &KeyUsage) -> Vec<&'static str> {
    let bits = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    bits.iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect()
}

/// The extended key usages `cert` carries, as `(dotted OID, name when known)`, in certificate
/// order; `None` when it has no readable EKU extension. For display: nothing is judged here.
pub fn extended_key_usages(cert: &Certificate) -> Option<Vec<(String, Option<&'static str>)>> {
    let (_, eku) = cert
        .x509()
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
        .ok()??;
    Some(
        eku.0
            .iter()
            .map(|oid| {
                let name = if *oid == DOCUMENT_SIGNING {
                    Some("id-kp-documentSigning")
                } else if *oid == ANY_EXTENDED_KEY_USAGE {
                    Some("anyExtendedKeyUsage")
                } else {
                    const_oid::db::DB.by_oid(oid)
                };
                (oid.to_string(), name)
            })
            .collect(),
    )
}
