//! Edits JSON text in place of re-serialising it: the input's member order, white space and
//! number spellings stay as they were, and only the inserted (or replaced) value is new text,
//! indented like its neighbours.

use std::ops::Range;

use fhirsig_jcs::Node;

use super::jsonw::reindent;

/// How a container's children are laid out in the text.
struct Layout {
    /// Indent unit for nested lines (`None`: the container is written on one line).
    unit: Option<String>,
    /// White space before each child, after the newline.
    child_indent: String,
    /// What stands between a member name and its value (`": "` or `":"`).
    sep: String,
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The indentation of the line that holds byte `at`.
fn line_indent(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

fn layout(text: &str, container: Range<usize>, first_child: Option<usize>) -> Layout {
    let inner = &text[container.start + 1..container.end - 1];
    let leading: &str = &inner[..inner.len() - inner.trim_start_matches(is_ws).len()];
    let trailing: &str = &inner[inner.trim_end_matches(is_ws).len()..];
    let after_newline = |ws: &str| ws.rfind('\n').map(|p| ws[p + 1..].to_owned());
    let sep = first_child
        .map(|value_start| {
            let before = &text[container.start + 1 + leading.len()..value_start];
            before.rfind(':').map_or(":", |c| &before[c..]).to_owned()
        })
        .unwrap_or_else(|| ":".to_owned());
    match after_newline(leading) {
        Some(child_indent) => {
            let closing =
                after_newline(trailing).unwrap_or_else(|| line_indent(text, container.start));
            let unit = child_indent
                .strip_prefix(closing.as_str())
                .filter(|u| !u.is_empty())
                .unwrap_or("  ")
                .to_owned();
            Layout {
                unit: Some(unit),
                child_indent,
                sep,
            }
        }
        None => Layout {
            unit: None,
            child_indent: String::new(),
            sep: ":".to_owned(),
        },
    }
}

/// Renders compact JSON `value` for a place laid out as `layout`.
fn render(value_json: &str, layout: &Layout) -> String {
    let Ok(doc) = fhirsig_jcs::parse(value_json.as_bytes()) else {
        return value_json.to_owned();
    };
    let mut out = String::new();
    reindent(
        doc.root(),
        layout.unit.as_deref(),
        &layout.child_indent,
        &layout.sep,
        &mut out,
    );
    out
}

/// Adds member `name` with compact JSON `value_json` as the last member of `object`.
pub fn insert_member(text: &str, object: Node<'_>, name: &str, value_json: &str) -> String {
    let span = object.span();
    let last = object.members().last().map(|(_, v)| v);
    let first = object.members().next().map(|(_, v)| v.span().start);
    let layout = layout(text, span.clone(), first);
    let mut key = Vec::new();
    fhirsig_jcs::write_escaped(name, &mut key);
    let key = String::from_utf8_lossy(&key);
    let value = render(value_json, &layout);
    match last {
        Some(last) => {
            let at = last.span().end;
            let mut out = String::with_capacity(text.len() + value.len() + 64);
            out.push_str(&text[..at]);
            out.push(',');
            if layout.unit.is_some() {
                out.push('\n');
                out.push_str(&layout.child_indent);
            }
            out.push_str(&key);
            out.push_str(&layout.sep);
            out.push_str(&value);
            out.push_str(&text[at..]);
            out
        }
        None => format!(
            "{}{{{key}:{value}}}{}",
            &text[..span.start],
            &text[span.end..]
        ),
    }
}

/// Appends compact JSON `value_json` as the last element of `array`.
pub fn append_element(text: &str, array: Node<'_>, value_json: &str) -> String {
    let span = array.span();
    let last = array.elements().last();
    let layout = layout(text, span.clone(), None);
    let value = render(value_json, &layout);
    match last {
        Some(last) => {
            let at = last.span().end;
            let mut out = String::with_capacity(text.len() + value.len() + 64);
            out.push_str(&text[..at]);
            out.push(',');
            if layout.unit.is_some() {
                out.push('\n');
                out.push_str(&layout.child_indent);
            }
            out.push_str(&value);
            out.push_str(&text[at..]);
            out
        }
        None => format!("{}[{value}]{}", &text[..span.start], &text[span.end..]),
    }
}

/// Replaces the value `node` with compact JSON `value_json`, indented like the line it is on.
pub fn replace_value(text: &str, node: Node<'_>, value_json: &str) -> String {
    let span = node.span();
    let indent = line_indent(text, span.start);
    let pretty = text[span.clone()].contains('\n');
    let layout = Layout {
        unit: pretty.then(|| "  ".to_owned()),
        child_indent: indent,
        sep: if pretty { ": " } else { ":" }.to_owned(),
    };
    let value = render(value_json, &layout);
    format!("{}{value}{}", &text[..span.start], &text[span.end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_matches_pretty_layout() {
        let text = "{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"searchset\"\n}\n";
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let out = insert_member(text, doc.root(), "signature", r#"{"a":[1,{"b":2}]}"#);
        assert_eq!(
            out,
            "{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"searchset\",\n  \"signature\": {\n    \"a\": [\n      1,\n      {\n        \"b\": 2\n      }\n    ]\n  }\n}\n"
        );
    }

    #[test]
    fn insertion_matches_compact_layout() {
        let text = r#"{"resourceType":"Bundle","type":"searchset"}"#;
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let out = insert_member(text, doc.root(), "signature", r#"{"a":1}"#);
        assert_eq!(
            out,
            r#"{"resourceType":"Bundle","type":"searchset","signature":{"a":1}}"#
        );
        let doc = fhirsig_jcs::parse(b"{\"x\":[1, 2]}").unwrap();
        let array = doc.root().get("x").unwrap();
        assert_eq!(
            append_element("{\"x\":[1, 2]}", array, "3"),
            "{\"x\":[1, 2,3]}"
        );
    }

    #[test]
    fn replacement_keeps_the_rest() {
        let text = "{\"a\": 1, \"signature\": {\"old\": true}, \"z\": 2}";
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let sig = doc.root().get("signature").unwrap();
        assert_eq!(
            replace_value(text, sig, r#"{"new":1}"#),
            "{\"a\": 1, \"signature\": {\"new\":1}, \"z\": 2}"
        );
    }
}
