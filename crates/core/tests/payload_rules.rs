//! Payload selection: the CDex examples' signed bytes, reproduced exactly, and each rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::locate::locate;
use fhirsig_core::payload::{item_payload, resource_payload, SignedObject};

/// (example file, derived payload file, pointer of the signed object)
const CDEX_PAYLOADS: &[(&str, &str, &str)] = &[
    (
        "cdex-searchbundle-digital-sig-example.json",
        "cdex-searchbundle-digital-sig-example.payload.jcs.json",
        "",
    ),
    (
        "cdex-document-digital-sig-example.json",
        "cdex-document-digital-sig-example.payload.jcs.json",
        "",
    ),
    (
        "cdex-parameters-example2.json",
        "cdex-parameters-example2.bundle.payload.jcs.json",
        "/parameter/7/part/2/resource",
    ),
    (
        "cdex-questionnaireresponse-example4.json",
        "cdex-questionnaireresponse-example4.payload.jcs.json",
        "",
    ),
];

#[test]
fn cdex_examples_reproduce_the_published_payload_bytes() {
    let dir = common::suite("cdex");
    let derived = std::fs::read_dir(dir.join("derived")).unwrap().count();
    assert_eq!(
        derived,
        CDEX_PAYLOADS.len(),
        "every derived file must be covered"
    );
    for (example, payload_file, pointer) in CDEX_PAYLOADS {
        let input = std::fs::read(dir.join(example)).unwrap();
        let expected = std::fs::read(dir.join("derived").join(payload_file)).unwrap();
        let doc = fhirsig_jcs::parse(&input).unwrap();
        let located = locate(&doc);
        let target = located
            .iter()
            .find(|l| l.pointer == *pointer)
            .unwrap_or_else(|| panic!("{example}: nothing signable at {pointer:?}"));
        assert!(target.is_signed(), "{example}: signature not found");
        let payload = resource_payload(&doc, target.node, Canonicalization::Document).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&payload.bytes),
            String::from_utf8_lossy(&expected),
            "{example}"
        );
        assert!(payload.number_changes.is_empty(), "{example}");
    }
}

#[test]
fn head_document_example_differs_from_what_was_signed() {
    // Entry-level meta was added after signing: the payload must include it (and so differ).
    let dir = common::suite("cdex");
    let input =
        std::fs::read(dir.join("cdex-document-digital-sig-example.HEAD-does-not-verify.json"))
            .unwrap();
    let signed =
        std::fs::read(dir.join("derived/cdex-document-digital-sig-example.payload.jcs.json"))
            .unwrap();
    let doc = fhirsig_jcs::parse(&input).unwrap();
    let payload = resource_payload(&doc, doc.root(), Canonicalization::Document).unwrap();
    assert_ne!(payload.bytes, signed);
}

#[test]
fn bundle_rules_differ_only_at_the_root() {
    let input = br#"{"resourceType":"Bundle","id":"b1","meta":{"lastUpdated":"2024-01-01T00:00:00Z"},
        "type":"document","signature":{"data":"AA=="},
        "entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Composition","id":"c","meta":{"versionId":"1"}}}]}"#;
    let doc = fhirsig_jcs::parse(input).unwrap();
    let document = resource_payload(&doc, doc.root(), Canonicalization::Document).unwrap();
    assert_eq!(
        String::from_utf8(document.bytes).unwrap(),
        r#"{"entry":[{"fullUrl":"urn:uuid:1","resource":{"id":"c","meta":{"versionId":"1"},"resourceType":"Composition"}}],"resourceType":"Bundle","type":"document"}"#
    );
    let json = resource_payload(&doc, doc.root(), Canonicalization::Json).unwrap();
    assert_eq!(
        String::from_utf8(json.bytes).unwrap(),
        r#"{"entry":[{"fullUrl":"urn:uuid:1","resource":{"id":"c","meta":{"versionId":"1"},"resourceType":"Composition"}}],"id":"b1","meta":{"lastUpdated":"2024-01-01T00:00:00Z"},"resourceType":"Bundle","type":"document"}"#
    );
}

const SIG_EXT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature";

#[test]
fn questionnaire_response_keeps_other_extensions_and_drops_an_emptied_array() {
    let with_other = format!(
        r#"{{"resourceType":"QuestionnaireResponse","id":"q","meta":{{}},"status":"completed",
        "extension":[{{"url":"http://example.org/x","valueString":"keep"}},{{"url":"{SIG_EXT}","valueSignature":{{}}}}]}}"#
    );
    let doc = fhirsig_jcs::parse(with_other.as_bytes()).unwrap();
    let payload = resource_payload(&doc, doc.root(), Canonicalization::Document).unwrap();
    assert_eq!(payload.object, SignedObject::QuestionnaireResponse);
    assert_eq!(
        String::from_utf8(payload.bytes).unwrap(),
        r#"{"extension":[{"url":"http://example.org/x","valueString":"keep"}],"resourceType":"QuestionnaireResponse","status":"completed"}"#
    );
    let only_signature = format!(
        r#"{{"resourceType":"QuestionnaireResponse","status":"completed","extension":[{{"url":"{SIG_EXT}","valueSignature":{{}}}}]}}"#
    );
    let doc = fhirsig_jcs::parse(only_signature.as_bytes()).unwrap();
    let payload = resource_payload(&doc, doc.root(), Canonicalization::Document).unwrap();
    assert_eq!(
        String::from_utf8(payload.bytes).unwrap(),
        r#"{"resourceType":"QuestionnaireResponse","status":"completed"}"#
    );
}

