//! Sign → verify for every profile × signed object × algorithm, tamper detection for every
//! single-byte change of a signed Bundle, and every header/Signature-element mismatch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use fhirsig_core::fhir::{
    sign, verify_document, Party, Profile, SignRequest, SignatureVerification, VerifyOptions,
};
use fhirsig_core::jws::{Algorithm, AlgorithmPolicy, SigningKey};
use fhirsig_core::payload::resource_payload;
use fhirsig_core::trust::{CertificateChain, ChainValidator, TimePolicy, TrustAnchors};

const SEARCHSET: &str = r#"{
  "resourceType": "Bundle",
  "id": "s1",
  "meta": { "lastUpdated": "2026-05-02T10:00:00Z" },
  "type": "searchset",
  "total": 1,
  "entry": [
    {
      "fullUrl": "https://ehr.example.org/fhir/Observation/o1",
      "resource": {
        "resourceType": "Observation",
        "id": "o1",
        "meta": { "versionId": "3" },
        "status": "final",
        "code": { "text": "Heart rate — “resting”" },
        "valueQuantity": { "value": 72.50, "unit": "/min" }
      },
      "search": { "mode": "match" }
    }
  ]
}
"#;

const DOCUMENT: &str = r#"{"resourceType":"Bundle","id":"d1","type":"document","timestamp":"2026-05-01T00:00:00Z",
 "entry":[{"fullUrl":"urn:uuid:5f9b1f4e-0000-4000-8000-000000000001","resource":{"resourceType":"Composition","status":"final","title":"Note"}}]}"#;

const COLLECTION: &str = r#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p"}}]}"#;

const QUESTIONNAIRE_RESPONSE: &str = r#"{
  "resourceType": "QuestionnaireResponse",
  "id": "qr1",
  "meta": { "profile": [ "http://hl7.org/fhir/us/davinci-cdex/StructureDefinition/cdex-sdc-questionnaireresponse" ] },
  "status": "completed",
  "item": [
    { "linkId": "1", "text": "Diagnosis", "answer": [ { "valueString": "Examplitis" } ] },
    { "linkId": "2", "answer": [ { "valueDecimal": 1.0 } ] }
  ]
}"#;

/// A signer: key, chain (leaf first), and the anchors that trust it.
struct Signer {
    key: SigningKey,
    chain: Vec<Vec<u8>>,
    alg: Algorithm,
}

fn pki_signers() -> (Vec<Signer>, TrustAnchors) {
    let pki = common::Pki::new(common::june_2026());
    let intermediate = pki.der("intermediate-ca.cert.pem");
    let leaf = |stem: &str, alg: Algorithm| Signer {
        key: SigningKey::from_pem(pki.file(&format!("{stem}.key.pem"))).unwrap(),
        chain: vec![pki.der(&format!("{stem}.cert.pem")), intermediate.clone()],
        alg,
    };
    let mut signers = vec![
        leaf("leaf-rsa", Algorithm::Rs256),
        leaf("leaf-rsa", Algorithm::Ps256),
        leaf("leaf-ec", Algorithm::Es256),
    ];
    // P-384: a self-signed signer certificate made here, trusted as its own anchor.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "P-384 signer");
    params.not_before = time::macros::datetime!(2026-01-01 0:00 UTC);
    params.not_after = time::macros::datetime!(2027-01-01 0:00 UTC);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.subject_alt_names = vec![rcgen::SanType::OtherName((
        vec![2, 16, 840, 1, 113883, 4, 6],
        rcgen::OtherNameValue::Utf8String("1234567893".into()),
    ))];
    let cert = params.self_signed(&key).unwrap();
    signers.push(Signer {
        key: SigningKey::from_pem(key.serialize_pem().as_bytes()).unwrap(),
        chain: vec![cert.der().to_vec()],
        alg: Algorithm::Es384,
    });
    let anchors =
        TrustAnchors::from_pem(&[pki.file("root-ca.cert.pem"), cert.pem().as_bytes()]).unwrap();
    (signers, anchors)
}

fn request<'k>(signer: &'k Signer, profile: Profile) -> SignRequest<'k> {
    SignRequest {
        key: &signer.key,
        chain: signer.chain.clone(),
        profile,
        signing_time: time::macros::datetime!(2026-05-02 10:00:00 UTC),
        who: Party {
            system: "http://hl7.org/fhir/sid/us-npi".into(),
            value: "1234567893".into(),
            display: Some("Example signer".into()),
        },
        on_behalf_of: None,
        algorithm: Some(signer.alg),
        kty_compat: profile == Profile::Cdex2,
        replace: false,
        exact_header: None,
    }
}

