//! RFC 8785's own examples and its Appendix B number table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common as vectors;

use fhirsig_jcs::{canonicalize, format_number, parse, ParseErrorKind};
use serde_json::Value;

fn examples() -> Value {
    let path = vectors::suite("jcs-rfc8785").join("rfc8785_examples.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_example_is_byte_exact_or_rejected() {
    let examples = examples();
    let cases = examples["cases"].as_array().unwrap();
    assert!(cases.len() >= 6, "suite looks truncated");
    let mut checked = 0;
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        if let Some(expected) = case["expected_output"].as_str() {
            let out = canonicalize(input.as_bytes()).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{id}");
            checked += 1;
        }
        if let Some(hex) = case["expected_output_utf8_hex"].as_str() {
            let bytes: Vec<u8> = hex
                .split_whitespace()
                .map(|h| u8::from_str_radix(h, 16).unwrap())
                .collect();
            assert_eq!(canonicalize(input.as_bytes()).unwrap(), bytes, "{id} (hex)");
            checked += 1;
        }
        if let Some(order) = case["expected_key_order"].as_array() {
            let doc = parse(input.as_bytes()).unwrap();
            let canonical = String::from_utf8(doc.canonical_bytes()).unwrap();
            let reparsed = parse(canonical.as_bytes()).unwrap();
            let keys: Vec<&str> = reparsed.root().members().map(|(k, _)| k).collect();
            let expected: Vec<&str> = order.iter().map(|k| k.as_str().unwrap()).collect();
            assert_eq!(keys, expected, "{id}");
            checked += 1;
        }
        if let Some(order) = case["expected_value_order"].as_array() {
            let canonical = canonicalize(input.as_bytes()).unwrap();
            let reparsed = parse(&canonical).unwrap();
            let values: Vec<&str> = reparsed
                .root()
                .members()
                .map(|(_, v)| v.as_str().unwrap())
                .collect();
            let expected: Vec<&str> = order.iter().map(|k| k.as_str().unwrap()).collect();
            assert_eq!(values, expected, "{id}");
            checked += 1;
        }
        if case.get("expected_result").is_some() {
            let err = canonicalize(input.as_bytes()).unwrap_err();
            assert!(
                matches!(err.kind(), ParseErrorKind::NumberOutOfRange { lexical } if lexical == "1.4e+9999"),
                "{id}: {err}"
            );
            assert_eq!(err.pointer(), "/giantNumber", "{id}");
            checked += 1;
        }
    }
    assert!(checked >= cases.len(), "every case must assert something");
}

#[test]
fn appendix_b_numbers() {
    let examples = examples();
    let samples = examples["appendix_b_number_samples"].as_array().unwrap();
    assert_eq!(samples.len(), 26);
    for sample in samples {
        let bits = u64::from_str_radix(sample["ieee_hex"].as_str().unwrap(), 16).unwrap();
        let value = f64::from_bits(bits);
        match sample["expected"].as_str() {
            Some(expected) => {
                assert_eq!(format_number(value).as_deref(), Some(expected), "{sample}");
                // And through the parser: the expected text canonicalises to itself, and the
                // parsed double is bit-identical (or both zero).
                let doc = parse(expected.as_bytes()).unwrap();
                assert_eq!(doc.canonical_bytes(), expected.as_bytes());
                let parsed = doc.root().as_f64().unwrap();
                assert!(parsed.to_bits() == bits || (parsed == 0.0 && value == 0.0));
            }
            None => assert_eq!(format_number(value), None, "{sample} must be refused"),
        }
    }
}
