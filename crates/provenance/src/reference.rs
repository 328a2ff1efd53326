//! FHIR `Reference` values as Provenance uses them: `reference`, an optional `identifier`
//! (system and value) and an optional `display`.

use crate::json::Value;

/// A reference to a resource: a literal `reference` (`Type/id`, an absolute URL, `urn:uuid:…` or
/// a fragment such as `#/`) and/or a `display`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    reference: Option<String>,
    identifier: Option<(Option<String>, String)>,
    display: Option<String>,
}

impl Reference {
    /// A literal reference, e.g. `Practitioner/pr1`.
    pub fn to(reference: impl Into<String>) -> Self {
        Reference {
            reference: Some(reference.into()),
            identifier: None,
            display: None,
        }
    }

    /// A reference with only a display text (allowed by FHIR R4, refused as an HRex target).
    pub fn display_only(display: impl Into<String>) -> Self {
        Reference {
            reference: None,
            identifier: None,
            display: Some(display.into()),
        }
    }

    /// Adds a logical identifier (`Reference.identifier`): for a signer, the identifier its
    /// certificate carries (e.g. the NPI), which verification matches against the certificate
    /// (CDex CONF-053).
    #[must_use]
    pub fn with_identifier(mut self, system: Option<&str>, value: impl Into<String>) -> Self {
        self.identifier = Some((system.map(str::to_owned), value.into()));
        self
    }

    /// The identifier's system and value, if any.
    pub fn identifier(&self) -> Option<(Option<&str>, &str)> {
        self.identifier
            .as_ref()
            .map(|(system, value)| (system.as_deref(), value.as_str()))
    }

    /// Adds a display text.
    #[must_use]
    pub fn with_display(mut self, display: impl Into<String>) -> Self {
        self.display = Some(display.into());
        self
    }

    /// The literal reference, if any.
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    /// The display text, if any.
    pub fn display(&self) -> Option<&str> {
        self.display.as_deref()
    }

    /// The resource type named by the reference, if it has one: `Practitioner` for
    /// `Practitioner/pr1`, `https://x.org/fhir/Practitioner/pr1` or `Practitioner/pr1/_history/2`.
    pub fn resource_type(&self) -> Option<&str> {
        self.reference.as_deref().and_then(resource_type_of)
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        Value::object()
            .with_opt("reference", self.reference.clone().map(Value::String))
            .with_opt(
                "identifier",
                self.identifier.as_ref().map(|(system, value)| {
                    Value::object()
                        .with_opt("system", system.clone().map(Value::String))
                        .with("value", Value::String(value.clone()))
                }),
            )
            .with_opt("display", self.display.clone().map(Value::String))
    }
}

/// The resource type a literal reference names (see [`Reference::resource_type`]). `urn:` and
/// fragment references name none.
pub fn resource_type_of(reference: &str) -> Option<&str> {
    if reference.starts_with('#') || reference.starts_with("urn:") {
        return None;
    }
    let mut parts: Vec<&str> = reference.split('/').collect();
    if let Some(pos) = parts.iter().position(|p| *p == "_history") {
        parts.truncate(pos);
    }
    let n = parts.len();
    if n < 2 {
        return None;
    }
    let candidate = parts[n - 2];
    let starts_upper = candidate
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase());
    (starts_upper
        && candidate.chars().all(|c| c.is_ascii_alphanumeric())
        && !parts[n - 1].is_empty())
    .then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_of_references() {
        assert_eq!(resource_type_of("Practitioner/pr1"), Some("Practitioner"));
        assert_eq!(
            resource_type_of("https://x.org/fhir/Device/d/_history/2"),
            Some("Device")
        );
        assert_eq!(
            resource_type_of("urn:uuid:0b8b6b3e-0000-4000-8000-000000000000"),
            None
        );
        assert_eq!(resource_type_of("#/"), None);
        assert_eq!(resource_type_of("pr1"), None);
    }
}
