//! Writing a value where it is inserted: compact, or pretty with the indent unit of the place,
//! and the re-indenter that lays parsed (compact) JSON text out that way.

use crate::{parse, write_escaped, Node, NodeKind};

/// How a value is laid out at the place it is written.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout<'a> {
    /// The indent unit of nested lines; `None` writes the value on one line (compact).
    pub unit: Option<&'a str>,
    /// The indentation of the line the value starts on; its nested lines start with it.
    pub indent: &'a str,
    /// What stands between a member name and its value when pretty (`": "` or `":"`).
    pub sep: &'a str,
}

impl<'a> Layout<'a> {
    /// One line, no white space.
    pub fn compact() -> Self {
        Layout {
            unit: None,
            indent: "",
            sep: ":",
        }
    }

    /// One member or element a line, nested lines indented by `unit` more than `indent`.
    pub fn pretty(unit: &'a str, indent: &'a str, sep: &'a str) -> Self {
        Layout {
            unit: Some(unit),
            indent,
            sep,
        }
    }

    /// The layout of a child: one unit deeper when pretty (`inner` holds the deeper indent).
    fn child(self, inner: Option<&'a str>) -> Self {
        Layout {
            indent: inner.unwrap_or(""),
            ..self
        }
    }
}

/// A JSON value that can write itself at a place laid out as a [`Layout`].
pub trait WriteJson {
    /// Appends this value's JSON text, laid out as `layout`, to `out`.
    fn write_json(&self, layout: Layout<'_>, out: &mut String);
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, layout: Layout<'_>, out: &mut String) {
        (**self).write_json(layout, out);
    }
}

/// A parsed value, written in its input order with its scalars spelled as in the input.
impl WriteJson for Node<'_> {
    fn write_json(&self, layout: Layout<'_>, out: &mut String) {
        reindent(*self, layout, out);
    }
}

/// Compact JSON text, parsed and re-indented for the place; text that is not strict I-JSON is
/// written unchanged.
impl WriteJson for str {
    fn write_json(&self, layout: Layout<'_>, out: &mut String) {
        match parse(self.as_bytes()) {
            Ok(doc) => reindent(doc.root(), layout, out),
            Err(_) => out.push_str(self),
        }
    }
}

/// As for `str`.
impl WriteJson for String {
    fn write_json(&self, layout: Layout<'_>, out: &mut String) {
        self.as_str().write_json(layout, out);
    }
}

/// An array of values (the value of a member created to hold appended elements).
pub(super) struct ArrayOf<'v, T>(pub(super) &'v [T]);

impl<T: WriteJson> WriteJson for ArrayOf<'_, T> {
    fn write_json(&self, layout: Layout<'_>, out: &mut String) {
        write_container(
            ('[', ']'),
            self.0.iter().map(|v| (None, v)),
            layout,
            out,
            |v, l, out| v.write_json(l, out),
        );
    }
}

/// Writes `node` (from a parsed document) as JSON text in input order, laid out as `layout`;
/// scalars keep their input spelling (numbers are not reformatted, strings not re-escaped).
pub fn reindent(node: Node<'_>, layout: Layout<'_>, out: &mut String) {
    match node.kind() {
        NodeKind::Object => write_container(
            ('{', '}'),
            node.members().map(|(k, v)| (Some(k), v)),
            layout,
            out,
            |v, l, out| reindent(v, l, out),
        ),
        NodeKind::Array => write_container(
            ('[', ']'),
            node.elements().map(|v| (None, v)),
            layout,
            out,
            |v, l, out| reindent(v, l, out),
        ),
        _ => out.push_str(node.raw_text()),
    }
}

/// Writes an object or array whose children are `(member name, value)` pairs (no name in arrays).
fn write_container<'n, V>(
    (open, close): (char, char),
    children: impl Iterator<Item = (Option<&'n str>, V)>,
    layout: Layout<'_>,
    out: &mut String,
    write: impl Fn(V, Layout<'_>, &mut String),
) {
    out.push(open);
    let inner = layout.unit.map(|u| format!("{}{u}", layout.indent));
    let mut empty = true;
    for (i, (name, child)) in children.enumerate() {
        empty = false;
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
            out.push_str(if layout.unit.is_some() {
                layout.sep
            } else {
                ":"
            });
        }
        write(child, layout.child(inner.as_deref()), out);
    }
    if !empty && layout.unit.is_some() {
        out.push('\n');
        out.push_str(layout.indent);
    }
    out.push(close);
}
