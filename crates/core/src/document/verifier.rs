//! The document verifier's configuration and the steps JWS and CMS verification share: finding
//! the signer's key, the signing-time check and the certificate chain checks.

use crate::report::CheckCode;
use rustls_pki_types::UnixTime;

use crate::jws::{AlgorithmPolicy, JwsError, VerifyingKey};
use crate::trust::{
    format_rfc3339, ChainValidator, Check, Report, SubIndication, TimePolicy, ValidationTimes,
};

/// Whose signature is accepted.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum SignerTrust {
    /// The signer's certificate chain (JWS `x5c`, CMS `certificates`) must validate to the
    /// validator's anchors at the instant the time policy selects.
    Chain(ChainValidator),
    /// The signature must verify with this key. No certificate is validated, so the report says
    /// `certificate-chain: not checked`; the result proves possession of the key, not trust.
    Key(VerifyingKey),
}

/// Verifies document signatures (detached JWS, JAdES `sigD` JWS, CMS) into a [`Report`].
#[derive(Clone, Debug)]
pub struct DocumentVerifier {
    pub(crate) trust: SignerTrust,
    pub(crate) verification_time: UnixTime,
    pub(crate) time_policy: TimePolicy,
    pub(crate) algorithms: AlgorithmPolicy,
}

impl DocumentVerifier {
    /// Verification against certificate chains, at `verification_time` (normally "now", read
    /// by the caller), with the default time policy and algorithm allow-list.
    pub fn with_chain(validator: ChainValidator, verification_time: UnixTime) -> Self {
        Self {
            trust: SignerTrust::Chain(validator),
            verification_time,
            time_policy: TimePolicy::VerificationTime,
            algorithms: AlgorithmPolicy::default(),
        }
    }

    /// Verification with a known public key only (see [`SignerTrust::Key`]).
    pub fn with_key(key: VerifyingKey) -> Self {
        Self {
            trust: SignerTrust::Key(key),
            verification_time: UnixTime::since_unix_epoch(core::time::Duration::ZERO),
            time_policy: TimePolicy::VerificationTime,
            algorithms: AlgorithmPolicy::default(),
        }
    }

    /// Chooses which instant certificates are validated at.
    #[must_use]
    pub fn time_policy(mut self, policy: TimePolicy) -> Self {
        self.time_policy = policy;
        self
    }

    /// Replaces the JWS algorithm allow-list (CMS signatures are checked against it too, by the
    /// JOSE name of their algorithm: RS256, ES256, …).
    #[must_use]
    pub fn algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }

    /// The key to check the signature with: the known key, or the signer certificate's. Pushes
    /// a failed check and returns `None` when there is none.
    pub(crate) fn signer_key(
        &self,
        signer_cert: Option<&[u8]>,
        report: &mut Report,
    ) -> Option<VerifyingKey> {
        const CODE: CheckCode = CheckCode::SignerCertificate;
        match (&self.trust, signer_cert) {
            (SignerTrust::Key(key), _) => Some(key.clone()),
            (SignerTrust::Chain(_), None) => {
                let msg = "the signature carries no signer certificate (give the key with --key to check it anyway)";
                report.push(Check::indeterminate(
                    CODE,
                    SubIndication::NoSigningCertificateFound,
                    msg,
                ));
                None
            }
            (SignerTrust::Chain(_), Some(der)) => match VerifyingKey::from_certificate_der(der) {
                Ok(key) => Some(key),
                Err(e) => {
                    let msg = format!("the signer certificate's key cannot be used: {e}");
                    report.push(Check::failed(CODE, SubIndication::FormatFailure, msg));
                    None
                }
            },
        }
    }

    /// The certificate checks: the validator's, or one `certificate-chain` not-checked entry when
    /// the key was given.
    pub(crate) fn chain_checks(
        &self,
        chain: Vec<Vec<u8>>,
        sig_t: Option<UnixTime>,
        report: &mut Report,
    ) {
        match &self.trust {
            SignerTrust::Key(_) => report.push(Check::not_checked(
                CheckCode::CertificateChain,
                "no certificate chain checked: the signature was verified with a given key only, which says nothing about who holds it",
            )),
            // No certificate: `signer-certificate` has already said so.
            SignerTrust::Chain(_) if chain.is_empty() => {}
            SignerTrust::Chain(validator) => {
                let mut times = ValidationTimes::at(self.verification_time).with_policy(self.time_policy);
                if let Some(t) = sig_t {
                    times = times.with_sig_t(t);
                }
                let (trust, _) = validator.validate_x5c(chain, &times);
                report.extend(trust);
            }
        }
    }
}

/// The `signing-time` check: the claimed time, as written and as read.
pub(crate) fn signing_time_check(
    written: Option<&str>,
    read: Option<UnixTime>,
    what: &str,
) -> Check {
    const CODE: CheckCode = CheckCode::SigningTime;
    match (written, read) {
        (None, _) => Check::warn(
            CODE,
            format!("the signature claims no signing time ({what} absent)"),
        ),
        (Some(text), Some(t)) => Check::pass(
            CODE,
            format!("the signer claims {what} {}", format_rfc3339(t)),
        )
        .with("claimed", text.to_owned()),
        (Some(text), None) => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!("{what} {text:?} is not a UTC time with whole seconds"),
        ),
    }
}

/// The `signature` check from a JWS verification result.
pub(crate) fn signature_check(result: Result<(), JwsError>, alg: &str) -> Check {
    const CODE: CheckCode = CheckCode::Signature;
    match result {
        Ok(()) => Check::pass(CODE, format!("the {alg} signature verifies with the signer's key")),
        Err(JwsError::BadSignature) => Check::failed(
            CODE,
            SubIndication::SigCryptoFailure,
            "the signature value does not verify: the signed data or the signature was changed, or another key signed",
        ),
        Err(e @ (JwsError::AlgorithmNone
        | JwsError::MacAlgorithm { .. }
        | JwsError::UnknownAlgorithm { .. }
        | JwsError::AlgorithmNotAllowed { .. })) => {
            Check::indeterminate(CODE, SubIndication::CryptoConstraintsFailure, e.to_string())
        }
        Err(e @ (JwsError::KeyAlgorithmMismatch { .. } | JwsError::KeyRestrictedToOtherAlgorithm { .. })) => {
            Check::failed(CODE, SubIndication::SigCryptoFailure, e.to_string())
        }
        Err(e) => Check::failed(CODE, SubIndication::FormatFailure, e.to_string()),
    }
    .with("alg", alg.to_owned())
}
