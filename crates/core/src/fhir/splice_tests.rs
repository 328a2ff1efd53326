//! The signing core's layout of an inserted or replaced Signature: the Bundle's own indentation
//! (`Style::Neighbours`), every other byte kept.

use fhirsig_jcs::edit::{append_elements, insert_member, replace_value, Style};

#[test]
fn insertion_matches_pretty_layout() {
    let text = "{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"searchset\"\n}\n";
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    let out = insert_member(
        text,
        doc.root(),
        "signature",
        r#"{"a":[1,{"b":2}]}"#,
        Style::Neighbours,
    )
    .unwrap();
    assert_eq!(
        out,
        "{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"searchset\",\n  \"signature\": {\n    \"a\": [\n      1,\n      {\n        \"b\": 2\n      }\n    ]\n  }\n}\n"
    );
}

#[test]
fn insertion_matches_compact_layout() {
    let text = r#"{"resourceType":"Bundle","type":"searchset"}"#;
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    let out = insert_member(
        text,
        doc.root(),
        "signature",
        r#"{"a":1}"#,
        Style::Neighbours,
    )
    .unwrap();
    assert_eq!(
        out,
        r#"{"resourceType":"Bundle","type":"searchset","signature":{"a":1}}"#
    );
    let doc = fhirsig_jcs::parse(b"{\"x\":[1, 2]}").unwrap();
    let array = doc.root().get("x").unwrap();
    assert_eq!(
        append_elements("{\"x\":[1, 2]}", array, &["3"], Style::Neighbours).unwrap(),
        "{\"x\":[1, 2,3]}"
    );
}

#[test]
fn replacement_keeps_the_rest() {
    let text = "{\"a\": 1, \"signature\": {\"old\": true}, \"z\": 2}";
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    let sig = doc.root().get("signature").unwrap();
    assert_eq!(
        replace_value(text, sig, r#"{"new":1}"#, Style::Neighbours).unwrap(),
        "{\"a\": 1, \"signature\": {\"new\":1}, \"z\": 2}"
    );
}
