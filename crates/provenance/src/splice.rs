//! Adding to JSON text without rewriting what is already there: new array elements or object
//! members are inserted at the right byte offset (from [`fhirsig_jcs::Node::span`]), indented
//! like their neighbours, so every existing byte (and every existing signature) stays as it was.

use fhirsig_jcs::{Node, NodeKind};

use crate::json::{newline, Value};

/// The indentation (in spaces) of the line on which byte `pos` lies.
fn line_indent(text: &str, pos: usize) -> usize {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    text[start..].bytes().take_while(|b| *b == b' ').count()
}

fn is_multiline(text: &str, node: Node<'_>) -> bool {
    text[node.span()].contains('\n')
}

/// `text` with `values` appended to the array `array`.
pub(crate) fn append_elements(text: &str, array: Node<'_>, values: &[Value]) -> String {
    let span = array.span();
    let close = span.end - 1; // the `]`
    let has_elements = array.elements().next().is_some();
    let pretty = is_multiline(text, array) || !has_elements;
    let base = line_indent(text, span.start) / 2;
    // Insert after the last element (before any whitespace that precedes `]`).
    let insert_at = match array.elements().last() {
        Some(last) => last.span().end,
        None => span.start + 1,
    };
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if has_elements || i > 0 {
            out.push(b',');
        }
        if pretty {
            newline(base + 1, &mut out);
        }
        v.write_pretty(if pretty { base + 1 } else { 0 }, &mut out);
    }
    let mut result = String::with_capacity(text.len() + out.len() + 8);
    result.push_str(&text[..insert_at]);
    result.push_str(&String::from_utf8_lossy(&out));
    if !has_elements && pretty {
        let mut tail = Vec::new();
        newline(base, &mut tail);
        result.push_str(&String::from_utf8_lossy(&tail));
        result.push_str(&text[close..]);
    } else {
        result.push_str(&text[insert_at..]);
    }
    result
}

/// `text` with member `name: value` appended to the object `object`.
pub(crate) fn append_member(text: &str, object: Node<'_>, name: &str, value: &Value) -> String {
    let span = object.span();
    let last = object.members().last().map(|(_, v)| v.span().end);
    let pretty = is_multiline(text, object) || last.is_none();
    let base = line_indent(text, span.start) / 2;
    let insert_at = last.unwrap_or(span.start + 1);
    let mut out = Vec::new();
    if last.is_some() {
        out.push(b',');
    }
    if pretty {
        newline(base + 1, &mut out);
    }
    fhirsig_jcs::write_escaped(name, &mut out);
    out.extend_from_slice(if pretty { b": " } else { b":" });
    value.write_pretty(if pretty { base + 1 } else { 0 }, &mut out);
    if last.is_none() && pretty {
        newline(base, &mut out);
        let mut result = text[..insert_at].to_owned();
        result.push_str(&String::from_utf8_lossy(&out));
        result.push_str(&text[span.end - 1..]);
        return result;
    }
    let mut result = text[..insert_at].to_owned();
    result.push_str(&String::from_utf8_lossy(&out));
    result.push_str(&text[insert_at..]);
    result
}

/// Appends `values` to the array member `name` of `object`, creating the member if absent.
pub(crate) fn append_to_array_member(
    text: &str,
    object: Node<'_>,
    name: &str,
    values: Vec<Value>,
) -> String {
    match object.get(name).filter(|n| n.kind() == NodeKind::Array) {
        Some(array) => append_elements(text, array, &values),
        None => append_member(text, object, name, &Value::Array(values)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_keep_existing_bytes_and_indentation() {
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
}
