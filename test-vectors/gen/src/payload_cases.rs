//! `payload/`: which bytes a FHIR signature covers, per canonicalisation rule, and the rules and
//! objects fhirsig refuses.

use fhirsig_core::canonicalization::{Canonicalization, CDEX_DOCUMENT_URI, R6_JSON_URI};
use fhirsig_core::payload::{item_payload, resource_payload};

use crate::case::{Case, Expect, GenResult, Input, Operation};
use crate::documents;

const AREA: &str = "payload";

/// Adds every `payload/` case.
pub fn add(cases: &mut Vec<Case>) -> GenResult<()> {
    let signed_bundle = documents::SEARCHSET_WITH_SIGNATURE;
    for (uri, label, removed) in [
        (
            CDEX_DOCUMENT_URI,
            "cdex",
            "the root id, meta and signature are removed",
        ),
        (
            R6_JSON_URI,
            "r6",
            "only the root signature is removed; id and meta are signed",
        ),
    ] {
        for (kind, text) in [
            ("searchset", signed_bundle),
            ("document", documents::DOCUMENT),
            ("collection", documents::COLLECTION),
        ] {
            ok(
                cases,
                &format!("{label}-bundle-{kind}"),
                &format!(
                    "A {kind} Bundle under {uri}: {removed}. Everything below the root (entry \
                     fullUrl, entry resource id and meta, search) is signed."
                ),
                text,
                Some(uri),
                None,
            )?;
        }
        ok(
            cases,
            &format!("{label}-questionnaire-response"),
            &format!(
                "A QuestionnaireResponse under {uri}: its signature extension is removed and its \
                 other extensions are kept ({removed})."
            ),
            documents::QR_WITH_EXTENSIONS,
            Some(uri),
            None,
        )?;
    }
    ok(
        cases,
        "cdex-qr-only-signature-extension",
        "A QuestionnaireResponse whose only extension is the signature: the extension array left \
         empty is deleted, not written as [].",
        documents::QR_ONLY_SIGNATURE_EXTENSION,
        Some(CDEX_DOCUMENT_URI),
        None,
    )?;
    ok(
        cases,
        "item-rule",
        "A QuestionnaireResponse item (CDex CONF-036): the item minus its id and its signature \
         extension; nested items are signed as they are, their ids and signature extensions \
         included. No canonicalization member: the item rule has no URI.",
        documents::QR_WITH_EXTENSIONS,
        None,
        Some("/item/1"),
    )?;
    ok(
        cases,
        "item-rule-nested-answer-item",
        "A signed item nested under an answer, selected by its pointer: the item rule removes its \
         own id and signature extension.",
        documents::QR_WITH_EXTENSIONS,
        None,
        Some("/item/1/answer/0/item/0"),
    )?;
    ok(
        cases,
        "cdex-bundle-in-parameters",
        "The Bundle inside a $submit-attachment Parameters, selected by pointer; the Parameters \
         around it are not signed.",
        documents::PARAMETERS,
        Some(CDEX_DOCUMENT_URI),
        Some("/parameter/1/part/1/resource"),
    )?;
    ok(
        cases,
        "cdex-decimal-precision",
        "72.50 is signed as 72.5 and 1.0 as 1: a FHIR decimal's precision is not protected by a \
         JCS signature (fhirsig warns).",
        documents::DECIMALS,
        Some(CDEX_DOCUMENT_URI),
        None,
    )?;
    refusals(cases);
    Ok(())
}

