//! Path building against hostile inputs: a pool of 1,000 look-alike intermediates and a
//! 50-deep chain end in a clean refusal that says why, within the builder's budget (signature
//! checks, candidates, depth). The elapsed time is printed, not asserted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::time::Instant;

use fhirsig_core::report::CheckCode;
use fhirsig_core::trust::{CertificateChain, ChainValidator, TrustAnchors, ValidationTimes};
use fhirsig_core::UnixTime;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap()
}

fn instant() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(now().unix_timestamp()).unwrap(),
    ))
}

fn ca(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = now() - Duration::days(10);
    p.not_after = now() + Duration::days(10);
    p.use_authority_key_identifier_extension = true;
    p
}

fn leaf() -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, "budget leaf");
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.not_before = now() - Duration::days(1);
    p.not_after = now() + Duration::days(1);
    p.use_authority_key_identifier_extension = true;
    p
}

fn root() -> (String, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = ca("budget root");
    params.use_authority_key_identifier_extension = false;
    let pem = params.self_signed(&key).unwrap().pem();
    (pem, Issuer::new(params, key))
}

fn path_check(validator: &ChainValidator, chain_pem: &str) -> (fhirsig_core::Check, bool) {
    let chain = CertificateChain::from_pem(chain_pem.as_bytes()).unwrap();
    let started = Instant::now();
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(instant()));
    println!("validated in {:?}", started.elapsed());
    (
        report.check(CheckCode::CertificatePath).unwrap().clone(),
        verified.is_some(),
    )
}

