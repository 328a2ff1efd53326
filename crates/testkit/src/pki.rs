//! A throw-away test PKI in memory (the library part of `fhirsig pki init DIR`): a root CA, an
//! intermediate CA with a CRL, and signer certificates for every outcome the validator reports.
//!
//! Validity windows are computed from the `now` passed in, so names, serial numbers, dates and
//! extensions are deterministic. EC P-256 keys are random on every call (ring offers no seeded
//! key generation), and ECDSA signatures are randomised, so the bytes differ between calls. The
//! RSA-2048 leaf key is a committed fixture, because ring cannot generate RSA keys.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    OtherNameValue, RevokedCertParams, SanType, SerialNumber, PKCS_RSA_SHA256,
};
use rustls_pki_types::UnixTime;
use time::{Duration, OffsetDateTime};

use std::fmt;

/// The committed RSA-2048 PKCS#8 key of `leaf-rsa` (made once with `openssl genpkey`).
const RSA_LEAF_KEY: &str = include_str!("fixtures/leaf-rsa-2048.pk8.pem");
/// NPI otherName type-id arcs (2.16.840.1.113883.4.6).
const NPI_ARCS: [u64; 7] = [2, 16, 840, 1, 113883, 4, 6];
/// id-kp-documentSigning arcs (1.3.6.1.5.5.7.3.36).
const DOC_SIGNING_ARCS: [u64; 9] = [1, 3, 6, 1, 5, 5, 7, 3, 36];

/// Why the test PKI could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkiError {
    /// The certificate generator failed (it should not for these parameters), or the instant is
    /// out of range.
    Generation {
        /// What went wrong, as text.
        reason: String,
    },
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PkiError::Generation { reason } => write!(f, "test PKI generation failed: {reason}"),
        }
    }
}

impl std::error::Error for PkiError {}

/// What the generated signer certificates name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkiOptions {
    /// The NPI in every leaf's otherName SAN (default `1234567893`).
    pub npi: String,
    /// The NPI in `leaf-wrong-san` (default `1111111111`).
    pub wrong_npi: String,
}

impl Default for PkiOptions {
    fn default() -> Self {
        Self {
            npi: "1234567893".into(),
            wrong_npi: "1111111111".into(),
        }
    }
}

/// One leaf variant: file stem, serial, validity offsets (days from now), key usage, NPI.
struct Leaf<'a> {
    stem: &'static str,
    serial: u8,
    from_days: i64,
    to_days: i64,
    key_usages: Vec<KeyUsagePurpose>,
    npi: &'a str,
    rsa: bool,
}

/// Generates the test PKI; returns `(file name, bytes)` pairs, `README.txt` (the manifest)
/// first.
///
/// # Errors
/// [`PkiError::Generation`] if rcgen fails (it should not for these parameters).
pub fn generate_test_pki(
    now: UnixTime,
    options: &PkiOptions,
) -> Result<Vec<(String, Vec<u8>)>, PkiError> {
    let now = to_offset(now)?;
    let mut files = vec![("README.txt".to_owned(), readme(options).into_bytes())];
    let root_key = KeyPair::generate().map_err(gen_err)?;
    let root_params = ca_params("fhirsig test root CA", 1, now, 3650, None);
    let root_cert = root_params.self_signed(&root_key).map_err(gen_err)?;
    push_pair(&mut files, "root-ca", root_cert.pem(), &root_key);
    let root = Issuer::new(root_params, root_key);

    let int_key = KeyPair::generate().map_err(gen_err)?;
    let mut int_params = ca_params("fhirsig test intermediate CA", 2, now, 3000, Some(0));
    // RFC 5280 §4.2.1.1: every certificate but a self-signed one names its issuer's key.
    int_params.use_authority_key_identifier_extension = true;
    let int_cert = int_params.signed_by(&int_key, &root).map_err(gen_err)?;
    push_pair(&mut files, "intermediate-ca", int_cert.pem(), &int_key);
    let intermediate = Issuer::new(int_params, int_key);

    for leaf in leaves(options) {
        let key = match leaf.rsa {
            true => KeyPair::from_pem_and_sign_algo(RSA_LEAF_KEY, &PKCS_RSA_SHA256),
            false => KeyPair::generate(),
        }
        .map_err(gen_err)?;
        let cert = leaf_params(&leaf, now)?
            .signed_by(&key, &intermediate)
            .map_err(gen_err)?;
        push_pair(&mut files, leaf.stem, cert.pem(), &key);
    }
    let crl = crl_params(now).signed_by(&intermediate).map_err(gen_err)?;
    files.push((
        "intermediate-ca.crl.pem".into(),
        crl.pem().map_err(gen_err)?.into_bytes(),
    ));
    // The root's CRL (revoking nothing): with both CRLs every certificate of a path below the
    // root has a revocation status, which a policy requiring revocation asks for.
    let mut root_crl = crl_params(now);
    root_crl.revoked_certs.clear();
    let root_crl = root_crl.signed_by(&root).map_err(gen_err)?;
    files.push((
        "root-ca.crl.pem".into(),
        root_crl.pem().map_err(gen_err)?.into_bytes(),
    ));
    Ok(files)
}

