//! Where inserted text goes and how it is indented: learnt from the container's own text, or
//! two spaces a level.

use std::ops::Range;

use super::render::Layout;
use crate::{Node, NodeKind};

/// How inserted text is laid out.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Like the container's existing children. When the first child of the container starts on
    /// a new line, each new child gets a line of its own, indented like that first child; the
    /// indent unit is the first child's indentation less the closing bracket's (two spaces when
    /// that is nothing), and the name–value separator is the first member's. A container written
    /// on one line gets compact text; an empty container gets its new children directly between
    /// its brackets.
    ///
    /// A replaced value is pretty, two spaces a level from the indentation of its line, when the
    /// old value spanned lines, and compact otherwise.
    Neighbours,
    /// Two spaces a level, counted from the spaces that indent the container's line (as
    /// two-space pretty-printed JSON is laid out). A container that spans lines, or is empty,
    /// gets each new child on a line of its own; new values are always pretty, with `": "`.
    TwoSpaceLevels,
}

/// How new children of one container are written.
pub(super) struct Place {
    /// After the comma: a newline and this indentation before each new child (`None`: the
    /// child follows on the same line).
    pub(super) child_line: Option<String>,
    /// For a container that was empty: a newline and this indentation before the closing
    /// bracket.
    pub(super) closing_line: Option<String>,
    /// Between a new member's name and its value.
    pub(super) sep: String,
    /// How each new value is laid out.
    pub(super) value: OwnedLayout,
}

/// A [`Layout`] that owns its strings.
pub(super) struct OwnedLayout {
    unit: Option<String>,
    indent: String,
    sep: String,
}

impl OwnedLayout {
    pub(super) fn borrow(&self) -> Layout<'_> {
        Layout {
            unit: self.unit.as_deref(),
            indent: &self.indent,
            sep: &self.sep,
        }
    }
}

const TWO_SPACES: &str = "  ";

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The white space (spaces and tabs) that indents the line holding byte `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let line = &text[text[..at].rfind('\n').map_or(0, |p| p + 1)..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// How many spaces (spaces only) indent the line holding byte `at`.
fn line_spaces(text: &str, at: usize) -> usize {
    let line = &text[text[..at].rfind('\n').map_or(0, |p| p + 1)..];
    line.bytes().take_while(|b| *b == b' ').count()
}

fn levels(n: usize) -> String {
    TWO_SPACES.repeat(n)
}

impl Style {
    /// The place for new children of `container` (an object or array of `text`).
    pub(super) fn place(self, text: &str, container: Node<'_>) -> Place {
        let span = container.span();
        let (empty, first_value) = match container.kind() {
            NodeKind::Object => {
                let first = container.members().next().map(|(_, v)| v.span().start);
                (first.is_none(), first)
            }
            _ => (container.elements().next().is_none(), None),
        };
        match self {
            Style::Neighbours => {
                let learnt = learn(text, span, first_value);
                if empty {
                    Place {
                        child_line: None,
                        closing_line: None,
                        sep: ":".to_owned(),
                        value: learnt.value,
                    }
                } else {
                    Place {
                        child_line: learnt.child_line,
                        closing_line: None,
                        sep: learnt.value.sep.clone(),
                        value: learnt.value,
                    }
                }
            }
            Style::TwoSpaceLevels => {
                let pretty = empty || text[span.clone()].contains('\n');
                let base = line_spaces(text, span.start) / 2;
                let value = OwnedLayout {
                    unit: Some(TWO_SPACES.to_owned()),
                    indent: if pretty {
                        levels(base + 1)
                    } else {
                        String::new()
                    },
                    sep: ": ".to_owned(),
                };
                Place {
                    child_line: pretty.then(|| levels(base + 1)),
                    closing_line: empty.then(|| levels(base)),
                    sep: if pretty { ": " } else { ":" }.to_owned(),
                    value,
                }
            }
        }
    }

    /// The layout of a value written in place of `node`.
    pub(super) fn replacement(self, text: &str, node: Node<'_>) -> OwnedLayout {
        let span = node.span();
        match self {
            Style::Neighbours => {
                let pretty = text[span.clone()].contains('\n');
                OwnedLayout {
                    unit: pretty.then(|| TWO_SPACES.to_owned()),
                    indent: line_indent(text, span.start).to_owned(),
                    sep: if pretty { ": " } else { ":" }.to_owned(),
                }
            }
            Style::TwoSpaceLevels => OwnedLayout {
                unit: Some(TWO_SPACES.to_owned()),
                indent: levels(line_spaces(text, span.start) / 2),
                sep: ": ".to_owned(),
            },
        }
    }
}

/// What the text of a container shows of its layout.
struct Learnt {
    /// The indentation of a child's line, when children start on lines of their own.
    child_line: Option<String>,
    /// The layout for values written as its children.
    value: OwnedLayout,
}

/// Learns the layout of the container at `container` from its text; `first_value` is where the
/// first member's value starts (objects only), whose separator new members copy.
fn learn(text: &str, container: Range<usize>, first_value: Option<usize>) -> Learnt {
    let inner = &text[container.start + 1..container.end - 1];
    let leading = &inner[..inner.len() - inner.trim_start_matches(is_ws).len()];
    let trailing = &inner[inner.trim_end_matches(is_ws).len()..];
    let after_newline = |ws: &str| ws.rfind('\n').map(|p| ws[p + 1..].to_owned());
    match after_newline(leading) {
        Some(child_indent) => {
            let sep = first_value
                .map(|value_start| {
                    let before = &text[container.start + 1 + leading.len()..value_start];
                    before.rfind(':').map_or(":", |c| &before[c..]).to_owned()
                })
                .unwrap_or_else(|| ":".to_owned());
            let closing = after_newline(trailing)
                .unwrap_or_else(|| line_indent(text, container.start).to_owned());
            let unit = child_indent
                .strip_prefix(closing.as_str())
                .filter(|u| !u.is_empty())
                .unwrap_or(TWO_SPACES)
                .to_owned();
            Learnt {
                child_line: Some(child_indent.clone()),
                value: OwnedLayout {
                    unit: Some(unit),
                    indent: child_indent,
                    sep,
                },
            }
        }
        None => Learnt {
            child_line: None,
            value: OwnedLayout {
                unit: None,
                indent: String::new(),
                sep: ":".to_owned(),
            },
        },
    }
}