fn options(anchors: TrustAnchors, profile: Option<Profile>) -> VerifyOptions {
    VerifyOptions {
        policy: None,
        profile,
        algorithms: AlgorithmPolicy::default(),
        validator: Some(ChainValidator::new(anchors)),
        verification_time: common::june_2026(),
        time_policy: TimePolicy::VerificationTime,
        certificates: Default::default(),
    }
}

fn verify_text(text: &str, options: &VerifyOptions) -> Vec<SignatureVerification> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    verify_document(&doc, options)
}

#[test]
fn every_profile_object_and_algorithm_round_trips() {
    let (signers, anchors) = pki_signers();
    let opts = options(anchors, None);
    let objects = [
        ("searchset", SEARCHSET, ""),
        ("document", DOCUMENT, ""),
        ("collection", COLLECTION, ""),
        ("questionnaire response", QUESTIONNAIRE_RESPONSE, ""),
        ("questionnaire item", QUESTIONNAIRE_RESPONSE, "/item/0"),
    ];
    let mut count = 0;
    for profile in Profile::ALL {
        for signer in &signers {
            for (label, text, pointer) in objects {
                let signed = sign(text, Some(pointer), &request(signer, profile))
                    .unwrap_or_else(|e| panic!("{profile} {:?} {label}: {e}", signer.alg));
                let results = verify_text(&signed.text, &opts);
                let result = results
                    .iter()
                    .find(|r| r.pointer == pointer)
                    .unwrap_or_else(|| {
                        panic!("{profile} {:?} {label}: signature not found", signer.alg)
                    });
                assert!(
                    result.verified(),
                    "{profile} {:?} {label}: {}",
                    signer.alg,
                    result.report()
                );
                assert_eq!(result.profile, Some(profile), "{label}: profile detected");
                count += 1;
            }
        }
    }
    assert_eq!(count, 3 * 4 * 5);
}

#[test]
fn signing_keeps_the_input_text_and_adds_only_the_signature() {
    let (signers, _) = pki_signers();
    let signed = sign(SEARCHSET, None, &request(&signers[2], Profile::Cdex)).unwrap();
    let end = SEARCHSET.find("\n  ]\n").unwrap() + 4;
    assert_eq!(
        &signed.text[..end],
        &SEARCHSET[..end],
        "text before the signature is unchanged"
    );
    assert!(signed.text[end..].starts_with(",\n  \"signature\": {\n    \"type\": ["));
    assert!(signed.text.ends_with("\n  }\n}\n"));
    assert!(
        signed.text.contains("\"value\": 72.50"),
        "number spelling kept"
    );
}

#[test]
fn refuses_what_must_not_be_signed() {
    let (signers, _) = pki_signers();
    let req = request(&signers[0], Profile::Cdex);
    let transaction = r#"{"resourceType":"Bundle","type":"transaction"}"#;
    assert!(sign(transaction, None, &req)
        .unwrap_err()
        .to_string()
        .contains("transaction"));
    let patient = r#"{"resourceType":"Patient"}"#;
    assert!(sign(patient, None, &req).is_err());
    let signed = sign(SEARCHSET, None, &req).unwrap();
    let err = sign(&signed.text, None, &req).unwrap_err();
    assert!(err.to_string().contains("--replace"), "{err}");
    let mut replace = request(&signers[0], Profile::Cdex);
    replace.replace = true;
    let again = sign(&signed.text, None, &replace).unwrap();
    assert_eq!(again.text.matches("\"signature\"").count(), 1);
    // A key that is not the certificate's.
    let mut wrong = request(&signers[0], Profile::Cdex);
    wrong.key = &signers[2].key;
    wrong.algorithm = None;
    assert!(sign(SEARCHSET, None, &wrong)
        .unwrap_err()
        .to_string()
        .contains("does not belong"));
}

