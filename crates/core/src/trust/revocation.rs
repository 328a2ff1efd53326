//! Offline revocation checking with caller-supplied OCSP responses and CRLs, one certificate
//! at a time.
//!
//! An OCSP response counts for a certificate when it names it and is authentic and current
//! (see [`super::ocsp`]); otherwise a certificate is covered by a CRL whose issuer name equals
//! the certificate's issuer name and whose signature verifies with the issuing CA's key. With
//! neither the status is "not checked" — never "good".

use crate::report::CheckCode;
use rustls_pki_types::UnixTime;

use super::certificate::Certificate;
use super::crl::Crl;
use super::ocsp::{OcspProblem, OcspResponse, OcspStatus};
use super::times::format_rfc3339;
use crate::policy::NO_REVOCATION_DATA;
use crate::report::{Check, SubIndication};

const CODE: CheckCode = CheckCode::RevocationStatus;

/// What the revocation check needs to know about the validation.
pub(crate) struct RevocationContext<'a> {
    pub(crate) crls: &'a [Crl],
    pub(crate) ocsp: &'a [OcspResponse],
    /// The validation instant.
    pub(crate) at: UnixTime,
    /// The signer's claimed signing time.
    pub(crate) sig_t: Option<UnixTime>,
    /// True when the caller vouches for `at` as a proof of existence of the signature.
    pub(crate) at_is_poe: bool,
}

/// Checks one certificate of a validated path against the CRLs; `issuer` is the CA certificate
/// that issued it (the next in the path, or the trust anchor). Returns the report entry and
/// whether the certificate is known not to be revoked at the validation instant.
pub(crate) fn check(
    ctx: &RevocationContext<'_>,
    cert: &Certificate,
    issuer: &Certificate,
    is_leaf: bool,
) -> (Check, bool) {
    let evidence = |c: Check| {
        c.with("certificate", cert.subject())
            .with("serial", cert.serial_hex())
    };
    // RFC 6960: an authentic, current OCSP response decides (a "revoked" answer outranks a
    // "good" one from another response); one that does not count is kept to say why when no
    // CRL decides either.
    let mut ocsp_problem: Option<String> = None;
    let mut ocsp_good = None;
    for response in ctx.ocsp.iter().filter(|r| r.names(cert, issuer)) {
        match response.status(cert, issuer, ctx.at) {
            Some(Ok(OcspStatus::Good)) => ocsp_good = ocsp_good.or(Some(response)),
            Some(Ok(OcspStatus::Revoked(revoked_at))) => {
                let check = revoked(ctx, revoked_at, is_leaf).with("source", "ocsp");
                return (evidence(check), false);
            }
            Some(Ok(OcspStatus::Unknown)) => {
                ocsp_problem = Some("the OCSP responder does not know the certificate".into());
            }
            Some(Err(OcspProblem::NotAuthentic(why))) => {
                ocsp_problem = Some(format!("the OCSP response does not count: {why}"));
            }
            Some(Err(OcspProblem::NotCurrent {
                this_update,
                next_update,
            })) => {
                ocsp_problem = Some(format!(
                    "the OCSP response is not current at {} (thisUpdate {}, nextUpdate {})",
                    format_rfc3339(ctx.at),
                    format_rfc3339(this_update),
                    next_update.map_or("none".into(), format_rfc3339)
                ));
            }
            None => {}
        }
    }
    if let Some(response) = ocsp_good {
        // A "good" answer does not outweigh an authentic CRL that lists the certificate.
        if let Some(revoked_at) = listed_on_authentic_crl(ctx, cert, issuer) {
            let check = revoked(ctx, revoked_at, is_leaf).with("source", "crl");
            return (evidence(check), false);
        }
        let check = Check::pass(CODE, "not revoked according to a current OCSP response")
            .with("source", "ocsp")
            .with("ocsp-produced-at", format_rfc3339(response.produced_at()));
        return (evidence(check), true);
    }
    let covering: Vec<&Crl> = ctx.crls.iter().filter(|crl| crl.covers(cert)).collect();
    if let (true, Some(problem)) = (covering.is_empty(), &ocsp_problem) {
        let msg = format!("{problem}, and no CRL was given for this certificate's issuer; revocation status unknown");
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check), false);
    }
    if covering.is_empty() {
        let msg = "no CRL was given for this certificate's issuer";
        let check = Check::not_checked(CODE, msg).with("reason", NO_REVOCATION_DATA);
        return (evidence(check), false);
    }
    // RFC 5280 §6.3.3 (f): the CRL issuer's key must be allowed to sign CRLs.
    if issuer_forbids_crl_signing(issuer) {
        let msg = "the CRL issuer's KeyUsage does not assert cRLSign (RFC 5280 §6.3.3 (f)), so its CRLs prove nothing; revocation status unknown";
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check).with("crl-issuer", issuer.subject()), false);
    }
    let authentic = authentic(covering, issuer);
    if authentic.is_empty() {
        let msg =
            "no CRL for this issuer verifies with the issuer's key; revocation status unknown";
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check).with("crl-issuer", issuer.subject()), false);
    }
    // An authentic CRL that lists the certificate says it was revoked, whatever its scope or
    // dates; only "not listed" needs a complete, current CRL.
    if let Some(revoked_at) = authentic.iter().find_map(|crl| crl.revocation_of(cert)) {
        return (evidence(revoked(ctx, revoked_at, is_leaf)), false);
    }
    let mut unusable = None;
    let complete: Vec<&Crl> = authentic
        .into_iter()
        .filter(|crl| match crl.unusable_because() {
            None => true,
            Some(why) => {
                unusable.get_or_insert(why);
                false
            }
        })
        .collect();
    if complete.is_empty() {
        let msg = format!(
            "the CRL of {} cannot stand as its complete revocation list: {}; revocation status unknown",
            issuer.subject(),
            unusable.unwrap_or_default()
        );
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check).with("crl-issuer", issuer.subject()), false);
    }
    if let Some(crl) = complete.iter().find(|crl| crl.current_at(ctx.at)) {
        if crl.this_update() > cert.not_after() && !crl.keeps_expired_certs() {
            // RFC 5280 section 3.3 lets a CA drop expired certificates from later CRLs.
            let msg = "the CRL was issued after the certificate expired, so absence proves nothing";
            let check = Check::not_checked(CODE, msg)
                .with("reason", NO_REVOCATION_DATA)
                .with("crl-this-update", format_rfc3339(crl.this_update()));
            return (evidence(check), false);
        }
        let check = Check::pass(CODE, "not revoked according to a current CRL")
            .with("crl-this-update", format_rfc3339(crl.this_update()))
            .with(
                "crl-next-update",
                crl.next_update().map(format_rfc3339).unwrap_or_default(),
            );
        return (evidence(check), true);
    }
    let check = if complete.iter().any(|crl| crl.this_update() > ctx.at) {
        let msg = "the only CRLs were issued after the validation instant";
        Check::indeterminate(CODE, SubIndication::RevocationOutOfBoundsNoPoe, msg)
    } else {
        let msg = "every CRL is past its nextUpdate; fresher revocation information is needed";
        Check::indeterminate(CODE, SubIndication::TryLater, msg)
    };
    (
        evidence(check).with("instant", format_rfc3339(ctx.at)),
        false,
    )
}

