//! Signature profiles: which header members, Signature elements and canonicalisation a FHIR
//! JSON signature uses (the CDex CI Digital Signature profile, CDex 2.0/2.1, and the FHIR R6 draft's signatures).

use std::fmt;

use crate::canonicalization::{Canonicalization, CDEX_TARGET_FORMAT, R6_JSON_URI};

/// The `targetFormat` of an R6-draft signature (`canonicalization/json`, only the signature
/// removed).
pub const R6_TARGET_FORMAT: &str =
    "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json";
/// `Signature.sigFormat` of a JWS (CONF-029).
pub const JOSE_SIG_FORMAT: &str = "application/jose";
/// The ASTM E1762 code system of `Signature.type`.
pub const ASTM_SIGNATURE_TYPE_SYSTEM: &str = "urn:iso-astm:E1762-95:2013";
/// Verification Signature, the commitment CDex fixes (CONF-038).
pub const VERIFICATION_SIGNATURE_CODE: &str = "1.2.840.10065.1.12.1.5";

/// A FHIR JSON signature profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// CDex current build (3.0.0 ballot): `sigT`, `srCms`, fixed `targetFormat`/`sigFormat`.
    Cdex,
    /// Published CDex 2.0/2.1: header `alg` + `x5c` (+ `kty: "RS"` on request), no `sigT`/`srCms`,
    /// `targetFormat`/`sigFormat` optional.
    Cdex2,
    /// FHIR R6 draft: `canonicalization/json` (only the signature removed), `canon` header,
    /// `typ: JOSE`.
    R6,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [Profile::Cdex, Profile::Cdex2, Profile::R6];

    /// The stable name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Cdex => "cdex",
            Profile::Cdex2 => "cdex2",
            Profile::R6 => "r6",
        }
    }

    /// The profile with this name.
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The canonicalisation the profile signs with.
    pub fn canonicalization(self) -> Canonicalization {
        match self {
            Profile::Cdex | Profile::Cdex2 => Canonicalization::Document,
            Profile::R6 => Canonicalization::Json,
        }
    }

    /// The `Signature.targetFormat` the profile writes (none for CDex 2.x).
    pub fn target_format(self) -> Option<&'static str> {
        match self {
            Profile::Cdex => Some(CDEX_TARGET_FORMAT),
            Profile::Cdex2 => None,
            Profile::R6 => Some(R6_TARGET_FORMAT),
        }
    }

    /// Whether the profile requires `sigT` and `srCms` in the header (CONF-037, CONF-043).
    pub fn requires_jades_members(self) -> bool {
        matches!(self, Profile::Cdex)
    }

    /// The `canon` header value the profile writes.
    pub fn canon_header(self) -> Option<&'static str> {
        match self {
            Profile::R6 => Some(R6_JSON_URI),
            _ => None,
        }
    }

    /// The profile a received signature follows, from its `targetFormat`, the header's `canon`
    /// and whether the header carries JAdES members: an explicit canonicalisation decides the
    /// payload; without one the signature is a CDex 2.x one (whose examples carry neither).
    pub fn detect(target_format: Option<&str>, canon: Option<&str>, has_sig_t: bool) -> Profile {
        let rule = target_format
            .and_then(|t| Canonicalization::from_target_format(t).ok().flatten())
            .or_else(|| canon.and_then(|c| Canonicalization::from_uri(c).ok()));
        match rule {
            Some(Canonicalization::Json) => Profile::R6,
            Some(_) => Profile::Cdex,
            None if has_sig_t => Profile::Cdex,
            None => Profile::Cdex2,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_follows_declared_canonicalization() {
        assert_eq!(
            Profile::detect(Some(CDEX_TARGET_FORMAT), None, true),
            Profile::Cdex
        );
        assert_eq!(
            Profile::detect(Some(R6_TARGET_FORMAT), None, true),
            Profile::R6
        );
        assert_eq!(Profile::detect(None, Some(R6_JSON_URI), false), Profile::R6);
        assert_eq!(Profile::detect(None, None, false), Profile::Cdex2);
        assert_eq!(Profile::detect(None, None, true), Profile::Cdex);
        for p in Profile::ALL {
            assert_eq!(Profile::from_name(p.name()), Some(p));
        }
    }
}
