//! The typed Provenance and its parts, and their JSON form in FHIR member order.

use crate::codes::{AgentRole, Coding, SourceFormat, SOURCE_FORMAT_SYSTEM, SOURCE_FROM_EXTENSION};
use crate::datetime::{DateTime, Instant};
use crate::json::Value;
use crate::profile::Profile;
use crate::reference::Reference;
use crate::signature::Signature;

/// `Provenance.occurred[x]`: when the activity happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Occurred {
    /// `occurredDateTime`.
    DateTime(DateTime),
    /// `occurredPeriod` (start and/or end).
    Period {
        /// `start`.
        start: Option<DateTime>,
        /// `end`.
        end: Option<DateTime>,
    },
}

/// One `Provenance.agent`: its role, who, and on whose behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The role, written as `agent.type`.
    pub role: AgentRole,
    /// `agent.who`.
    pub who: Reference,
    /// `agent.onBehalfOf`.
    pub on_behalf_of: Option<Reference>,
}

impl Agent {
    /// An agent playing `role`.
    pub fn new(role: AgentRole, who: Reference) -> Self {
        Agent {
            role,
            who,
            on_behalf_of: None,
        }
    }

    /// An author.
    pub fn author(who: Reference) -> Self {
        Agent::new(AgentRole::Author, who)
    }

    /// A transmitter.
    pub fn transmitter(who: Reference) -> Self {
        Agent::new(AgentRole::Transmitter, who)
    }

    /// Sets `onBehalfOf`.
    #[must_use]
    pub fn on_behalf_of(mut self, org: Reference) -> Self {
        self.on_behalf_of = Some(org);
        self
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        Value::object()
            .with("type", codeable_concept(self.role.coding()))
            .with("who", self.who.to_value())
            .with_opt(
                "onBehalfOf",
                self.on_behalf_of.as_ref().map(Reference::to_value),
            )
    }
}

/// `Provenance.entity.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntityRole {
    /// `derivation`.
    Derivation,
    /// `revision`.
    Revision,
    /// `quotation`.
    Quotation,
    /// `source`.
    Source,
    /// `removal`.
    Removal,
}

impl EntityRole {
    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            EntityRole::Derivation => "derivation",
            EntityRole::Revision => "revision",
            EntityRole::Quotation => "quotation",
            EntityRole::Source => "source",
            EntityRole::Removal => "removal",
        }
    }
}

/// One `Provenance.entity`, with PDex's source format extension when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// `entity.role`.
    pub role: EntityRole,
    /// `entity.what`.
    pub what: Reference,
    /// PDex `ProvenanceSourceFrom`: the format the data was received in.
    pub source_format: Option<SourceFormat>,
}

impl Entity {
    /// The PDex source entity: what the data came from, and in which format.
    pub fn pdex_source(what: Reference, format: SourceFormat) -> Self {
        Entity {
            role: EntityRole::Source,
            what,
            source_format: Some(format),
        }
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        let mut v = Value::object();
        if let Some(format) = self.source_format {
            let coding = Value::object()
                .with("system", Value::str(SOURCE_FORMAT_SYSTEM))
                .with("code", Value::str(format.code()));
            let ext = Value::object()
                .with("url", Value::str(SOURCE_FROM_EXTENSION))
                .with(
                    "valueCodeableConcept",
                    Value::object().with("coding", Value::Array(vec![coding])),
                );
            v.push("extension", Value::Array(vec![ext]));
        }
        v.with("role", Value::str(self.role.code()))
            .with("what", self.what.to_value())
    }
}

/// A CodeableConcept with one coding.
pub(crate) fn codeable_concept(c: Coding) -> Value {
    let coding = Value::object()
        .with("system", Value::str(c.system))
        .with("code", Value::str(c.code))
        .with("display", Value::str(c.display));
    Value::object().with("coding", Value::Array(vec![coding]))
}

/// A built Provenance. Only [`crate::ProvenanceBuilder::build`] makes one, so it always has a
/// target, `recorded` and an agent, and it satisfies its profile's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub(crate) profile: Profile,
    pub(crate) id: Option<String>,
    pub(crate) targets: Vec<Reference>,
    pub(crate) occurred: Option<Occurred>,
    pub(crate) recorded: Instant,
    pub(crate) agents: Vec<Agent>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) signatures: Vec<Signature>,
}

impl Provenance {
    /// The profile it was built for.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// `Provenance.target`.
    pub fn targets(&self) -> &[Reference] {
        &self.targets
    }

    /// `Provenance.agent`.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// `Provenance.recorded`.
    pub fn recorded(&self) -> &Instant {
        &self.recorded
    }

    /// `Provenance.signature`.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// Adds a signature (e.g. one copied from a document Bundle, or made by
    /// [`crate::sign_targets`]).
    pub fn push_signature(&mut self, signature: Signature) {
        self.signatures.push(signature);
    }

    /// Sets `Provenance.id`.
    pub fn set_id(&mut self, id: impl Into<String>) {
        self.id = Some(id.into());
    }

    /// The JSON form: resourceType, id, meta, then elements in StructureDefinition order
    /// (target, `occurred[x]`, recorded, agent, entity, signature).
    pub fn to_value(&self) -> Value {
        let profile = Value::Array(vec![Value::str(self.profile.url())]);
        let mut v = Value::object()
            .with("resourceType", Value::str("Provenance"))
            .with_opt("id", self.id.clone().map(Value::String))
            .with("meta", Value::object().with("profile", profile))
            .with(
                "target",
                Value::Array(self.targets.iter().map(Reference::to_value).collect()),
            );
        match &self.occurred {
            Some(Occurred::DateTime(t)) => v.push("occurredDateTime", Value::str(t.as_str())),
            Some(Occurred::Period { start, end }) => v.push(
                "occurredPeriod",
                Value::object()
                    .with_opt("start", start.as_ref().map(|s| Value::str(s.as_str())))
                    .with_opt("end", end.as_ref().map(|s| Value::str(s.as_str()))),
            ),
            None => {}
        }
        v.push("recorded", Value::str(self.recorded.as_str()));
        v.push(
            "agent",
            Value::Array(self.agents.iter().map(Agent::to_value).collect()),
        );
        if !self.entities.is_empty() {
            v.push(
                "entity",
                Value::Array(self.entities.iter().map(Entity::to_value).collect()),
            );
        }
        if !self.signatures.is_empty() {
            v.push(
                "signature",
                Value::Array(self.signatures.iter().map(Signature::to_value).collect()),
            );
        }
        v
    }

    /// Pretty JSON (two-space indent), no trailing newline.
    pub fn to_json(&self) -> String {
        self.to_value().to_pretty()
    }
}
