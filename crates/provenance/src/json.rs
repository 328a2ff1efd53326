//! A small ordered JSON value and its pretty printer (two-space indent), so resources are
//! written with FHIR's member order (resourceType, id, meta, then StructureDefinition order).

use fhirsig_jcs::{Node, NodeKind};

/// A JSON value whose objects keep their members in insertion order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, written exactly as this text (it must be a valid JSON number).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// A string value.
    pub fn str(text: impl Into<String>) -> Self {
        Value::String(text.into())
    }

    /// An empty object, to fill with [`Value::with`].
    pub fn object() -> Self {
        Value::Object(Vec::new())
    }

    /// Appends a member to an object (does nothing on other values).
    #[must_use]
    pub fn with(mut self, name: &str, value: Value) -> Self {
        self.push(name, value);
        self
    }

    /// Appends a member when `value` is `Some`.
    #[must_use]
    pub fn with_opt(self, name: &str, value: Option<Value>) -> Self {
        match value {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// Appends a member to an object (does nothing on other values).
    pub fn push(&mut self, name: &str, value: Value) {
        if let Value::Object(members) = self {
            members.push((name.to_owned(), value));
        }
    }

    /// A copy of a parsed JSON value, numbers kept as written, member order kept.
    pub fn from_node(node: Node<'_>) -> Self {
        match node.kind() {
            NodeKind::Null => Value::Null,
            NodeKind::Bool => Value::Bool(node.as_bool().unwrap_or(false)),
            NodeKind::Number => Value::Number(node.raw_text().to_owned()),
            NodeKind::String => Value::String(node.as_str().unwrap_or_default().to_owned()),
            NodeKind::Array => Value::Array(node.elements().map(Value::from_node).collect()),
            NodeKind::Object => Value::Object(
                node.members()
                    .map(|(name, value)| (name.to_owned(), Value::from_node(value)))
                    .collect(),
            ),
        }
    }

    /// Pretty JSON text, two-space indent, no trailing newline.
    pub fn to_pretty(&self) -> String {
        let mut out = Vec::new();
        self.write_pretty(0, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes the pretty form into `out`, as if it started at indentation `level`.
    pub fn write_pretty(&self, level: usize, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Number(n) => out.extend_from_slice(n.as_bytes()),
            Value::String(s) => fhirsig_jcs::write_escaped(s, out),
            Value::Array(items) if items.is_empty() => out.extend_from_slice(b"[]"),
            Value::Object(members) if members.is_empty() => out.extend_from_slice(b"{}"),
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    newline(level + 1, out);
                    item.write_pretty(level + 1, out);
                }
                newline(level, out);
                out.push(b']');
            }
            Value::Object(members) => {
                out.push(b'{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    newline(level + 1, out);
                    fhirsig_jcs::write_escaped(name, out);
                    out.extend_from_slice(b": ");
                    value.write_pretty(level + 1, out);
                }
                newline(level, out);
                out.push(b'}');
            }
        }
    }
}

/// Writes a newline and `level` two-space indents.
pub(crate) fn newline(level: usize, out: &mut Vec<u8>) {
    out.push(b'\n');
    for _ in 0..level {
        out.extend_from_slice(b"  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_and_round_trips_parsed_values() {
        let doc = fhirsig_jcs::parse(br#"{"b":1.50,"a":[true,null,"\u00e9"],"c":{}}"#).unwrap();
        let value = Value::from_node(doc.root());
        let text = value.to_pretty();
        assert_eq!(
            text,
            "{\n  \"b\": 1.50,\n  \"a\": [\n    true,\n    null,\n    \"é\"\n  ],\n  \"c\": {}\n}"
        );
    }
}
