//! Arguments and helpers shared by the `provenance` subcommands.

use clap::Args;
use fhirsig_core::trust::format_rfc3339;
use fhirsig_provenance::{
    Agent, DateTime, Entity, Instant, Occurred, Profile, Reference, SourceFormat, Template,
};

use crate::error::CliError;

/// Who authored and who transmitted, when, and under which profile.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Profile: us-core, hrex or pdex.
    #[arg(long, value_name = "PROFILE", default_value = "us-core")]
    pub profile: Profile,

    /// The author (`Practitioner/…`, `Organization/…`, …).
    #[arg(long, value_name = "REF")]
    pub author: Option<String>,

    /// The organisation the author acts for (`onBehalfOf`; required for a Practitioner or
    /// Device author by US Core provenance-1).
    #[arg(long, value_name = "REF", requires = "author")]
    pub author_org: Option<String>,

    /// The transmitter (usually `Organization/…`).
    #[arg(long, value_name = "REF")]
    pub transmitter: Option<String>,

    /// `recorded` (FHIR instant); default: now.
    #[arg(long, value_name = "INSTANT")]
    pub recorded: Option<String>,

    /// `occurred[x]`: a dateTime, or START/END for a Period.
    #[arg(long, value_name = "DATETIME")]
    pub occurred: Option<String>,

    /// PDex only: the format the payer received the data in (e.g. x12837, hl7v2adt, hl7ccda).
    #[arg(long, value_name = "CODE")]
    pub source_format: Option<String>,
}

/// `--recorded`, or the run's instant.
pub fn recorded_or_now(recorded: Option<&str>) -> Result<Instant, CliError> {
    let text = match recorded {
        Some(t) => t.to_owned(),
        None => format_rfc3339(crate::inputs::clock::now()),
    };
    Instant::parse(&text).map_err(|e| CliError::input(format!("--recorded: {e}")))
}

/// A reference from the command line.
pub fn reference(text: &str) -> Reference {
    Reference::to(text)
}

impl AgentArgs {
    /// The template these arguments describe.
    pub fn template(&self) -> Result<Template, CliError> {
        let mut agents = Vec::new();
        if let Some(author) = &self.author {
            let mut agent = Agent::author(reference(author));
            if let Some(org) = &self.author_org {
                agent = agent.on_behalf_of(reference(org));
            }
            agents.push(agent);
        }
        if let Some(t) = &self.transmitter {
            agents.push(Agent::transmitter(reference(t)));
        }
        if agents.is_empty() {
            return Err(CliError::input("a Provenance needs an agent")
                .with_hint("give --author REF and/or --transmitter REF"));
        }
        let occurred = self.occurred.as_deref().map(occurred).transpose()?;
        let mut entities = Vec::new();
        if let Some(code) = &self.source_format {
            let format = SourceFormat::from_code(code)
                .map_err(|e| CliError::input(format!("--source-format: {e}")))?;
            let what = Reference::display_only(format!("data received as {}", format.code()));
            entities.push(Entity::pdex_source(what, format));
        }
        Ok(Template {
            profile: self.profile,
            recorded: recorded_or_now(self.recorded.as_deref())?,
            occurred,
            agents,
            entities,
        })
    }
}

fn occurred(text: &str) -> Result<Occurred, CliError> {
    let parse =
        |t: &str| DateTime::parse(t).map_err(|e| CliError::input(format!("--occurred: {e}")));
    match text.split_once('/') {
        Some((start, end)) => Ok(Occurred::Period {
            start: (!start.is_empty()).then(|| parse(start)).transpose()?,
            end: (!end.is_empty()).then(|| parse(end)).transpose()?,
        }),
        None => Ok(Occurred::DateTime(parse(text)?)),
    }
}

/// Maps a library error to a one-line input error naming the source.
pub fn input_error(source: &str, e: impl std::fmt::Display) -> CliError {
    CliError::input(format!("{source}: {e}"))
}

/// The text with a final newline (results are whole JSON files).
pub fn with_newline(mut text: String) -> Vec<u8> {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.into_bytes()
}

/// The signatures of a Bundle that cover all of its entries, so that any added entry breaks
/// them: `Bundle.signature`, and the signatures of embedded signing Provenances (target `#/`).
/// Empty for anything that is not a Bundle.
pub(crate) fn whole_bundle_signatures(bytes: &[u8]) -> Vec<String> {
    let Ok(doc) = fhirsig_jcs::parse(bytes) else {
        return Vec::new();
    };
    let root = doc.root();
    if root.get("resourceType").and_then(|t| t.as_str()) != Some("Bundle") {
        return Vec::new();
    }
    let mut found = Vec::new();
    if root.get("signature").is_some() {
        found.push("a Bundle.signature".to_owned());
    }
    for (pointer, provenance) in fhirsig_core::fhir::provenances(&doc) {
        let signed = provenance
            .get("signature")
            .is_some_and(|s| s.elements().next().is_some());
        let whole_bundle = provenance
            .get("target")
            .into_iter()
            .flat_map(|t| t.elements())
            .any(|t| t.get("reference").and_then(|r| r.as_str()) == Some("#/"));
        if signed && whole_bundle {
            found.push(format!(
                "the signature of the signing Provenance at {pointer}"
            ));
        }
    }
    found
}
