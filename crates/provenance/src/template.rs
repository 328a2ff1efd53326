//! Provenance from a template: one per Bundle entry or one for the whole Bundle, spliced into
//! the Bundle; and the Provenance of a CDex Task's document.

use std::fmt;

use fhirsig_jcs::Node;

use crate::bundle::{append_entries, entry_targets, BundleError};
use crate::datetime::{DateTime, Instant};
use crate::error::BuildError;
use crate::model::{Agent, Entity, Occurred, Provenance};
use crate::profile::Profile;
use crate::reference::Reference;
use crate::signature::Signature;
use crate::ProvenanceBuilder;

/// Everything of a Provenance but its targets.
#[derive(Debug, Clone)]
pub struct Template {
    /// The profile.
    pub profile: Profile,
    /// `recorded` (passed in).
    pub recorded: Instant,
    /// `occurred[x]`.
    pub occurred: Option<Occurred>,
    /// The agents (at least one).
    pub agents: Vec<Agent>,
    /// The entities.
    pub entities: Vec<Entity>,
}

/// Whether [`add_to_bundle`] records each entry or the whole Bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// One Provenance whose targets are every entry.
    WholeBundle,
    /// One Provenance per entry.
    PerEntry,
}

/// Why a Provenance could not be made from a template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateError {
    /// The input is not strict I-JSON.
    Json(fhirsig_jcs::ParseError),
    /// The Bundle cannot be used.
    Bundle(BundleError),
    /// A profile rule is broken.
    Build(BuildError),
    /// The template has no agent (a Provenance needs at least one).
    NoAgents,
    /// The input is not a Task.
    NotATask {
        /// The resourceType found, if any.
        found: Option<String>,
    },
    /// The document Bundle has no `id`, and the Task names no output reference for it.
    DocumentUnreferenced,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Json(e) => write!(f, "{e}"),
            TemplateError::Bundle(e) => write!(f, "{e}"),
            TemplateError::Build(e) => write!(f, "{e}"),
            TemplateError::NoAgents => f.write_str("a Provenance needs at least one agent"),
            TemplateError::NotATask { found } => write!(
                f,
                "expected a Task, found {}",
                found.as_deref().unwrap_or("JSON without a resourceType")
            ),
            TemplateError::DocumentUnreferenced => f.write_str(
                "the document Bundle has no id and the Task has no output valueReference, so the \
                 Provenance cannot reference it",
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

impl From<BuildError> for TemplateError {
    fn from(e: BuildError) -> Self {
        TemplateError::Build(e)
    }
}

impl Template {
    /// A Provenance of this template with `targets` (at least one).
    ///
    /// # Errors
    /// [`TemplateError::NoAgents`], [`TemplateError::Bundle`] for no targets,
    /// [`TemplateError::Build`].
    pub fn build(&self, targets: Vec<Reference>) -> Result<Provenance, TemplateError> {
        self.build_with(targets, Vec::new())
    }

    fn build_with(
        &self,
        targets: Vec<Reference>,
        signatures: Vec<Signature>,
    ) -> Result<Provenance, TemplateError> {
        let mut targets = targets.into_iter();
        let first = targets
            .next()
            .ok_or(TemplateError::Bundle(BundleError::NoEntries))?;
        let mut agents = self.agents.iter().cloned();
        let first_agent = agents.next().ok_or(TemplateError::NoAgents)?;
        let mut b = ProvenanceBuilder::new(self.profile)
            .target(first)
            .targets(targets)
            .recorded(self.recorded.clone())
            .agent(first_agent);
        for agent in agents {
            b = b.agent(agent);
        }
        if let Some(o) = &self.occurred {
            b = b.occurred(o.clone());
        }
        for e in &self.entities {
            b = b.entity(e.clone());
        }
        for s in signatures {
            b = b.signature(s);
        }
        Ok(b.build()?)
    }
}

/// `text` (a Bundle) with new Provenance entries: one for the whole Bundle, or one per entry
/// (Provenance entries are not recorded). Existing entries keep their bytes; new entries get
/// content-derived `urn:uuid:` `fullUrl`s and, in a searchset, `search.mode = include`.
///
/// # Errors
/// [`TemplateError::Json`], [`TemplateError::Bundle`], [`TemplateError::NoAgents`],
/// [`TemplateError::Build`].
pub fn add_to_bundle(
    text: &str,
    template: &Template,
    scope: Scope,
) -> Result<String, TemplateError> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(TemplateError::Json)?;
    let entries = entry_targets(&doc).map_err(TemplateError::Bundle)?;
    let provenances = match scope {
        Scope::WholeBundle => {
            vec![template.build(entries.iter().map(|e| e.reference.clone()).collect())?]
        }
        Scope::PerEntry => entries
            .iter()
            .map(|e| template.build(vec![e.reference.clone()]))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let values = provenances.iter().map(Provenance::to_value).collect();
    let (out, _) = append_entries(text, &doc, values).map_err(TemplateError::Bundle)?;
    Ok(out)
}

/// The Provenance of a CDex Task's output document: its target is the document (the Task's
/// first `output.valueReference`, else `Bundle/<id>`), `occurredDateTime` is the document's
/// `timestamp` when it has one, and the template's agents (e.g. the transmitting Organization)
/// say who supplied it. With `copy_signature`, the document's `Bundle.signature` is copied
/// verbatim into `Provenance.signature`.
///
/// # Errors
/// [`TemplateError::NotATask`], [`TemplateError::Bundle`] when `document` is not a Bundle,
/// [`TemplateError::DocumentUnreferenced`], and the errors of [`Template::build`].
pub fn for_task(
    task: Node<'_>,
    document: Node<'_>,
    template: &Template,
    copy_signature: bool,
) -> Result<Provenance, TemplateError> {
    let kind = |n: Node<'_>| {
        n.get("resourceType")
            .and_then(|t| t.as_str())
            .map(str::to_owned)
    };
    if kind(task).as_deref() != Some("Task") {
        return Err(TemplateError::NotATask { found: kind(task) });
    }
    if kind(document).as_deref() != Some("Bundle") {
        return Err(TemplateError::Bundle(BundleError::NotABundle {
            found: kind(document),
        }));
    }
    let from_task = task.get("output").and_then(|outputs| {
        outputs.elements().find_map(|o| {
            o.get("valueReference")?
                .get("reference")?
                .as_str()
                .map(str::to_owned)
        })
    });
    let from_id = document
        .get("id")
        .and_then(|i| i.as_str())
        .map(|id| format!("Bundle/{id}"));
    let target = from_task
        .or(from_id)
        .ok_or(TemplateError::DocumentUnreferenced)?;
    let mut template = template.clone();
    if template.occurred.is_none() {
        template.occurred = document
            .get("timestamp")
            .and_then(|t| t.as_str())
            .and_then(|t| DateTime::parse(t).ok())
            .map(Occurred::DateTime);
    }
    let signatures = match document.get("signature") {
        Some(sig) if copy_signature => vec![Signature::from_node(sig)],
        _ => Vec::new(),
    };
    template.build_with(vec![Reference::to(target)], signatures)
}
