//! The built-in policies and the spec clause each check follows.

use std::sync::{Arc, OnceLock};

use super::{Policy, Revocation, SignerRule};
use crate::fhir::Profile;
use crate::jws::AlgorithmPolicy;
use crate::report::{CheckCode, Level};
use crate::trust::{EkuPolicy, PolicyInputs};

/// The names of the built-in policies.
pub const BUILTIN_NAMES: [&str; 3] = ["cdex", "cdex-strict", "r6"];

/// Under `cdex`, CDex SHALL rules fail and SHOULD rules warn.
const CDEX_LEVELS: &[(CheckCode, Level)] = &[
    // RFC 5280 §4 profile rules of the issuing CAs: reported, failing only the auditor's
    // policy (CAs in use do not all follow them). An expired trust anchor fails: its owner
    // no longer vouches for what it signed.
    (CheckCode::CertificateProfile, Level::Warn),
    // CONF-051 SHOULD: KeyUsage includes digitalSignature.
    (CheckCode::SignerKeyUsageDigitalSignature, Level::Warn),
    // CONF-050 SHOULD: the issuer is a trusted CA; a pinned signer has none.
    (CheckCode::PinnedSigner, Level::Warn),
    (CheckCode::DecimalPrecision, Level::Warn),
];

/// Under `cdex-strict`, every rule fails, SHOULD rules too.
const CDEX_STRICT_LEVELS: &[(CheckCode, Level)] = &[];

/// Under `r6`, the FHIR core rules only: CDex's signer identity rule (CONF-053) and its
/// KeyUsage recommendation (CONF-051) warn.
const R6_LEVELS: &[(CheckCode, Level)] = &[
    (CheckCode::CertificateProfile, Level::Warn),
    (CheckCode::SignerIdentity, Level::Warn),
    (CheckCode::SignerKeyUsageDigitalSignature, Level::Warn),
    (CheckCode::PinnedSigner, Level::Warn),
    (CheckCode::DecimalPrecision, Level::Warn),
];

fn make(
    name: &str,
    description: &str,
    levels: &[(CheckCode, Level)],
    revocation: Revocation,
) -> Policy {
    Policy {
        name: name.to_owned(),
        description: description.to_owned(),
        base: None,
        levels: levels.to_vec(),
        algorithms: AlgorithmPolicy::default(),
        eku: vec!["document-signing".to_owned()],
        eku_policy: EkuPolicy::default(),
        path_inputs: PolicyInputs::any(),
        signing_time: false,
        revocation,
        signers: SignerRule::All,
        unsigned_resources: Level::Warn,
    }
}

fn cdex() -> Policy {
    make(
        "cdex",
        "Da Vinci CDex signatures: SHALL rules fail, SHOULD rules warn",
        CDEX_LEVELS,
        Revocation::IfGiven,
    )
}

fn cdex_strict() -> Policy {
    make(
        "cdex-strict",
        "Da Vinci CDex signatures for auditors: SHALL and SHOULD rules fail",
        CDEX_STRICT_LEVELS,
        Revocation::IfGiven,
    )
}

fn r6() -> Policy {
    make(
        "r6",
        "FHIR R6 draft signatures: FHIR core rules fail, CDex-only rules warn",
        R6_LEVELS,
        Revocation::IfGiven,
    )
}

pub(super) fn policy(name: &str) -> Option<Policy> {
    match name {
        "cdex" => Some(cdex()),
        "cdex-strict" => Some(cdex_strict()),
        "r6" => Some(r6()),
        _ => None,
    }
}

pub(super) fn for_profile(profile: Profile) -> Arc<Policy> {
    static CDEX: OnceLock<Arc<Policy>> = OnceLock::new();
    static R6: OnceLock<Arc<Policy>> = OnceLock::new();
    match profile {
        Profile::R6 => R6.get_or_init(|| Arc::new(r6())).clone(),
        _ => CDEX.get_or_init(|| Arc::new(cdex())).clone(),
    }
}

