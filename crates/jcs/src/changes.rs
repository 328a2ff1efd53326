//! Numbers whose canonical form differs from how they were written.
//!
//! RFC 8785 writes every number as the shortest ECMAScript form of its IEEE-754 double, so `1.50`
//! becomes `1.5`, `1e2` becomes `100` and digits past a double's precision are rounded. A
//! signature over the canonical bytes therefore does not protect how a number was written;
//! callers report these changes so that nobody mistakes them for protected content.

use crate::document::{Document, Exclusions, Kind, NodeId, FLAG_VERBATIM};
use crate::pointer::{push_index, push_token};

/// A number whose RFC 8785 form differs from its input text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberChange {
    /// JSON Pointer of the number, from the document root.
    pub pointer: String,
    /// The number as written in the input.
    pub lexical: String,
    /// The number as RFC 8785 writes it.
    pub canonical: String,
}

impl Document<'_> {
    /// Every number inside `node` (minus excluded values) whose canonical form differs from its
    /// input text, in document order.
    pub fn number_changes(&self, node: NodeId, exclusions: &Exclusions) -> Vec<NumberChange> {
        let mut found = Vec::new();
        let mut pointer = String::new();
        let mut numbers = ryu_js::Buffer::new();
        let range = node.0..self.next_sibling(node.0);
        self.collect_changes(
            0,
            &range,
            exclusions,
            &mut pointer,
            &mut numbers,
            &mut found,
        );
        found
    }

    fn collect_changes(
        &self,
        index: u32,
        range: &std::ops::Range<u32>,
        exclusions: &Exclusions,
        pointer: &mut String,
        numbers: &mut ryu_js::Buffer,
        found: &mut Vec<NumberChange>,
    ) {
        let token = self.token(index);
        // Skip subtrees that do not overlap the requested range.
        if self.next_sibling(index) <= range.start || index >= range.end {
            return;
        }
        if range.contains(&index) && exclusions.contains(NodeId(index)) {
            return;
        }
        match token.kind {
            Kind::Number if range.contains(&index) && token.flags & FLAG_VERBATIM == 0 => {
                let lexical = &self.text[token.start as usize..token.end as usize];
                let canonical = numbers.format_finite(self.numbers[token.aux as usize]);
                if lexical != canonical {
                    found.push(NumberChange {
                        pointer: pointer.clone(),
                        lexical: lexical.to_owned(),
                        canonical: canonical.to_owned(),
                    });
                }
            }
            Kind::Array => {
                let (mut element, mut position) = (index + 1, 0);
                while element < token.aux {
                    let len = pointer.len();
                    push_index(pointer, position);
                    self.collect_changes(element, range, exclusions, pointer, numbers, found);
                    pointer.truncate(len);
                    element = self.next_sibling(element);
                    position += 1;
                }
            }
            Kind::Object => {
                let mut key = index + 1;
                while key < token.aux {
                    let len = pointer.len();
                    push_token(pointer, self.string_text(key));
                    self.collect_changes(key + 1, range, exclusions, pointer, numbers, found);
                    pointer.truncate(len);
                    key = self.next_sibling(key + 1);
                }
            }
            _ => {}
        }
    }
}
