//! Verification reports modelled on ETSI EN 319 102-1 as EU DSS reports them: an overall
//! [`Indication`] with a [`SubIndication`], derived from a list of individual [`Check`]s, and
//! the one proof that a signature verified, [`Verified`].
//!
//! The report is shared: the trust layer pushes its checks (time policy, path, key usage,
//! revocation, signer identity) and the JWS/FHIR verifier pushes its own (header, hash,
//! signature) into the same [`Report`]. A report alone never says "verified": only the
//! verifier, having seen the checks a verdict depends on pass, makes a [`Verified`].

use core::fmt;
use std::sync::Arc;

mod code;
mod json_memo;
mod level;
mod text;
mod verdict;

pub use code::CheckCode;
use json_memo::JsonMemo;
pub use level::Level;
pub use text::Text;

pub use verdict::{Requirements, Verified};

/// The overall result of a validation (ETSI EN 319 102-1 clause 5.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Indication {
    /// No check failed (warnings and "not checked" entries may still be present). This alone is
    /// not a verdict: see [`Verified`].
    Passed,
    /// A check could not reach a conclusion: the signature is neither proven valid nor invalid.
    Indeterminate,
    /// A check proved the signature (or its certificate) invalid.
    Failed,
}

impl Indication {
    /// The stable kebab-case code: `passed`, `indeterminate` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Indeterminate => "indeterminate",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for Indication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a validation is not [`Indication::Passed`] (ETSI EN 319 102-1 clause 5.1.3, table 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubIndication {
    /// The signature is not conformant to its format (e.g. an `x5c` entry that is not DER, a
    /// missing mandatory `sigT`).
    FormatFailure,
    /// The hash of the signed data does not match (the JWS payload was changed).
    HashFailure,
    /// The cryptographic signature value does not verify with the signer's public key.
    SigCryptoFailure,
    /// The certificate was revoked and the signing time is at or after the revocation time.
    Revoked,
    /// The signing certificate was revoked at the validation time, and it cannot be proven that
    /// the signature was made before the revocation.
    RevokedNoPoe,
    /// A CA certificate of the path was revoked at the validation time.
    RevokedCaNoPoe,
    /// The validation time lies after the signer certificate's `notAfter` (policy: signing time or
    /// given instant).
    Expired,
    /// The validation time lies before the signer certificate's `notBefore`.
    NotYetValid,
    /// A certificate of the path is outside its validity at verification time and no proof of
    /// existence of the signature inside the validity period is available.
    OutOfBoundsNoPoe,
    /// As [`SubIndication::OutOfBoundsNoPoe`], but the signer certificate is known not to be
    /// revoked.
    OutOfBoundsNotRevoked,
    /// No certificate chain from the signer certificate to a configured trust anchor was found.
    NoCertificateChainFound,
    /// The `x5c` is empty: there is no signing certificate (EU DSS's
    /// `SIGNING_CERTIFICATE_NOT_FOUND`; ETSI's name is used).
    NoSigningCertificateFound,
    /// The chain violates a constraint of the validation policy (key usage, extended key usage,
    /// basic constraints, name constraints).
    ChainConstraintsFailure,
    /// The signature violates a constraint of the validation policy that is not about the chain
    /// (e.g. the signer identity does not match `Signature.who.identifier`, CONF-053).
    SigConstraintsFailure,
    /// An algorithm or key size is not acceptable (e.g. SHA-1, RSA below 2048 bits).
    CryptoConstraintsFailure,
    /// Revocation information is not available yet or is stale (CRL `nextUpdate` passed, or the
    /// CRL cannot be authenticated); retrying with fresher information may give an answer.
    TryLater,
    /// The only revocation information was issued after the validation time, so it proves
    /// nothing about that time.
    RevocationOutOfBoundsNoPoe,
    /// Data the signature covers cannot be obtained (ETSI `SIGNED_DATA_NOT_FOUND`): a document
    /// named by a detached signature was not supplied.
    SignedDataNotFound,
}

