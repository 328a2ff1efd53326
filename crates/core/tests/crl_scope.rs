//! CRLs whose scope does not cover the certificate (RFC 5280 §5.2.5, §6.3.3 (b): an
//! `issuingDistributionPoint` for another distribution point or other certificate kinds) or
//! whose issuer may not sign CRLs (§6.3.3 (f)) never prove "not revoked": the revocation entry
//! is TRY_LATER, and the chain is not verified. A CRL that lists the certificate revokes it
//! whatever its scope. (The openssl-made cases in pkix_openssl.rs cover the scopes that do
//! cover a certificate.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use fhirsig_core::report::{CheckCode, Indication, Outcome, SubIndication};
use fhirsig_core::trust::{CertificateChain, ChainValidator, Crl, TrustAnchors, ValidationTimes};
use fhirsig_core::UnixTime;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CrlDistributionPoint,
    CrlIssuingDistributionPoint, CrlScope, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose, RevokedCertParams, SerialNumber,
};
use time::{Duration, OffsetDateTime};

struct Pki {
    root_pem: String,
    leaf_pem: String,
    issuer: Issuer<'static, KeyPair>,
    now: OffsetDateTime,
}

fn pki(root_usages: Vec<KeyUsagePurpose>) -> Pki {
    let now = OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap();
    let mut root = CertificateParams::default();
    root.distinguished_name
        .push(DnType::CommonName, "crl scope root");
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.key_usages = root_usages;
    root.not_before = now - Duration::days(30);
    root.not_after = now + Duration::days(30);
    root.key_identifier_method = KeyIdMethod::Sha256;
    let root_key = KeyPair::generate().unwrap();
    let root_pem = root.self_signed(&root_key).unwrap().pem();
    // The CRL is signed with the same name and key by a copy of the root that may sign CRLs
    // (rcgen refuses otherwise): the anchor's own KeyUsage is what verification judges.
    let mut signer = root;
    signer.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let signer_key = KeyPair::from_pem(&root_key.serialize_pem()).unwrap();
    let issuer = Issuer::new(signer, signer_key);
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name
        .push(DnType::CommonName, "crl scope leaf");
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.not_before = now - Duration::days(1);
    leaf.not_after = now + Duration::days(10);
    leaf.serial_number = Some(SerialNumber::from_slice(&[7]));
    leaf.use_authority_key_identifier_extension = true;
    let leaf_pem = leaf
        .signed_by(&KeyPair::generate().unwrap(), &issuer)
        .unwrap()
        .pem();
    Pki {
        root_pem,
        leaf_pem,
        issuer,
        now,
    }
}

fn crl(pki: &Pki, scope: Option<CrlScope>, revoked: Vec<RevokedCertParams>) -> Crl {
    let params = CertificateRevocationListParams {
        this_update: pki.now - Duration::hours(1),
        next_update: pki.now + Duration::days(7),
        crl_number: SerialNumber::from_slice(&[1]),
        issuing_distribution_point: scope.map(|scope| CrlIssuingDistributionPoint {
            distribution_point: CrlDistributionPoint {
                uris: vec!["http://crl.example.org/ca.crl".into()],
            },
            scope: Some(scope),
        }),
        revoked_certs: revoked,
        key_identifier_method: KeyIdMethod::Sha256,
    };
    Crl::from_pem_or_der(
        params
            .signed_by(&pki.issuer)
            .unwrap()
            .pem()
            .unwrap()
            .as_bytes(),
    )
    .unwrap()
}

fn revocation(pki: &Pki, crl: Crl) -> (fhirsig_core::report::Check, bool) {
    let anchors = TrustAnchors::from_pem(&[pki.root_pem.as_bytes()]).unwrap();
    let validator = ChainValidator::new(anchors).with_crls(vec![crl]);
    let chain = CertificateChain::from_pem(pki.leaf_pem.as_bytes()).unwrap();
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(pki.now.unix_timestamp()).unwrap(),
    ));
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
    let check = report.check(CheckCode::RevocationStatus).unwrap().clone();
    (check, verified.is_some())
}