/// Replaces the ASCII byte at `i` by another of its class; `None` when there is nothing to vary.
fn mutate(text: &str, i: usize) -> Option<String> {
    let b = text.as_bytes()[i];
    let replacement = match b {
        b'0'..=b'8' => b + 1,
        b'9' => b'0',
        b'a'..=b'y' | b'A'..=b'Y' => b + 1,
        b'z' => b'a',
        b'Z' => b'A',
        b' ' | b'\n' => return None,
        b if b.is_ascii() => b' ',
        _ => return None,
    };
    let mut bytes = text.as_bytes().to_vec();
    bytes[i] = replacement;
    String::from_utf8(bytes).ok()
}

#[test]
fn every_single_byte_change_of_signed_content_is_detected() {
    let (signers, anchors) = pki_signers();
    let opts = options(anchors, Some(Profile::Cdex));
    let signed = sign(SEARCHSET, None, &request(&signers[2], Profile::Cdex)).unwrap();
    let signature_at = signed.text.find("\"signature\"").unwrap();
    let (mut changed_payload, mut unparsable) = (0, 0);
    for i in 0..signature_at {
        let Some(text) = mutate(&signed.text, i) else {
            continue;
        };
        let Ok(doc) = fhirsig_jcs::parse(text.as_bytes()) else {
            unparsable += 1;
            continue;
        };
        let payload = resource_payload(&doc, doc.root(), Profile::Cdex.canonicalization());
        let results = verify_document(&doc, &opts);
        let same = payload.map(|p| p.bytes == signed.payload).unwrap_or(false);
        if same {
            // Outside the signed content (root id or meta): still verifies.
            assert!(
                results[0].verified(),
                "byte {i}: unsigned content must not break it"
            );
        } else {
            changed_payload += 1;
            let verified = results.iter().any(SignatureVerification::verified);
            assert!(
                !verified,
                "byte {i} changed the signed content but still verified"
            );
        }
    }
    assert!(
        changed_payload > 150,
        "{changed_payload} content changes tried"
    );
    assert!(unparsable > 20, "{unparsable} structural changes tried");
}

#[test]
fn every_header_and_signature_element_mismatch_is_detected() {
    let (signers, anchors) = pki_signers();
    let opts = options(anchors, Some(Profile::Cdex));
    let signed = sign(SEARCHSET, None, &request(&signers[2], Profile::Cdex)).unwrap();
    let other = sign(COLLECTION, None, &request(&signers[2], Profile::Cdex)).unwrap();
    let other_data = {
        let doc = fhirsig_jcs::parse(other.text.as_bytes()).unwrap();
        doc.pointer("/signature/data")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    let data = {
        let doc = fhirsig_jcs::parse(signed.text.as_bytes()).unwrap();
        doc.pointer("/signature/data")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "when",
            signed.text.replace(
                "\"when\": \"2026-05-02T10:00:00Z\"",
                "\"when\": \"2026-05-02T10:00:01Z\"",
            ),
            "when-matches-sig-t",
        ),
        (
            "who",
            signed
                .text
                .replace("\"value\": \"1234567893\"", "\"value\": \"1111111111\""),
            "signer-identity",
        ),
        (
            "type",
            signed.text.replace(
                "\"code\": \"1.2.840.10065.1.12.1.5\"",
                "\"code\": \"1.2.840.10065.1.12.1.1\"",
            ),
            "signature-type",
        ),
        (
            "targetFormat",
            signed.text.replace("json#document\"", "json\""),
            "target-format",
        ),
        (
            "sigFormat",
            signed.text.replace(
                "\"sigFormat\": \"application/jose\"",
                "\"sigFormat\": \"application/pkcs7-signature\"",
            ),
            "sig-format",
        ),
        (
            "data from another signature of other content",
            signed.text.replace(&data, &other_data),
            "signature-value",
        ),
        (
            "data not base64",
            signed.text.replace(&data, "not base64!"),
            "signature-data",
        ),
    ];
    for (label, text, code) in cases {
        assert_ne!(text, signed.text, "{label}: the edit applied");
        let results = verify_text(&text, &opts);
        assert!(!results[0].verified(), "{label}: must not verify");
        let check = results[0]
            .report()
            .check(code)
            .unwrap_or_else(|| panic!("{label}: no {code}"));
        assert_eq!(
            check.outcome().as_str(),
            "fail",
            "{label}: {}",
            results[0].report()
        );
    }
    // The other signature verifies on its own, so the swap above failed only for the content.
    assert!(verify_text(&other.text, &opts)[0].verified());
    // Detected profiles: a targetFormat edited to another canonicalisation changes the payload
    // rule, so the signature no longer verifies.
    let mut auto = options(pki_signers().1, None);
    auto.profile = None;
    let edited = signed.text.replace("json#document\"", "json\"");
    assert!(!verify_text(&edited, &auto)[0].verified());
}