impl SubIndication {
    /// Every sub-indication, in declaration order.
    pub const ALL: [SubIndication; 18] = [
        Self::FormatFailure,
        Self::HashFailure,
        Self::SigCryptoFailure,
        Self::Revoked,
        Self::RevokedNoPoe,
        Self::RevokedCaNoPoe,
        Self::Expired,
        Self::NotYetValid,
        Self::OutOfBoundsNoPoe,
        Self::OutOfBoundsNotRevoked,
        Self::NoCertificateChainFound,
        Self::NoSigningCertificateFound,
        Self::ChainConstraintsFailure,
        Self::SigConstraintsFailure,
        Self::CryptoConstraintsFailure,
        Self::TryLater,
        Self::RevocationOutOfBoundsNoPoe,
        Self::SignedDataNotFound,
    ];

    /// The stable kebab-case code, e.g. `no-certificate-chain-found`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FormatFailure => "format-failure",
            Self::HashFailure => "hash-failure",
            Self::SigCryptoFailure => "sig-crypto-failure",
            Self::Revoked => "revoked",
            Self::RevokedNoPoe => "revoked-no-poe",
            Self::RevokedCaNoPoe => "revoked-ca-no-poe",
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::OutOfBoundsNoPoe => "out-of-bounds-no-poe",
            Self::OutOfBoundsNotRevoked => "out-of-bounds-not-revoked",
            Self::NoCertificateChainFound => "no-certificate-chain-found",
            Self::NoSigningCertificateFound => "no-signing-certificate-found",
            Self::ChainConstraintsFailure => "chain-constraints-failure",
            Self::SigConstraintsFailure => "sig-constraints-failure",
            Self::CryptoConstraintsFailure => "crypto-constraints-failure",
            Self::TryLater => "try-later",
            Self::RevocationOutOfBoundsNoPoe => "revocation-out-of-bounds-no-poe",
            Self::SignedDataNotFound => "signed-data-not-found",
        }
    }
}

impl fmt::Display for SubIndication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one [`Check`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The check ran and passed.
    Pass,
    /// The check ran and found something worth reporting that does not change the indication.
    Warn,
    /// The check did not run (for example no CRL covers the certificate). Never read as "good".
    NotChecked,
    /// The check ran and failed; the check carries the indication and sub-indication.
    Fail,
    /// The validation policy lowered this check to information ([`Level::Inform`]): what it
    /// found is kept ([`Check::waived`]) and changes nothing.
    Info,
    /// The validation policy ignores this check ([`Level::Ignore`]): what it found is kept
    /// ([`Check::waived`]) and changes nothing.
    Ignored,
}

impl Outcome {
    /// The stable kebab-case code: `pass`, `warn`, `not-checked` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::NotChecked => "not-checked",
            Self::Fail => "fail",
            Self::Info => "info",
            Self::Ignored => "ignored",
        }
    }
}

/// One individual check of a validation, with a stable kebab-case code and its evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    code: CheckCode,
    outcome: Outcome,
    failure: Option<(Indication, SubIndication)>,
    // Most messages and evidence keys are fixed text and many values repeat across a batch:
    // `Text` keeps the first unallocated and lets the second be shared.
    message: Text,
    evidence: Evidence,
    level: Level,
    waived: Option<Waived>,
    /// For a shared check: its JSON, rendered once for all its clones.
    json: JsonMemo,
}

/// What a check found before the validation policy lowered its level: the outcome and, for
/// a failure, the indication it would have given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waived {
    /// The outcome the check had.
    pub outcome: Outcome,
    /// The indication and sub-indication it would have given.
    pub failure: Option<(Indication, SubIndication)>,
}

/// A check's evidence: one entry kept inline (about half the checks of a report have exactly
/// one), a list while the check is built, or one shared list for a check kept and cloned into
/// many reports (see [`Check::into_shared`]).
#[derive(Clone, Debug)]
enum Evidence {
    One((Text, Text)),
    List(Vec<(Text, Text)>),
    Shared(Arc<[(Text, Text)]>),
}

impl Evidence {
    fn as_slice(&self) -> &[(Text, Text)] {
        match self {
            Self::One(pair) => core::slice::from_ref(pair),
            Self::List(list) => list,
            Self::Shared(list) => list,
        }
    }

    fn push(&mut self, key: Text, value: Text) {
        match self {
            Self::List(list) if list.is_empty() => *self = Self::One((key, value)),
            Self::List(list) => list.push((key, value)),
            Self::One(_) | Self::Shared(_) => {
                let mut list = Vec::with_capacity(self.as_slice().len() + 3);
                list.extend_from_slice(self.as_slice());
                list.push((key, value));
                *self = Self::List(list);
            }
        }
    }

