//! Certificate revocation lists given offline by the caller (PEM or DER).

use der::Decode;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateRevocationListDer, UnixTime};
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{CrlDistributionPoints, IssuingDistributionPoint};
use x509_cert::name::Name;

use super::certificate::Certificate;
use super::error::TrustError;
use super::pkix::same_name;
use super::signed_data::{self, SignedDataError};
use super::times::from_secs;
use crate::hex::hex;

/// `expiredCertsOnCRL` (2.5.29.60).
const EXPIRED_CERTS_ON_CRL: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.60");

/// `cRLNumber` (RFC 5280 §5.2.3).
const CRL_NUMBER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.20");
/// `deltaCRLIndicator` (§5.2.4).
const DELTA_CRL_INDICATOR: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.27");
/// `issuingDistributionPoint` (§5.2.5).
const ISSUING_DISTRIBUTION_POINT: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.28");
/// `authorityKeyIdentifier` (§5.2.1).
const AUTHORITY_KEY_IDENTIFIER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.35");
/// `freshestCRL` (§5.2.6).
const FRESHEST_CRL: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.46");
/// `authorityInfoAccess` (§5.2.7).
const AUTHORITY_INFO_ACCESS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
/// Entry extensions: `reasonCode`, `invalidityDate` (§5.3.1, §5.3.2); `certificateIssuer`
/// (§5.3.3) makes the CRL indirect.
const REASON_CODE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.21");
const INVALIDITY_DATE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.24");
const CERTIFICATE_ISSUER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.29");

/// One parsed CRL. Its signature is checked during validation, against the key of the CA
/// certificate that issued the certificate being checked.
#[derive(Clone, Debug)]
pub struct Crl {
    der: Vec<u8>,
    parsed: CertificateList,
}

