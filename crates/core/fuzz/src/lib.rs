//! Fixed inputs shared by the fhirsig-core fuzz targets: the committed OpenSSL test PKI
//! (`tests/fixtures/openssl-pki/out`), a fixed verification instant, and a Bundle signed with
//! the PKI's good leaf.
//!
//! Everything is built once per process; the fixtures are trusted test data, so a failure to
//! load them is a bug in the harness and panics with a message.
#![allow(clippy::expect_used)]

use std::sync::OnceLock;

use fhirsig_core::fhir::{sign, Party, Profile, SignRequest, VerifyOptions};
use fhirsig_core::jws::{AlgorithmPolicy, SigningKey, VerifyingKey};
use fhirsig_core::trust::{
    CertificateChain, ChainValidator, Crl, TimePolicy, TrustAnchors, ValidationTimes,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};

/// The OpenSSL test root (valid 2020–2045).
pub const ROOT_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/root.cert.pem");
/// The intermediate that issues the leaves and the CRL.
pub const INTERMEDIATE_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/intermediate.cert.pem");
/// A leaf with NPI 1234567893 in its SAN, valid 2025-06-01–2030-06-01 (P-256).
pub const LEAF_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/leaf-good.cert.pem");
/// The good leaf's PKCS#8 key.
pub const LEAF_KEY_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/leaf-good.key.pem");
/// A leaf the intermediate's CRL revokes.
pub const REVOKED_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/leaf-revoked.cert.pem");
/// The intermediate's CRL (current 2026-05-01–2026-08-01).
pub const CRL_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/intermediate.crl.pem");
/// The root's CRL (revoking nothing, current 2026-05-01–2026-08-01): with the intermediate's,
/// every certificate below the root has a status, as the built-in policies ask once CRLs are
/// given.
pub const ROOT_CRL_PEM: &[u8] =
    include_bytes!("../../../../tests/fixtures/openssl-pki/out/root.crl.pem");

/// The fixed verification instant, 2026-06-01T00:00:00Z: inside every fixture's validity.
pub fn now() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_780_272_000))
}

/// The fixed instant as validation times.
pub fn times() -> ValidationTimes {
    ValidationTimes::at(now())
}

/// One PEM certificate as DER.
pub fn der(pem: &[u8]) -> Vec<u8> {
    CertificateDer::from_pem_slice(pem)
        .expect("fixture certificate PEM")
        .to_vec()
}

/// Anchors holding only the test root.
pub fn anchors() -> TrustAnchors {
    TrustAnchors::from_pem(&[ROOT_PEM]).expect("fixture root")
}

/// The fixture CRL.
pub fn crl() -> Crl {
    Crl::from_pem_or_der(CRL_PEM).expect("fixture CRL")
}

/// A validator trusting the root, with the intermediate's and the root's CRLs.
pub fn validator() -> ChainValidator {
    let root_crl = Crl::from_pem_or_der(ROOT_CRL_PEM).expect("fixture root CRL");
    ChainValidator::new(anchors()).with_crls(vec![crl(), root_crl])
}

/// `[leaf, intermediate]` of a leaf PEM.
pub fn chain(leaf_pem: &[u8]) -> CertificateChain {
    CertificateChain::from_der(vec![der(leaf_pem), der(INTERMEDIATE_PEM)]).expect("fixture chain")
}

/// Verification options: detected profile, default algorithms, the root with its CRL, the fixed
/// instant.
pub fn verify_options() -> VerifyOptions {
    VerifyOptions {
        policy: None,
        profile: None,
        algorithms: AlgorithmPolicy::default(),
        validator: Some(validator()),
        verification_time: now(),
        time_policy: TimePolicy::VerificationTime,
        certificates: Default::default(),
    }
}

/// Options built once per process (building a validator parses certificates).
pub fn shared_verify_options() -> &'static VerifyOptions {
    static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
    OPTIONS.get_or_init(verify_options)
}

/// The good leaf's verifying key.
pub fn leaf_verifying_key() -> &'static VerifyingKey {
    static KEY: OnceLock<VerifyingKey> = OnceLock::new();
    KEY.get_or_init(|| VerifyingKey::from_certificate_der(&der(LEAF_PEM)).expect("fixture leaf"))
}

/// A small searchset Bundle, the document the structured target signs.
pub const BUNDLE: &str = r#"{"resourceType":"Bundle","id":"fuzz","meta":{"versionId":"1"},"type":"searchset","total":1.50,"entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1","name":[{"family":"Müller","given":["Zoë"]}],"birthDate":"1970-01-01"}},{"fullUrl":"urn:uuid:2","resource":{"resourceType":"Observation","id":"2","status":"final","valueQuantity":{"value":1e2,"unit":"mg"}}}]}"#;

/// [`BUNDLE`] signed (CDex profile, ES256) with the good leaf at 2026-05-15T12:00:00Z; the text
/// `verify_document` accepts with [`verify_options`].
pub fn signed_bundle() -> &'static str {
    static SIGNED: OnceLock<String> = OnceLock::new();
    SIGNED.get_or_init(|| {
        let key = SigningKey::from_pem(LEAF_KEY_PEM).expect("fixture key");
        let request = SignRequest {
            key: &key,
            chain: vec![der(LEAF_PEM), der(INTERMEDIATE_PEM)],
            profile: Profile::Cdex,
            signing_time: time::macros::datetime!(2026-05-15 12:00:00 UTC),
            who: Party {
                system: "http://hl7.org/fhir/sid/us-npi".to_owned(),
                value: "1234567893".to_owned(),
                display: None,
            },
            on_behalf_of: None,
            algorithm: None,
            kty_compat: false,
            replace: false,
            exact_header: None,
        };
        sign(BUNDLE, None, &request)
            .expect("fixture signature")
            .text
    })
}