    fn into_shared(self) -> Self {
        match self {
            Self::One((key, value)) => Self::One((key.into_shared(), value.into_shared())),
            Self::List(list) => Self::Shared(
                list.into_iter()
                    .map(|(key, value)| (key.into_shared(), value.into_shared()))
                    .collect(),
            ),
            shared => shared,
        }
    }
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Evidence {}

impl Check {
    /// A check that passed.
    pub fn pass(code: CheckCode, message: impl Into<Text>) -> Self {
        Self::new(code, Outcome::Pass, None, message)
    }

    /// A finding that does not change the indication.
    pub fn warn(code: CheckCode, message: impl Into<Text>) -> Self {
        Self::new(code, Outcome::Warn, None, message)
    }

    /// A check that could not run; `message` says why.
    pub fn not_checked(code: CheckCode, message: impl Into<Text>) -> Self {
        Self::new(code, Outcome::NotChecked, None, message)
    }

    /// A check that proved the signature invalid ([`Indication::Failed`]).
    pub fn failed(code: CheckCode, sub: SubIndication, message: impl Into<Text>) -> Self {
        Self::new(
            code,
            Outcome::Fail,
            Some((Indication::Failed, sub)),
            message,
        )
    }

    /// A check that failed without proving invalidity ([`Indication::Indeterminate`]).
    pub fn indeterminate(code: CheckCode, sub: SubIndication, message: impl Into<Text>) -> Self {
        let failure = Some((Indication::Indeterminate, sub));
        Self::new(code, Outcome::Fail, failure, message)
    }

    fn new(
        code: CheckCode,
        outcome: Outcome,
        failure: Option<(Indication, SubIndication)>,
        message: impl Into<Text>,
    ) -> Self {
        let message = message.into();
        Self {
            code,
            outcome,
            failure,
            message,
            evidence: Evidence::List(Vec::new()),
            level: Level::Fail,
            waived: None,
            json: JsonMemo::default(),
        }
    }

    /// The level the validation policy gives this check ([`Level::Fail`] until a policy
    /// applied its own).
    pub fn level(&self) -> Level {
        self.level
    }

    /// For a check whose finding the policy lowered: what it found.
    pub fn waived(&self) -> Option<Waived> {
        self.waived
    }

    /// Sets the level and lowers the finding to it: a failure under [`Level::Warn`] becomes a
    /// warning; a failure or warning under [`Level::Inform`] becomes [`Outcome::Info`]; any
    /// finding under [`Level::Ignore`] becomes [`Outcome::Ignored`]. "Not checked" stays "not
    /// checked" unless ignored. Applying the same level again changes nothing.
    pub(crate) fn lower_to(&mut self, level: Level) {
        self.level = level;
        let lowered = match (level, self.outcome) {
            (Level::Warn, Outcome::Fail) => Outcome::Warn,
            (Level::Inform, Outcome::Fail | Outcome::Warn) => Outcome::Info,
            (
                Level::Ignore,
                Outcome::Fail | Outcome::Warn | Outcome::NotChecked | Outcome::Info,
            ) => Outcome::Ignored,
            _ => return,
        };
        self.json.forget();
        if self.waived.is_none() {
            self.waived = Some(Waived {
                outcome: self.outcome,
                failure: self.failure,
            });
        }
        self.outcome = lowered;
        self.failure = None;
    }

    /// Makes this check a failure with `indication`/`sub` (the policy requires what it could
    /// not establish, e.g. a revocation status).
    pub(crate) fn require(&mut self, indication: Indication, sub: SubIndication, why: &str) {
        self.json.forget();
        self.outcome = Outcome::Fail;
        self.failure = Some((indication, sub));
        self.message = Text::Owned(format!("{}: {why}", self.message));
    }

    /// Adds one piece of evidence (e.g. `("not-after", "2027-06-15T23:12:39Z")`).
    #[must_use]
    pub fn with(mut self, key: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.evidence.push(key.into(), value.into());
        self.json.forget();
        self
    }

    /// The same check with its message and evidence in shared form, for a check kept and
    /// cloned into many reports (e.g. once per chain for every record of a batch).
    #[must_use]
    pub fn into_shared(mut self) -> Self {
        self.message = self.message.into_shared();
        self.evidence = self.evidence.into_shared();
        self.json = JsonMemo::new();
        self
    }