impl Crl {
    /// Reads a CRL from PEM (`-----BEGIN X509 CRL-----`) or DER bytes.
    ///
    /// # Errors
    /// [`TrustError::BadCrl`] when the bytes are neither.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, TrustError> {
        let der = if bytes.first() == Some(&0x30) {
            bytes.to_vec()
        } else {
            CertificateRevocationListDer::from_pem_slice(bytes)
                .map_err(|e| TrustError::BadCrl {
                    reason: format!("PEM: {}", super::error::pem_error_text(&e)),
                })?
                .as_ref()
                .to_vec()
        };
        let parsed = CertificateList::from_der(&der).map_err(|e| TrustError::BadCrl {
            reason: format!("DER: {e}"),
        })?;
        Ok(Self { der, parsed })
    }

    /// The issuer distinguished name in RFC 4514 form.
    pub fn issuer(&self) -> String {
        self.parsed.tbs_cert_list.issuer.to_string()
    }

    /// `thisUpdate`.
    pub fn this_update(&self) -> UnixTime {
        from_secs(
            self.parsed
                .tbs_cert_list
                .this_update
                .to_unix_duration()
                .as_secs(),
        )
    }

    /// `nextUpdate`, if present.
    pub fn next_update(&self) -> Option<UnixTime> {
        let next = self.parsed.tbs_cert_list.next_update?;
        Some(from_secs(next.to_unix_duration().as_secs()))
    }

    /// True when the CRL is current at `t`: `thisUpdate <= t < nextUpdate` (no `nextUpdate`:
    /// current from `thisUpdate` on).
    pub fn current_at(&self, t: UnixTime) -> bool {
        self.this_update() <= t && self.next_update().is_none_or(|next| t < next)
    }

    /// True when this CRL's issuer is the certificate's issuer (RFC 5280 §7.1 comparison).
    pub(crate) fn covers(&self, cert: &Certificate) -> bool {
        same_name(
            &self.parsed.tbs_cert_list.issuer,
            cert.x509().tbs_certificate().issuer(),
        )
    }

    /// The CRL issuer's name.
    pub(crate) fn issuer_name(&self) -> &Name {
        &self.parsed.tbs_cert_list.issuer
    }

    /// The revocation date if the certificate is listed: its serial number on an entry whose
    /// certificate issuer is the certificate's issuer (the CRL issuer, or for an indirect CRL
    /// any directoryName of the last `certificateIssuer` entry extension before it, RFC 5280
    /// §5.3.3). An entry with reasonCode removeFromCRL is not a revocation (§5.3.1).
    pub(crate) fn revocation_of(&self, cert: &Certificate) -> Option<UnixTime> {
        self.listing(cert)
            .filter(|l| l.reason != Some(REMOVE_FROM_CRL))
            .map(|l| l.revoked_at)
    }

    /// The entry that lists `cert`, if any.
    pub(crate) fn listing(&self, cert: &Certificate) -> Option<Listing> {
        let serial = cert.x509().tbs_certificate().serial_number().as_bytes();
        let cert_issuer = cert.x509().tbs_certificate().issuer();
        // None: the CRL issuer; Some(names): the names of the last certificateIssuer (an
        // unreadable one names nobody).
        let mut entry_issuers: Option<Vec<Name>> = None;
        for entry in self
            .parsed
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
        {
            let extensions = entry.crl_entry_extensions.iter().flatten();
            let mut reason = None;
            for e in extensions {
                if e.extn_id == CERTIFICATE_ISSUER {
                    entry_issuers = Some(directory_names(e.extn_value.as_bytes()));
                } else if e.extn_id == REASON_CODE {
                    reason = reason_code(e.extn_value.as_bytes());
                }
            }
            let issued_by_cert_issuer = match &entry_issuers {
                None => same_name(&self.parsed.tbs_cert_list.issuer, cert_issuer),
                Some(names) => names.iter().any(|n| same_name(n, cert_issuer)),
            };
            if entry.serial_number.as_bytes() == serial && issued_by_cert_issuer {
                return Some(Listing {
                    revoked_at: from_secs(entry.revocation_date.to_unix_duration().as_secs()),
                    reason,
                });
            }
        }
        None
    }

    /// The issuingDistributionPoint, if present and readable.
    fn issuing_distribution_point(&self) -> Result<Option<IssuingDistributionPoint>, String> {
        let extensions = self.parsed.tbs_cert_list.crl_extensions.iter().flatten();
        match extensions
            .into_iter()
            .find(|e| e.extn_id == ISSUING_DISTRIBUTION_POINT)
        {
            None => Ok(None),
            Some(e) => IssuingDistributionPoint::from_der(e.extn_value.as_bytes())
                .map(Some)
                .map_err(|_| {
                    "its issuingDistributionPoint is not valid DER (RFC 5280 §5.2.5)".to_owned()
                }),
        }
    }

    /// True for an indirect CRL (issuingDistributionPoint indirectCRL, RFC 5280 §5.2.5).
    pub(crate) fn is_indirect(&self) -> bool {
        self.issuing_distribution_point()
            .ok()
            .flatten()
            .is_some_and(|idp| idp.indirect_crl)
    }

    /// Whether this CRL's scope covers `cert`, and for which revocation reasons (RFC 5280
    /// §6.3.3 (b)(2), (d)): the issuingDistributionPoint's certificate kinds, its
    /// distribution point against the certificate's cRLDistributionPoints, and onlySomeReasons.
    pub(crate) fn scope_for(&self, cert: &Certificate) -> Scope {
        let idp = match self.issuing_distribution_point() {
            Err(why) => return Scope::Outside(why),
            Ok(None) => return Scope::Reasons(ALL_REASONS),
            Ok(Some(idp)) => idp,
        };
        if idp.only_contains_attribute_certs {
            return Scope::Outside("it covers only attribute certificates (issuingDistributionPoint onlyContainsAttributeCerts)".into());
        }
        if idp.only_contains_user_certs && cert.is_ca() {
            return Scope::Outside("it covers only end-entity certificates (issuingDistributionPoint onlyContainsUserCerts), and this is a CA".into());
        }
        if idp.only_contains_ca_certs && !cert.is_ca() {
            return Scope::Outside(
                "it covers only CA certificates (issuingDistributionPoint onlyContainsCACerts)"
                    .into(),
            );
        }
        let points = distribution_points(cert);
        let indirect = !self.covers(cert);
        // The distribution points this CRL can serve: for an indirect CRL only those whose
        // cRLIssuer names its issuer (§6.3.3 (b)(1)); for the CA's own CRL every one.
        let serving: Vec<&DistributionPoint> = points
            .iter()
            .filter(|dp| !indirect || self.named_by(dp))
            .collect();
        if indirect && serving.is_empty() {
            return Scope::Outside("no cRLDistributionPoint of the certificate names this CRL's issuer as its cRLIssuer (RFC 5280 §6.3.3 (b)(1))".into());
        }
        let matched: Vec<&DistributionPoint> = match &idp.distribution_point {
            None => serving,
            Some(name) => {
                let DistributionPointName::FullName(idp_names) = name else {
                    return Scope::Outside("its issuingDistributionPoint is a name relative to the CRL issuer, which fhirsig does not evaluate".into());
                };
                let overlaps = |names: &[GeneralName]| {
                    names
                        .iter()
                        .any(|n| idp_names.iter().any(|m| same_general_name(n, m)))
                };
                if points.is_empty() {
                    // §6.3.3 (a): no cRLDistributionPoints is one point named by the issuer.
                    let issuer_dn =
                        GeneralName::DirectoryName(cert.x509().tbs_certificate().issuer().clone());
                    if !overlaps(std::slice::from_ref(&issuer_dn)) {
                        return Scope::Outside("its issuingDistributionPoint names a distribution point, and the certificate has no cRLDistributionPoints (RFC 5280 §6.3.3 (b)(2)(i))".into());
                    }
                    Vec::new()
                } else {
                    let matched: Vec<&DistributionPoint> = serving
                        .into_iter()
                        .filter(|dp| match &dp.distribution_point {
                            Some(DistributionPointName::FullName(names)) => overlaps(names),
                            Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => false,
                            None => dp.crl_issuer.as_deref().is_some_and(overlaps),
                        })
                        .collect();
                    if matched.is_empty() {
                        return Scope::Outside("its issuingDistributionPoint names a distribution point that is not one of the certificate's cRLDistributionPoints (RFC 5280 §6.3.3 (b)(2)(i))".into());
                    }
                    matched
                }
            }
        };
        let mut reasons = idp
            .only_some_reasons
            .map_or(ALL_REASONS, |r| r.bits() & ALL_REASONS);
        // §6.3.3 (d): a distribution point's reasons limit what a CRL obtained for it covers.
        // The CA's own CRL without a distribution point name covers all its certificates.
        if indirect || idp.distribution_point.is_some() {
            let delegated = matched.iter().fold(0u16, |mask, dp| {
                mask | dp.reasons.map_or(ALL_REASONS, |r| r.bits())
            });
            if !matched.is_empty() {
                reasons &= delegated;
            }
        }
        Scope::Reasons(reasons)
    }

    /// Whether a distribution point names this CRL's issuer as its cRLIssuer.
    fn named_by(&self, dp: &DistributionPoint) -> bool {
        dp.crl_issuer.iter().flatten().any(|n| match n {
            GeneralName::DirectoryName(dn) => same_name(dn, self.issuer_name()),
            _ => false,
        })
    }

    /// Verifies the CRL signature with the issuer certificate's key.
    pub(crate) fn verify_signature(&self, issuer_spki_der: &[u8]) -> Result<(), SignedDataError> {
        let tbs = signed_data::tbs_bytes(&self.der).ok_or(SignedDataError::BadSignature)?;
        let signature = self
            .parsed
            .signature
            .as_bytes()
            .ok_or(SignedDataError::BadSignature)?;
        signed_data::verify(
            issuer_spki_der,
            &self.parsed.signature_algorithm,
            &tbs,
            signature,
        )
    }

    /// True when the CRL carries the `expiredCertsOnCRL` extension (RFC 5280 section 5.2.7 /
    /// X.509 2.5.29.60): certificates stay listed after they expire.
    pub fn keeps_expired_certs(&self) -> bool {
        let extensions = self.parsed.tbs_cert_list.crl_extensions.iter().flatten();
        extensions
            .into_iter()
            .any(|e| e.extn_id == EXPIRED_CERTS_ON_CRL)
    }

    /// Why this CRL cannot stand as a complete revocation list, if it cannot: no `nextUpdate`
    /// (§5.1.2.5), no `cRLNumber` or a critical one (RFC 5280 §5.2.3), a delta CRL (§5.2.4:
    /// it lists only changes since its base), `certificateIssuer` entries in a CRL that is not
    /// indirect (§5.3.3), or a critical extension fhirsig does not know (§5.2, §5.3). Such a
    /// CRL cannot prove "not revoked". Its scope (the issuingDistributionPoint) is judged per
    /// certificate.
    pub fn unusable_because(&self) -> Option<String> {
        self.problem(false)
    }

    /// True for a delta CRL (deltaCRLIndicator, RFC 5280 §5.2.4) that is otherwise usable: it
    /// can bring a stale complete CRL it is based on up to date.
    pub(crate) fn usable_delta(&self) -> bool {
        self.delta_base().is_some() && self.problem(true).is_none()
    }

    /// The cRLNumber (§5.2.3), as a big-endian unsigned number without leading zeros.
    pub(crate) fn crl_number(&self) -> Option<Vec<u8>> {
        self.integer_extension(CRL_NUMBER)
    }

    /// A delta CRL's BaseCRLNumber (§5.2.4).
    pub(crate) fn delta_base(&self) -> Option<Vec<u8>> {
        self.integer_extension(DELTA_CRL_INDICATOR)
    }

    fn integer_extension(&self, oid: const_oid::ObjectIdentifier) -> Option<Vec<u8>> {
        let extensions = self.parsed.tbs_cert_list.crl_extensions.iter().flatten();
        let ext = extensions.into_iter().find(|e| e.extn_id == oid)?;
        let n = der::asn1::Uint::from_der(ext.extn_value.as_bytes()).ok()?;
        let bytes = n.as_bytes();
        let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        Some(bytes[first..].to_vec())
    }

    fn problem(&self, allow_delta: bool) -> Option<String> {
        let tbs = &self.parsed.tbs_cert_list;
        if tbs.signature != self.parsed.signature_algorithm {
            return Some(
                "it names different signature algorithms inside and outside its signed part (RFC 5280 §5.1.1.2)"
                    .into(),
            );
        }
        if tbs.next_update.is_none() {
            return Some(
                "it has no nextUpdate (RFC 5280 §5.1.2.5), so it says nothing about any later instant"
                    .into(),
            );
        }
        let extensions: Vec<_> = tbs.crl_extensions.iter().flatten().collect();
        match extensions.iter().find(|e| e.extn_id == CRL_NUMBER) {
            None => return Some("it has no cRLNumber (RFC 5280 §5.2.3)".into()),
            Some(e) if e.critical => {
                return Some("its cRLNumber is critical (RFC 5280 §5.2.3: non-critical)".into())
            }
            _ => {}
        }
        if !allow_delta && extensions.iter().any(|e| e.extn_id == DELTA_CRL_INDICATOR) {
            return Some(
                "it is a delta CRL (RFC 5280 §5.2.4), which lists only changes since its base CRL"
                    .into(),
            );
        }
        const KNOWN: [const_oid::ObjectIdentifier; 6] = [
            CRL_NUMBER,
            AUTHORITY_KEY_IDENTIFIER,
            FRESHEST_CRL,
            AUTHORITY_INFO_ACCESS,
            ISSUING_DISTRIBUTION_POINT,
            DELTA_CRL_INDICATOR,
        ];
        if let Some(e) = extensions.iter().find(|e| {
            e.critical && !KNOWN.contains(&e.extn_id) && e.extn_id != EXPIRED_CERTS_ON_CRL
        }) {
            return Some(format!(
                "it has a critical extension {} that fhirsig does not know (RFC 5280 §5.2)",
                e.extn_id
            ));
        }
        for entry in tbs.revoked_certificates.iter().flatten() {
            for e in entry.crl_entry_extensions.iter().flatten() {
                if e.extn_id == CERTIFICATE_ISSUER && !self.is_indirect() {
                    return Some(
                        "it has certificateIssuer entries but does not say it is indirect (RFC 5280 §5.3.3)"
                            .into(),
                    );
                }
                if e.extn_id == CERTIFICATE_ISSUER
                    && directory_names(e.extn_value.as_bytes()).is_empty()
                {
                    return Some(
                        "a certificateIssuer entry names no directoryName fhirsig can read (RFC 5280 §5.3.3)"
                            .into(),
                    );
                }
                if e.critical
                    && e.extn_id != REASON_CODE
                    && e.extn_id != INVALIDITY_DATE
                    && e.extn_id != CERTIFICATE_ISSUER
                {
                    return Some(format!(
                        "an entry has a critical extension {} that fhirsig does not know (RFC 5280 §5.3)",
                        e.extn_id
                    ));
                }
            }
        }
        None
    }

    /// Serial numbers listed, in hex (for evidence).
    pub fn revoked_serials(&self) -> Vec<String> {
        let list = self
            .parsed
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten();
        list.map(|r| hex(r.serial_number.as_bytes())).collect()
    }
}

