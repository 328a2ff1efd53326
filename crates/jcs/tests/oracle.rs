//! Property tests against an independent RFC 8785 implementation (`serde_jcs` over
//! `serde_json::Value`): the simple tree route is the oracle for the fast tape route.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

fn arb_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Number::from_f64(f).unwrap()),
        (-1_000_000i64..1_000_000, 0u32..6).prop_map(|(m, scale)| {
            Number::from_f64(m as f64 / 10f64.powi(scale as i32)).unwrap()
        }),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_]{0,8}",
        any::<String>(),
        prop::collection::vec(
            prop_oneof![
                Just('\u{0}'),
                Just('\u{1f}'),
                Just('\u{7f}'),
                Just('"'),
                Just('\\'),
                Just('/'),
                Just('\u{2028}'),
                Just('\u{e000}'),
                Just('\u{ffff}'),
                Just('\u{1f600}'),
                Just('\u{10ffff}'),
                Just('é'),
            ],
            0..6
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number().prop_map(Value::Number),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((arb_string(), inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn agrees_with_independent_implementation(value in arb_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let ours = fhirsig_jcs::canonicalize(text.as_bytes()).unwrap();
        let theirs = serde_jcs::to_vec(&value).unwrap();
        prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
    }

    #[test]
    fn canonical_form_is_a_fixed_point(value in arb_value()) {
        let text = serde_json::to_string_pretty(&value).unwrap();
        let once = fhirsig_jcs::canonicalize(text.as_bytes()).unwrap();
        let twice = fhirsig_jcs::canonicalize(&once).unwrap();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(doc) = fhirsig_jcs::parse(&bytes) {
            let canonical = doc.canonical_bytes();
            prop_assert!(fhirsig_jcs::parse(&canonical).is_ok());
        }
    }

    #[test]
    fn json_like_bytes_never_panic(text in r#"[\[\]{}":,0-9eE+\-.\\u tfnrlsa]{0,64}"#) {
        if let Ok(doc) = fhirsig_jcs::parse(text.as_bytes()) {
            let canonical = doc.canonical_bytes();
            prop_assert_eq!(fhirsig_jcs::canonicalize(&canonical).unwrap(), canonical);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    /// Every number spelling: the parsed value equals Rust's correctly rounded parse, and the
    /// canonical text equals the ECMAScript formatting of that value (fast paths included).
    #[test]
    fn number_fast_paths_agree_with_the_general_algorithm(
        text in r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?"
    ) {
        let expected: f64 = text.parse().unwrap();
        let doc = fhirsig_jcs::parse(text.as_bytes());
        if !expected.is_finite() {
            prop_assert!(doc.is_err());
            return Ok(());
        }
        let doc = doc.unwrap();
        prop_assert_eq!(doc.root().as_f64().unwrap().to_bits(), expected.to_bits(), "{}", text);
        let canonical = String::from_utf8(doc.canonical_bytes()).unwrap();
        prop_assert_eq!(canonical, fhirsig_jcs::format_number(expected).unwrap(), "{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Every reported number change points (by JSON Pointer) at a number written exactly as
    /// reported, and every number not reported canonicalises to its own text.
    #[test]
    fn number_changes_point_at_the_numbers(value in arb_value()) {
        let text = serde_json::to_string_pretty(&value).unwrap()
            .replace(".0,", ".00,").replace(".5\n", ".50\n");
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let changes = doc.number_changes(doc.root().id(), &fhirsig_jcs::Exclusions::new());
        // Generated documents hold far fewer than `NumberChanges::LISTED` numbers.
        prop_assert!(changes.is_complete());
        for change in changes.listed() {
            let node = doc.pointer(&change.pointer).expect("pointer resolves");
            prop_assert_eq!(node.raw_text(), change.lexical.as_str());
            prop_assert_eq!(
                fhirsig_jcs::format_number(node.as_f64().unwrap()).unwrap(),
                change.canonical.clone()
            );
        }
        let reported: std::collections::HashSet<&str> =
            changes.listed().iter().map(|c| c.pointer.as_str()).collect();
        let mut stack = vec![(doc.root(), String::new())];
        while let Some((node, pointer)) = stack.pop() {
            match node.kind() {
                fhirsig_jcs::NodeKind::Number if !reported.contains(pointer.as_str()) => {
                    prop_assert_eq!(
                        fhirsig_jcs::format_number(node.as_f64().unwrap()).unwrap(),
                        node.raw_text()
                    );
                }
                fhirsig_jcs::NodeKind::Object => {
                    for (name, child) in node.members() {
                        let mut p = pointer.clone();
                        fhirsig_jcs::pointer_push_token(&mut p, name);
                        stack.push((child, p));
                    }
                }
                fhirsig_jcs::NodeKind::Array => {
                    for (i, child) in node.elements().enumerate() {
                        let mut p = pointer.clone();
                        fhirsig_jcs::pointer_push_index(&mut p, i);
                        stack.push((child, p));
                    }
                }
                _ => {}
            }
        }
    }
}