    /// Where the JSON of this shared check at its level is kept once rendered (`None` for a
    /// check that is not shared).
    pub(crate) fn json_memo(&self) -> Option<&std::sync::OnceLock<Box<[u8]>>> {
        self.json.at(self.level)
    }

    /// The code of this check, e.g. [`CheckCode::CertificatePath`].
    pub fn code(&self) -> CheckCode {
        self.code
    }

    /// The outcome.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// For a failed check: the indication and sub-indication it implies.
    pub fn failure(&self) -> Option<(Indication, SubIndication)> {
        self.failure
    }

    /// A human-readable explanation.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Evidence as key/value pairs, in the order added.
    pub fn evidence(&self) -> &[(Text, Text)] {
        self.evidence.as_slice()
    }

    /// The value of the first evidence entry named `key`.
    pub fn evidence_value(&self, key: &str) -> Option<&str> {
        self.evidence()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {}",
            self.outcome.as_str(),
            self.code,
            self.message
        )?;
        if let Some((indication, sub)) = self.failure {
            write!(f, " ({indication}/{sub})")?;
        }
        if let Some(Waived { outcome, .. }) = self.waived {
            write!(f, " [{} by policy, was {}]", self.level, outcome.as_str())?;
        }
        Ok(())
    }
}

/// The list of checks of one validation; the indication is derived from it.
///
/// A [`Indication::Failed`] check outranks an [`Indication::Indeterminate`] one; among equals the
/// first check pushed wins. No failed check means [`Indication::Passed`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    checks: Vec<Check>,
}

impl Report {
    /// An empty report. It indicates [`Indication::Indeterminate`] until a check is pushed: a
    /// validation that checked nothing has not passed.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty report with room for `checks` checks before it grows.
    pub fn with_capacity(checks: usize) -> Self {
        Report {
            checks: Vec::with_capacity(checks),
        }
    }

