//! Checks an existing Provenance against a profile's constraints. Each finding has a stable
//! kebab-case code, a severity and a FHIRPath-like location such as `Provenance.agent[1].who`.
//!
//! | code | severity | rule |
//! |---|---|---|
//! | `no-provenance` | error | the document holds no Provenance |
//! | `meta-profile-missing` | warning | `meta.profile` does not declare the checked profile |
//! | `target-missing` | error | `target` 1..* |
//! | `hrex-target-reference` | error | HRex: `target.reference` 1..1 |
//! | `recorded-missing` / `recorded-invalid` | error | `recorded` 1..1, a FHIR instant |
//! | `occurred-invalid` / `occurred-choice` | error | `occurred[x]`: one of dateTime or Period, valid |
//! | `hrex-occurred-missing` | information | HRex: `occurred[x]` is must-support |
//! | `agent-missing` | error | `agent` 1..* |
//! | `agent-who-missing` | error | `agent.who` 1..1 |
//! | `agent-type-missing` | warning | `agent.type` is must-support in US Core |
//! | `author-type-coding` / `transmitter-type-coding` | error | author/transmitter codes must use their slices' systems |
//! | `provenance-1` | error | `onBehalfOf` when `who` is a Practitioner or Device |
//! | `pdex-agent-who-type` | error | PDex: `who` only Organization or Practitioner |
//! | `pdex-agent-type` | warning | PDex: agent type outside `ProvenanceAgentType` (extensible) |
//! | `pdex-transmitter-missing` | warning | PDex: the payer names itself transmitter |
//! | `entity-role-missing` / `entity-what-missing` | error | `entity.role`, `entity.what` 1..1 |
//! | `pdex-source-format` | error | source format code not in `ProvenancePayerDataSource` |
//! | `source-format-outside-pdex` | warning | the PDex extension on another profile |
//! | `signature-type-missing` / `signature-when-missing` / `signature-when-invalid` / `signature-who-missing` | error | R4 `Signature.type` 1..*, `when` 1..1 instant, `who` 1..1 |

use std::fmt;

use fhirsig_jcs::{Document, Node, NodeKind};

use crate::codes::{
    in_pdex_agent_type_value_set, PARTICIPANT_TYPE_SYSTEM, SOURCE_FORMAT_CODES,
    SOURCE_FORMAT_SYSTEM, SOURCE_FROM_EXTENSION, US_CORE_PARTICIPANT_TYPE_SYSTEM,
};
use crate::datetime::{is_date_time, is_instant};
use crate::profile::Profile;
use crate::reference::resource_type_of;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The resource does not conform.
    Error,
    /// Conforms, but should be improved.
    Warning,
    /// For information.
    Information,
}

impl Severity {
    /// `error`, `warning` or `information`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
}

/// One finding of the checker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable kebab-case code (see the module table).
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// FHIRPath-like location, e.g. `Bundle.entry[2].resource.agent[0].who`.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// The profile the rule belongs to.
    pub profile: Profile,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} at {}: {}",
            self.severity.as_str(),
            self.code,
            self.location,
            self.message
        )
    }
}

/// Checks every Provenance of `doc` (the root, or each Provenance entry of a Bundle) against
/// `profile`, or, when `None`, the profile each declares in `meta.profile` (US Core if none).
pub fn check(doc: &Document<'_>, profile: Option<Profile>) -> Vec<Finding> {
    let found = crate::signature::provenances(doc);
    if found.is_empty() {
        return vec![Finding {
            code: "no-provenance",
            severity: Severity::Error,
            location: "(root)".to_owned(),
            message: "no Provenance resource found (neither the root nor a Bundle entry)"
                .to_owned(),
            profile: profile.unwrap_or(Profile::UsCore),
        }];
    }
    let mut out = Vec::new();
    for (pointer, resource) in found {
        let base = if pointer.is_empty() {
            "Provenance".to_owned()
        } else {
            // `/entry/3/resource` → `Bundle.entry[3].resource`
            let index = pointer.split('/').nth(2).unwrap_or("0");
            format!("Bundle.entry[{index}].resource")
        };
        let p = profile.unwrap_or_else(|| declared_profile(resource).unwrap_or(Profile::UsCore));
        out.extend(check_resource(resource, p, &base));
    }
    out
}

/// The first profile of ours a resource declares in `meta.profile`.
pub fn declared_profile(resource: Node<'_>) -> Option<Profile> {
    resource
        .get("meta")?
        .get("profile")?
        .elements()
        .filter_map(|p| p.as_str())
        .find_map(Profile::from_url)
}

struct Checker {
    profile: Profile,
    findings: Vec<Finding>,
}

impl Checker {
    fn push(
        &mut self,
        code: &'static str,
        severity: Severity,
        location: String,
        message: impl Into<String>,
    ) {
        self.findings.push(Finding {
            code,
            severity,
            location,
            message: message.into(),
            profile: self.profile,
        });
    }
}

