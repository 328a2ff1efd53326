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

/// The numbers inside a value whose RFC 8785 form differs from their input text: how many
/// there are, and the first of them in document order with their JSON Pointers.
///
/// Only the first [`NumberChanges::LISTED`] are listed, and no more than
/// [`NumberChanges::LISTED_BYTES`] of pointer text: a JSON Pointer is as long as the member
/// names on its path, so listing every change of a small document whose numbers sit under one
/// megabyte-long name would take gigabytes. Every change is counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberChanges {
    total: usize,
    listed: Vec<NumberChange>,
    listed_bytes: usize,
}

impl NumberChanges {
    /// At most this many changes are listed.
    pub const LISTED: usize = 100;
    /// The listed changes' pointers, inputs and canonical forms take at most about this many
    /// bytes (the change that passes it is the last listed).
    pub const LISTED_BYTES: usize = 1 << 20;

    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many numbers change, listed or not.
    pub fn len(&self) -> usize {
        self.total
    }

    /// Whether every number is written in its canonical form.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The first changes in document order (all of them when [`NumberChanges::is_complete`]).
    pub fn listed(&self) -> &[NumberChange] {
        &self.listed
    }

    /// Whether every change is listed.
    pub fn is_complete(&self) -> bool {
        self.listed.len() == self.total
    }

    /// Whether one more change would still be listed: the listing is always the first
    /// changes, so once one is only counted, so are all after it.
    fn has_room(&self) -> bool {
        self.is_complete()
            && self.listed.len() < Self::LISTED
            && self.listed_bytes < Self::LISTED_BYTES
    }

    /// Lists `change` if there is room, and counts it.
    fn push(&mut self, change: NumberChange) {
        if self.has_room() {
            self.listed_bytes +=
                change.pointer.len() + change.lexical.len() + change.canonical.len();
            self.listed.push(change);
        }
        self.total += 1;
    }

    /// Adds the changes of another value (the next target of a Provenance, say) after the ones
    /// here: the listing stays the first changes in the order they were added.
    pub fn append(&mut self, other: NumberChanges) {
        let unlisted = other.total - other.listed.len();
        for change in other.listed {
            self.push(change);
        }
        self.total += unlisted;
    }
}

impl Document<'_> {
    /// Every number inside `node` (minus excluded values) whose canonical form differs from its
    /// input text: counted, and the first ones listed in document order (see [`NumberChanges`]).
    pub fn number_changes(&self, node: NodeId, exclusions: &Exclusions) -> NumberChanges {
        let end = self.next_sibling(node.0);
        let excluded: Vec<(u32, u32)> = exclusions
            .iter()
            .map(|e| (e.0, self.next_sibling(e.0)))
            .collect();
        let mut numbers = ryu_js::Buffer::new();
        let mut changed = Vec::new();
        // A linear scan of the tape; pointers are built only for the numbers listed.
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
            let canonical = numbers.format_finite(self.number_value(index));
            if self.value_text(index) != canonical {
                changed.push(index);
            }
        }
        self.list_changes(&changed)
    }

    /// Counts the changed number tokens `changed` (in document order) and lists the first ones
    /// with their pointers, within [`NumberChanges::LISTED`] and [`NumberChanges::LISTED_BYTES`].
    pub(crate) fn list_changes(&self, changed: &[u32]) -> NumberChanges {
        let mut numbers = ryu_js::Buffer::new();
        let candidates = changed.get(..NumberChanges::LISTED).unwrap_or(changed);
        let mut listed: Vec<NumberChange> = candidates
            .iter()
            .map(|&index| NumberChange {
                pointer: String::new(),
                lexical: self.value_text(index).to_owned(),
                canonical: numbers.format_finite(self.number_value(index)).to_owned(),
            })
            .collect();
        let (kept, listed_bytes) =
            self.fill_pointers(candidates, &mut listed, NumberChanges::LISTED_BYTES);
        listed.truncate(kept);
        NumberChanges {
            total: changed.len(),
            listed,
            listed_bytes,
        }
    }

    /// Sets the pointer of each change to that of its token in `targets` (in document order),
    /// in one walk that only descends into values holding the next number. Stops after the
    /// change whose pointer, input and canonical text bring the total to `budget` bytes;
    /// returns how many changes have their pointer, and their bytes.
    fn fill_pointers(
        &self,
        targets: &[u32],
        found: &mut [NumberChange],
        budget: usize,
    ) -> (usize, usize) {
        let mut filled = 0;
        let mut bytes = 0;
        let mut pointer = String::new();
        // The path to the previous number, one step per container. Numbers come in document
        // order, so the search in each container resumes at the child found last time (which
        // keeps this linear in the document size).
        let mut path: Vec<Step> = Vec::new();
        for (change, &target) in found.iter_mut().zip(targets) {
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
            filled += 1;
            bytes += change.pointer.len() + change.lexical.len() + change.canonical.len();
            if bytes >= budget {
                break;
            }
        }
        (filled, bytes)
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
