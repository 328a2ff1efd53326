//! `Document::pointer_of` names every value by its RFC 6901 pointer, in short arrays (scanned)
//! and long ones (indexed by element), and the two agree with the pointer that finds the value.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use fhirsig_jcs::{parse, Document, Node, NodeKind};

/// Every value of the document with the pointer built on the way down.
fn walk<'d>(node: Node<'d>, pointer: String, out: &mut Vec<(Node<'d>, String)>) {
    out.push((node, pointer.clone()));
    match node.kind() {
        NodeKind::Object => {
            for (name, value) in node.members() {
                let escaped = name.replace('~', "~0").replace('/', "~1");
                walk(value, format!("{pointer}/{escaped}"), out);
            }
        }
        NodeKind::Array => {
            for (i, element) in node.elements().enumerate() {
                walk(element, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn check(doc: &Document<'_>) -> usize {
    let mut values = Vec::new();
    walk(doc.root(), String::new(), &mut values);
    for (node, pointer) in &values {
        assert_eq!(&doc.pointer_of(node.id()), pointer);
        assert_eq!(doc.pointer(pointer).map(|n| n.id()), Some(node.id()));
    }
    values.len()
}

#[test]
fn short_and_long_arrays_name_every_value() {
    for len in [0, 1, 31, 32, 33, 100, 1000] {
        let entries: Vec<String> = (0..len)
            .map(|i| {
                format!(r#"{{"fullUrl":"urn:{i}","resource":{{"a/b":[{i},[{i}],{{"~":"x"}}],"list":[{}]}}}}"#,
                    (0..(i % 40)).map(|j| j.to_string()).collect::<Vec<_>>().join(","))
            })
            .collect();
        let text = format!(
            r#"{{"resourceType":"Bundle","entry":[{}],"tail":[1,2]}}"#,
            entries.join(",")
        );
        let doc = parse(text.as_bytes()).unwrap();
        let counted = check(&doc);
        assert!(counted > len, "{len}");
    }
}

#[test]
fn a_long_top_level_array_of_scalars() {
    let text = format!(
        "[{}]",
        (0..500)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let doc = parse(text.as_bytes()).unwrap();
    assert_eq!(check(&doc), 501);
}