    /// Makes room for `additional` more checks.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.checks.reserve(additional);
    }

    /// Appends a check.
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// Appends every check of `other` (e.g. the trust report into the signature report).
    pub fn extend(&mut self, other: Report) {
        self.checks.extend(other.checks);
    }

    /// All checks, in the order pushed.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    pub(crate) fn checks_mut(&mut self) -> &mut [Check] {
        &mut self.checks
    }

    /// The first check with this code (a [`CheckCode`], or its spelling).
    pub fn check<C>(&self, code: C) -> Option<&Check>
    where
        CheckCode: PartialEq<C>,
    {
        self.checks.iter().find(|c| c.code == code)
    }

    /// The overall indication: the deciding failure's, else [`Indication::Passed`] when at
    /// least one check ran, else [`Indication::Indeterminate`].
    pub fn indication(&self) -> Indication {
        match self.deciding() {
            Some((indication, _)) => indication,
            None if self.checks.is_empty() => Indication::Indeterminate,
            None => Indication::Passed,
        }
    }

    /// The sub-indication of the deciding check; `None` when passed.
    pub fn sub_indication(&self) -> Option<SubIndication> {
        self.deciding().map(|(_, s)| s)
    }

    /// True when the indication is [`Indication::Passed`] (never for an empty report). A
    /// signature verified only when its verifier made a [`Verified`] for it.
    pub fn passed(&self) -> bool {
        self.indication() == Indication::Passed
    }

    /// The checks whose outcome is [`Outcome::Warn`].
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Warn)
    }

    fn deciding(&self) -> Option<(Indication, SubIndication)> {
        self.deciding_check().and_then(|c| c.failure)
    }

    /// The check that decides the indication: the first failed check whose indication is
    /// [`Indication::Failed`], else the first failed one (indeterminate); `None` when no check
    /// failed. The published test vectors name their `expectCheck` by this rule.
    pub fn deciding_check(&self) -> Option<&Check> {
        let mut failures = self.checks.iter().filter(|c| c.failure.is_some());
        self.checks
            .iter()
            .find(|c| c.failure.is_some_and(|(i, _)| i == Indication::Failed))
            .or_else(|| failures.next())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sub_indication() {
            Some(sub) => writeln!(f, "{}/{}", self.indication(), sub)?,
            None => writeln!(f, "{}", self.indication())?,
        }
        for check in &self.checks {
            writeln!(f, "  {check}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_report_does_not_pass() {
        let report = Report::new();
        assert_eq!(report.indication(), Indication::Indeterminate);
        assert!(!report.passed());
        let mut report = Report::new();
        report.push(Check::pass(CheckCode::Payload, "p"));
        assert!(report.passed());
    }

    #[test]
    fn failed_outranks_earlier_indeterminate() {
        let mut report = Report::new();
        report.push(Check::warn(CheckCode::Profile, "w"));
        report.push(Check::indeterminate(
            CheckCode::SigT,
            SubIndication::TryLater,
            "i",
        ));
        report.push(Check::failed(
            CheckCode::Payload,
            SubIndication::HashFailure,
            "f",
        ));
        report.push(Check::failed(
            CheckCode::SignatureValue,
            SubIndication::SigCryptoFailure,
            "f2",
        ));
        assert_eq!(report.indication(), Indication::Failed);
        assert_eq!(report.sub_indication(), Some(SubIndication::HashFailure));
    }

    #[test]
    fn later_verifier_checks_produce_hash_and_crypto_failures() {
        let mut report = Report::new();
        report.push(Check::failed(
            CheckCode::SignatureValue,
            SubIndication::SigCryptoFailure,
            "bad",
        ));
        assert_eq!(
            report.sub_indication(),
            Some(SubIndication::SigCryptoFailure)
        );
        let mut report = Report::new();
        report.push(Check::failed(
            CheckCode::Payload,
            SubIndication::HashFailure,
            "changed",
        ));
        assert_eq!(report.sub_indication(), Some(SubIndication::HashFailure));
    }

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for sub in SubIndication::ALL {
            let code = sub.as_str();
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
            assert!(seen.insert(code), "{code}");
        }
    }

    #[test]
    fn evidence_is_kept_in_order() {
        let check = Check::pass(CheckCode::X5c, "m")
            .with("k1", "v1")
            .with("k2", "v2");
        assert_eq!(check.evidence_value("k2"), Some("v2"));
        assert_eq!(check.evidence().len(), 2);
        assert!(check.to_string().contains("[pass] x5c: m"));
    }

    #[test]
    fn evidence_of_any_length_keeps_every_entry_in_order() {
        for len in 0..6 {
            let mut check = Check::pass(CheckCode::X5c, "m");
            for i in 0..len {
                check = check.with(format!("k{i}"), format!("v{i}"));
            }
            let keys: Vec<&str> = check.evidence().iter().map(|(k, _)| &**k).collect();
            let expected: Vec<String> = (0..len).map(|i| format!("k{i}")).collect();
            assert_eq!(keys, expected, "{len} entries");
            // Shared, then one more: the same entries and the new one last.
            let more = check.clone().into_shared().with("last", "x");
            assert_eq!(more.evidence().len(), len + 1);
            assert_eq!(more.evidence()[..len], check.evidence()[..]);
            assert_eq!(more.evidence_value("last"), Some("x"));
        }
        // A shared check with one entry shares its value with its clones.
        let one = Check::pass(CheckCode::X5c, "m")
            .with("k", "value".to_owned())
            .into_shared();
        let clone = one.clone();
        assert!(core::ptr::eq(
            clone.evidence_value("k").unwrap_or_default(),
            one.evidence_value("k").unwrap_or_default()
        ));
    }

    #[test]
    fn a_shared_check_is_the_same_check_and_its_clones_share_the_text() {
        let built = Check::pass(CheckCode::X5c, format!("{} certificates", 2))
            .with("k2", "v2".to_owned())
            .with("k1", "v1");
        let shared = built.clone().into_shared();
        assert_eq!(shared, built);
        let clone = shared.clone();
        assert!(core::ptr::eq(clone.message(), shared.message()));
        assert!(core::ptr::eq(clone.evidence(), shared.evidence()));
        assert_eq!(clone.evidence_value("k2"), Some("v2"));
        // Evidence added to a shared check is added to that check alone.
        let more = clone.with("k3", "v3");
        assert_eq!(more.evidence().len(), 3);
        assert_eq!(shared.evidence().len(), 2);
        assert_eq!(more.evidence_value("k1"), Some("v1"));
    }
}
