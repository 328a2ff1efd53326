//! The splicer: new text inserted at byte offsets taken from the parsed document
//! ([`Node::span`]), so every byte around it is kept.

use super::error::EditError;
use super::layout::{Place, Style};
use super::render::{ArrayOf, WriteJson};
use crate::{write_escaped, Node, NodeKind};

/// Checks that `node` is of kind `expected` and that its bytes are at its offsets in `text`.
fn check(text: &str, node: Node<'_>, expected: Option<NodeKind>) -> Result<(), EditError> {
    if text.get(node.span()) != Some(node.raw_text()) {
        return Err(EditError::NotInText);
    }
    match expected {
        Some(expected) if node.kind() != expected => Err(EditError::WrongKind {
            expected,
            found: node.kind(),
        }),
        _ => Ok(()),
    }
}

/// One new child: an array element, or a member with its escaped name.
struct Child<'k, V> {
    key: Option<&'k str>,
    value: V,
}

/// `text` with `children` added after the last child of `container` (already checked).
fn add_children<V: WriteJson>(
    text: &str,
    container: Node<'_>,
    children: &[Child<'_, V>],
    style: Style,
) -> String {
    let span = container.span();
    let place: Place = style.place(text, container);
    let last_end = match container.kind() {
        NodeKind::Object => container.members().last().map(|(_, v)| v.span().end),
        _ => container.elements().last().map(|v| v.span().end),
    };
    let mut new = String::new();
    for (i, child) in children.iter().enumerate() {
        if last_end.is_some() || i > 0 {
            new.push(',');
        }
        if let Some(indent) = &place.child_line {
            new.push('\n');
            new.push_str(indent);
        }
        if let Some(key) = child.key {
            new.push_str(key);
            new.push_str(&place.sep);
        }
        child.value.write_json(place.value.borrow(), &mut new);
    }
    let mut out = String::with_capacity(text.len() + new.len() + 8);
    match last_end {
        Some(at) => {
            out.push_str(&text[..at]);
            out.push_str(&new);
            out.push_str(&text[at..]);
        }
        None => {
            // The white space inside the empty brackets gives way to the new children.
            out.push_str(&text[..=span.start]);
            out.push_str(&new);
            if let Some(indent) = &place.closing_line {
                out.push('\n');
                out.push_str(indent);
            }
            out.push_str(&text[span.end - 1..]);
        }
    }
    out
}

/// `text` with member `name` (value `value`) added as the last member of `object`.
///
/// No check is made that `object` has no member `name` already.
///
/// # Errors
/// [`EditError::WrongKind`] when `object` is not an object, [`EditError::NotInText`] when it is
/// not a node of `text`.
pub fn insert_member<V: WriteJson + ?Sized>(
    text: &str,
    object: Node<'_>,
    name: &str,
    value: &V,
    style: Style,
) -> Result<String, EditError> {
    check(text, object, Some(NodeKind::Object))?;
    Ok(add_member(text, object, name, value, style))
}

/// [`insert_member`] on an object already checked.
fn add_member<V: WriteJson + ?Sized>(
    text: &str,
    object: Node<'_>,
    name: &str,
    value: &V,
    style: Style,
) -> String {
    let mut key = Vec::new();
    write_escaped(name, &mut key);
    let key = String::from_utf8_lossy(&key);
    let child = Child {
        key: Some(&key),
        value,
    };
    add_children(text, object, &[child], style)
}

/// [`append_elements`] on an array already checked.
fn add_elements<V: WriteJson>(text: &str, array: Node<'_>, values: &[V], style: Style) -> String {
    let children: Vec<Child<'_, &V>> = values
        .iter()
        .map(|value| Child { key: None, value })
        .collect();
    add_children(text, array, &children, style)
}

/// `text` with `values` appended, in order, after the last element of `array`.
///
/// # Errors
/// [`EditError::WrongKind`] when `array` is not an array, [`EditError::NotInText`] when it is
/// not a node of `text`.
pub fn append_elements<V: WriteJson>(
    text: &str,
    array: Node<'_>,
    values: &[V],
    style: Style,
) -> Result<String, EditError> {
    check(text, array, Some(NodeKind::Array))?;
    Ok(add_elements(text, array, values, style))
}

/// `text` with `values` appended to the array member `name` of `object`; when `object` has no
/// member `name` whose value is an array, a member `name` holding `values` is added as its last
/// member (even if a member `name` of another kind is there already).
///
/// # Errors
/// [`EditError::WrongKind`] when `object` is not an object, [`EditError::NotInText`] when it is
/// not a node of `text`.
pub fn append_to_array_member<V: WriteJson>(
    text: &str,
    object: Node<'_>,
    name: &str,
    values: &[V],
    style: Style,
) -> Result<String, EditError> {
    check(text, object, Some(NodeKind::Object))?;
    // A child of a node of `text` is a node of `text`: no second check.
    Ok(
        match object.get(name).filter(|n| n.kind() == NodeKind::Array) {
            Some(array) => add_elements(text, array, values, style),
            None => add_member(text, object, name, &ArrayOf(values), style),
        },
    )
}

/// `text` with the value `node` replaced by `value`, indented like the line `node` starts on.
///
/// # Errors
/// [`EditError::NotInText`] when `node` is not a node of `text`.
pub fn replace_value<V: WriteJson + ?Sized>(
    text: &str,
    node: Node<'_>,
    value: &V,
    style: Style,
) -> Result<String, EditError> {
    check(text, node, None)?;
    let span = node.span();
    let layout = style.replacement(text, node);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..span.start]);
    value.write_json(layout.borrow(), &mut out);
    out.push_str(&text[span.end..]);
    Ok(out)
}