#[test]
fn a_wrong_san_signer_fails_identity() {
    let pki = common::Pki::new(common::june_2026());
    let signer = Signer {
        key: SigningKey::from_pem(pki.file("leaf-wrong-san.key.pem")).unwrap(),
        chain: CertificateChain::from_pem(pki.file("leaf-wrong-san.cert.pem"))
            .unwrap()
            .to_der_list(),
        alg: Algorithm::Es256,
    };
    let mut signer_chain = signer.chain;
    signer_chain.push(pki.der("intermediate-ca.cert.pem"));
    let signer = Signer {
        chain: signer_chain,
        ..signer
    };
    let signed = sign(SEARCHSET, None, &request(&signer, Profile::Cdex)).unwrap();
    let anchors = TrustAnchors::from_pem(&[pki.file("root-ca.cert.pem")]).unwrap();
    let results = verify_text(&signed.text, &options(anchors, None));
    assert!(!results[0].verified());
    assert_eq!(
        results[0].report().sub_indication().unwrap().as_str(),
        "sig-constraints-failure"
    );
}

#[test]
fn electronic_signatures_are_present_but_never_verified() {
    let text = r#"{"resourceType":"Bundle","type":"document","signature":{"type":[{"system":"urn:iso-astm:E1762-95:2013","code":"1.2.840.10065.1.12.1.1"}],"when":"2026-01-01T00:00:00Z","who":{"display":"Dr X"},"sigFormat":"image/jpg","data":"/9j/4AAQ"}}"#;
    let (_, anchors) = pki_signers();
    let results = verify_text(text, &options(anchors, None));
    assert_eq!(results.len(), 1);
    assert!(!results[0].verified());
    assert!(matches!(
        results[0].kind,
        fhirsig_core::fhir::SignatureKind::Electronic { .. }
    ));
    let outcome = fhirsig_core::fhir::operation_outcome(&results);
    assert!(outcome.contains("\"code\":\"business-rule\""), "{outcome}");
    assert!(outcome.contains("electronic signature"), "{outcome}");
}

#[test]
fn one_signer_with_two_certificates_uses_the_json_serialization() {
    let pki = common::Pki::new(common::june_2026());
    let key_pem = String::from_utf8(pki.file("leaf-ec.key.pem").to_vec()).unwrap();
    let signer = Signer {
        key: SigningKey::from_pem(key_pem.as_bytes()).unwrap(),
        chain: vec![
            pki.der("leaf-ec.cert.pem"),
            pki.der("intermediate-ca.cert.pem"),
        ],
        alg: Algorithm::Es256,
    };
    // The same key certified a second time, in another "trust community" (self-signed here).
    let same_key = rcgen::KeyPair::from_pem(&key_pem).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "second community");
    params.not_before = time::macros::datetime!(2026-01-01 0:00 UTC);
    params.not_after = time::macros::datetime!(2027-01-01 0:00 UTC);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.subject_alt_names = vec![rcgen::SanType::OtherName((
        vec![2, 16, 840, 1, 113883, 4, 6],
        rcgen::OtherNameValue::Utf8String("1234567893".into()),
    ))];
    let second = params.self_signed(&same_key).unwrap();
    let signed = fhirsig_core::fhir::sign_with_certificates(
        SEARCHSET,
        None,
        &request(&signer, Profile::Cdex),
        &[vec![second.der().to_vec()]],
    )
    .unwrap();
    assert!(
        signed.jws.starts_with("{\"signatures\":["),
        "{}",
        signed.jws
    );
    // Each signer entry is its own result; a verifier in one trust community verifies the entry
    // whose chain reaches its anchor, and reports the other one as not verified.
    for (anchor, verified) in [
        (pki.file("root-ca.cert.pem").to_vec(), [true, false]),
        (second.pem().into_bytes(), [false, true]),
    ] {
        let anchors = TrustAnchors::from_pem(&[&anchor]).unwrap();
        let results = verify_text(&signed.text, &options(anchors, None));
        assert_eq!(results.len(), 2);
        for (i, result) in results.iter().enumerate() {
            assert_eq!(result.verified(), verified[i], "{}", result.report());
            let entry = result.jws_entry.unwrap();
            assert_eq!((entry.index, entry.count), (i, 2));
            assert!(result
                .report()
                .check("jws-format")
                .unwrap()
                .message()
                .contains("2 signature"));
        }
        assert_eq!(results[0].payload_sha256, results[1].payload_sha256);
    }
    // Trusting both communities, both signers verify, each with its own chain.
    let anchors =
        TrustAnchors::from_pem(&[pki.file("root-ca.cert.pem"), second.pem().as_bytes()]).unwrap();
    let results = verify_text(&signed.text, &options(anchors, None));
    assert!(results.iter().all(|r| r.verified()));
    assert_ne!(
        results[0]
            .proof()
            .unwrap()
            .chain()
            .unwrap()
            .anchor_subject(),
        results[1]
            .proof()
            .unwrap()
            .chain()
            .unwrap()
            .anchor_subject()
    );
    // A tampered payload fails every signature.
    let tampered = signed.text.replace("72.50", "72.60");
    let anchors = TrustAnchors::from_pem(&[pki.file("root-ca.cert.pem")]).unwrap();
    let results = verify_text(&tampered, &options(anchors, None));
    assert!(results.iter().all(|r| !r.verified()));
    // An additional chain for another key is refused.
    let other = pki_signers().0;
    let err = fhirsig_core::fhir::sign_with_certificates(
        SEARCHSET,
        None,
        &request(&signer, Profile::Cdex),
        &[other[0].chain.clone()],
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not belong"));
}

