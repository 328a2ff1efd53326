//! Certificate trust for `x5c` signer chains: path validation to configured anchors at a
//! caller-chosen instant, key usage, signer identity (CDex CONF-048/049/053), offline CRL
//! revocation, and ETSI EN 319 102-1 style reports.
//!
//! Nothing here reads the clock, the environment or files: certificates, anchors, CRLs and
//! instants are passed in. See `docs/trust.md` for the trust model and the time policy.
//!
//! ```text
//! let anchors = TrustAnchors::from_pem(&[root_pem])?;
//! let validator = ChainValidator::new(anchors).with_crls(vec![Crl::from_pem_or_der(crl)?]);
//! let chain = CertificateChain::from_der(x5c_der)?;
//! let times = ValidationTimes::at(now).with_sig_t(sig_t);
//! let (report, verified) = validator.validate(&chain, &times);
//! ```

mod anchors;
mod certificate;
mod conformance;
mod crl;
mod error;
mod identity;
mod instant_texts;
mod key_usage;
mod ocsp;
mod path;
mod pkix;

mod revocation;
mod signed_data;
mod times;
mod validator;
mod x5c_cache;

pub use crate::report::{Check, CheckCode, Indication, Outcome, Report, SubIndication};
pub use anchors::TrustAnchors;
pub use certificate::{certificates_from_pem, Certificate, CertificateChain};
/// Object identifiers (certificate policies, extended key usages), as the trust API takes them.
pub use const_oid::ObjectIdentifier;
pub use crl::Crl;
pub use error::{pem_error_text, TrustError};
pub use identity::{
    certificate_identifiers, certificate_names, match_signer_identity, system_oid, IdentityMatch,
    IDENTIFIER_SYSTEM_OIDS,
};
pub use key_usage::{
    extended_key_usages, key_usage_names, EkuPolicy, ANY_EXTENDED_KEY_USAGE, DOCUMENT_SIGNING,
};
pub use ocsp::OcspResponse;
pub use pkix::PolicyInputs;
pub use times::{format_rfc3339, parse_rfc3339, TimePolicy, ValidationTimes};
pub use validator::{ChainValidator, VerifiedChain};
pub use x5c_cache::{CertificateCache, CertificateSummary, ParsedX5c, SignerInfo};
