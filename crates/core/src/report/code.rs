//! The stable names of every check fhirsig reports.
//!
//! A check code is part of the JSON report (`checks[].code`) and of the published test-vector
//! mapping (docs/test-vectors.md), so each spelling is fixed once here; adding a check means
//! adding a variant.

use core::fmt;

macro_rules! check_codes {
    ($( $(#[$doc:meta])* $variant:ident => $text:literal, )+) => {
        /// The code of one [`Check`](super::Check): which rule it reports on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum CheckCode {
            $( $(#[$doc])* $variant, )+
        }

        impl CheckCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [CheckCode] = &[$( CheckCode::$variant, )+];

            /// The stable kebab-case spelling, e.g. `signature-value`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( CheckCode::$variant => $text, )+
                }
            }

            /// The code spelled `text`, if there is one.
            pub fn from_name(text: &str) -> Option<CheckCode> {
                match text {
                    $( $text => Some(CheckCode::$variant), )+
                    _ => None,
                }
            }
        }
    };
}

check_codes! {
    // The FHIR Signature element and the JWS it carries.
    /// The R4 `Signature` datatype's required elements (`type`, `when`, `who`).
    SignatureElement => "signature-element",
    /// `Signature.data` decodes to JWS text (CONF-046).
    SignatureData => "signature-data",
    /// The signature is a digital one (not an image, `sigFormat` `image/*`).
    DigitalSignature => "digital-signature",
    /// The JWS serialization (compact, or JSON for several signers, CONF-046/047).
    JwsFormat => "jws-format",
    /// The profile the signature is held to.
    Profile => "profile",
    /// `sigFormat` is `application/jose` (CONF-029).
    SigFormat => "sig-format",
    /// `targetFormat` names the profile's canonicalisation (CONF-030/031).
    TargetFormat => "target-format",
    /// The JWS `alg` is accepted (CONF-040; never `none`, never HMAC).
    Algorithm => "algorithm",
    /// `x5c` carries the signer certificate (CONF-042).
    X5c => "x5c",
    /// `x5t#S256` / `x5t`, when present, are the thumbprint of `x5c[0]` (RFC 7515 §4.1.7-8).
    X5t => "x5t",
    /// `sigT` present and in the JAdES form (CONF-043).
    SigT => "sig-t",
    /// `srCms` holds the Verification Signature commitment (CONF-037/038/044).
    SrCms => "sr-cms",
    /// `Signature.type` agrees with `srCms` (CONF-039/054).
    SignatureType => "signature-type",
    /// `Signature.when` is the signed `sigT` (CONF-055).
    WhenMatchesSigT => "when-matches-sig-t",
    /// Numbers whose precision the canonical form does not keep (a warning).
    DecimalPrecision => "decimal-precision",
    /// The signed bytes could be rebuilt from the resource by the profile's rule.
    Payload => "payload",
    /// The signature value verifies over the rebuilt bytes with the signer's key.
    SignatureValue => "signature-value",
    /// `Signature.who` names the certificate's subject (CONF-048/049/053).
    SignerIdentity => "signer-identity",

    // The signer certificate and its path.
    /// The instant certificates are validated at.
    TimePolicy => "time-policy",
    /// The signer certificate is inside its validity at that instant.
    SignerCertificateValidity => "signer-certificate-validity",
    /// `sigT` lies inside the signer certificate's validity.
    SigningTimeInValidity => "signing-time-in-validity",
    /// The `x5c` certificates parse as a chain.
    CertificateChainFormat => "certificate-chain-format",
    /// The chain leads to a configured trust anchor (RFC 5280 path validation).
    CertificatePath => "certificate-path",
    /// Every certificate of the path follows the RFC 5280 §4 profile rules a conforming CA
    /// follows (key identifiers, critical basicConstraints in CAs, positive serial numbers,
    /// name syntax, no unknown critical extension in the anchor); each finding names the
    /// certificate and the rule.
    CertificateProfile => "certificate-profile",
    /// Every CA certificate of the path may sign certificates: a KeyUsage, when present,
    /// asserts keyCertSign (RFC 5280 §6.1.4 (n)).
    CaKeyUsage => "ca-key-usage",
    /// The trust anchor itself is within its validity at the path's instant.
    TrustAnchorValidity => "trust-anchor-validity",
    /// The signer certificate is itself a configured trust anchor (a pinned signer), trusted
    /// by configuration whatever its CA bit, with no issuing CA (CONF-050, a SHOULD: a warning
    /// under every built-in policy but `cdex-strict`).
    PinnedSigner => "pinned-signer",
    /// The signer certificate's KeyUsage, when present, allows signatures
    /// (`digitalSignature` or `nonRepudiation`, RFC 5280 §4.2.1.3).
    SignerKeyUsage => "signer-key-usage",
    /// The signer certificate has a KeyUsage that includes `digitalSignature` (CONF-051, a
    /// SHOULD: a warning under the `cdex` policy).
    SignerKeyUsageDigitalSignature => "key-usage-digital-signature",
    /// The signer certificate's ExtendedKeyUsage is accepted.
    SignerExtendedKeyUsage => "signer-extended-key-usage",
    /// No certificate of the path is revoked according to a current CRL.
    RevocationStatus => "revocation-status",

    // Provenance signatures.
    /// The Provenance `Signature` element holds a JWS the verifier reads.
    SignatureFormat => "signature-format",
    /// Every `Provenance.target` names exactly one resource of the document.
    TargetsResolved => "targets-resolved",
    /// `Signature.when` agrees with the signed `sigT`.
    SignatureWhen => "signature-when",
    /// A signature over a document held outside this file (`doc sign --fhir`).
    SignedDocument => "signed-document",

    // Document signatures (C-CDA, PDF, any bytes).
    /// A document the signature covers.
    Document => "document",
    /// A document's digest equals the one signed (JAdES `sigD`, CMS message digest).
    DocumentDigest => "document-digest",
    /// A document the signature names was not supplied.
    DocumentMissing => "document-missing",
    /// A document was supplied that the signature does not name.
    DocumentExtra => "document-extra",
    /// The content type a CMS signature declares.
    ContentType => "content-type",
    /// The document signature value.
    Signature => "signature",
    /// The signer certificate of a document signature.
    SignerCertificate => "signer-certificate",
    /// The certificates a document signature carries, as a chain.
    CertificateChain => "certificate-chain",
    /// The signing time a document signature declares.
    SigningTime => "signing-time",
    /// The ESS signing-certificate-v2 attribute names the signer certificate (CMS).
    SigningCertificate => "signing-certificate",
    /// What the signer's Provenance claims (who, when, type, target) is bound into the signature.
    ProvenanceBinding => "provenance-binding",
}

impl fmt::Display for CheckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for CheckCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl AsRef<str> for CheckCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in CheckCode::ALL {
            let text = code.as_str();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{text}"
            );
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(CheckCode::from_name(text), Some(*code));
        }
        assert_eq!(CheckCode::from_name("no-such-check"), None);
    }
}
