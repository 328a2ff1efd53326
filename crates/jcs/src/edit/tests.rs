use super::*;
use crate::{parse, NodeKind};

fn insert(text: &str, pointer: &str, name: &str, value: &str, style: Style) -> String {
    let doc = parse(text.as_bytes()).unwrap();
    let object = doc.pointer(pointer).unwrap();
    insert_member(text, object, name, value, style).unwrap()
}

fn append(text: &str, pointer: &str, values: &[&str], style: Style) -> String {
    let doc = parse(text.as_bytes()).unwrap();
    let array = doc.pointer(pointer).unwrap();
    append_elements(text, array, values, style).unwrap()
}

// Learnt from the neighbours.

#[test]
fn neighbours_empty_containers_get_compact_children() {
    assert_eq!(
        insert("{\"a\": {}}", "/a", "b", "{\"c\":1}", Style::Neighbours),
        "{\"a\": {\"b\":{\"c\":1}}}"
    );
    assert_eq!(
        append("{\n  \"a\": [ ]\n}", "/a", &["1", "2"], Style::Neighbours),
        "{\n  \"a\": [1,2]\n}"
    );
}

#[test]
fn neighbours_one_line_containers_stay_on_one_line() {
    assert_eq!(
        insert(
            "{\"a\": 1, \"b\": [1]}",
            "",
            "c",
            "{\"d\":[true]}",
            Style::Neighbours
        ),
        "{\"a\": 1, \"b\": [1],\"c\":{\"d\":[true]}}"
    );
    assert_eq!(
        append("[1, {\"x\": 2}]", "", &["{\"y\":3}"], Style::Neighbours),
        "[1, {\"x\": 2},{\"y\":3}]"
    );
}

#[test]
fn neighbours_multi_line_containers_copy_indent_unit_and_separator() {
    // Four-space indent, nested one level, and a separator without a space.
    let text = "{\n    \"outer\": {\n        \"a\":1\n    }\n}";
    assert_eq!(
        insert(text, "/outer", "b", "{\"c\":[2]}", Style::Neighbours),
        "{\n    \"outer\": {\n        \"a\":1,\n        \"b\":{\n            \"c\":[\n                2\n            ]\n        }\n    }\n}"
    );
    let text = "[\n  1,\n  2\n]\n";
    assert_eq!(
        append(text, "", &["3", "[4]"], Style::Neighbours),
        "[\n  1,\n  2,\n  3,\n  [\n    4\n  ]\n]\n"
    );
}

#[test]
fn neighbours_tabs_are_kept_as_the_unit() {
    let text = "{\n\t\"a\": {\n\t\t\"b\": 1\n\t}\n}";
    assert_eq!(
        insert(text, "/a", "c", "{\"d\":2}", Style::Neighbours),
        "{\n\t\"a\": {\n\t\t\"b\": 1,\n\t\t\"c\": {\n\t\t\t\"d\": 2\n\t\t}\n\t}\n}"
    );
}

#[test]
fn neighbours_crlf_indentation_is_found_and_new_lines_end_in_lf() {
    let text = "{\r\n  \"a\": 1\r\n}\r\n";
    assert_eq!(
        insert(text, "", "b", "[2]", Style::Neighbours),
        "{\r\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\r\n}\r\n"
    );
}

#[test]
fn neighbours_replacement_is_pretty_when_the_old_value_spanned_lines() {
    let text = "{\n  \"s\": {\n    \"old\": 1\n  },\n  \"z\": 2\n}";
    let doc = parse(text.as_bytes()).unwrap();
    let old = doc.root().get("s").unwrap();
    assert_eq!(
        replace_value(text, old, "{\"new\":[1]}", Style::Neighbours).unwrap(),
        "{\n  \"s\": {\n    \"new\": [\n      1\n    ]\n  },\n  \"z\": 2\n}"
    );
}

// Two spaces a level.

#[test]
fn two_space_levels_open_empty_containers_onto_lines() {
    assert_eq!(
        append(
            "{\n  \"e\": [ ]\n}",
            "/e",
            &["1", "{\"a\":2}"],
            Style::TwoSpaceLevels
        ),
        "{\n  \"e\": [\n    1,\n    {\n      \"a\": 2\n    }\n  ]\n}"
    );
    assert_eq!(
        insert("{\"o\":{}}", "/o", "k", "true", Style::TwoSpaceLevels),
        "{\"o\":{\n  \"k\": true\n}}"
    );
}

#[test]
fn two_space_levels_count_from_the_containers_line() {
    // The container's line is indented by four spaces: two levels, so children at three.
    let text = "{\n  \"a\": {\n    \"b\": [\n        1\n    ]\n  }\n}";
    assert_eq!(
        append(text, "/a/b", &["{\"c\":2}"], Style::TwoSpaceLevels),
        "{\n  \"a\": {\n    \"b\": [\n        1,\n      {\n        \"c\": 2\n      }\n    ]\n  }\n}"
    );
}