/// Every revocation reason (RFC 5280 §5.3.1 reasons 1-8 of ReasonFlags).
pub(crate) const ALL_REASONS: u16 = 0x1fe;

/// A CRL's scope for one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The CRL does not cover the certificate, and why.
    Outside(String),
    /// The CRL covers the certificate for these revocation reasons (ReasonFlags bits).
    Reasons(u16),
}

/// The certificate's cRLDistributionPoints (empty without the extension).
pub(crate) fn distribution_points(cert: &Certificate) -> Vec<DistributionPoint> {
    cert.x509()
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
        .ok()
        .flatten()
        .map(|(_, dps)| dps.0)
        .unwrap_or_default()
}

/// Whether the certificate names `crl`'s issuer as the cRLIssuer of one of its distribution
/// points, as an indirect CRL requires (RFC 5280 §6.3.3 (b)(1)).
pub(crate) fn names_crl_issuer(cert: &Certificate, crl: &Crl) -> bool {
    distribution_points(cert).iter().any(|dp| crl.named_by(dp))
}

/// GeneralName equality for distribution point names: directory names by §7.1, URIs and the
/// rest as encoded.
fn same_general_name(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::DirectoryName(x), GeneralName::DirectoryName(y)) => same_name(x, y),
        _ => a == b,
    }
}

/// Compares two unsigned big-endian numbers without leading zeros.
pub(crate) fn number_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// reasonCode removeFromCRL (RFC 5280 §5.3.1).
pub(crate) const REMOVE_FROM_CRL: u8 = 8;
/// reasonCode certificateHold (RFC 5280 §5.3.1).
pub(crate) const CERTIFICATE_HOLD: u8 = 6;

/// A CRL entry for a certificate.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Listing {
    pub(crate) revoked_at: UnixTime,
    /// The reasonCode (§5.3.1), when present and readable.
    pub(crate) reason: Option<u8>,
}

/// The directoryNames of a certificateIssuer extension value (GeneralNames); empty when it
/// cannot be read.
fn directory_names(value: &[u8]) -> Vec<Name> {
    x509_cert::ext::pkix::name::GeneralNames::from_der(value)
        .map(|names| {
            names
                .into_iter()
                .filter_map(|n| match n {
                    GeneralName::DirectoryName(dn) => Some(dn),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A reasonCode extension value (ENUMERATED).
fn reason_code(value: &[u8]) -> Option<u8> {
    match value {
        [0x0a, 0x01, code] => Some(*code),
        _ => None,
    }
}
