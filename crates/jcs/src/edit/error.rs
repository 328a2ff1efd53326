//! Why an edit cannot be made.

use std::fmt;

use crate::NodeKind;

/// Why JSON text cannot be edited at a node.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The node is not the kind of value the edit needs (an object to insert a member into, an
    /// array to append elements to).
    WrongKind {
        /// The kind the edit needs.
        expected: NodeKind,
        /// The node's kind.
        found: NodeKind,
    },
    /// The node's bytes are not at its offsets in the text: it belongs to another document.
    NotInText,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::WrongKind { expected, found } => {
                write!(f, "expected {expected:?}, found {found:?}")
            }
            EditError::NotInText => f.write_str("the node is not part of the text being edited"),
        }
    }
}

impl std::error::Error for EditError {}