fn str_of<'d>(node: Node<'d>, name: &str) -> Option<&'d str> {
    node.get(name).and_then(|v| v.as_str())
}

fn non_empty_array<'d>(node: Node<'d>, name: &str) -> Option<Node<'d>> {
    node.get(name)
        .filter(|a| a.kind() == NodeKind::Array && a.elements().next().is_some())
}

/// Checks one Provenance resource against `profile`; `base` is its location (`Provenance`).
pub fn check_resource(resource: Node<'_>, profile: Profile, base: &str) -> Vec<Finding> {
    use Severity::{Error, Information, Warning};
    let mut c = Checker {
        profile,
        findings: Vec::new(),
    };
    let declared = resource
        .get("meta")
        .and_then(|m| m.get("profile"))
        .is_some_and(|ps| {
            ps.elements()
                .filter_map(|p| p.as_str())
                .any(|p| Profile::from_url(p) == Some(profile))
        });
    if !declared {
        c.push(
            "meta-profile-missing",
            Warning,
            format!("{base}.meta.profile"),
            format!("meta.profile does not declare {}", profile.url()),
        );
    }
    // target 1..*
    match non_empty_array(resource, "target") {
        None => c.push(
            "target-missing",
            Error,
            format!("{base}.target"),
            "Provenance.target is required (1..*)",
        ),
        Some(targets) => {
            for (i, t) in targets.elements().enumerate() {
                if profile == Profile::Hrex && str_of(t, "reference").is_none() {
                    c.push(
                        "hrex-target-reference",
                        Error,
                        format!("{base}.target[{i}].reference"),
                        "HRex requires target.reference (1..1)",
                    );
                }
            }
        }
    }
    // occurred[x]
    let occurred_dt = resource.get("occurredDateTime");
    let occurred_period = resource.get("occurredPeriod");
    if occurred_dt.is_some() && occurred_period.is_some() {
        c.push(
            "occurred-choice",
            Error,
            format!("{base}.occurred"),
            "occurred[x] is a choice: give occurredDateTime or occurredPeriod, not both",
        );
    }
    if let Some(dt) = occurred_dt {
        if !dt.as_str().is_some_and(is_date_time) {
            c.push(
                "occurred-invalid",
                Error,
                format!("{base}.occurredDateTime"),
                "occurredDateTime is not a FHIR dateTime",
            );
        }
    }
    if let Some(p) = occurred_period {
        for end in ["start", "end"] {
            if let Some(v) = p.get(end) {
                if !v.as_str().is_some_and(is_date_time) {
                    c.push(
                        "occurred-invalid",
                        Error,
                        format!("{base}.occurredPeriod.{end}"),
                        format!("occurredPeriod.{end} is not a FHIR dateTime"),
                    );
                }
            }
        }
    }
    if profile == Profile::Hrex && occurred_dt.is_none() && occurred_period.is_none() {
        c.push(
            "hrex-occurred-missing",
            Information,
            format!("{base}.occurred"),
            "HRex marks occurred[x] must-support: say when the activity happened if known",
        );
    }
    // recorded 1..1
    match resource.get("recorded") {
        None => c.push(
            "recorded-missing",
            Error,
            format!("{base}.recorded"),
            "Provenance.recorded is required (1..1)",
        ),
        Some(r) if !r.as_str().is_some_and(is_instant) => c.push(
            "recorded-invalid",
            Error,
            format!("{base}.recorded"),
            "recorded is not a FHIR instant (e.g. 2024-05-02T10:00:00Z)",
        ),
        Some(_) => {}
    }
    // agents
    match non_empty_array(resource, "agent") {
        None => c.push(
            "agent-missing",
            Error,
            format!("{base}.agent"),
            "Provenance.agent is required (1..*)",
        ),
        Some(agents) => check_agents(&mut c, agents, base),
    }
    if let Some(entities) = resource.get("entity") {
        check_entities(&mut c, entities, base);
    }
    if let Some(signatures) = resource.get("signature") {
        for (i, s) in signatures.elements().enumerate() {
            let at = format!("{base}.signature[{i}]");
            if non_empty_array(s, "type").is_none() {
                c.push(
                    "signature-type-missing",
                    Error,
                    format!("{at}.type"),
                    "Signature.type is required in R4 (1..*)",
                );
            }
            match s.get("when") {
                None => c.push(
                    "signature-when-missing",
                    Error,
                    format!("{at}.when"),
                    "Signature.when is required in R4 (1..1)",
                ),
                Some(w) if !w.as_str().is_some_and(is_instant) => c.push(
                    "signature-when-invalid",
                    Error,
                    format!("{at}.when"),
                    "Signature.when is not a FHIR instant",
                ),
                Some(_) => {}
            }
            if s.get("who").is_none() {
                c.push(
                    "signature-who-missing",
                    Error,
                    format!("{at}.who"),
                    "Signature.who is required in R4 (1..1)",
                );
            }
        }
    }
    c.findings
}