#[test]
fn item_payload_strips_only_the_item_id_and_signature() {
    let input = format!(
        r#"{{"resourceType":"QuestionnaireResponse","status":"completed","item":[
          {{"linkId":"1","id":"i1","extension":[{{"url":"{SIG_EXT}","valueSignature":{{"data":"AA=="}}}}],
            "answer":[{{"valueDecimal":2.50,"item":[{{"linkId":"1.1","id":"nested"}}]}}]}}]}}"#
    );
    let doc = fhirsig_jcs::parse(input.as_bytes()).unwrap();
    let located = locate(&doc);
    let item = located
        .iter()
        .find(|l| l.object == SignedObject::QuestionnaireResponseItem)
        .unwrap();
    assert_eq!(item.pointer, "/item/0");
    let payload = item_payload(&doc, item.node).unwrap();
    assert_eq!(
        String::from_utf8(payload.bytes).unwrap(),
        r#"{"answer":[{"item":[{"id":"nested","linkId":"1.1"}],"valueDecimal":2.5}],"linkId":"1"}"#
    );
    assert_eq!(payload.number_changes.len(), 1);
    assert_eq!(
        payload.number_changes.listed()[0].pointer,
        "/item/0/answer/0/valueDecimal"
    );
    assert_eq!(payload.number_changes.listed()[0].lexical, "2.50");
    assert_eq!(payload.number_changes.listed()[0].canonical, "2.5");
}

#[test]
fn decimal_precision_changes_are_reported_inside_the_payload_only() {
    let input = br#"{"resourceType":"Bundle","meta":{"x":1.0},"type":"collection","entry":[
        {"resource":{"resourceType":"Observation","valueQuantity":{"value":72.50}}},
        {"resource":{"resourceType":"Observation","valueQuantity":{"value":1e2}}},
        {"resource":{"resourceType":"Observation","valueQuantity":{"value":0.1}}},
        {"resource":{"resourceType":"Observation","valueInteger":-0}},
        {"resource":{"resourceType":"Observation","valueDecimal":123456789012345678}}]}"#;
    let doc = fhirsig_jcs::parse(input).unwrap();
    let payload = resource_payload(&doc, doc.root(), Canonicalization::Document).unwrap();
    let changes: Vec<(&str, &str, &str)> = payload
        .number_changes
        .listed()
        .iter()
        .map(|c| (c.pointer.as_str(), c.lexical.as_str(), c.canonical.as_str()))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("/entry/0/resource/valueQuantity/value", "72.50", "72.5"),
            ("/entry/1/resource/valueQuantity/value", "1e2", "100"),
            ("/entry/3/resource/valueInteger", "-0", "0"),
            (
                "/entry/4/resource/valueDecimal",
                "123456789012345678",
                "123456789012345680"
            ),
        ],
        "meta (removed) is not reported; 0.1 is unchanged"
    );
}

#[test]
fn unsigned_resource_types_are_refused() {
    let doc = fhirsig_jcs::parse(br#"{"resourceType":"Patient","id":"p"}"#).unwrap();
    let err = resource_payload(&doc, doc.root(), Canonicalization::Document).unwrap_err();
    assert!(err.to_string().contains("Patient"), "{err}");
    let doc = fhirsig_jcs::parse(br#"{"id":"p"}"#).unwrap();
    assert!(resource_payload(&doc, doc.root(), Canonicalization::Document).is_err());
    let doc = fhirsig_jcs::parse(br#"[1]"#).unwrap();
    assert!(resource_payload(&doc, doc.root(), Canonicalization::Document).is_err());
}

#[test]
fn locates_documents_inside_tasks_and_parameters() {
    let input = br##"{"resourceType":"Task","contained":[{"resourceType":"Bundle","id":"doc","type":"document","signature":{"data":"AA=="}}],
        "output":[{"valueReference":{"reference":"#doc"}}]}"##;
    let doc = fhirsig_jcs::parse(input).unwrap();
    let located = locate(&doc);
    assert_eq!(located.len(), 1);
    assert_eq!(located[0].pointer, "/contained/0");
    assert!(located[0].is_signed());
}
