//! Validation policies: what must hold for a signature to be verified, what only warns, chosen
//! by the verifier (modelled on EU DSS's constraint file).
//!
//! Every check fhirsig reports has a [`Level`] under a [`Policy`]: `fail` (a failure fails the
//! signature, and a check the verdict needs must pass), `warn` (a failure is reported as a
//! warning and the verdict no longer needs the check), `inform` or `ignore`. A policy also sets
//! the accepted algorithms, the signer's extended key usages, the instant certificates are
//! validated at, whether revocation must be established, how many signers of a JWS JSON
//! serialization must verify, and whether resources no verified signature covers fail a file.
//!
//! Three policies are built in ([`Policy::builtin`]): `cdex` (CDex SHALL rules fail, SHOULD
//! rules warn), `cdex-strict` (SHOULD rules fail too), and `r6` (the FHIR R6 draft's rules
//! only). Others are written in TOML ([`Policy::from_toml`], schema in docs/policy.md).
//!
//! Some checks cannot be lowered below `fail` by any policy ([`CheckCode`]s for which
//! [`is_fixed`] is true): the signed bytes, the signature value, the algorithm, the format of
//! the JWS and the path to a trust anchor (with its CAs' right to sign certificates). Without
//! them "verified" would mean nothing.

use std::sync::Arc;

use crate::jws::AlgorithmPolicy;
use crate::report::{CheckCode, Indication, Level, Outcome, Report, SubIndication};
use crate::trust::{EkuPolicy, PolicyInputs, TimePolicy};

mod builtin;
mod parse;

pub use builtin::{clause, BUILTIN_NAMES};
pub use parse::PolicyError;

/// Whether revocation status must be established for every certificate of the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Revocation {
    /// Always: without a CRL that covers a certificate the result is INDETERMINATE.
    Required,
    /// When revocation data (CRLs) was given: then every certificate of the path must be
    /// covered, else INDETERMINATE (ETSI TRY_LATER); without any, "not checked". The
    /// built-in policies' rule.
    #[default]
    IfGiven,
    /// Each certificate a given CRL covers is checked; a certificate none covers is reported
    /// "not checked" (never "good"), which does not change the indication.
    IfAvailable,
    /// Never: revocation entries are reported as ignored.
    Off,
}

impl Revocation {
    /// `required`, `if-given` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Revocation::Required => "required",
            Revocation::IfGiven => "if-given",
            Revocation::IfAvailable => "if-available",
            Revocation::Off => "off",
        }
    }
}

/// How many signers of one JWS JSON serialization (CONF-047) must verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignerRule {
    /// Every signer.
    #[default]
    All,
    /// At least one.
    Any,
    /// At least this many (1 or more).
    AtLeast(usize),
}

impl SignerRule {
    /// Whether a JWS JSON serialization of `count` entries, `verified` of which verified, by
    /// `signers` distinct keys, meets the rule: `all` counts entries, `any` and a number count
    /// distinct signers (one key under two certificates is one signer).
    pub fn met(self, verified: usize, signers: usize, count: usize) -> bool {
        match self {
            SignerRule::All => verified == count,
            SignerRule::Any => signers >= 1,
            SignerRule::AtLeast(n) => signers >= n,
        }
    }

    /// `all`, `any` or the number.
    pub fn describe(self) -> String {
        match self {
            SignerRule::All => "all".into(),
            SignerRule::Any => "any".into(),
            SignerRule::AtLeast(n) => n.to_string(),
        }
    }
}

/// A validation policy: a level per check and the settings verification runs with.
#[derive(Clone, Debug)]
pub struct Policy {
    name: String,
    description: String,
    base: Option<&'static str>,
    /// Levels other than [`Level::Fail`], by check code.
    levels: Vec<(CheckCode, Level)>,
    algorithms: AlgorithmPolicy,
    eku: Vec<String>,
    eku_policy: EkuPolicy,
    signing_time: bool,
    revocation: Revocation,
    /// RFC 5280 §6.1.1 certificate policy inputs of path validation.
    path_inputs: PolicyInputs,
    signers: SignerRule,
    unsigned_resources: Level,
}

/// Checks no policy may lower below [`Level::Fail`]: without them a "verified" signature would
/// not be proven to cover these bytes, by this key, from a trusted certificate.
pub fn is_fixed(code: CheckCode) -> bool {
    use CheckCode::*;
    matches!(
        code,
        SignatureData
            | DigitalSignature
            | JwsFormat
            | Profile
            | Algorithm
            | X5c
            | X5t
            | Payload
            | SignatureValue
            | TimePolicy
            | CertificateChainFormat
            | CertificatePath
            | CaKeyUsage
            | SignatureFormat
            | TargetsResolved
            | Document
            | DocumentDigest
            | DocumentMissing
            | Signature
            | SignerCertificate
            | CertificateChain
            | SigningCertificate
            | ProvenanceBinding
    )
}

