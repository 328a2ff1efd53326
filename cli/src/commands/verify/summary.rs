//! The closing summary of a batch: records, signatures by outcome, unsigned, unreadable.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use fhirsig_core::fhir::SignatureKind;
use serde_json::json;

use super::human::{not_verified_reason, Style};
use super::RecordOutcome;

/// Counts for the closing summary.
#[derive(Default)]
pub(super) struct Summary {
    pub(super) records: usize,
    pub(super) errors: usize,
    unsigned: usize,
    /// Records with signatures whose file verdict is not verified.
    files_not_verified: usize,
    signatures: usize,
    verified: usize,
    by_outcome: BTreeMap<String, usize>,
}

impl Summary {
    /// The counts of one record.
    pub(super) fn of(outcome: &RecordOutcome) -> Self {
        let mut one = Self::default();
        one.add(outcome);
        one
    }

    /// Adds the counts of `other` (records verified elsewhere).
    pub(super) fn merge(&mut self, other: Self) {
        self.records += other.records;
        self.errors += other.errors;
        self.unsigned += other.unsigned;
        self.files_not_verified += other.files_not_verified;
        self.signatures += other.signatures;
        self.verified += other.verified;
        for (outcome, count) in other.by_outcome {
            *self.by_outcome.entry(outcome).or_default() += count;
        }
    }

    fn add(&mut self, outcome: &RecordOutcome) {
        self.records += 1;
        match outcome {
            RecordOutcome::Error(_) => self.errors += 1,
            RecordOutcome::Verified(results, _) if results.is_empty() => self.unsigned += 1,
            RecordOutcome::Verified(results, verdict) => {
                if !verdict.verified {
                    self.files_not_verified += 1;
                }
                for result in results {
                    self.signatures += 1;
                    if result.verified() {
                        self.verified += 1;
                    }
                    let key = match (&result.kind, result.report().sub_indication()) {
                        (SignatureKind::Electronic { .. }, _) => {
                            "electronic (not digital)".to_owned()
                        }
                        (_, Some(sub)) => {
                            format!("{}/{}", result.report().indication(), sub.as_str())
                        }
                        (_, None) if result.verified() => "passed".to_owned(),
                        (_, None) => not_verified_reason(result),
                    };
                    *self.by_outcome.entry(key).or_default() += 1;
                }
            }
        }
    }

    /// Every record read, signed and verified as a file. A file verdict fails on every
    /// signature that did not verify, except a JWS JSON signer the policy's signer rule
    /// excuses (`signers = "any"` or a number), which is still counted as not verified.
    pub(super) fn all_verified(&self) -> bool {
        self.errors == 0
            && self.unsigned == 0
            && self.files_not_verified == 0
            && self.signatures > 0
    }

    pub(super) fn to_human(&self, style: &Style) -> String {
        let mut out = format!(
            "\nsummary: {} records, {} signatures: {} verified, {} not verified; {} without a signature; {} not covered as a whole; {} unreadable\n",
            self.records,
            self.signatures,
            style.good(&self.verified.to_string()),
            style.bad(&(self.signatures - self.verified).to_string()),
            self.unsigned,
            self.files_not_verified,
            self.errors
        );
        for (outcome, count) in &self.by_outcome {
            let _ = writeln!(out, "  {count:>8}  {outcome}");
        }
        out
    }

    pub(super) fn to_json(&self) -> serde_json::Value {
        json!({
            "type": "summary",
            "records": self.records,
            "signatures": self.signatures,
            "verified": self.verified,
            "notVerified": self.signatures - self.verified,
            "unsigned": self.unsigned,
            "filesNotVerified": self.files_not_verified,
            "unreadable": self.errors,
            "byOutcome": self.by_outcome,
        })
    }
}
