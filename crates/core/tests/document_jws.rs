//! Document JWS: RFC 7515 detached content over one document and JAdES `sigD` over several, for
//! every algorithm; tampering, dropping, adding and digest edits are detected and named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use common::{assert_outcome, june_2026, repo_fixtures, Pki};
use fhirsig_core::document::{
    jws_uses_sigd, DocumentDigest, DocumentSigner, DocumentVerifier, JwsContent,
};
use fhirsig_core::jws::{Algorithm, SigningKey};
use fhirsig_core::trust::{Outcome, Report};
use time::macros::datetime;

fn key(name: &str) -> SigningKey {
    SigningKey::from_pem(&std::fs::read(repo_fixtures("keys").join(name)).unwrap()).unwrap()
}

fn docs() -> Vec<DocumentDigest> {
    vec![
        DocumentDigest::from_bytes("ccd.xml", b"<ClinicalDocument>...</ClinicalDocument>")
            .unwrap()
            .with_media_type("application/hl7-cda+xml"),
        DocumentDigest::from_bytes("scan.pdf", b"%PDF-1.7 ...").unwrap(),
        DocumentDigest::from_bytes("notes/visit%201.txt", b"seen today").unwrap(),
    ]
}

fn with_key(key: &SigningKey) -> DocumentVerifier {
    DocumentVerifier::with_key(key.verifying_key().clone())
}

fn check_outcome(report: &Report, code: &str) -> Outcome {
    report
        .check(code)
        .unwrap_or_else(|| panic!("no {code} check:\n{report}"))
        .outcome()
}

/// Every algorithm, with the key that goes with it.
fn keys() -> Vec<(SigningKey, Algorithm)> {
    vec![
        (key("rsa-2048.pkcs8.pem"), Algorithm::Rs256),
        (key("rsa-2048.pkcs8.pem"), Algorithm::Ps256),
        (key("ec-p256.pkcs8.pem"), Algorithm::Es256),
        (key("ec-p384.pkcs8.pem"), Algorithm::Es384),
        (key("ed25519.pkcs8.pem"), Algorithm::EdDsa),
    ]
}

#[test]
fn one_document_round_trips_for_every_algorithm() {
    let document = b"%PDF-1.7\n binary \x00\xff bytes";
    for (key, alg) in keys() {
        let signer = DocumentSigner::new(&key, Vec::new())
            .algorithm(alg)
            .signing_time(datetime!(2026-06-01 10:00:00 UTC));
        let jws = signer.sign_detached(document).unwrap();
        assert!(jws.contains(".."), "{alg}: detached");
        assert_eq!(jws_uses_sigd(&jws), Some(false));
        let report = with_key(&key).verify_jws(&jws, JwsContent::Bytes(document));
        assert_outcome(&report, "passed", None);
        assert_eq!(
            check_outcome(&report, "certificate-chain"),
            Outcome::NotChecked
        );

        let mut tampered = document.to_vec();
        tampered[3] ^= 1;
        let report = with_key(&key).verify_jws(&jws, JwsContent::Bytes(&tampered));
        assert_outcome(&report, "failed", Some("sig-crypto-failure"));
    }
}

#[test]
fn several_documents_round_trip_for_every_algorithm() {
    for (key, alg) in keys() {
        let signer = DocumentSigner::new(&key, Vec::new())
            .algorithm(alg)
            .signing_time(datetime!(2026-06-01 10:00:00 UTC));
        let jws = signer.sign_sigd(&docs()).unwrap();
        assert_eq!(jws_uses_sigd(&jws), Some(true));
        let report = with_key(&key).verify_jws(&jws, JwsContent::Documents(&docs()));
        assert_outcome(&report, "passed", None);
        let digests = report
            .checks()
            .iter()
            .filter(|c| c.code() == "document-digest" && c.outcome() == Outcome::Pass)
            .count();
        assert_eq!(digests, 3, "{alg}");
    }
}

