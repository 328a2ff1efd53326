//! Code systems and codes: agent roles and PDex source formats.

use std::fmt;

/// `http://terminology.hl7.org/CodeSystem/provenance-participant-type` (author, custodian, …).
pub const PARTICIPANT_TYPE_SYSTEM: &str =
    "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
/// US Core's participant type system, which defines `transmitter`.
pub const US_CORE_PARTICIPANT_TYPE_SYSTEM: &str =
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type";
/// PDex's agent role system (`source`, `author`).
pub const PDEX_AGENT_ROLE_SYSTEM: &str =
    "http://hl7.org/fhir/us/davinci-pdex/CodeSystem/ProvenanceAgentRoleType";
/// The PDex extension on `Provenance.entity` naming the format the payer received data in.
pub const SOURCE_FROM_EXTENSION: &str =
    "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/ProvenanceSourceFrom";
/// The code system of PDex source formats.
pub const SOURCE_FORMAT_SYSTEM: &str =
    "http://hl7.org/fhir/us/davinci-pdex/CodeSystem/ProvenancePayerDataSource";
/// The ASTM E1762-95 signature type system.
pub const SIGNATURE_TYPE_SYSTEM: &str = "urn:iso-astm:E1762-95:2013";

/// A coding: system, code and display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coding {
    /// The code system URI.
    pub system: &'static str,
    /// The code.
    pub code: &'static str,
    /// The display text.
    pub display: &'static str,
}

/// The role an agent played, written as `Provenance.agent.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AgentRole {
    /// Who authored the content (US Core `ProvenanceAuthor` slice).
    Author,
    /// Who provided the copy to the receiving system (US Core `ProvenanceTransmitter` slice).
    Transmitter,
    /// PDex: the source of the data a payer transmits (`ProvenanceAgentRoleType#source`).
    Source,
    /// Who maintains the record (usually an Organization).
    Custodian,
    /// Who verified the content (Practitioner or PractitionerRole).
    Verifier,
    /// Who assembled the content (usually a Device).
    Assembler,
    /// Who attested to the content.
    Attester,
    /// Who reported the information.
    Informant,
    /// Who entered the data.
    Enterer,
    /// Who performed the activity.
    Performer,
    /// Who is legally authenticating.
    Legal,
}

impl AgentRole {
    /// Every role.
    pub const ALL: [AgentRole; 11] = [
        AgentRole::Author,
        AgentRole::Transmitter,
        AgentRole::Source,
        AgentRole::Custodian,
        AgentRole::Verifier,
        AgentRole::Assembler,
        AgentRole::Attester,
        AgentRole::Informant,
        AgentRole::Enterer,
        AgentRole::Performer,
        AgentRole::Legal,
    ];

    /// The coding written into `agent.type`.
    pub fn coding(self) -> Coding {
        let (system, code, display) = match self {
            AgentRole::Author => (PARTICIPANT_TYPE_SYSTEM, "author", "Author"),
            AgentRole::Transmitter => (
                US_CORE_PARTICIPANT_TYPE_SYSTEM,
                "transmitter",
                "Transmitter",
            ),
            AgentRole::Source => (PDEX_AGENT_ROLE_SYSTEM, "source", "Source"),
            AgentRole::Custodian => (PARTICIPANT_TYPE_SYSTEM, "custodian", "Custodian"),
            AgentRole::Verifier => (PARTICIPANT_TYPE_SYSTEM, "verifier", "Verifier"),
            AgentRole::Assembler => (PARTICIPANT_TYPE_SYSTEM, "assembler", "Assembler"),
            AgentRole::Attester => (PARTICIPANT_TYPE_SYSTEM, "attester", "Attester"),
            AgentRole::Informant => (PARTICIPANT_TYPE_SYSTEM, "informant", "Informant"),
            AgentRole::Enterer => (PARTICIPANT_TYPE_SYSTEM, "enterer", "Enterer"),
            AgentRole::Performer => (PARTICIPANT_TYPE_SYSTEM, "performer", "Performer"),
            AgentRole::Legal => (PARTICIPANT_TYPE_SYSTEM, "legal", "Legal Authenticator"),
        };
        Coding {
            system,
            code,
            display,
        }
    }

    /// The role a coding names, if any.
    pub fn from_coding(system: &str, code: &str) -> Option<AgentRole> {
        AgentRole::ALL.into_iter().find(|r| {
            let c = r.coding();
            c.system == system && c.code == code
        })
    }
}

/// Whether a coding is in PDex's `ProvenanceAgentType` value set: PDex's `source`/`author`,
/// US Core's `transmitter`, and any code of the FHIR participant type system.
pub fn in_pdex_agent_type_value_set(system: &str, code: &str) -> bool {
    match system {
        PDEX_AGENT_ROLE_SYSTEM => matches!(code, "source" | "author"),
        US_CORE_PARTICIPANT_TYPE_SYSTEM => code == "transmitter",
        PARTICIPANT_TYPE_SYSTEM => matches!(
            code,
            "enterer"
                | "performer"
                | "author"
                | "verifier"
                | "legal"
                | "attester"
                | "informant"
                | "custodian"
                | "assembler"
                | "composer"
        ),
        _ => false,
    }
}

/// The PDex source format codes (`ProvenancePayerDataSource`), in the code system's order.
pub const SOURCE_FORMAT_CODES: [&str; 23] = [
    "hl7v2other",
    "hl7v2oru",
    "hl7v2adt",
    "hl7v2r01",
    "hl7v2rsp",
    "hl7v2orm",
    "hl7v2mdm",
    "hl7v2vxu",
    "hl7v3",
    "hl7ccda",
    "hl7cda",
    "hl7cdaqrda",
    "hl7fhirdstu2",
    "hl7fhirdstu3",
    "hl7fhirr4",
    "x12837",
    "x12278",
    "x12275",
    "x12other",
    "script",
    "ncpdp",
    "capture",
    "customtx",
];

/// A PDex source format code: the format in which a payer received the data it transmits.
/// Only codes of [`SOURCE_FORMAT_CODES`] can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceFormat(&'static str);

/// A source format code that PDex does not define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSourceFormat(pub String);

impl fmt::Display for UnknownSourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a PDex source format code (ProvenancePayerDataSource: {})",
            self.0,
            SOURCE_FORMAT_CODES.join(", ")
        )
    }
}

impl std::error::Error for UnknownSourceFormat {}

impl SourceFormat {
    /// The source format with this code.
    ///
    /// # Errors
    /// [`UnknownSourceFormat`] for a code not in [`SOURCE_FORMAT_CODES`].
    pub fn from_code(code: &str) -> Result<Self, UnknownSourceFormat> {
        SOURCE_FORMAT_CODES
            .iter()
            .find(|c| **c == code)
            .map(|c| SourceFormat(c))
            .ok_or_else(|| UnknownSourceFormat(code.to_owned()))
    }

    /// The code.
    pub fn code(self) -> &'static str {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_codings() {
        for role in AgentRole::ALL {
            let c = role.coding();
            assert_eq!(AgentRole::from_coding(c.system, c.code), Some(role));
        }
    }

    #[test]
    fn source_formats_reject_unknown_codes() {
        assert_eq!(SourceFormat::from_code("x12837").unwrap().code(), "x12837");
        assert!(SourceFormat::from_code("X12837").is_err());
        assert!(SourceFormat::from_code("fax").is_err());
    }
}
