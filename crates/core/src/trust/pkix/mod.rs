//! RFC 5280 §6.1 certification path validation for document-signing PKIs: path building from
//! the signer's `x5c` and extra intermediates, name chaining with §7.1 comparison, basic
//! constraints and pathLenConstraint (self-issued certificates exempt), CA KeyUsage, name
//! constraints (dNSName, rfc822Name, URI, iPAddress, directoryName), the certificate policy
//! graph with the relying party's policy inputs, and unknown critical extensions. Signatures
//! are verified with ring; the instant is an input, and nothing touches the network.

mod builder;
mod constraints;
mod extensions;
mod names;
mod policies;
mod process;

pub use policies::PolicyInputs;

pub(crate) use builder::search;
pub(crate) use constraints::valid_dns_name;
pub(crate) use names::same_name;
pub(crate) use policies::ValidPolicies;

use super::certificate::Certificate;
use crate::report::SubIndication;

/// Why a path was refused: the certificate (`[0]` the signer, then its issuers, the anchor
/// last) and the rule it breaks, with the ETSI sub-indication.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    pub(crate) index: usize,
    /// The refused certificate's subject; `None` when the refusal is about the search.
    pub(crate) subject: Option<String>,
    pub(crate) rule: String,
    pub(crate) sub: SubIndication,
}

impl Refusal {
    fn at(index: usize, cert: &Certificate, rule: String) -> Self {
        Self {
            index,
            subject: Some(cert.subject()),
            rule,
            sub: SubIndication::ChainConstraintsFailure,
        }
    }

    /// The message for the report: the certificate, then the rule.
    pub(crate) fn message(&self) -> String {
        match self.subject.as_deref() {
            None => self.rule.clone(),
            Some("") => format!("certificate [{}] (empty subject) {}", self.index, self.rule),
            Some(subject) => format!("certificate [{}] {subject} {}", self.index, self.rule),
        }
    }
}
