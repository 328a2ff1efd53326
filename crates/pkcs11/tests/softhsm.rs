//! Signing through a token: EC and RSA keys, their chain, a thousand signatures in one session.
//! Run by `tests/pkcs11/run.sh` against a SoftHSM2 token it makes (Debian's softhsm2, OpenSC's
//! pkcs11-tool); without a token these are reported as ignored, never as passed. Each file is a
//! process of its own: PKCS#11 login state is shared by every session of a process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use common::{fixture_cert, module, pin};

use std::time::Instant;

use fhirsig_core::jws::{self, Algorithm, AlgorithmPolicy, CompactJws, HeaderBuilder, KeyKind};
use fhirsig_core::jws::{Signer, VerifyingKey};
use fhirsig_pkcs11::Pkcs11Uri;

fn round_trip(signer: &dyn Signer, alg: Algorithm, cert: &str) {
    let header = HeaderBuilder::new(alg).build().unwrap();
    let payload = b"{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}";
    let compact = jws::sign_detached(&header, payload, signer).unwrap();
    let public = VerifyingKey::from_certificate_der(&fixture_cert(cert)).unwrap();
    let parsed = CompactJws::parse(&compact).unwrap();
    jws::verify_detached(&parsed, payload, &public, &AlgorithmPolicy::all_supported())
        .unwrap_or_else(|e| panic!("{alg}: {e}"));
}

#[test]
#[ignore = "needs a SoftHSM2 token: run tests/pkcs11/run.sh"]
fn ec_and_rsa_keys_sign_and_bring_their_chain() {
    let module = module();
    let uri = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;object=ec-signer").unwrap();
    let ec = module.signer(&uri, Some(&pin())).unwrap();
    assert_eq!(ec.kind(), KeyKind::EcP256);
    assert_eq!(
        ec.chain(),
        [
            fixture_cert("leaf-p256.cert.pem"),
            fixture_cert("ca.cert.pem")
        ]
    );
    round_trip(&ec, Algorithm::Es256, "leaf-p256.cert.pem");
    assert!(ec.describe().contains("ec-signer"));

    let uri = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;id=%02").unwrap();
    let rsa = module.signer(&uri, Some(&pin())).unwrap();
    assert_eq!(rsa.kind(), KeyKind::Rsa { bits: 3072 });
    for alg in [
        Algorithm::Rs256,
        Algorithm::Ps256,
        Algorithm::Rs384,
        Algorithm::Ps512,
    ] {
        round_trip(&rsa, alg, "leaf-rsa3072.cert.pem");
    }
    // An EC key cannot do RS256: refused before the token is asked.
    assert!(matches!(
        ec.sign_raw(Algorithm::Rs256, b"x"),
        Err(jws::JwsError::KeyAlgorithmMismatch { .. })
    ));
}

#[test]
#[ignore = "needs a SoftHSM2 token: run tests/pkcs11/run.sh"]
fn p384_and_a_bare_key_with_its_public_key_from_the_caller() {
    let module = module();
    let dir = std::env::var("FHIRSIG_PKCS11_TEST_DIR").unwrap();
    let cert_der = |name: &str| {
        let pem = std::fs::read(format!("{dir}/{name}")).unwrap();
        fhirsig_core::trust::certificates_from_pem(&[&pem]).unwrap()[0]
            .der()
            .to_vec()
    };
    let uri = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;object=p384-signer").unwrap();
    let p384 = module.signer(&uri, Some(&pin())).unwrap();
    assert_eq!(p384.kind(), KeyKind::EcP384);
    assert_eq!(p384.default_algorithm(), Algorithm::Es384);
    let sig = p384.sign_raw(Algorithm::Es384, b"payload").unwrap();
    assert_eq!(sig.len(), 96, "raw r||s");
    let public = VerifyingKey::from_certificate_der(&cert_der("p384.cert.pem")).unwrap();
    public
        .verify_signature(Algorithm::Es384, b"payload", &sig)
        .unwrap();

    // An EC private key object carries no public point: without a certificate or public key
    // on the token the caller must supply it, and it is checked at every signature.
    let bare = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;object=bare-ec").unwrap();
    let err = module.signer(&bare, Some(&pin())).unwrap_err();
    assert!(err.to_string().contains("--cert"), "{err}");
    let right = VerifyingKey::from_certificate_der(&cert_der("bare.cert.pem")).unwrap();
    let signer = module
        .signer_with_public_key(&bare, Some(&pin()), Some(right))
        .unwrap();
    assert!(signer.chain().is_empty());
    let sig = signer.sign_raw(Algorithm::Es256, b"payload").unwrap();
    signer
        .verifying_key()
        .verify_signature(Algorithm::Es256, b"payload", &sig)
        .unwrap();
    // The wrong public key (another P-256 certificate's): every signature is refused.
    let wrong = VerifyingKey::from_certificate_der(&fixture_cert("leaf-p256.cert.pem")).unwrap();
    let signer = module
        .signer_with_public_key(&bare, Some(&pin()), Some(wrong))
        .unwrap();
    let err = signer.sign_raw(Algorithm::Es256, b"payload").unwrap_err();
    assert!(matches!(err, jws::JwsError::KeySource { .. }), "{err}");
    assert_eq!(signer.signature_count(), 0);
}

#[test]
#[ignore = "needs a SoftHSM2 token: run tests/pkcs11/run.sh"]
fn a_thousand_signatures_share_one_session() {
    let module = module();
    let uri = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;object=ec-signer").unwrap();
    let signer = module.signer(&uri, Some(&pin())).unwrap();
    let header = HeaderBuilder::new(Algorithm::Es256).build().unwrap();
    let started = Instant::now();
    for i in 0..1000 {
        let payload = format!("{{\"n\":{i}}}");
        jws::sign_detached(&header, payload.as_bytes(), &signer).unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(signer.signature_count(), 1000);
    println!(
        "1000 ES256 signatures through one SoftHSM2 session in {:.3} s ({:.0}/s)",
        elapsed.as_secs_f64(),
        1000.0 / elapsed.as_secs_f64()
    );
    // For comparison: a new session (open, login, find the key and its certificate) for each
    // signature, as a signer that does not keep its session would.
    let started = Instant::now();
    for i in 0..100 {
        let fresh = module.signer(&uri, Some(&pin())).unwrap();
        let payload = format!("{{\"n\":{i}}}");
        jws::sign_detached(&header, payload.as_bytes(), &fresh).unwrap();
        assert_eq!(fresh.signature_count(), 1);
    }
    let fresh = started.elapsed();
    println!(
        "100 ES256 signatures with a new session each in {:.3} s ({:.0}/s)",
        fresh.as_secs_f64(),
        100.0 / fresh.as_secs_f64()
    );
}