#[test]
fn two_space_levels_one_line_containers_get_pretty_values_on_the_same_line() {
    assert_eq!(
        append("[1]", "", &["{\"a\":2}"], Style::TwoSpaceLevels),
        "[1,{\n  \"a\": 2\n}]"
    );
    assert_eq!(
        insert("{\"a\":1}", "", "b", "2", Style::TwoSpaceLevels),
        "{\"a\":1,\"b\":2}"
    );
}

#[test]
fn array_members_are_appended_to_or_created() {
    let text = "{\n  \"a\": [\n    1\n  ]\n}";
    let doc = parse(text.as_bytes()).unwrap();
    assert_eq!(
        append_to_array_member(text, doc.root(), "a", &["2"], Style::Neighbours).unwrap(),
        "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
    );
    assert_eq!(
        append_to_array_member(text, doc.root(), "n", &["{\"x\":1}"], Style::Neighbours).unwrap(),
        "{\n  \"a\": [\n    1\n  ],\n  \"n\": [\n    {\n      \"x\": 1\n    }\n  ]\n}"
    );
    let compact = r#"{"a":1}"#;
    let doc = parse(compact.as_bytes()).unwrap();
    assert_eq!(
        append_to_array_member(compact, doc.root(), "n", &["1", "2"], Style::Neighbours).unwrap(),
        r#"{"a":1,"n":[1,2]}"#
    );
}

#[test]
fn text_that_is_not_json_is_inserted_as_given() {
    assert_eq!(
        insert("{\n  \"a\": 1\n}", "", "b", "not json", Style::Neighbours),
        "{\n  \"a\": 1,\n  \"b\": not json\n}"
    );
}

#[test]
fn names_are_escaped() {
    assert_eq!(
        insert("{}", "", "a\"\u{1}", "1", Style::Neighbours),
        "{\"a\\\"\\u0001\":1}"
    );
}

// Errors.

#[test]
fn wrong_kinds_are_refused() {
    let text = r#"{"a":[1],"s":"x"}"#;
    let doc = parse(text.as_bytes()).unwrap();
    let array = doc.root().get("a").unwrap();
    assert_eq!(
        insert_member(text, array, "b", "1", Style::Neighbours),
        Err(EditError::WrongKind {
            expected: NodeKind::Object,
            found: NodeKind::Array
        })
    );
    assert_eq!(
        append_elements(text, doc.root(), &["1"], Style::TwoSpaceLevels),
        Err(EditError::WrongKind {
            expected: NodeKind::Array,
            found: NodeKind::Object
        })
    );
    let string = doc.root().get("s").unwrap();
    assert!(matches!(
        append_to_array_member(text, string, "b", &["1"], Style::Neighbours),
        Err(EditError::WrongKind { .. })
    ));
    // A replaced value may be of any kind.
    assert_eq!(
        replace_value(text, string, "2", Style::Neighbours).unwrap(),
        r#"{"a":[1],"s":2}"#
    );
}

#[test]
fn nodes_of_another_text_are_refused() {
    let doc = parse("{\"a\": \"é\"}".as_bytes()).unwrap();
    let root = doc.root();
    for other in ["", "{}", "{\"a\": \"e\"}", "{\"a\": \"é\"} "] {
        let expected = if other.starts_with("{\"a\": \"é\"}") {
            None
        } else {
            Some(EditError::NotInText)
        };
        assert_eq!(
            insert_member(other, root, "b", "1", Style::Neighbours).err(),
            expected,
            "{other:?}"
        );
    }
    let value = root.get("a").unwrap();
    // Offsets that fall inside a character of the other text must not panic.
    assert_eq!(
        replace_value("{\"aééé\":1}", value, "1", Style::Neighbours),
        Err(EditError::NotInText)
    );
    assert!(!EditError::NotInText.to_string().is_empty());
}

#[test]
fn layouts_write_nodes_and_arrays() {
    let doc = parse(br#"{"a":[1,{}],"b":"\u00e9"}"#).unwrap();
    let mut out = String::new();
    reindent(doc.root(), Layout::pretty("  ", "", ": "), &mut out);
    assert_eq!(
        out,
        "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"\\u00e9\"\n}"
    );
    let mut compact = String::new();
    doc.root().write_json(Layout::compact(), &mut compact);
    assert_eq!(compact, r#"{"a":[1,{}],"b":"\u00e9"}"#);
}

#[test]
fn object_writer_keeps_order_and_escapes() {
    let inner = JsonObject::new().string("z", "1").finish();
    let text = JsonObject::new()
        .string("b", "\"q\"")
        .string_opt("none", None)
        .string_opt("some", Some("x"))
        .raw("a", &inner)
        .finish();
    assert_eq!(text, r#"{"b":"\"q\"","some":"x","a":{"z":"1"}}"#);
    assert_eq!(JsonObject::default().finish(), "{}");
}
