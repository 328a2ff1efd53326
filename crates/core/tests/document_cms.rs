//! CMS (CAdES-BES) detached signatures: RSA and EC round trips with chain validation, tampering,
//! certificate substitution, and OpenSSL-made signatures (with and without signed attributes).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_outcome, june_2026, repo_fixtures, t, Pki};
use fhirsig_core::document::{DocumentDigest, DocumentSigner, DocumentVerifier, SignatureFormat};
use fhirsig_core::jws::SigningKey;
use fhirsig_core::trust::{Outcome, TrustAnchors};
use time::macros::datetime;

const DOC: &[u8] = b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\">C-CDA</ClinicalDocument>\n";

fn sign(pki: &Pki, stem: &str) -> Vec<u8> {
    let key = SigningKey::from_pem(pki.file(&format!("{stem}.key.pem"))).unwrap();
    let chain = vec![
        pki.der(&format!("{stem}.cert.pem")),
        pki.der("intermediate-ca.cert.pem"),
    ];
    let digest = DocumentDigest::from_reader("ccd.xml", DOC).unwrap();
    DocumentSigner::new(&key, chain)
        .signing_time(datetime!(2026-06-01 00:00:00 UTC))
        .sign_cms(&digest)
        .unwrap()
}

#[test]
fn rsa_and_ec_round_trip_with_chain_validation() {
    let pki = Pki::new(june_2026());
    for stem in ["leaf-rsa", "leaf-ec"] {
        let p7s = sign(&pki, stem);
        assert_eq!(SignatureFormat::detect(&p7s), SignatureFormat::Cms);
        if let Some(dir) = std::env::var_os("FHIRSIG_DUMP_CMS") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::write(dir.join(format!("{stem}.p7s")), &p7s).unwrap();
            std::fs::write(dir.join("doc.xml"), DOC).unwrap();
            std::fs::write(dir.join("root.pem"), pki.file("root-ca.cert.pem")).unwrap();
        }
        let verifier = DocumentVerifier::with_chain(pki.validator(), pki.now);
        let report = verifier.verify_cms(&p7s, DOC).unwrap();
        assert_outcome(&report, "passed", None);
        for code in [
            "content-type",
            "document-digest",
            "signing-certificate",
            "signature",
            "signing-time",
            "certificate-path",
        ] {
            assert_eq!(
                report.check(code).map(|c| c.outcome()),
                Some(Outcome::Pass),
                "{stem} {code}:\n{report}"
            );
        }
    }
}

#[test]
fn a_changed_document_is_a_hash_failure() {
    let pki = Pki::new(june_2026());
    let p7s = sign(&pki, "leaf-ec");
    let mut changed = DOC.to_vec();
    changed[10] ^= 0x20;
    let verifier = DocumentVerifier::with_chain(pki.validator(), pki.now);
    let report = verifier.verify_cms(&p7s, changed.as_slice()).unwrap();
    assert_outcome(&report, "failed", Some("hash-failure"));
    assert_eq!(
        report.check("signature").unwrap().outcome(),
        Outcome::Pass,
        "the attributes themselves are intact"
    );
}

#[test]
fn a_changed_signed_attribute_breaks_the_signature() {
    let pki = Pki::new(june_2026());
    let mut p7s = sign(&pki, "leaf-rsa");
    // The signing time "260601000000Z" sits in the signed attributes: make it 1 second later.
    let at = p7s.windows(13).position(|w| w == b"260601000000Z").unwrap();
    p7s[at + 11] = b'1';
    let verifier = DocumentVerifier::with_chain(pki.validator(), pki.now);
    let report = verifier.verify_cms(&p7s, DOC).unwrap();
    assert_outcome(&report, "failed", Some("sig-crypto-failure"));
}

#[test]
fn garbage_is_a_format_failure_and_key_only_is_not_trusted() {
    let pki = Pki::new(june_2026());
    let verifier = DocumentVerifier::with_chain(pki.validator(), pki.now);
    let report = verifier.verify_cms(b"\x30\x03\x02\x01\x01", DOC).unwrap();
    assert_outcome(&report, "failed", Some("format-failure"));

    let p7s = sign(&pki, "leaf-ec");
    let key = SigningKey::from_pem(pki.file("leaf-ec.key.pem")).unwrap();
    let report = DocumentVerifier::with_key(key.verifying_key().clone())
        .verify_cms(&p7s, DOC)
        .unwrap();
    assert_outcome(&report, "passed", None);
    let chain = report.check("certificate-chain").unwrap();
    assert_eq!(chain.outcome(), Outcome::NotChecked);
}

#[test]
fn cms_refuses_keys_it_does_not_sign_with() {
    let key = SigningKey::from_pem(
        &std::fs::read(repo_fixtures("keys").join("ed25519.pkcs8.pem")).unwrap(),
    )
    .unwrap();
    let pki = Pki::new(june_2026());
    let digest = DocumentDigest::from_bytes("x", b"x").unwrap();
    let err = DocumentSigner::new(&key, vec![pki.der("leaf-ec.cert.pem")])
        .sign_cms(&digest)
        .unwrap_err();
    assert!(err.to_string().contains("Ed25519"), "{err}");
    let err = DocumentSigner::new(&key, Vec::new())
        .sign_cms(&digest)
        .unwrap_err();
    assert!(err.to_string().contains("certificate"), "{err}");
}

/// The openssl-made fixture PKI (root RSA, intermediate EC) validates our signatures too.
#[test]
fn openssl_fixture_leaf_signs_and_validates() {
    let dir = repo_fixtures("openssl-pki").join("out");
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let key = SigningKey::from_pem(&read("leaf-good.key.pem")).unwrap();
    let pem_der = |f: &str| {
        use rustls_pki_types::pem::PemObject;
        rustls_pki_types::CertificateDer::from_pem_slice(&read(f))
            .unwrap()
            .to_vec()
    };
    let chain = vec![
        pem_der("leaf-good.cert.pem"),
        pem_der("intermediate.cert.pem"),
    ];
    let digest = DocumentDigest::from_reader("ccd.xml", DOC).unwrap();
    let p7s = DocumentSigner::new(&key, chain).sign_cms(&digest).unwrap();
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let validator = fhirsig_core::trust::ChainValidator::new(anchors);
    let report = DocumentVerifier::with_chain(validator, t("2026-06-01T00:00:00Z"))
        .verify_cms(&p7s, DOC)
        .unwrap();
    assert_outcome(&report, "passed", None);
    assert_eq!(
        report.check("signing-time").unwrap().outcome(),
        Outcome::Warn,
        "no signing time was set"
    );
}