/// The revocation date of `cert` on a CRL of `issuer` that verifies with the issuer's key, if
/// one lists it.
fn listed_on_authentic_crl(
    ctx: &RevocationContext<'_>,
    cert: &Certificate,
    issuer: &Certificate,
) -> Option<UnixTime> {
    if issuer_forbids_crl_signing(issuer) {
        return None;
    }
    let covering = ctx.crls.iter().filter(|crl| crl.covers(cert)).collect();
    authentic(covering, issuer)
        .into_iter()
        .find_map(|crl| crl.revocation_of(cert))
}

/// The CRLs of `covering` whose signature verifies with `issuer`'s key.
fn authentic<'c>(covering: Vec<&'c Crl>, issuer: &Certificate) -> Vec<&'c Crl> {
    let spki = issuer.spki_der();
    covering
        .into_iter()
        .filter(|crl| crl.verify_signature(&spki).is_ok())
        .collect()
}

/// Whether the issuer has a KeyUsage that does not allow signing CRLs (no KeyUsage: any usage).
fn issuer_forbids_crl_signing(issuer: &Certificate) -> bool {
    issuer
        .x509()
        .tbs_certificate()
        .get_extension::<x509_cert::ext::pkix::KeyUsage>()
        .ok()
        .flatten()
        .is_some_and(|(_, ku)| !ku.crl_sign())
}

/// The entry for a certificate listed on an authentic CRL.
fn revoked(ctx: &RevocationContext<'_>, revoked_at: UnixTime, is_leaf: bool) -> Check {
    let with_times = |c: Check| {
        c.with("revocation-date", format_rfc3339(revoked_at))
            .with("instant", format_rfc3339(ctx.at))
    };
    if revoked_at > ctx.at && ctx.at_is_poe {
        let msg = "revoked after the given instant, at which the signature is known to exist";
        return with_times(Check::warn(CODE, msg));
    }
    if !is_leaf {
        let msg = "a CA certificate of the path is revoked";
        return with_times(Check::indeterminate(
            CODE,
            SubIndication::RevokedCaNoPoe,
            msg,
        ));
    }
    match ctx.sig_t {
        Some(sig_t) if sig_t >= revoked_at => {
            let msg = "the signer certificate was revoked before the claimed signing time";
            with_times(Check::failed(CODE, SubIndication::Revoked, msg))
                .with("sig-t", format_rfc3339(sig_t))
        }
        _ => {
            let msg = "the signer certificate is revoked and nothing proves the signature was made before";
            with_times(Check::indeterminate(CODE, SubIndication::RevokedNoPoe, msg))
        }
    }
}