fn refusals(cases: &mut Vec<Case>) {
    let c = Expect::CanonicalizationFailure;
    let base = "http://hl7.org/fhir/canonicalization/";
    let list: Vec<(&str, &str, &str, String, &'static str)> = vec![
        ("uri-data", "The #data variant (narrative removed) is not used by CDex and not implemented.", documents::DOCUMENT, format!("{base}json#data"), "unsupported-canonicalization"),
        ("uri-static", "The #static variant is not implemented.", documents::DOCUMENT, format!("{base}json#static"), "unsupported-canonicalization"),
        ("uri-narrative", "The #narrative variant is not implemented.", documents::DOCUMENT, format!("{base}json#narrative"), "unsupported-canonicalization"),
        ("uri-xml", "XML canonicalisation needs XHTML canonicalisation; CDex signatures are JSON-only.", documents::DOCUMENT, format!("{base}xml"), "unsupported-canonicalization"),
        ("uri-unknown-fhir", "An unknown rule under FHIR's canonicalization namespace.", documents::DOCUMENT, format!("{base}json#everything"), "unknown-canonicalization"),
        ("uri-unknown", "Plain RFC 8785 named by a non-FHIR URI is not a FHIR payload rule.", documents::DOCUMENT, "https://www.rfc-editor.org/rfc/rfc8785".to_owned(), "unknown-canonicalization"),
        ("unsigned-resource-type", "A Patient is not a signed object: FHIR JSON signatures cover a Bundle, a QuestionnaireResponse or an item.", r#"{"resourceType":"Patient","id":"p1","active":true}"#, CDEX_DOCUMENT_URI.to_owned(), "unsupported-resource-type"),
        ("unsigned-resource-type-r6", "An Observation is not a signed object under the R6 rule either.", r#"{"resourceType":"Observation","status":"final"}"#, R6_JSON_URI.to_owned(), "unsupported-resource-type"),
        ("missing-resource-type", "An object without resourceType is not a FHIR resource.", r#"{"type":"searchset","entry":[]}"#, CDEX_DOCUMENT_URI.to_owned(), "missing-resource-type"),
        ("not-an-object", "An array is not a FHIR resource.", r#"[{"resourceType":"Bundle","type":"collection"}]"#, CDEX_DOCUMENT_URI.to_owned(), "not-an-object"),
    ];
    for (name, why, input, uri, check) in list {
        let mut case = Case::new(AREA, name, Operation::Payload, c, why, json(input));
        case.canonicalization = Some(uri);
        case.expect_check = Some(check);
        cases.push(case);
    }
    let mut case = Case::new(
        AREA,
        "number-out-of-range",
        Operation::Payload,
        c,
        "A Bundle holding 1e400: no double, so no canonical payload.",
        Input::Text(r#"{"resourceType":"Bundle","type":"collection","total":1e400}"#.to_owned()),
    );
    case.canonicalization = Some(CDEX_DOCUMENT_URI.to_owned());
    case.expect_check = Some("number-out-of-range");
    cases.push(case);
    let mut case = Case::new(
        AREA,
        "duplicate-member",
        Operation::Payload,
        Expect::ParseFailure,
        "A Bundle with a duplicate member is not I-JSON, so it has no payload.",
        Input::Text(
            r#"{"resourceType":"Bundle","type":"collection","type":"document"}"#.to_owned(),
        ),
    );
    case.canonicalization = Some(CDEX_DOCUMENT_URI.to_owned());
    case.expect_check = Some("duplicate-member");
    cases.push(case);
}

fn json(t: &str) -> Input {
    Input::Json(t.to_owned())
}

fn ok(
    cases: &mut Vec<Case>,
    name: &str,
    description: &str,
    text: &str,
    uri: Option<&str>,
    pointer: Option<&str>,
) -> GenResult<()> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
    let node = doc
        .pointer(pointer.unwrap_or(""))
        .ok_or_else(|| format!("{name}: no object at the pointer"))?;
    let payload = match uri {
        Some(uri) => resource_payload(&doc, node, Canonicalization::from_uri(uri)?),
        None => item_payload(&doc, node),
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let mut case = Case::new(
        AREA,
        name,
        Operation::Payload,
        Expect::Success,
        description,
        Input::Json(text.to_owned()),
    );
    case.canonicalization = uri.map(str::to_owned);
    case.pointer = pointer.map(str::to_owned);
    case.expected_canonical = Some(String::from_utf8(payload.bytes)?);
    cases.push(case);
    Ok(())
}