fn check_agents(c: &mut Checker, agents: Node<'_>, base: &str) {
    use Severity::{Error, Warning};
    let profile = c.profile;
    let mut has_transmitter = false;
    for (i, agent) in agents.elements().enumerate() {
        let at = format!("{base}.agent[{i}]");
        let codings: Vec<Node<'_>> = agent
            .get("type")
            .and_then(|t| t.get("coding"))
            .iter()
            .flat_map(|cs| cs.elements())
            .collect();
        if codings.is_empty() {
            c.push(
                "agent-type-missing",
                Warning,
                format!("{at}.type"),
                "agent.type is must-support: say whether this agent is the author, transmitter, …",
            );
        }
        for (j, coding) in codings.iter().enumerate() {
            let system = str_of(*coding, "system").unwrap_or("");
            let code = str_of(*coding, "code").unwrap_or("");
            let location = format!("{at}.type.coding[{j}]");
            if code == "author"
                && system != PARTICIPANT_TYPE_SYSTEM
                && system != crate::codes::PDEX_AGENT_ROLE_SYSTEM
            {
                c.push("author-type-coding", Error, location.clone(), format!("the ProvenanceAuthor slice requires {PARTICIPANT_TYPE_SYSTEM}#author, found system {system:?}"));
            }
            if code == "transmitter" {
                if system == US_CORE_PARTICIPANT_TYPE_SYSTEM {
                    has_transmitter = true;
                } else {
                    c.push("transmitter-type-coding", Error, location.clone(), format!("the ProvenanceTransmitter slice requires {US_CORE_PARTICIPANT_TYPE_SYSTEM}#transmitter, found system {system:?}"));
                }
            }
            if profile == Profile::Pdex && !in_pdex_agent_type_value_set(system, code) {
                c.push(
                    "pdex-agent-type",
                    Warning,
                    location,
                    format!("{system}#{code} is not in PDex's ProvenanceAgentType value set"),
                );
            }
        }
        let Some(who) = agent.get("who") else {
            c.push(
                "agent-who-missing",
                Error,
                format!("{at}.who"),
                "agent.who is required (1..1)",
            );
            continue;
        };
        let who_type = str_of(who, "reference").and_then(resource_type_of);
        if matches!(who_type, Some("Practitioner" | "Device")) && agent.get("onBehalfOf").is_none()
        {
            c.push(
                "provenance-1",
                Error,
                format!("{at}.onBehalfOf"),
                format!(
                    "who is a {}, so onBehalfOf SHALL be present (US Core provenance-1)",
                    who_type.unwrap_or_default()
                ),
            );
        }
        if profile == Profile::Pdex && !matches!(who_type, Some("Organization" | "Practitioner")) {
            c.push(
                "pdex-agent-who-type",
                Error,
                format!("{at}.who"),
                "PDex allows agent.who to reference only an Organization or a Practitioner",
            );
        }
    }
    if profile == Profile::Pdex && !has_transmitter {
        c.push("pdex-transmitter-missing", Warning, format!("{base}.agent"), "PDex: the health plan SHALL provide a Provenance naming itself as Transmitter for each exchange");
    }
}

fn check_entities(c: &mut Checker, entities: Node<'_>, base: &str) {
    use Severity::{Error, Warning};
    for (i, entity) in entities.elements().enumerate() {
        let at = format!("{base}.entity[{i}]");
        if entity.get("role").is_none() {
            c.push(
                "entity-role-missing",
                Error,
                format!("{at}.role"),
                "entity.role is required (1..1)",
            );
        }
        if entity.get("what").is_none() {
            c.push(
                "entity-what-missing",
                Error,
                format!("{at}.what"),
                "entity.what is required (1..1)",
            );
        }
        let extensions = entity.get("extension");
        for (j, ext) in extensions.iter().flat_map(|e| e.elements()).enumerate() {
            if str_of(ext, "url") != Some(SOURCE_FROM_EXTENSION) {
                continue;
            }
            let location = format!("{at}.extension[{j}]");
            if c.profile != Profile::Pdex {
                c.push(
                    "source-format-outside-pdex",
                    Warning,
                    location.clone(),
                    "ProvenanceSourceFrom is a PDex extension",
                );
            }
            let codings: Vec<Node<'_>> = ext
                .get("valueCodeableConcept")
                .and_then(|v| v.get("coding"))
                .iter()
                .flat_map(|cs| cs.elements())
                .collect();
            let known = codings.iter().any(|cd| {
                str_of(*cd, "system") == Some(SOURCE_FORMAT_SYSTEM)
                    && str_of(*cd, "code").is_some_and(|code| SOURCE_FORMAT_CODES.contains(&code))
            });
            if !known {
                c.push(
                    "pdex-source-format",
                    Error,
                    format!("{location}.valueCodeableConcept"),
                    format!(
                        "the source format must be a {SOURCE_FORMAT_SYSTEM} code ({})",
                        SOURCE_FORMAT_CODES.join(", ")
                    ),
                );
            }
        }
    }
}
