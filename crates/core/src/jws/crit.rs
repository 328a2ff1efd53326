//! The `crit` header parameter (RFC 7515 section 4.1.11).

use fhirsig_jcs::{Node, NodeKind};

use super::JwsError;

/// Extensions this implementation understands and processes: JAdES `sigT`, `srCms` and `sigD`
/// (detached documents, processed by `crate::document`), and `canon`. RFC 7797 `b64` is not
/// implemented, so `crit: ["b64"]` is refused.
pub const UNDERSTOOD: [&str; 4] = ["sigT", "srCms", "canon", "sigD"];

/// Header parameters defined by RFC 7515 (and, for JWE, RFC 7516 and RFC 7518), which `crit`
/// must not list.
const REGISTERED: [&str; 20] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// Checks a `crit` value against the header's member names and returns the listed names.
pub(crate) fn check(value: Node<'_>, header_names: &[String]) -> Result<Vec<String>, JwsError> {
    if value.kind() != NodeKind::Array {
        return Err(JwsError::CritMalformed {
            reason: "it is not an array",
        });
    }
    let mut names: Vec<String> = Vec::new();
    for element in value.elements() {
        let name = element.as_str().ok_or(JwsError::CritMalformed {
            reason: "an entry is not a string",
        })?;
        if names.iter().any(|n| n == name) {
            return Err(JwsError::CritMalformed {
                reason: "a name is listed twice",
            });
        }
        names.push(name.to_owned());
    }
    if names.is_empty() {
        return Err(JwsError::CritEmpty);
    }
    for name in &names {
        if REGISTERED.contains(&name.as_str()) {
            return Err(JwsError::CritNamesRegisteredParameter { name: name.clone() });
        }
        if !UNDERSTOOD.contains(&name.as_str()) {
            return Err(JwsError::CritNotUnderstood { name: name.clone() });
        }
        if !header_names.contains(name) {
            return Err(JwsError::CritMalformed {
                reason: "it lists a name that is not in the header",
            });
        }
    }
    Ok(names)
}