impl Default for Policy {
    /// The `cdex` policy.
    fn default() -> Self {
        cdex()
    }
}

/// The rule a check enforces, as the policy tables cite it.
pub fn clause(code: CheckCode) -> &'static str {
    use CheckCode::*;
    match code {
        SignatureElement => "FHIR R4 Signature: type, when, who 1..1",
        SignatureData => "CONF-046: Signature.data is base64 of the JWS",
        DigitalSignature => "FHIR Signature: a digital, not an image, signature",
        JwsFormat => "RFC 7515 §7; CONF-046/047",
        Profile => "the profile the signature is held to",
        SigFormat => "CONF-029 SHALL: sigFormat application/jose",
        TargetFormat => "CONF-030/031 SHALL: targetFormat names the canonicalisation",
        Algorithm => "CONF-040 SHALL; RFC 7518 (never none or HMAC)",
        X5c => "CONF-042 SHALL: x5c carries the signer certificate",
        X5t => "RFC 7515 §4.1.7-8",
        SigT => "CONF-043 SHALL: sigT (JAdES form)",
        SrCms => "CONF-044 SHALL: srCms with the Verification Signature commitment",
        SignatureType => "CONF-039/054 SHALL: Signature.type equals the srCms ids",
        WhenMatchesSigT => "CONF-055 SHALL: Signature.when matches sigT",
        DecimalPrecision => "RFC 8785 §3.2.2.3 (information: number precision)",
        Payload => "CONF-030/034/035/036: the signed bytes",
        SignatureValue => "RFC 7515 §5.2: the signature value",
        SignerIdentity => "CONF-048/049/053 SHALL: a SAN matches Signature.who.identifier",
        TimePolicy => "the instant certificates are validated at",
        SignerCertificateValidity => "RFC 5280 §6.1.3 (a)(2): validity at the instant",
        SigningTimeInValidity => "CONF-043, JAdES: sigT inside the signer's validity",
        CertificateChainFormat => "RFC 7515 §4.1.6: x5c entries are DER certificates",
        CertificatePath => "RFC 5280 §6 (CONF-050): a path to a trust anchor",
        PinnedSigner => "CONF-050 SHOULD: the issuer is a trusted CA",
        CertificateProfile => "RFC 5280 §4: the profile rules conforming CAs follow",
        CaKeyUsage => "RFC 5280 §6.1.4 (n): a CA's KeyUsage asserts keyCertSign",
        TrustAnchorValidity => "the trust anchor is within its validity",
        SignerKeyUsage => "RFC 5280 §4.2.1.3: a KeyUsage allows signatures",
        SignerKeyUsageDigitalSignature => "CONF-051 SHOULD: KeyUsage includes digitalSignature",
        SignerExtendedKeyUsage => "RFC 5280 §4.2.1.12: the EKU is accepted",
        RevocationStatus => "RFC 5280 §6.3: no certificate of the path is revoked",
        SignatureFormat => "FHIR Provenance.signature: a JWS",
        TargetsResolved => "FHIR Provenance.target: each names one resource",
        SignatureWhen => "FHIR R4 Signature.when",
        SignedDocument => "a document held outside the file",
        Document => "the signed document",
        DocumentDigest => "JAdES sigD / CMS message-digest",
        DocumentMissing => "JAdES sigD: each named document supplied",
        DocumentExtra => "JAdES sigD: no document the signature does not name",
        ContentType => "RFC 5652 §11.1: content-type",
        Signature => "the document signature value",
        SignerCertificate => "the document signer certificate",
        CertificateChain => "the document signature's certificates",
        SigningTime => "RFC 5652 §11.3 / JAdES sigT",
        SigningCertificate => "RFC 5035: ESS signing-certificate-v2",
        ProvenanceBinding => "the Provenance claims bound into the signature",
    }
}
