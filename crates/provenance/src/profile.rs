//! The Provenance profiles fhirsig builds and checks.

use std::fmt;
use std::str::FromStr;

/// US Core Provenance (3.1.1, 6.1.0 and 7.0.0 share this shape).
pub const US_CORE_PROVENANCE: &str =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-provenance";
/// Da Vinci HRex Provenance.
pub const HREX_PROVENANCE: &str =
    "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition/hrex-provenance";
/// Da Vinci PDex Provenance.
pub const PDEX_PROVENANCE: &str =
    "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-provenance";

/// A Provenance profile. HRex and PDex both derive from US Core, so their rules include US Core's
/// (`provenance-1`, the author and transmitter slices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// [`US_CORE_PROVENANCE`].
    UsCore,
    /// [`HREX_PROVENANCE`]: adds `target.reference` 1..1, `occurred[x]` and `signature` must
    /// support (signatures retained).
    Hrex,
    /// [`PDEX_PROVENANCE`]: `agent.who` only Organization or Practitioner, agent types from
    /// `ProvenanceAgentType`, `entity` source format extension.
    Pdex,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [Profile::UsCore, Profile::Hrex, Profile::Pdex];

    /// The canonical URL written into `meta.profile`.
    pub fn url(self) -> &'static str {
        match self {
            Profile::UsCore => US_CORE_PROVENANCE,
            Profile::Hrex => HREX_PROVENANCE,
            Profile::Pdex => PDEX_PROVENANCE,
        }
    }

    /// The short name used on the command line: `us-core`, `hrex` or `pdex`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::UsCore => "us-core",
            Profile::Hrex => "hrex",
            Profile::Pdex => "pdex",
        }
    }

    /// The profile a canonical URL names (a `|version` suffix is ignored).
    pub fn from_url(url: &str) -> Option<Profile> {
        let base = url.split('|').next().unwrap_or(url);
        Profile::ALL.into_iter().find(|p| p.url() == base)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile name that is not `us-core`, `hrex` or `pdex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown Provenance profile {:?} (expected us-core, hrex or pdex)",
            self.0
        )
    }
}

impl std::error::Error for UnknownProfile {}

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "us-core" | "uscore" => Ok(Profile::UsCore),
            "hrex" => Ok(Profile::Hrex),
            "pdex" => Ok(Profile::Pdex),
            other => Profile::from_url(other).ok_or_else(|| UnknownProfile(other.to_owned())),
        }
    }
}
