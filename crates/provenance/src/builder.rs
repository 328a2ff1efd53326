//! The typed Provenance builder. `build()` exists only once a target, `recorded` and an agent
//! have been given (typestate); the profile's other rules are checked by `build()`.
//!
//! ```compile_fail
//! use fhirsig_provenance::{Agent, Instant, Profile, ProvenanceBuilder, Reference};
//! // No target: there is no `build` method to call.
//! let p = ProvenanceBuilder::new(Profile::UsCore)
//!     .recorded(Instant::parse("2024-05-02T10:00:00Z").unwrap())
//!     .agent(Agent::transmitter(Reference::to("Organization/o1")))
//!     .build();
//! ```
//!
//! ```compile_fail
//! use fhirsig_provenance::{Instant, Profile, ProvenanceBuilder, Reference};
//! // No agent.
//! let p = ProvenanceBuilder::new(Profile::UsCore)
//!     .target(Reference::to("Condition/1"))
//!     .recorded(Instant::parse("2024-05-02T10:00:00Z").unwrap())
//!     .build();
//! ```

use std::marker::PhantomData;

use crate::error::BuildError;
use crate::model::{Agent, Entity, Occurred, Provenance};
use crate::profile::Profile;
use crate::reference::Reference;
use crate::signature::Signature;
use crate::Instant;

/// Typestate marker: the element has not been given yet.
#[derive(Debug, Clone, Copy)]
pub struct Missing;
/// Typestate marker: the element has been given.
#[derive(Debug, Clone, Copy)]
pub struct Given;

/// Builds a [`Provenance`] for one [`Profile`]. The three type parameters track whether a
/// target (`T`), `recorded` (`R`) and an agent (`A`) were given; [`ProvenanceBuilder::build`]
/// exists only for `ProvenanceBuilder<Given, Given, Given>`.
///
/// ```
/// use fhirsig_provenance::{Agent, Instant, Profile, ProvenanceBuilder, Reference};
///
/// let p = ProvenanceBuilder::new(Profile::Hrex)
///     .target(Reference::to("Condition/123"))
///     .recorded(Instant::parse("2024-05-02T10:00:00Z")?)
///     .agent(Agent::author(Reference::to("Practitioner/pr1"))
///         .on_behalf_of(Reference::to("Organization/org1")))
///     .agent(Agent::transmitter(Reference::to("Organization/org1")))
///     .build()?;
/// assert!(p.to_json().contains("hrex-provenance"));
///
/// // US Core provenance-1: a Practitioner author without onBehalfOf is refused.
/// let err = ProvenanceBuilder::new(Profile::UsCore)
///     .target(Reference::to("Condition/123"))
///     .recorded(Instant::parse("2024-05-02T10:00:00Z")?)
///     .agent(Agent::author(Reference::to("Practitioner/pr1")))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.code(), "provenance-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProvenanceBuilder<T, R, A> {
    profile: Profile,
    id: Option<String>,
    targets: Vec<Reference>,
    occurred: Option<Occurred>,
    recorded: Option<Instant>,
    agents: Vec<Agent>,
    entities: Vec<Entity>,
    signatures: Vec<Signature>,
    state: PhantomData<(T, R, A)>,
}

impl ProvenanceBuilder<Missing, Missing, Missing> {
    /// An empty builder for `profile`.
    pub fn new(profile: Profile) -> Self {
        ProvenanceBuilder {
            profile,
            id: None,
            targets: Vec::new(),
            occurred: None,
            recorded: None,
            agents: Vec::new(),
            entities: Vec::new(),
            signatures: Vec::new(),
            state: PhantomData,
        }
    }
}

impl<T, R, A> ProvenanceBuilder<T, R, A> {
    fn into_state<T2, R2, A2>(self) -> ProvenanceBuilder<T2, R2, A2> {
        ProvenanceBuilder {
            profile: self.profile,
            id: self.id,
            targets: self.targets,
            occurred: self.occurred,
            recorded: self.recorded,
            agents: self.agents,
            entities: self.entities,
            signatures: self.signatures,
            state: PhantomData,
        }
    }

    /// Adds a `target`.
    pub fn target(mut self, target: Reference) -> ProvenanceBuilder<Given, R, A> {
        self.targets.push(target);
        self.into_state()
    }

    /// Sets `recorded` (passed in: the library never reads the clock).
    pub fn recorded(mut self, recorded: Instant) -> ProvenanceBuilder<T, Given, A> {
        self.recorded = Some(recorded);
        self.into_state()
    }

    /// Adds an `agent`.
    pub fn agent(mut self, agent: Agent) -> ProvenanceBuilder<T, R, Given> {
        self.agents.push(agent);
        self.into_state()
    }

    /// Sets `id`.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets `occurred[x]`.
    #[must_use]
    pub fn occurred(mut self, occurred: Occurred) -> Self {
        self.occurred = Some(occurred);
        self
    }

    /// Adds an `entity`.
    #[must_use]
    pub fn entity(mut self, entity: Entity) -> Self {
        self.entities.push(entity);
        self
    }

    /// Adds a `signature`, kept exactly as given (a signature copied from elsewhere is never
    /// rewritten).
    #[must_use]
    pub fn signature(mut self, signature: Signature) -> Self {
        self.signatures.push(signature);
        self
    }
}

impl<R, A> ProvenanceBuilder<Given, R, A> {
    /// Adds more targets at once.
    #[must_use]
    pub fn targets(mut self, targets: impl IntoIterator<Item = Reference>) -> Self {
        self.targets.extend(targets);
        self
    }
}

impl ProvenanceBuilder<Given, Given, Given> {
    /// The Provenance, after checking the profile's rules.
    ///
    /// # Errors
    /// [`BuildError::OnBehalfOfRequired`] (US Core `provenance-1`, all three profiles),
    /// [`BuildError::PdexWhoType`], [`BuildError::TargetReferenceRequired`] (HRex),
    /// [`BuildError::EmptyWho`], [`BuildError::SourceFormatOutsidePdex`].
    pub fn build(self) -> Result<Provenance, BuildError> {
        let profile = self.profile;
        for (i, agent) in self.agents.iter().enumerate() {
            let who_text = agent
                .who
                .reference()
                .or(agent.who.display())
                .ok_or(BuildError::EmptyWho { agent: i })?;
            let who_type = agent.who.resource_type();
            if matches!(who_type, Some("Practitioner" | "Device")) && agent.on_behalf_of.is_none() {
                return Err(BuildError::OnBehalfOfRequired {
                    agent: i,
                    who: who_text.to_owned(),
                });
            }
            if profile == Profile::Pdex
                && !matches!(who_type, Some("Organization" | "Practitioner"))
            {
                return Err(BuildError::PdexWhoType {
                    agent: i,
                    who: who_text.to_owned(),
                });
            }
        }
        if profile == Profile::Hrex {
            if let Some(i) = self.targets.iter().position(|t| t.reference().is_none()) {
                return Err(BuildError::TargetReferenceRequired { target: i });
            }
        }
        if profile != Profile::Pdex && self.entities.iter().any(|e| e.source_format.is_some()) {
            return Err(BuildError::SourceFormatOutsidePdex { profile });
        }
        let recorded = self.recorded.ok_or(BuildError::RecordedMissing)?;
        Ok(Provenance {
            profile,
            id: self.id,
            targets: self.targets,
            occurred: self.occurred,
            recorded,
            agents: self.agents,
            entities: self.entities,
            signatures: self.signatures,
        })
    }
}
