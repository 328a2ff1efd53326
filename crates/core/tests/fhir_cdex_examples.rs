//! The CDex IG's signed examples: verified with their certificates as trust anchors, rejected
//! where they must be, and re-signed byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use fhirsig_core::fhir::{sign, verify_document, Party, Profile, SignRequest, VerifyOptions};
use fhirsig_core::jws::{AlgorithmPolicy, SigningKey};
use fhirsig_core::trust::{ChainValidator, Indication, TimePolicy, TrustAnchors};

fn options(policy: TimePolicy) -> VerifyOptions {
    let dir = common::suite("cdex").join("keys");
    let org = std::fs::read(dir.join("example_org_cert/cert.pem")).unwrap();
    let provider = std::fs::read(dir.join("example_provider_cert/cert.pem")).unwrap();
    let anchors = TrustAnchors::from_pem(&[&org, &provider]).unwrap();
    VerifyOptions {
        policy: None,
        profile: None,
        algorithms: AlgorithmPolicy::default(),
        validator: Some(ChainValidator::new(anchors)),
        verification_time: common::june_2026(),
        time_policy: policy,
        certificates: Default::default(),
    }
}

fn verify_file(name: &str, policy: TimePolicy) -> Vec<fhirsig_core::fhir::SignatureVerification> {
    let text = std::fs::read(common::suite("cdex").join(name)).unwrap();
    let doc = fhirsig_jcs::parse(&text).unwrap();
    verify_document(&doc, &options(policy))
}

const VERIFYING: [(&str, &str); 4] = [
    ("cdex-searchbundle-digital-sig-example.json", ""),
    ("cdex-document-digital-sig-example.json", ""),
    (
        "cdex-parameters-example2.json",
        "/parameter/7/part/2/resource",
    ),
    ("cdex-questionnaireresponse-example4.json", ""),
];

#[test]
fn every_verifying_example_verifies_with_the_sig_t_warning() {
    for (name, pointer) in VERIFYING {
        let results = verify_file(name, TimePolicy::VerificationTime);
        assert_eq!(results.len(), 1, "{name}: one signature");
        let result = &results[0];
        assert_eq!(result.pointer, pointer, "{name}");
        assert!(result.verified(), "{name}: {}", result.report());
        assert_eq!(result.profile, Some(Profile::Cdex), "{name}");
        for code in [
            "signature-value",
            "certificate-path",
            "signer-identity",
            "sr-cms",
            "signature-type",
            "when-matches-sig-t",
            "target-format",
            "sig-format",
            "payload",
        ] {
            let check = result
                .report()
                .check(code)
                .unwrap_or_else(|| panic!("{name}: no {code}"));
            assert_eq!(check.outcome().as_str(), "pass", "{name}: {check}");
        }
        // sigT (2020) precedes the certificates (2025): a finding, not a failure, by default;
        // and sigT is not in the JAdES form.
        assert_eq!(
            result.report().check("sig-t").unwrap().outcome().as_str(),
            "warn"
        );
        assert!(
            result.report().warnings().any(|w| w.code() != "sig-t"),
            "{name}: sigT-before-notBefore warning"
        );
    }
}

#[test]
fn examples_fail_under_the_signing_time_policy() {
    for (name, _) in VERIFYING {
        let results = verify_file(name, TimePolicy::SigningTime);
        assert!(!results[0].verified(), "{name}");
        assert_eq!(
            results[0].report().sub_indication().unwrap().as_str(),
            "not-yet-valid",
            "{name}"
        );
    }
}

#[test]
fn negative_examples_are_rejected_naming_the_signature_value() {
    for name in [
        "cdex-document-digital-sig-example.HEAD-does-not-verify.json",
        "legacy/cdex-document-digital-sig-example.STU2.1-does-not-verify.json",
        "legacy/cdex-searchbundle-digital-sig-example.STU2.1-does-not-verify.json",
    ] {
        let results = verify_file(name, TimePolicy::VerificationTime);
        assert_eq!(results.len(), 1, "{name}");
        let report = &results[0].report();
        assert_eq!(report.indication(), Indication::Failed, "{name}: {report}");
        let check = report.check("signature-value").unwrap();
        assert_eq!(check.outcome().as_str(), "fail", "{name}: {report}");
        assert_eq!(
            report.sub_indication().unwrap().as_str(),
            "sig-crypto-failure",
            "{name}"
        );
    }
}

#[test]
fn without_trust_anchors_nothing_is_called_trusted() {
    let text = std::fs::read(common::suite("cdex").join(VERIFYING[0].0)).unwrap();
    let doc = fhirsig_jcs::parse(&text).unwrap();
    let mut opts = options(TimePolicy::VerificationTime);
    opts.validator = None;
    let results = verify_document(&doc, &opts);
    assert!(!results[0].verified());
    assert_eq!(results[0].report().indication(), Indication::Indeterminate);
    assert_eq!(
        results[0]
            .report()
            .check("signature-value")
            .unwrap()
            .outcome()
            .as_str(),
        "pass"
    );
}

/// (example, key folder, pointer of the signed object)
const RESIGN: [(&str, &str, &str); 4] = [
    (
        "cdex-searchbundle-digital-sig-example.json",
        "example_org_cert",
        "",
    ),
    (
        "cdex-document-digital-sig-example.json",
        "example_provider_cert",
        "",
    ),
    (
        "cdex-parameters-example2.json",
        "example_provider_cert",
        "/parameter/7/part/2/resource",
    ),
    (
        "cdex-questionnaireresponse-example4.json",
        "example_provider_cert",
        "",
    ),
];

#[test]
fn re_signing_with_the_published_keys_reproduces_signature_data() {
    for (name, key_dir, pointer) in RESIGN {
        let dir = common::suite("cdex");
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let original = verify_document(&doc, &options(TimePolicy::VerificationTime));
        let signature = doc.pointer(&original[0].signature_pointer).unwrap();
        let data = signature.get("data").unwrap().as_str().unwrap().to_owned();
        let jws = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(&data)
                .unwrap(),
        )
        .unwrap();
        let header_b64 = jws.split('.').next().unwrap();
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header_b64)
            .unwrap();
        let key_pem =
            std::fs::read(dir.join("keys").join(key_dir).join("private-key.pem")).unwrap();
        let key = SigningKey::from_pem(&key_pem).unwrap();
        let cert_pem = std::fs::read(dir.join("keys").join(key_dir).join("cert.pem")).unwrap();
        let chain = fhirsig_core::trust::CertificateChain::from_pem(&cert_pem).unwrap();
        let request = SignRequest {
            key: &key,
            chain: chain.to_der_list(),
            profile: Profile::Cdex,
            signing_time: time::OffsetDateTime::UNIX_EPOCH,
            who: Party {
                system: "http://hl7.org/fhir/sid/us-npi".into(),
                value: "0".into(),
                display: None,
            },
            on_behalf_of: None,
            algorithm: None,
            kty_compat: false,
            replace: true,
            exact_header: Some(header),
        };
        let signed = sign(&text, Some(pointer), &request).unwrap();
        assert_eq!(
            signed.jws, jws,
            "{name}: the JWS is reproduced byte for byte"
        );
        let resigned = fhirsig_jcs::parse(signed.text.as_bytes()).unwrap();
        let element = resigned.pointer(&original[0].signature_pointer).unwrap();
        assert_eq!(
            element.get("data").unwrap().as_str().unwrap(),
            data,
            "{name}: Signature.data"
        );
    }
}
