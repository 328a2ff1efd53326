//! The proof that a signature verified.
//!
//! "Verified" is the one word payers and auditors act on, so it is a value, not a convention:
//! a [`Verified`] exists only when the verifier saw every check the verdict depends on run and
//! pass. Code outside this crate cannot make one (its fields are private and it has no public
//! constructor), an empty or partial report never yields one, and it carries what it proves:
//! the exact digest of the signed bytes and, when trust was asked for, the validated chain.

use super::{CheckCode, Outcome, Report};
use crate::trust::VerifiedChain;

/// What one kind of signature needs before it may be called verified, beyond "no check
/// failed": checks that must have run and passed, and whether a validated chain is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirements {
    required: &'static [CheckCode],
    chain: bool,
    /// Required checks a validation policy lowered below `fail` (a bit per `required` entry).
    waived: u64,
}

impl Requirements {
    /// A FHIR resource or Provenance signature checked against trust anchors: the payload was
    /// rebuilt (`payload` names the check that did it), the signature value verified, the chain
    /// led to an anchor and the signer identity matched.
    pub(crate) const fn with_trust(required: &'static [CheckCode]) -> Self {
        Requirements {
            required,
            chain: true,
            waived: 0,
        }
    }

    /// These requirements under `policy`: a required check the policy lowers below
    /// [`Level::Fail`](crate::report::Level::Fail) is no longer needed (checks that no policy
    /// may lower, such as the signature value, stay needed).
    #[must_use]
    pub fn under(mut self, policy: &crate::policy::Policy) -> Self {
        self.waived = 0;
        for (index, code) in self.required.iter().enumerate().take(64) {
            if policy.level(*code) != crate::report::Level::Fail {
                self.waived |= 1 << index;
            }
        }
        self
    }

    /// The checks that must have run and passed.
    pub fn required(&self) -> &'static [CheckCode] {
        self.required
    }

    /// The required checks that did not run and pass in `report` (none ran, or one with the
    /// code was "not checked" or failed), in requirement order.
    pub fn unmet(&self, report: &Report) -> Vec<CheckCode> {
        self.required
            .iter()
            .enumerate()
            .filter(|(index, _)| *index >= 64 || self.waived & (1 << index) == 0)
            .map(|(_, code)| *code)
            .filter(|code| !ran_and_passed(report, *code))
            .collect()
    }

    /// Whether a validated certificate chain is part of the verdict.
    pub fn needs_chain(&self) -> bool {
        self.chain
    }
}

/// Proof that one signature verified: made only by fhirsig's verifiers, only when no check
/// failed and every check its [`Requirements`] name ran and passed (neither a warning nor "not
/// checked" counts as passed).
#[derive(Clone, Debug)]
pub struct Verified {
    payload_sha256: String,
    chain: Option<VerifiedChain>,
}

impl Verified {
    /// The verdict for `report`: `Some` only when it is earned.
    pub(crate) fn decide(
        report: &Report,
        requirements: Requirements,
        payload_sha256: Option<&str>,
        chain: Option<VerifiedChain>,
    ) -> Option<Verified> {
        if !report.passed() {
            return None;
        }
        if !requirements.unmet(report).is_empty() {
            return None;
        }
        if requirements.chain && chain.is_none() {
            return None;
        }
        Some(Verified {
            payload_sha256: payload_sha256?.to_owned(),
            chain,
        })
    }

    /// SHA-256 (hex) of the exact bytes the signature covers.
    pub fn payload_sha256(&self) -> &str {
        &self.payload_sha256
    }

    /// The chain validated to a trust anchor (`None` for a directly trusted key).
    pub fn chain(&self) -> Option<&VerifiedChain> {
        self.chain.as_ref()
    }
}

/// Whether at least one check with `code` ran and every one passed. A warning does not count:
/// a required check that only warns (a signer named by the certificate's CN alone, not a SAN)
/// did not establish what the verdict needs.
fn ran_and_passed(report: &Report, code: CheckCode) -> bool {
    let mut with_code = report
        .checks()
        .iter()
        .filter(|c| c.code() == code)
        .peekable();
    with_code.peek().is_some() && with_code.all(|c| c.outcome() == Outcome::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, SubIndication};

    const NEEDS: Requirements = Requirements {
        required: &[CheckCode::Payload, CheckCode::SignatureValue],
        chain: false,
        waived: 0,
    };

    fn report(checks: Vec<Check>) -> Report {
        let mut report = Report::new();
        checks.into_iter().for_each(|c| report.push(c));
        report
    }

    #[test]
    fn an_empty_report_is_not_verified() {
        assert!(Verified::decide(&Report::new(), NEEDS, Some("ab"), None).is_none());
    }

    #[test]
    fn a_report_without_a_required_check_is_not_verified() {
        let partial = report(vec![Check::pass(CheckCode::Payload, "rebuilt")]);
        assert!(partial.passed());
        assert!(Verified::decide(&partial, NEEDS, Some("ab"), None).is_none());
        assert_eq!(NEEDS.unmet(&partial), [CheckCode::SignatureValue]);
    }

    #[test]
    fn a_required_check_that_did_not_run_is_not_verified() {
        let skipped = report(vec![
            Check::pass(CheckCode::Payload, "rebuilt"),
            Check::not_checked(CheckCode::SignatureValue, "no key"),
        ]);
        assert!(skipped.passed());
        assert!(Verified::decide(&skipped, NEEDS, Some("ab"), None).is_none());
        let repeated = report(vec![
            Check::pass(CheckCode::Payload, "rebuilt"),
            Check::pass(CheckCode::SignatureValue, "ok"),
            Check::not_checked(CheckCode::SignatureValue, "second key missing"),
        ]);
        assert!(Verified::decide(&repeated, NEEDS, Some("ab"), None).is_none());
    }

    #[test]
    fn a_failed_check_anywhere_is_not_verified() {
        let failed = report(vec![
            Check::pass(CheckCode::Payload, "rebuilt"),
            Check::pass(CheckCode::SignatureValue, "ok"),
            Check::failed(CheckCode::SigT, SubIndication::FormatFailure, "bad"),
        ]);
        assert!(Verified::decide(&failed, NEEDS, Some("ab"), None).is_none());
    }

    #[test]
    fn a_chain_requirement_needs_a_validated_chain() {
        let warned = report(vec![
            Check::pass(CheckCode::Payload, "rebuilt"),
            Check::warn(CheckCode::SignatureValue, "a remark"),
        ]);
        assert!(
            Verified::decide(&warned, NEEDS, Some("ab"), None).is_none(),
            "a required check that only warns did not pass"
        );
        let ok = report(vec![
            Check::pass(CheckCode::Payload, "rebuilt"),
            Check::pass(CheckCode::SignatureValue, "verified"),
        ]);
        let verified = Verified::decide(&ok, NEEDS, Some("ab"), None);
        assert_eq!(
            verified.map(|v| v.payload_sha256().to_owned()),
            Some("ab".into())
        );
        let with_trust = Requirements::with_trust(NEEDS.required());
        assert!(Verified::decide(&ok, with_trust, Some("ab"), None).is_none());
        assert!(Verified::decide(&ok, NEEDS, None, None).is_none());
    }
}
