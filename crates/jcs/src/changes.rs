//! Numbers whose canonical form differs from how they were written.
//!
//! RFC 8785 writes every number as the shortest ECMAScript form of its IEEE-754 double, so `1.50`
//! becomes `1.5`, `1e2` becomes `100` and digits past a double's precision are rounded. A
//! signature over the canonical bytes therefore does not protect how a number was written;
//! callers report these changes so that nobody mistakes them for protected content.

use crate::document::{Document, Exclusions, Kind, NodeId};
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
        let end = self.next_sibling(node.0);
        let excluded: Vec<(u32, u32)> = exclusions
            .iter()
            .map(|e| (e.0, self.next_sibling(e.0)))
            .collect();
        let mut numbers = ryu_js::Buffer::new();
        let mut found = Vec::new();
        // A linear scan of the tape; pointers are built only for the numbers that changed.
        for index in node.0..end {
            if self.kind(index) != Kind::Number || self.is_verbatim_number(index) {
                continue;
            }
            if excluded
                .iter()
                .any(|&(from, to)| (from..to).contains(&index))
            {
                continue;
            }
            let start = self.token(index).start as usize;
            let lexical = self
                .text
                .get(start..self.end_of(index) as usize)
                .unwrap_or_default();
            let canonical = numbers.format_finite(self.number_value(index));
            if lexical != canonical {
                found.push(NumberChange {
                    pointer: String::new(),
                    lexical: lexical.to_owned(),
                    canonical: canonical.to_owned(),
                });
                let last = found.len() - 1;
                found[last].pointer = index.to_string();
            }
        }
        self.fill_pointers(&mut found);
        found
    }

    /// Replaces the token indices parked in `pointer` by JSON Pointers, in one walk that only
    /// descends into values holding the next number.
    pub(crate) fn fill_pointers(&self, found: &mut [NumberChange]) {
        let mut pointer = String::new();
        // The path to the previous number, one step per container. Numbers come in document
        // order, so the search in each container resumes at the child found last time (which
        // keeps this linear in the document size).
        let mut path: Vec<Step> = Vec::new();
        for change in found.iter_mut() {
            let target: u32 = change.pointer.parse().unwrap_or(u32::MAX);
            while path
                .last()
                .is_some_and(|step| target >= self.next_sibling(step.container))
            {
                path.pop();
            }
            let mut resume = path.pop();
            let mut index = match &resume {
                Some(step) => {
                    pointer.truncate(step.pointer_len);
                    step.container
                }
                None => {
                    pointer.clear();
                    0
                }
            };
            while index != target {
                let from = resume
                    .take()
                    .map_or((index + 1, 0), |s| (s.child, s.position));
                let Some(step) = self.child_holding(index, target, from, pointer.len()) else {
                    break; // not inside this value: cannot happen for this document's tokens
                };
                if self.kind(index) == Kind::Object {
                    push_token(&mut pointer, self.string_text(step.child));
                    index = step.child + 1;
                } else {
                    push_index(&mut pointer, step.position);
                    index = step.child;
                }
                path.push(step);
            }
            change.pointer = pointer.clone();
        }
    }

    /// The step from container `index` to its member or element holding token `target`,
    /// searching from child token `from.0` (at position `from.1`).
    fn child_holding(
        &self,
        index: u32,
        target: u32,
        from: (u32, usize),
        pointer_len: usize,
    ) -> Option<Step> {
        let is_object = match self.kind(index) {
            Kind::Object => true,
            Kind::Array => false,
            _ => return None,
        };
        let (mut child, mut position) = from;
        let end = self.next_sibling(index);
        while child < end {
            let value = if is_object { child + 1 } else { child };
            let after = self.next_sibling(value);
            if (value..after).contains(&target) {
                return Some(Step {
                    container: index,
                    pointer_len,
                    child,
                    position,
                });
            }
            child = after;
            position += 1;
        }
        None
    }
}

/// One container on the path to a number.
struct Step {
    /// The container's token.
    container: u32,
    /// Length of the pointer naming the container.
    pointer_len: usize,
    /// The child taken: a key token (objects) or element token (arrays).
    child: u32,
    /// The child's position among its siblings.
    position: usize,
}
