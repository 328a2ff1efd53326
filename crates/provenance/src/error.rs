//! Why a Provenance cannot be built for its profile.

use std::fmt;

use crate::profile::Profile;

/// A profile rule the builder's inputs break. Each maps to the checker's finding code of the
/// same rule ([`BuildError::code`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// US Core `provenance-1`: `onBehalfOf` is required when `agent.who` is a Practitioner or
    /// a Device.
    OnBehalfOfRequired {
        /// Index of the agent in `Provenance.agent`.
        agent: usize,
        /// The `who` reference.
        who: String,
    },
    /// PDex: `agent.who` may only reference an Organization or a Practitioner.
    PdexWhoType {
        /// Index of the agent.
        agent: usize,
        /// The `who` reference (or display) as given.
        who: String,
    },
    /// HRex: every `target` needs a literal `reference`.
    TargetReferenceRequired {
        /// Index of the target.
        target: usize,
    },
    /// An agent's `who` has neither a reference nor a display.
    EmptyWho {
        /// Index of the agent.
        agent: usize,
    },
    /// `recorded` was not set (only reachable by bypassing the typed builder states).
    RecordedMissing,
    /// A source format was given for a profile other than PDex.
    SourceFormatOutsidePdex {
        /// The chosen profile.
        profile: Profile,
    },
}

impl BuildError {
    /// The stable kebab-case code, the same as the checker's finding for this rule.
    pub fn code(&self) -> &'static str {
        match self {
            BuildError::OnBehalfOfRequired { .. } => "provenance-1",
            BuildError::PdexWhoType { .. } => "pdex-agent-who-type",
            BuildError::TargetReferenceRequired { .. } => "hrex-target-reference",
            BuildError::EmptyWho { .. } => "agent-who-missing",
            BuildError::SourceFormatOutsidePdex { .. } => "source-format-outside-pdex",
            BuildError::RecordedMissing => "recorded-missing",
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::OnBehalfOfRequired { agent, who } => write!(
                f,
                "Provenance.agent[{agent}]: who is {who:?}, a Practitioner or Device, so US Core \
                 provenance-1 requires onBehalfOf (the Organization it acts for)"
            ),
            BuildError::PdexWhoType { agent, who } => write!(
                f,
                "Provenance.agent[{agent}]: PDex allows agent.who to be only an Organization or a \
                 Practitioner, not {who:?}"
            ),
            BuildError::TargetReferenceRequired { target } => write!(
                f,
                "Provenance.target[{target}]: HRex requires target.reference (a literal reference)"
            ),
            BuildError::EmptyWho { agent } => write!(
                f,
                "Provenance.agent[{agent}]: who has neither a reference nor a display"
            ),
            BuildError::RecordedMissing => f.write_str("Provenance.recorded is required"),
            BuildError::SourceFormatOutsidePdex { profile } => write!(
                f,
                "the ProvenanceSourceFrom extension is PDex's; profile {profile} does not define it"
            ),
        }
    }
}

impl std::error::Error for BuildError {}
