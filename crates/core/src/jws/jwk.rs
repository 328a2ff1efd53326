//! Reading JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037 section 2) into the members
//! the key loaders need. Strict I-JSON: a duplicate member is refused.

use super::{b64, KeyError};

/// What the key will be used for, checked against `use` and `key_ops`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Sign,
    Verify,
}

/// The members of one JWK, with base64url members still encoded.
pub(crate) struct Jwk {
    members: Vec<(String, String)>,
    /// `alg`, if the JWK restricts itself to one algorithm.
    pub(crate) alg: Option<String>,
}

impl Jwk {
    /// Parses a JWK and checks `use`/`key_ops` allow `op`.
    pub(crate) fn parse(json: &[u8], op: Operation) -> Result<Self, KeyError> {
        let doc = fhirsig_jcs::parse(json).map_err(KeyError::JwkJson)?;
        let root = doc.root();
        if root.kind() != fhirsig_jcs::NodeKind::Object {
            return Err(KeyError::Malformed {
                what: "JWK (not a JSON object)",
            });
        }
        let mut members = Vec::new();
        let mut alg = None;
        for (name, value) in root.members() {
            match name {
                "use" => {
                    if value.as_str() != Some("sig") {
                        return Err(KeyError::NotForSignatures);
                    }
                }
                "key_ops" => check_key_ops(value, op)?,
                "alg" => {
                    alg = Some(
                        value
                            .as_str()
                            .ok_or(KeyError::JwkMember { name: "alg" })?
                            .to_owned(),
                    );
                }
                _ => {
                    if let Some(text) = value.as_str() {
                        members.push((name.to_owned(), text.to_owned()));
                    }
                }
            }
        }
        Ok(Self { members, alg })
    }

    /// A string member.
    pub(crate) fn text(&self, name: &'static str) -> Result<&str, KeyError> {
        self.members
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .ok_or(KeyError::JwkMember { name })
    }

    /// Whether a member is present.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.members.iter().any(|(n, _)| n == name)
    }

    /// A base64url member, decoded.
    pub(crate) fn bytes(&self, name: &'static str) -> Result<Vec<u8>, KeyError> {
        b64::decode_url(self.text(name)?).ok_or(KeyError::JwkMember { name })
    }
}

fn check_key_ops(value: fhirsig_jcs::Node<'_>, op: Operation) -> Result<(), KeyError> {
    let wanted = match op {
        Operation::Sign => "sign",
        Operation::Verify => "verify",
    };
    if value.kind() != fhirsig_jcs::NodeKind::Array {
        return Err(KeyError::JwkMember { name: "key_ops" });
    }
    if value.elements().any(|e| e.as_str() == Some(wanted)) {
        Ok(())
    } else {
        Err(KeyError::NotForSignatures)
    }
}

/// Writes a JSON object with these string members, in this order, escaped.
pub(crate) fn write_object(members: &[(&str, &str)]) -> String {
    let mut out = Vec::new();
    out.push(b'{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        fhirsig_jcs::write_escaped(name, &mut out);
        out.push(b':');
        fhirsig_jcs::write_escaped(value, &mut out);
    }
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}
