//! A small ordered JSON value and its pretty printer (two-space indent), so resources are
//! written with FHIR's member order (resourceType, id, meta, then StructureDefinition order).

use fhirsig_jcs::edit::{Layout, WriteJson};
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
        let indent = "  ".repeat(level);
        self.write_laid_out(Layout::pretty("  ", &indent, ": "), out);
    }

    /// Writes this value laid out as `layout` (compact, or pretty with its unit and indent).
    fn write_laid_out(&self, layout: Layout<'_>, out: &mut Vec<u8>) {
        let (open, close, empty) = match self {
            Value::Null => return out.extend_from_slice(b"null"),
            Value::Bool(b) => return out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Number(n) => return out.extend_from_slice(n.as_bytes()),
            Value::String(s) => return fhirsig_jcs::write_escaped(s, out),
            Value::Array(items) => (b'[', b']', items.is_empty()),
            Value::Object(members) => (b'{', b'}', members.is_empty()),
        };
        out.push(open);
        if empty {
            out.push(close);
            return;
        }
        let inner = layout.unit.map(|u| format!("{}{u}", layout.indent));
        let child = match &inner {
            Some(inner) => Layout::pretty(layout.unit.unwrap_or_default(), inner, layout.sep),
            None => Layout::compact(),
        };
        let next = |i: usize, out: &mut Vec<u8>| {
            if i > 0 {
                out.push(b',');
            }
            if let Some(inner) = &inner {
                out.push(b'\n');
                out.extend_from_slice(inner.as_bytes());
            }
        };
        match self {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    next(i, out);
                    item.write_laid_out(child, out);
                }
            }
            Value::Object(members) => {
                for (i, (name, value)) in members.iter().enumerate() {
                    next(i, out);
                    fhirsig_jcs::write_escaped(name, out);
                    out.extend_from_slice(child.sep.as_bytes());
                    value.write_laid_out(child, out);
                }
            }
            _ => {}
        }
        if inner.is_some() {
            out.push(b'\n');
            out.extend_from_slice(layout.indent.as_bytes());
        }
        out.push(close);
    }
}

/// Values are spliced into existing JSON text laid out as its surroundings ask.
impl WriteJson for Value {
    fn write_json(&self, layout: Layout<'_>, out: &mut String) {
        let mut bytes = Vec::new();
        self.write_laid_out(layout, &mut bytes);
        out.push_str(&String::from_utf8_lossy(&bytes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fhirsig_jcs::edit::{self, Style};

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

    #[test]
    fn appends_keep_existing_bytes_and_indentation() {
        // Moved from the provenance crate's own splicer, now `fhirsig_jcs::edit` in the
        // two-space style.
        let append_elements = |text: &str, array, values: &[Value]| {
            edit::append_elements(text, array, values, Style::TwoSpaceLevels).unwrap()
        };
        let append_member = |text: &str, object, name, value: &Value| {
            edit::insert_member(text, object, name, value, Style::TwoSpaceLevels).unwrap()
        };
        let append_to_array_member = |text: &str, object, name, values: Vec<Value>| {
            edit::append_to_array_member(text, object, name, &values, Style::TwoSpaceLevels)
                .unwrap()
        };
        let text = "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}\n";
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let a = doc.root().get("a").unwrap();
        let out = append_elements(text, a, &[Value::Number("2".into())]);
        assert_eq!(out, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n");
        let doc = fhirsig_jcs::parse(out.as_bytes()).unwrap();
        let out2 = append_member(&out, doc.root(), "c", &Value::str("x"));
        assert_eq!(
            out2,
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": \"x\"\n}\n"
        );
        let compact = r#"{"a":[1],"b":{}}"#;
        let doc = fhirsig_jcs::parse(compact.as_bytes()).unwrap();
        let out3 =
            append_to_array_member(compact, doc.root(), "a", vec![Value::Number("2".into())]);
        assert_eq!(out3, r#"{"a":[1,2],"b":{}}"#);
        let b = doc.root().get("b").unwrap();
        let out4 = append_member(compact, b, "z", &Value::Bool(true));
        fhirsig_jcs::parse(out4.as_bytes()).unwrap();
        let empty = r#"{"e":[]}"#;
        let doc = fhirsig_jcs::parse(empty.as_bytes()).unwrap();
        let out5 = append_to_array_member(empty, doc.root(), "e", vec![Value::Null]);
        fhirsig_jcs::parse(out5.as_bytes()).unwrap();
    }

    #[test]
    fn compact_layout_writes_one_line() {
        let value = Value::object()
            .with("a", Value::Array(vec![Value::Null, Value::object()]))
            .with("b", Value::str("é"));
        let mut out = String::new();
        value.write_json(Layout::compact(), &mut out);
        assert_eq!(out, r#"{"a":[null,{}],"b":"é"}"#);
    }
}
