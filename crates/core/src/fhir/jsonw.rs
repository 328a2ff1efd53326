//! A small ordered JSON writer for the elements fhirsig inserts (Signature, extensions), and a
//! re-indenter so inserted text matches the document around it.

use fhirsig_jcs::{write_escaped, Node, NodeKind};

/// Builds compact JSON text member by member, in the order given.
#[derive(Debug, Default)]
pub struct JsonObject {
    out: Vec<u8>,
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        JsonObject { out: vec![b'{'] }
    }

    fn key(&mut self, name: &str) {
        if self.out.len() > 1 {
            self.out.push(b',');
        }
        write_escaped(name, &mut self.out);
        self.out.push(b':');
    }

    /// Adds a string member.
    pub fn string(mut self, name: &str, value: &str) -> Self {
        self.key(name);
        write_escaped(value, &mut self.out);
        self
    }

    /// Adds a string member when `value` is present.
    pub fn string_opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(name, v),
            None => self,
        }
    }

    /// Adds a member whose value is already JSON text.
    pub fn raw(mut self, name: &str, json: &str) -> Self {
        self.key(name);
        self.out.extend_from_slice(json.as_bytes());
        self
    }

    /// The finished object's text.
    pub fn finish(mut self) -> String {
        self.out.push(b'}');
        String::from_utf8(self.out).unwrap_or_default()
    }
}

/// Writes `node` (from a parsed document) as JSON text in input order: compact when `unit` is
/// `None`, else pretty with that indent unit, continuation lines starting at `indent`.
pub fn reindent(node: Node<'_>, unit: Option<&str>, indent: &str, sep: &str, out: &mut String) {
    match node.kind() {
        NodeKind::Object | NodeKind::Array => {
            let is_object = node.kind() == NodeKind::Object;
            let (open, close) = if is_object { ('{', '}') } else { ('[', ']') };
            let children: Vec<(Option<&str>, Node<'_>)> = if is_object {
                node.members().map(|(k, v)| (Some(k), v)).collect()
            } else {
                node.elements().map(|v| (None, v)).collect()
            };
            out.push(open);
            if children.is_empty() {
                out.push(close);
                return;
            }
            let inner = unit.map(|u| format!("{indent}{u}"));
            for (i, (name, child)) in children.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(inner) = &inner {
                    out.push('\n');
                    out.push_str(inner);
                }
                if let Some(name) = name {
                    let mut key = Vec::new();
                    write_escaped(name, &mut key);
                    out.push_str(&String::from_utf8_lossy(&key));
                    out.push_str(if unit.is_some() { sep } else { ":" });
                }
                reindent(child, unit, inner.as_deref().unwrap_or(""), sep, out);
            }
            if unit.is_some() {
                out.push('\n');
                out.push_str(indent);
            }
            out.push(close);
        }
        _ => out.push_str(node.raw_text()),
    }
}