impl Policy {
    /// The built-in policy `name` (`cdex`, `cdex-strict` or `r6`).
    pub fn builtin(name: &str) -> Option<Policy> {
        builtin::policy(name)
    }

    /// The policy a signature held to `profile` gets when none was chosen: `r6` for the FHIR
    /// R6 draft's profile, `cdex` for the others.
    pub fn for_profile(profile: crate::fhir::Profile) -> Arc<Policy> {
        builtin::for_profile(profile)
    }

    /// Parses a policy written in TOML (docs/policy.md). Errors name the line.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        parse::from_toml(text)
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the policy is for.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The built-in policy this one extends (`None` for a built-in one).
    pub fn base(&self) -> Option<&'static str> {
        self.base
    }

    /// The level of `code`.
    pub fn level(&self, code: CheckCode) -> Level {
        if code == CheckCode::RevocationStatus && self.revocation == Revocation::Off {
            return Level::Ignore;
        }
        self.levels
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(Level::Fail, |(_, l)| *l)
    }

    /// The accepted JWS algorithms.
    pub fn algorithms(&self) -> &AlgorithmPolicy {
        &self.algorithms
    }

    /// The accepted extended key usages of the signer, as written (`any`,
    /// `document-signing`, dotted OIDs).
    pub fn eku(&self) -> &[String] {
        &self.eku
    }

    /// The accepted extended key usages of the signer.
    pub fn eku_policy(&self) -> &EkuPolicy {
        &self.eku_policy
    }

    /// The certificate policy inputs of path validation (RFC 5280 §6.1.1): the acceptable
    /// policies, explicit policy, mapping and anyPolicy inhibition, trust anchor constraints.
    pub fn path_inputs(&self) -> &PolicyInputs {
        &self.path_inputs
    }

    /// The instant certificates are validated at: the verification time, or `sigT`.
    pub fn time_policy(&self) -> TimePolicy {
        if self.signing_time {
            TimePolicy::SigningTime
        } else {
            TimePolicy::VerificationTime
        }
    }

    /// Whether revocation must be established.
    pub fn revocation(&self) -> Revocation {
        self.revocation
    }

    /// How many signers of a JWS JSON serialization must verify.
    pub fn signers(&self) -> SignerRule {
        self.signers
    }

    /// Whether a resource no verified signature covers fails its file ([`Level::Fail`]) or is
    /// only reported ([`Level::Warn`]).
    pub fn unsigned_resources(&self) -> Level {
        self.unsigned_resources
    }

    /// Whether `other` judges exactly as this policy does (every level and every setting).
    pub fn same_rules(&self, other: &Policy) -> bool {
        self.levels().eq(other.levels())
            && self.algorithms.algorithms() == other.algorithms.algorithms()
            && self.eku_policy == other.eku_policy
            && self.signing_time == other.signing_time
            && self.revocation == other.revocation
            && self.path_inputs == other.path_inputs
            && self.signers == other.signers
            && self.unsigned_resources == other.unsigned_resources
    }

    /// Every check code with its level under this policy, in code order.
    pub fn levels(&self) -> impl Iterator<Item = (CheckCode, Level)> + '_ {
        CheckCode::ALL.iter().map(|c| (*c, self.level(*c)))
    }

    /// Gives every check of `report` its level and lowers the findings the policy waives;
    /// `revocation_data_given` says whether CRLs were supplied (for [`Revocation::IfGiven`]).
    /// Applying a policy twice changes nothing more.
    pub fn apply(&self, report: &mut Report, revocation_data_given: bool) {
        let require_revocation = match self.revocation {
            Revocation::Required => true,
            Revocation::IfGiven => revocation_data_given,
            Revocation::IfAvailable | Revocation::Off => false,
        };
        for check in report.checks_mut() {
            if require_revocation
                && check.code() == CheckCode::RevocationStatus
                && check.outcome() == Outcome::NotChecked
                && check.evidence_value("reason") == Some(NO_REVOCATION_DATA)
            {
                check.require(
                    Indication::Indeterminate,
                    SubIndication::TryLater,
                    &format!(
                        "the {} policy requires the revocation status of every certificate of the path",
                        self.name
                    ),
                );
            }
            check.lower_to(self.level(check.code()));
        }
    }
}