#[test]
fn a_document_signature_header_cannot_pass_for_a_resource_signature() {
    let (signers, anchors) = pki_signers();
    let signer = &signers[2];
    let doc = fhirsig_jcs::parse(SEARCHSET.as_bytes()).unwrap();
    let payload = resource_payload(&doc, doc.root(), Profile::Cdex.canonicalization()).unwrap();
    let header = fhirsig_core::jws::HeaderBuilder::new(Algorithm::Es256)
        .certificate(&signer.chain[0])
        .certificate(&signer.chain[1])
        .sig_t("2026-05-02T10:00:00Z")
        .commitment(fhirsig_core::jws::CDEX_VERIFICATION_COMMITMENT, None)
        .member("sigD", r#"{"mId":"http://uri.etsi.org/19182/ObjectIdByURIHash","pars":["x.pdf"],"hashM":"S256","hashV":["AA"]}"#)
        .build()
        .unwrap();
    let jws = fhirsig_core::jws::sign_detached(&header, &payload.bytes, &signer.key).unwrap();
    let signed = sign(SEARCHSET, None, &request(signer, Profile::Cdex)).unwrap();
    let signed_doc = fhirsig_jcs::parse(signed.text.as_bytes()).unwrap();
    let data = signed_doc
        .pointer("/signature/data")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    use base64::Engine as _;
    let forged = signed.text.replace(
        &data,
        &base64::engine::general_purpose::STANDARD.encode(jws),
    );
    let results = verify_text(&forged, &options(anchors, None));
    assert!(!results[0].verified());
    let check = results[0].report().check("jws-format").unwrap();
    assert!(
        results[0]
            .report()
            .checks()
            .iter()
            .any(|c| c.code() == "jws-format" && c.message().contains("sigD")),
        "{check}"
    );
}

#[test]
fn a_warm_certificate_cache_reports_exactly_what_a_cold_one_does() {
    let (signers, anchors) = pki_signers();
    let warm = options(anchors.clone(), None);
    for signer in &signers {
        let signed = sign(SEARCHSET, None, &request(signer, Profile::Cdex)).unwrap();
        // A second signature by the same chain over different content, and a tampered copy.
        let other = sign(DOCUMENT, None, &request(signer, Profile::Cdex)).unwrap();
        let tampered = signed.text.replace("72.50", "72.51");
        for text in [&signed.text, &other.text, &tampered] {
            let cold = verify_text(text, &options(anchors.clone(), None));
            for _ in 0..2 {
                let again = verify_text(text, &warm);
                assert_eq!(
                    format!("{cold:?}"),
                    format!("{again:?}"),
                    "{:?}",
                    signer.alg
                );
            }
        }
        assert!(!verify_text(&tampered, &warm)[0].verified());
    }
    // One entry per distinct chain (a key may sign with several algorithms).
    let mut chains: Vec<&Vec<Vec<u8>>> = signers.iter().map(|s| &s.chain).collect();
    chains.sort();
    chains.dedup();
    assert_eq!(warm.certificates.len(), chains.len());
}

/// A searchset of about `bytes` bytes (Observations with decimals that RFC 8785 rewrites).
fn large_searchset(bytes: usize) -> String {
    let mut entries = Vec::new();
    let mut len = 0;
    let mut i = 0;
    while len < bytes {
        let entry = format!(
            r#"{{"fullUrl":"https://ehr.example.org/fhir/Observation/o{i}","resource":{{"resourceType":"Observation","id":"o{i}","status":"final","code":{{"text":"Heart rate — “resting” {i}"}},"valueQuantity":{{"value":{}.50,"unit":"/min"}}}},"search":{{"mode":"match"}}}}"#,
            60 + i % 40
        );
        len += entry.len() + 1;
        entries.push(entry);
        i += 1;
    }
    format!(
        r#"{{"resourceType":"Bundle","id":"big","meta":{{"lastUpdated":"2026-05-02T10:00:00Z"}},"type":"searchset","total":{i},"entry":[{}]}}"#,
        entries.join(",\n")
    )
}

#[test]
fn payloads_above_a_mebibyte_verify_by_every_algorithm_and_detect_a_change() {
    // ES256/ES384 signatures over payloads of 1 MiB and more are verified from the digest of
    // their signing input (never held whole); RSA keeps the whole input. Same verdicts.
    let (signers, anchors) = pki_signers();
    let opts = options(anchors, None);
    let text = large_searchset(1_300_000);
    for signer in &signers {
        let signed = sign(&text, None, &request(signer, Profile::Cdex)).unwrap();
        let results = verify_text(&signed.text, &opts);
        assert_eq!(results.len(), 1);
        assert!(
            results[0].verified(),
            "{:?}: {}",
            signer.alg,
            results[0].report()
        );
        let doc = fhirsig_jcs::parse(signed.text.as_bytes()).unwrap();
        let payload = resource_payload(
            &doc,
            doc.root(),
            fhirsig_core::canonicalization::Canonicalization::Document,
        )
        .unwrap();
        assert!(payload.bytes.len() > 1 << 20);
        let sha = ring::digest::digest(&ring::digest::SHA256, &payload.bytes);
        let sha: String = sha.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(results[0].payload_sha256.as_deref(), Some(sha.as_str()));
        // One changed digit near the end of the payload.
        let tampered = signed
            .text
            .replacen("\"id\":\"o5000\"", "\"id\":\"o5001\"", 1);
        assert!(tampered != signed.text, "the test changed nothing");
        let results = verify_text(&tampered, &opts);
        assert!(
            !results[0].verified(),
            "{:?}: tampered accepted",
            signer.alg
        );
        assert_eq!(
            results[0]
                .report()
                .check("signature-value")
                .unwrap()
                .message(),
            "signature does not verify",
            "{:?}",
            signer.alg
        );
    }
}

#[test]
fn a_large_payload_with_two_signers_is_written_once_and_verified_by_each() {
    let pki = common::Pki::new(common::june_2026());
    let signer = |stem: &str, alg| Signer {
        key: SigningKey::from_pem(pki.file(&format!("{stem}.key.pem"))).unwrap(),
        chain: vec![
            pki.der(&format!("{stem}.cert.pem")),
            pki.der("intermediate-ca.cert.pem"),
        ],
        alg,
    };
    let ec = signer("leaf-ec", Algorithm::Es256);
    let text = large_searchset(1_200_000);
    let signed = fhirsig_core::fhir::sign_with_certificates(
        &text,
        None,
        &request(&ec, Profile::Cdex),
        std::slice::from_ref(&ec.chain),
    )
    .unwrap();
    assert!(signed.jws.starts_with("{\"signatures\":["));
    let anchors = TrustAnchors::from_pem(&[pki.file("root-ca.cert.pem")]).unwrap();
    let results = verify_text(&signed.text, &options(anchors, None));
    assert_eq!(results.len(), 2);
    for result in &results {
        assert!(result.verified(), "{}", result.report());
    }
    assert_eq!(results[0].payload_sha256, results[1].payload_sha256);
}