#[test]
fn sigd_header_is_jades_shaped() {
    let key = key("ec-p256.pkcs8.pem");
    let jws = DocumentSigner::new(&key, Vec::new())
        .signing_time(datetime!(2026-06-01 10:00:00 UTC))
        .sign_sigd(&docs()[..2])
        .unwrap();
    let (header, rest) = jws.split_once('.').unwrap();
    assert!(rest.starts_with('.'), "empty payload");
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    assert_eq!(header["sigT"], "2026-06-01T10:00:00Z");
    assert_eq!(header["crit"], serde_json::json!(["sigT", "srCms", "sigD"]));
    let sigd = &header["sigD"];
    assert_eq!(sigd["mId"], "http://uri.etsi.org/19182/ObjectIdByURIHash");
    assert_eq!(sigd["hashM"], "S256");
    assert_eq!(sigd["pars"], serde_json::json!(["ccd.xml", "scan.pdf"]));
    assert_eq!(sigd["hashV"].as_array().unwrap().len(), 2);
    assert!(
        sigd.get("ctys").is_none(),
        "ctys only when every type is known"
    );
}

#[test]
fn a_changed_document_is_named() {
    let key = key("ec-p256.pkcs8.pem");
    let jws = DocumentSigner::new(&key, Vec::new())
        .sign_sigd(&docs())
        .unwrap();
    let mut given = docs();
    given[1] = DocumentDigest::from_bytes("scan.pdf", b"%PDF-1.7 ..!").unwrap();
    let report = with_key(&key).verify_jws(&jws, JwsContent::Documents(&given));
    assert_outcome(&report, "failed", Some("hash-failure"));
    let failed: Vec<_> = report
        .checks()
        .iter()
        .filter(|c| c.outcome() == Outcome::Fail)
        .collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0].evidence_value("uri"), Some("scan.pdf"));
    assert_eq!(check_outcome(&report, "signature"), Outcome::Pass);
}

#[test]
fn a_dropped_document_is_missing_and_an_added_one_is_extra() {
    let key = key("ec-p256.pkcs8.pem");
    let jws = DocumentSigner::new(&key, Vec::new())
        .sign_sigd(&docs())
        .unwrap();
    let dropped = &docs()[..2];
    let report = with_key(&key).verify_jws(&jws, JwsContent::Documents(dropped));
    assert_outcome(&report, "indeterminate", Some("signed-data-not-found"));
    let missing = report.check("document-missing").unwrap();
    assert_eq!(missing.evidence_value("uri"), Some("notes/visit%201.txt"));

    let mut added = docs();
    added.push(DocumentDigest::from_bytes("extra.txt", b"x").unwrap());
    let report = with_key(&key).verify_jws(&jws, JwsContent::Documents(&added));
    assert_outcome(&report, "failed", Some("sig-constraints-failure"));
    let extra = report.check("document-extra").unwrap();
    assert_eq!(extra.evidence_value("uri"), Some("extra.txt"));
}

#[test]
fn a_document_supplied_twice_fails_whichever_copy_comes_first() {
    let key = key("ec-p256.pkcs8.pem");
    let jws = DocumentSigner::new(&key, Vec::new())
        .sign_sigd(&docs())
        .unwrap();
    let changed = DocumentDigest::from_bytes("scan.pdf", b"%PDF-1.7 ..!").unwrap();
    for changed_first in [false, true] {
        let mut given = docs();
        if changed_first {
            given.insert(1, changed.clone());
        } else {
            given.push(changed.clone());
        }
        let report = with_key(&key).verify_jws(&jws, JwsContent::Documents(&given));
        assert_outcome(&report, "failed", Some("sig-constraints-failure"));
        let twice = report
            .checks()
            .iter()
            .find(|c| c.evidence_value("uri") == Some("scan.pdf"))
            .unwrap();
        assert_eq!(twice.outcome(), Outcome::Fail, "{report}");
        assert!(
            twice
                .message()
                .contains("2 documents were supplied as scan.pdf"),
            "{report}"
        );
    }
    // The same bytes twice are refused too: the signed URI names one document.
    let mut given = docs();
    given.push(docs()[1].clone());
    let report = with_key(&key).verify_jws(&jws, JwsContent::Documents(&given));
    assert_outcome(&report, "failed", Some("sig-constraints-failure"));
}