/// The `reason` evidence of a revocation entry that found no revocation data for a
/// certificate: what a policy that requires revocation turns into INDETERMINATE.
pub(crate) const NO_REVOCATION_DATA: &str = "no-revocation-data";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, Requirements};

    fn failing(code: CheckCode) -> Check {
        Check::indeterminate(code, SubIndication::ChainConstraintsFailure, "found")
    }

    #[test]
    fn levels_lower_findings_once_and_keep_what_was_found() {
        let policy = Policy::from_toml(
            "name = \"t\"\n[checks]\nsigner-identity = \"warn\"\nsig-t = \"inform\"\nsr-cms = \"ignore\"\n",
        )
        .unwrap();
        let mut report = Report::new();
        for code in [
            CheckCode::SignerIdentity,
            CheckCode::SigT,
            CheckCode::SrCms,
            CheckCode::SignerKeyUsage,
        ] {
            report.push(failing(code));
        }
        policy.apply(&mut report, false);
        let again = report.clone();
        policy.apply(&mut report, false);
        assert_eq!(report, again, "applying twice changes nothing more");
        let outcomes: Vec<Outcome> = report.checks().iter().map(Check::outcome).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Warn,
                Outcome::Info,
                Outcome::Ignored,
                Outcome::Fail
            ]
        );
        let waived = report.checks()[0].waived().unwrap();
        assert_eq!(waived.outcome, Outcome::Fail);
        assert_eq!(
            waived.failure,
            Some((
                Indication::Indeterminate,
                SubIndication::ChainConstraintsFailure
            ))
        );
        assert_eq!(report.checks()[3].level(), Level::Fail);
        assert!(report.checks()[3].waived().is_none());
        assert_eq!(report.indication(), Indication::Indeterminate);
    }

    #[test]
    fn a_waived_check_is_no_longer_required_but_fixed_ones_are() {
        const NEEDS: Requirements =
            Requirements::with_trust(&[CheckCode::SignatureValue, CheckCode::SignerIdentity]);
        let mut report = Report::new();
        report.push(Check::pass(CheckCode::SignatureValue, "ok"));
        report.push(Check::not_checked(CheckCode::SignerIdentity, "no who"));
        assert_eq!(
            NEEDS.under(&Policy::default()).unmet(&report),
            [CheckCode::SignerIdentity]
        );
        let r6 = Policy::builtin("r6").unwrap();
        assert!(NEEDS.under(&r6).unmet(&report).is_empty());
        for code in CheckCode::ALL.iter().copied().filter(|c| is_fixed(*c)) {
            for name in BUILTIN_NAMES {
                assert_eq!(Policy::builtin(name).unwrap().level(code), Level::Fail);
            }
            let text = format!("name = \"t\"\n[checks]\n{code} = \"warn\"\n");
            assert!(Policy::from_toml(&text).is_err(), "{code} was lowered");
        }
    }

    #[test]
    fn revocation_rules() {
        let missing = || {
            Check::not_checked(CheckCode::RevocationStatus, "no CRL")
                .with("reason", NO_REVOCATION_DATA)
        };
        let anchor = Check::not_checked(CheckCode::RevocationStatus, "the anchor itself");
        for (name, given, failed) in [
            ("cdex", true, true),
            ("cdex", false, false),
            ("cdex-strict", true, true),
            ("cdex-strict", false, false),
        ] {
            let mut report = Report::new();
            report.push(missing());
            report.push(anchor.clone());
            Policy::builtin(name).unwrap().apply(&mut report, given);
            assert_eq!(
                report.checks()[0].outcome() == Outcome::Fail,
                failed,
                "{name}"
            );
            assert_eq!(report.checks()[1].outcome(), Outcome::NotChecked);
        }
        let required =
            Policy::from_toml("name = \"r\"\n[certificates]\nrevocation = \"required\"\n").unwrap();
        let mut report = Report::new();
        report.push(missing());
        required.apply(&mut report, false);
        assert_eq!(report.sub_indication(), Some(SubIndication::TryLater));
        let off =
            Policy::from_toml("name = \"o\"\n[certificates]\nrevocation = \"off\"\n").unwrap();
        let mut report = Report::new();
        report.push(Check::failed(
            CheckCode::RevocationStatus,
            SubIndication::Revoked,
            "revoked",
        ));
        off.apply(&mut report, true);
        assert_eq!(report.checks()[0].outcome(), Outcome::Ignored);
    }

    #[test]
    fn signer_rules() {
        assert!(SignerRule::All.met(2, 1, 2) && !SignerRule::All.met(1, 1, 2));
        assert!(SignerRule::Any.met(1, 1, 3) && !SignerRule::Any.met(0, 0, 3));
        assert!(SignerRule::AtLeast(2).met(2, 2, 3) && !SignerRule::AtLeast(2).met(1, 1, 1));
        assert!(
            !SignerRule::AtLeast(2).met(2, 1, 2),
            "one key under two certificates is one signer"
        );
        let policy = Policy::from_toml("name = \"s\"\n[signatures]\nsigners = 2\n").unwrap();
        assert_eq!(policy.signers(), SignerRule::AtLeast(2));
    }
}