#[test]
fn a_complete_crl_proves_not_revoked() {
    let pki = pki(vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]);
    let complete = crl(&pki, None, Vec::new());
    assert!(complete.unusable_because().is_none());
    let (check, verified) = revocation(&pki, complete);
    assert_eq!(check.outcome(), Outcome::Pass, "{check}");
    assert!(verified);
}

#[test]
fn a_crl_whose_scope_misses_the_certificate_proves_nothing() {
    // The leaf has no cRLDistributionPoints; these CRLs are for one distribution point (and
    // the first only for CA certificates).
    let pki = pki(vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]);
    for scope in [CrlScope::CaCertsOnly, CrlScope::UserCertsOnly] {
        let narrowed = crl(&pki, Some(scope), Vec::new());
        assert!(narrowed.unusable_because().is_none());
        let (check, verified) = revocation(&pki, narrowed);
        assert_eq!(
            check.failure(),
            Some((Indication::Indeterminate, SubIndication::TryLater)),
            "{check}"
        );
        assert!(check.message().contains("crl scope root"), "{check}");
        assert!(
            check.message().contains("issuingDistributionPoint"),
            "{check}"
        );
        assert!(
            !verified,
            "never 'not revoked' from a CRL of narrowed scope"
        );
    }
}

#[test]
fn a_crl_from_an_issuer_without_crl_sign_proves_nothing() {
    let pki = pki(vec![KeyUsagePurpose::KeyCertSign]);
    let (check, verified) = revocation(&pki, crl(&pki, None, Vec::new()));
    assert_eq!(
        check.failure(),
        Some((Indication::Indeterminate, SubIndication::TryLater)),
        "{check}"
    );
    assert!(check.message().contains("cRLSign"), "{check}");
    assert!(!verified);
}

/// Two authentic, current CRLs from the leaf's CA: a complete one that does not list the leaf,
/// and one scoped by an issuingDistributionPoint to end-entity certificates (onlyContainsUserCerts,
/// a scope the leaf is in) that lists the leaf as revoked. The scoped CRL is partitioned out as
/// "unusable" before any serial is looked up, so the revocation is never seen and the revoked
/// leaf's chain verifies. RFC 5280 §6.3.3: a CRL whose scope includes the certificate and lists
/// it makes it revoked; a CRL whose scope fhirsig does not evaluate may prove neither "good" nor
/// — silently — "not revoked" when it says "revoked" (at worst INDETERMINATE, never PASSED).
#[test]
fn a_scoped_crl_that_revokes_the_leaf_is_ignored_beside_a_complete_one() {
    let pki = pki(vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]);
    let complete = crl(&pki, None, Vec::new());
    let scoped = crl(
        &pki,
        Some(CrlScope::UserCertsOnly),
        vec![RevokedCertParams {
            serial_number: SerialNumber::from_slice(&[7]),
            revocation_time: pki.now - Duration::days(1) + Duration::hours(1),
            reason_code: Some(rcgen::RevocationReason::KeyCompromise),
            invalidity_date: None,
        }],
    );
    let anchors = TrustAnchors::from_pem(&[pki.root_pem.as_bytes()]).unwrap();
    let validator = ChainValidator::new(anchors).with_crls(vec![complete, scoped]);
    let chain = CertificateChain::from_pem(pki.leaf_pem.as_bytes()).unwrap();
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(pki.now.unix_timestamp()).unwrap(),
    ));
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
    let check = report.check(CheckCode::RevocationStatus).unwrap().clone();
    assert_ne!(check.outcome(), Outcome::Pass, "{check}");
    assert!(
        verified.is_none(),
        "the CA's CRL lists the leaf as revoked: {check}"
    );
}

