//! `stream_canonical_noting_numbers` writes what `stream_canonical` writes and notes exactly
//! what `number_changes` reports, exclusions included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fhirsig_jcs::{Document, Exclusions, Node, NodeId, NodeKind};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Checks one (node, exclusions) pair against the two separate routes.
fn agree(doc: &Document<'_>, node: NodeId, exclusions: &Exclusions) {
    let mut expected = Vec::new();
    doc.stream_canonical(node, exclusions, &mut expected)
        .unwrap();
    let mut streamed = Vec::new();
    let noted = doc
        .stream_canonical_noting_numbers(node, exclusions, &mut streamed)
        .unwrap();
    assert_eq!(streamed, expected);
    assert_eq!(noted, doc.number_changes(node, exclusions));
}

/// Every value of the document, in document order.
fn all_nodes<'d>(node: Node<'d>, out: &mut Vec<Node<'d>>) {
    out.push(node);
    match node.kind() {
        NodeKind::Object => node.members().for_each(|(_, v)| all_nodes(v, out)),
        NodeKind::Array => node.elements().for_each(|e| all_nodes(e, out)),
        _ => {}
    }
}

const SAMPLE: &str = r#"{
  "z": [1.50, 2, {"b": 1e2, "a": 0.10}],
  "m": {"y": 3.0, "x": [10.0, 7, 1E-7]},
  "a": 100.00,
  "k": [[5.0], [6.50, {"q": 2.0}]]
}"#;

#[test]
fn notes_the_changes_number_changes_reports() {
    let doc = fhirsig_jcs::parse(SAMPLE.as_bytes()).unwrap();
    let root = doc.root();
    let none = Exclusions::new();
    agree(&doc, root.id(), &none);
    let changes = doc.number_changes(root.id(), &none);
    assert_eq!(
        changes.listed()[0].pointer,
        "/z/0",
        "document order, not canonical order"
    );
    assert_eq!(changes.len(), 10);
    assert!(changes.is_complete());

    let mut nodes = Vec::new();
    all_nodes(root, &mut nodes);
    for (i, &excluded) in nodes.iter().enumerate() {
        let mut exclusions = Exclusions::new();
        exclusions.insert(excluded.id());
        for node in &nodes {
            agree(&doc, node.id(), &exclusions);
        }
        // Two exclusions, one possibly nested in the other.
        exclusions.insert(nodes[(i * 7 + 3) % nodes.len()].id());
        for node in &nodes {
            agree(&doc, node.id(), &exclusions);
        }
    }
}

/// A megabyte-long member name over many rewritten numbers: every change is counted, but
/// listing each with its pointer would take gigabytes for a document of one megabyte.
#[test]
fn changes_under_a_long_name_are_counted_and_listed_within_a_budget() {
    let name = "n".repeat(1 << 20);
    let numbers = vec!["1.0"; 10_000].join(",");
    let text = format!(r#"{{"a": [2.50, 3], "{name}": [{numbers}], "z": 1.10}}"#);
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    let none = Exclusions::new();
    for changes in [
        doc.number_changes(doc.root().id(), &none),
        doc.stream_canonical_noting_numbers(doc.root().id(), &none, &mut std::io::sink())
            .unwrap(),
    ] {
        assert_eq!(changes.len(), 10_002);
        assert!(!changes.is_complete());
        let listed = changes.listed();
        // In document order, from the first; the first long pointer passes the budget.
        assert_eq!(listed.len(), 2, "{:?}", &listed[..1]);
        assert_eq!(listed[0].pointer, "/a/0");
        assert_eq!(listed[0].lexical, "2.50");
        assert_eq!(listed[0].canonical, "2.5");
        assert_eq!(listed[1].pointer, format!("/{name}/0"));
        let bytes: usize = listed.iter().map(|c| c.pointer.len()).sum();
        assert!(bytes < 2 * fhirsig_jcs::NumberChanges::LISTED_BYTES);
    }
    // Short pointers: the first hundred are listed.
    let many = format!("[{}]", vec!["1.0"; 500].join(","));
    let doc = fhirsig_jcs::parse(many.as_bytes()).unwrap();
    let changes = doc.number_changes(doc.root().id(), &none);
    assert_eq!(changes.len(), 500);
    assert_eq!(changes.listed().len(), fhirsig_jcs::NumberChanges::LISTED);
    assert_eq!(changes.listed()[99].pointer, "/99");
}

#[test]
fn appended_changes_stay_a_prefix_in_document_order() {
    let none = Exclusions::new();
    let few = fhirsig_jcs::parse(b"[1.0, 2.0]").unwrap();
    let many_text = format!("[{}]", vec!["3.0"; 150].join(","));
    let many = fhirsig_jcs::parse(many_text.as_bytes()).unwrap();
    let mut all = many.number_changes(many.root().id(), &none);
    all.append(few.number_changes(few.root().id(), &none));
    assert_eq!(all.len(), 152);
    assert_eq!(all.listed().len(), 100);
    assert!(all.listed().iter().all(|c| c.lexical == "3.0"));
    let mut all = few.number_changes(few.root().id(), &none);
    all.append(many.number_changes(many.root().id(), &none));
    assert_eq!(all.len(), 152);
    assert_eq!(all.listed().len(), 100);
    assert_eq!(all.listed()[1].lexical, "2.0");
    assert_eq!(all.listed()[2].lexical, "3.0");
}

#[test]
fn exclusions_around_the_node_leave_nothing_noted() {
    let doc = fhirsig_jcs::parse(SAMPLE.as_bytes()).unwrap();
    let m = doc.pointer("/m").unwrap();
    let mut exclusions = Exclusions::new();
    exclusions.insert(m.id());
    let inner = doc.pointer("/m/x").unwrap();
    let mut out = Vec::new();
    let noted = doc
        .stream_canonical_noting_numbers(inner.id(), &exclusions, &mut out)
        .unwrap();
    assert!(noted.is_empty());
    assert_eq!(out, b"[10,7,1e-7]");
}

#[test]
fn sink_errors_are_returned() {
    struct Failing;
    impl std::io::Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let doc = fhirsig_jcs::parse(SAMPLE.as_bytes()).unwrap();
    let result =
        doc.stream_canonical_noting_numbers(doc.root().id(), &Exclusions::new(), &mut Failing);
    assert!(result.is_err());
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|i| Value::Number(Number::from(i))),
        (-1_000_000i64..1_000_000, 0u32..6).prop_map(|(m, scale)| {
            Value::Number(Number::from_f64(m as f64 / 10f64.powi(scale as i32)).unwrap())
        }),
        "[a-z]{0,3}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn noting_agrees_with_number_changes(
        value in arb_value(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        start in any::<prop::sample::Index>(),
    ) {
        // Trailing zeros and exponents, so that many numbers change.
        let text = serde_json::to_string_pretty(&value).unwrap()
            .replace(".0,", ".00,").replace(".5\n", ".50\n").replace("0\n", "0e0\n");
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let mut nodes = Vec::new();
        all_nodes(doc.root(), &mut nodes);
        let mut exclusions = Exclusions::new();
        for pick in &picks {
            exclusions.insert(pick.get(&nodes).id());
        }
        agree(&doc, doc.root().id(), &exclusions);
        agree(&doc, start.get(&nodes).id(), &exclusions);
    }
}
