//! A small ordered JSON writer: compact object text built member by member, in the order given
//! (RFC 8259 objects are unordered, but people reading a document expect its schema's order).

use crate::write_escaped;

/// Builds compact JSON object text member by member, in the order given.
#[derive(Debug)]
pub struct JsonObject {
    out: Vec<u8>,
}

impl Default for JsonObject {
    fn default() -> Self {
        JsonObject::new()
    }
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
    #[must_use]
    pub fn string(mut self, name: &str, value: &str) -> Self {
        self.key(name);
        write_escaped(value, &mut self.out);
        self
    }

    /// Adds a string member when `value` is present.
    #[must_use]
    pub fn string_opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(name, v),
            None => self,
        }
    }

    /// Adds a member whose value is already JSON text (written as given, not checked).
    #[must_use]
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