#[test]
fn a_thousand_look_alike_intermediates_exhaust_the_budget_cleanly() {
    let (root_pem, root) = root();
    // The real intermediate signs the leaf; 1,000 others share its name and its key
    // identifier (anyone can write any SKI) but not its key, so each costs a signature check.
    let real_key = KeyPair::generate().unwrap();
    let mut real = ca("budget intermediate");
    real.key_identifier_method = KeyIdMethod::PreSpecified(vec![7; 20]);
    let real_pem = real.signed_by(&real_key, &root).unwrap().pem();
    let real = Issuer::new(real, real_key);
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &real)
        .unwrap()
        .pem();
    let mut pool = String::new();
    for i in 0..1000 {
        let mut fake = ca("budget intermediate");
        fake.key_identifier_method = KeyIdMethod::PreSpecified(vec![7; 20]);
        fake.serial_number = Some(rcgen::SerialNumber::from(i as u64 + 10));
        pool.push_str(
            &fake
                .signed_by(&KeyPair::generate().unwrap(), &root)
                .unwrap()
                .pem(),
        );
    }
    let anchors = TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap();
    let validator = ChainValidator::new(anchors.clone())
        .with_intermediates_pem(&[pool.as_bytes(), real_pem.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(!verified);
    assert!(
        check.message().contains("gave up within its budget"),
        "{check}"
    );
    // Without the look-alikes the same leaf verifies.
    let validator = ChainValidator::new(anchors)
        .with_intermediates_pem(&[real_pem.as_bytes()])
        .unwrap();
    let (check, _) = path_check(&validator, &leaf_pem);
    assert!(check.failure().is_none(), "{check}");
}

#[test]
fn a_thousand_intermediates_with_other_key_ids_are_skipped() {
    // Look-alikes whose key identifiers differ are not even signature-checked: the real
    // issuer is found behind them.
    let (root_pem, root) = root();
    let mut pool = String::new();
    for i in 0..1000 {
        let mut fake = ca("budget intermediate");
        fake.key_identifier_method = KeyIdMethod::PreSpecified((i as u32).to_be_bytes().to_vec());
        pool.push_str(
            &fake
                .signed_by(&KeyPair::generate().unwrap(), &root)
                .unwrap()
                .pem(),
        );
    }
    let real_key = KeyPair::generate().unwrap();
    let real = ca("budget intermediate");
    let real_pem = real.signed_by(&real_key, &root).unwrap().pem();
    let real = Issuer::new(real, real_key);
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &real)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
        .with_intermediates_pem(&[pool.as_bytes(), real_pem.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(check.failure().is_none(), "{check}");
    assert!(verified);
}

#[test]
fn a_fifty_deep_chain_stops_at_the_depth_limit() {
    let (root_pem, root) = root();
    let mut issuer = root;
    let mut pool = String::new();
    for depth in 0..50 {
        let key = KeyPair::generate().unwrap();
        let params = ca(&format!("budget depth {depth}"));
        pool.push_str(&params.signed_by(&key, &issuer).unwrap().pem());
        issuer = Issuer::new(params, key);
    }
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &issuer)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
        .with_intermediates_pem(&[pool.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(!verified);
    assert!(check.message().contains("depth limit"), "{check}");
}

#[test]
fn a_cycle_of_cross_signed_cas_ends() {
    // A and B certify each other and neither leads to the anchor.
    let (root_pem, _) = root();
    let a_key = KeyPair::generate().unwrap();
    let b_key = KeyPair::generate().unwrap();
    let a = Issuer::new(ca("budget A"), KeyPair::generate().unwrap());
    let b_params = ca("budget B");
    let b_by_a = b_params.signed_by(&b_key, &a).unwrap().pem();
    let b = Issuer::new(b_params, b_key);
    let a_params = ca("budget A");
    let a_by_b = a_params.signed_by(&a_key, &b).unwrap().pem();
    let a = Issuer::new(a_params, a_key);
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &a)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
        .with_intermediates_pem(&[a_by_b.as_bytes(), b_by_a.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(!verified);
    assert!(check.failure().is_some(), "{check}");
}

#[test]
fn a_loop_of_intermediates_is_named_as_a_loop() {
    // A and B certify each other with their real keys: the path leaf → A → B → A loops, and no
    // anchor is named A or B. The refusal says so, not that A is missing.
    let (root_pem, _) = root();
    let a_key = KeyPair::generate().unwrap();
    let b_key = KeyPair::generate().unwrap();
    let copy = |k: &KeyPair| KeyPair::from_pem(&k.serialize_pem()).unwrap();
    let a = Issuer::new(ca("budget A"), copy(&a_key));
    let b = Issuer::new(ca("budget B"), copy(&b_key));
    let a_by_b = ca("budget A").signed_by(&a_key, &b).unwrap().pem();
    let b_by_a = ca("budget B").signed_by(&b_key, &a).unwrap().pem();
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &a)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
        .with_intermediates_pem(&[a_by_b.as_bytes(), b_by_a.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(!verified);
    let message = check.message();
    assert!(message.contains("already on the path"), "{check}");
    assert!(message.contains("CN=budget A"), "{check}");
    assert!(!message.contains("no certificate named"), "{check}");
}

#[test]
fn a_missing_issuer_further_up_is_named_with_the_certificate_it_issued() {
    // leaf → A is there; A's issuer B is not: the refusal names B as A's issuer.
    let (root_pem, _) = root();
    let a_key = KeyPair::generate().unwrap();
    let b = Issuer::new(ca("budget B"), KeyPair::generate().unwrap());
    let a_by_b = ca("budget A").signed_by(&a_key, &b).unwrap().pem();
    let a = Issuer::new(ca("budget A"), a_key);
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &a)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
        .with_intermediates_pem(&[a_by_b.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(!verified);
    let message = check.message();
    assert!(
        message.contains("no certificate named CN=budget B (the issuer of CN=budget A)"),
        "{check}"
    );
}

#[test]
fn a_self_signed_ca_given_as_an_intermediate_is_named_as_not_an_anchor() {
    let (root_pem, _) = root();
    let rogue_key = KeyPair::generate().unwrap();
    let mut params = ca("budget rogue root");
    params.use_authority_key_identifier_extension = false;
    let rogue_pem = params.self_signed(&rogue_key).unwrap().pem();
    let rogue = Issuer::new(params, rogue_key);
    let leaf_pem = leaf()
        .signed_by(&KeyPair::generate().unwrap(), &rogue)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
        .with_intermediates_pem(&[rogue_pem.as_bytes()])
        .unwrap();
    let (check, verified) = path_check(&validator, &leaf_pem);
    assert!(!verified);
    assert!(
        check
            .message()
            .contains("CN=budget rogue root is self-signed"),
        "{check}"
    );
}