#[test]
fn an_edited_digest_in_the_header_breaks_the_signature() {
    let key = key("rsa-2048.pkcs8.pem");
    let jws = DocumentSigner::new(&key, Vec::new())
        .sign_sigd(&docs())
        .unwrap();
    let (header_b64, rest) = jws.split_once('.').unwrap();
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = String::from_utf8(engine.decode(header_b64).unwrap()).unwrap();
    // Replace the first digest with the digest of a forged document.
    let forged = DocumentDigest::from_bytes("ccd.xml", b"<forged/>").unwrap();
    let original = engine.encode(docs()[0].sha256());
    let edited = header.replace(&original, &engine.encode(forged.sha256()));
    assert_ne!(edited, header);
    let forged_jws = format!("{}.{rest}", engine.encode(edited));
    let mut given = docs();
    given[0] = forged;
    let report = with_key(&key).verify_jws(&forged_jws, JwsContent::Documents(&given));
    assert_outcome(&report, "failed", Some("sig-crypto-failure"));
    assert_eq!(check_outcome(&report, "document-digest"), Outcome::Pass);
}

#[test]
fn certificate_chain_is_validated_from_x5c() {
    let pki = Pki::new(june_2026());
    let key = SigningKey::from_pem(pki.file("leaf-ec.key.pem")).unwrap();
    let chain = vec![
        pki.der("leaf-ec.cert.pem"),
        pki.der("intermediate-ca.cert.pem"),
    ];
    let jws = DocumentSigner::new(&key, chain)
        .signing_time(datetime!(2026-06-01 00:00:00 UTC))
        .sign_sigd(&docs())
        .unwrap();
    let verifier = DocumentVerifier::with_chain(pki.validator(), pki.now);
    let report = verifier.verify_jws(&jws, JwsContent::Documents(&docs()));
    assert_outcome(&report, "passed", None);
    assert_eq!(check_outcome(&report, "certificate-path"), Outcome::Pass);
    assert!(report.check("certificate-chain").is_none());

    // A chain to another root is not trusted.
    let other = Pki::new(june_2026());
    let verifier = DocumentVerifier::with_chain(other.validator(), pki.now);
    let report = verifier.verify_jws(&jws, JwsContent::Documents(&docs()));
    assert_outcome(&report, "indeterminate", Some("no-certificate-chain-found"));
}

#[test]
fn without_x5c_a_chain_verifier_finds_no_signer() {
    let pki = Pki::new(june_2026());
    let key = key("ec-p256.pkcs8.pem");
    let jws = DocumentSigner::new(&key, Vec::new())
        .sign_detached(b"x")
        .unwrap();
    let verifier = DocumentVerifier::with_chain(pki.validator(), pki.now);
    let report = verifier.verify_jws(&jws, JwsContent::Bytes(b"x"));
    assert_outcome(
        &report,
        "indeterminate",
        Some("no-signing-certificate-found"),
    );
}

#[test]
fn malformed_and_mismatched_inputs_are_reported() {
    let key = key("ec-p256.pkcs8.pem");
    let verifier = with_key(&key);
    let report = verifier.verify_jws("not a jws", JwsContent::Bytes(b""));
    assert_outcome(&report, "failed", Some("format-failure"));
    let single = DocumentSigner::new(&key, Vec::new())
        .sign_detached(b"x")
        .unwrap();
    let report = verifier.verify_jws(&single, JwsContent::Documents(&docs()));
    assert_outcome(&report, "indeterminate", Some("signed-data-not-found"));
    let report = verifier.verify_jws(&single, JwsContent::Bytes(b"x"));
    assert!(report.passed(), "{report}");
}