/// A CA that rolled its key signs its CRLs with the new key, while the leaf was issued with
/// the old one. With the CA's certificate for the new key given (same name, a path to the same
/// anchor, cRLSign), the CRL speaks for the leaf (RFC 5280 §6.3.3 (f)); without it, it does not.
#[test]
fn a_crl_signed_with_the_cas_rolled_over_key() {
    let now = OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap();
    let ca_params = |name: &str| {
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.not_before = now - Duration::days(30);
        p.not_after = now + Duration::days(30);
        p.use_authority_key_identifier_extension = true;
        p
    };
    let root_key = KeyPair::generate().unwrap();
    let mut root_params = ca_params("rollover root");
    root_params.use_authority_key_identifier_extension = false;
    let root_pem = root_params.self_signed(&root_key).unwrap().pem();
    let root = Issuer::new(root_params, root_key);
    let old_key = KeyPair::generate().unwrap();
    let old_pem = ca_params("rollover CA")
        .signed_by(&old_key, &root)
        .unwrap()
        .pem();
    let old = Issuer::new(ca_params("rollover CA"), old_key);
    let new_key = KeyPair::generate().unwrap();
    let new_pem = ca_params("rollover CA")
        .signed_by(&new_key, &root)
        .unwrap()
        .pem();
    let new = Issuer::new(ca_params("rollover CA"), new_key);
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name
        .push(DnType::CommonName, "rollover leaf");
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.not_before = now - Duration::days(1);
    leaf.not_after = now + Duration::days(10);
    leaf.serial_number = Some(SerialNumber::from_slice(&[9]));
    leaf.use_authority_key_identifier_extension = true;
    let leaf_pem = leaf
        .signed_by(&KeyPair::generate().unwrap(), &old)
        .unwrap()
        .pem();
    let crl_by = |issuer: &Issuer<'_, KeyPair>, revoked: Vec<RevokedCertParams>, number: u8| {
        let params = CertificateRevocationListParams {
            this_update: now - Duration::hours(1),
            next_update: now + Duration::days(7),
            crl_number: SerialNumber::from_slice(&[number]),
            issuing_distribution_point: None,
            revoked_certs: revoked,
            key_identifier_method: KeyIdMethod::Sha256,
        };
        Crl::from_pem_or_der(params.signed_by(issuer).unwrap().pem().unwrap().as_bytes()).unwrap()
    };
    let root_crl = crl_by(&root, Vec::new(), 1);
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(now.unix_timestamp()).unwrap(),
    ));
    let run = |crl: Crl, pool: &[&str]| {
        let mut validator =
            ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
                .with_crls(vec![root_crl.clone(), crl]);
        for pem in pool {
            validator = validator.with_intermediates_pem(&[pem.as_bytes()]).unwrap();
        }
        let chain = CertificateChain::from_pem(format!("{leaf_pem}{old_pem}").as_bytes()).unwrap();
        let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
        (
            report.check(CheckCode::RevocationStatus).unwrap().clone(),
            verified.is_some(),
        )
    };
    let (check, verified) = run(crl_by(&new, Vec::new(), 2), &[&new_pem]);
    assert_eq!(check.outcome(), Outcome::Pass, "{check}");
    assert!(verified);
    let listing = vec![RevokedCertParams {
        serial_number: SerialNumber::from_slice(&[9]),
        revocation_time: now - Duration::hours(2),
        reason_code: None,
        invalidity_date: None,
    }];
    let (check, verified) = run(crl_by(&new, listing, 3), &[&new_pem]);
    assert_eq!(check.outcome(), Outcome::Fail, "{check}");
    assert!(!verified);
    // Without the new key's certificate the CRL cannot be authenticated.
    let (check, verified) = run(crl_by(&new, Vec::new(), 4), &[]);
    assert_eq!(
        check.failure(),
        Some((Indication::Indeterminate, SubIndication::TryLater)),
        "{check}"
    );
    assert!(!verified);
}

/// An entry with reasonCode removeFromCRL (RFC 5280 §5.3.1: a delta CRL's way of saying a
/// certificate on hold is released) is not a revocation.
#[test]
fn a_remove_from_crl_entry_is_not_a_revocation() {
    let pki = pki(vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]);
    let released = crl(
        &pki,
        None,
        vec![RevokedCertParams {
            serial_number: SerialNumber::from_slice(&[7]),
            revocation_time: pki.now - Duration::hours(2),
            reason_code: Some(rcgen::RevocationReason::RemoveFromCrl),
            invalidity_date: None,
        }],
    );
    let (check, _) = revocation(&pki, released);
    assert_eq!(check.outcome(), Outcome::Pass, "{check}");
}