fn leaves(options: &PkiOptions) -> Vec<Leaf<'_>> {
    let good = || {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ]
    };
    let leaf = |stem, serial, from_days, to_days, key_usages, npi, rsa| Leaf {
        stem,
        serial,
        from_days,
        to_days,
        key_usages,
        npi,
        rsa,
    };
    let npi = options.npi.as_str();
    vec![
        leaf("leaf-ec", 10, -1, 365, good(), npi, false),
        leaf("leaf-rsa", 11, -1, 365, good(), npi, true),
        leaf("leaf-expired", 12, -730, -365, good(), npi, false),
        leaf("leaf-not-yet-valid", 13, 365, 730, good(), npi, false),
        leaf(
            "leaf-wrong-key-usage",
            14,
            -1,
            365,
            vec![KeyUsagePurpose::KeyEncipherment],
            npi,
            false,
        ),
        leaf("leaf-revoked", REVOKED_SERIAL, -1, 365, good(), npi, false),
        leaf(
            "leaf-wrong-san",
            16,
            -1,
            365,
            good(),
            options.wrong_npi.as_str(),
            false,
        ),
    ]
}

/// Serial number of `leaf-revoked`, listed on `intermediate-ca.crl.pem`.
const REVOKED_SERIAL: u8 = 15;

fn ca_params(
    cn: &str,
    serial: u8,
    now: OffsetDateTime,
    days: i64,
    path_len: Option<u8>,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(cn);
    params.not_before = now - Duration::days(days);
    params.not_after = now + Duration::days(days);
    params.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.serial_number = Some(SerialNumber::from_slice(&[serial]));
    params.key_identifier_method = KeyIdMethod::Sha256;
    params
}

fn leaf_params(leaf: &Leaf<'_>, now: OffsetDateTime) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(&format!("fhirsig test signer ({})", leaf.stem));
    params.not_before = now + Duration::days(leaf.from_days);
    params.not_after = now + Duration::days(leaf.to_days);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = leaf.key_usages.clone();
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(DOC_SIGNING_ARCS.to_vec())];
    params.serial_number = Some(SerialNumber::from_slice(&[leaf.serial]));
    params.use_authority_key_identifier_extension = true;
    let npi_oid = NPI_ARCS.to_vec();
    let uri = format!("https://example.org/fhir/Practitioner/{}", leaf.npi);
    params.subject_alt_names = vec![
        SanType::OtherName((npi_oid, OtherNameValue::Utf8String(leaf.npi.to_owned()))),
        SanType::URI(uri.try_into().map_err(gen_err)?),
    ];
    Ok(params)
}

fn crl_params(now: OffsetDateTime) -> CertificateRevocationListParams {
    CertificateRevocationListParams {
        this_update: now - Duration::hours(1),
        next_update: now + Duration::days(7),
        crl_number: SerialNumber::from_slice(&[1]),
        issuing_distribution_point: None,
        revoked_certs: vec![RevokedCertParams {
            serial_number: SerialNumber::from_slice(&[REVOKED_SERIAL]),
            revocation_time: now - Duration::hours(1),
            reason_code: Some(rcgen::RevocationReason::KeyCompromise),
            invalidity_date: None,
        }],
        key_identifier_method: KeyIdMethod::Sha256,
    }
}

fn name(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "fhirsig test PKI");
    dn.push(DnType::CommonName, cn);
    dn
}

fn push_pair(files: &mut Vec<(String, Vec<u8>)>, stem: &str, cert_pem: String, key: &KeyPair) {
    files.push((format!("{stem}.cert.pem"), cert_pem.into_bytes()));
    files.push((format!("{stem}.key.pem"), key.serialize_pem().into_bytes()));
}

fn to_offset(t: UnixTime) -> Result<OffsetDateTime, PkiError> {
    i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or_else(|| PkiError::Generation {
            reason: "instant out of range".into(),
        })
}

fn gen_err(e: rcgen::Error) -> PkiError {
    PkiError::Generation {
        reason: e.to_string(),
    }
}

fn readme(options: &PkiOptions) -> String {
    format!(
        "fhirsig test PKI -- FOR TESTS ONLY: the private keys are not protected.\n\
         All dates are relative to the instant given to the generator (\"now\").\n\n\
         root-ca.cert.pem / .key.pem            root CA (EC P-256), valid now-3650d..now+3650d; use as trust anchor\n\
         intermediate-ca.cert.pem / .key.pem    intermediate CA (EC P-256, pathLen 0), signed by the root\n\
         intermediate-ca.crl.pem                CRL by the intermediate, now-1h..now+7d, revokes leaf-revoked (serial 0f)\n\
         root-ca.crl.pem                        CRL by the root, now-1h..now+7d, revokes nothing; once a CRL is\n\
                                                given, every certificate below the root needs one: give both\n\
         leaf-ec.cert.pem / .key.pem            good signer, EC P-256, NPI {npi}, KU digitalSignature+nonRepudiation, EKU documentSigning\n\
         leaf-rsa.cert.pem / .key.pem           good signer, RSA-2048 (committed fixture key), otherwise as leaf-ec\n\
         leaf-expired.cert.pem / .key.pem       valid now-730d..now-365d (expired)\n\
         leaf-not-yet-valid.cert.pem / .key.pem valid now+365d..now+730d (not yet valid)\n\
         leaf-wrong-key-usage.cert.pem / .key.pem  KU keyEncipherment only (not usable for signatures)\n\
         leaf-revoked.cert.pem / .key.pem       listed on intermediate-ca.crl.pem, revoked at now-1h\n\
         leaf-wrong-san.cert.pem / .key.pem     NPI {wrong} instead of {npi} (signer identity mismatch)\n\n\
         An x5c chain is [leaf, intermediate-ca]; trust root-ca.cert.pem.\n",
        npi = options.npi,
        wrong = options.wrong_npi,
    )
}
