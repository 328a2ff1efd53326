//! Offline revocation checking with caller-supplied OCSP responses and CRLs, one certificate
//! at a time.
//!
//! An OCSP response counts for a certificate when it names it and is authentic and current
//! (see [`super::ocsp`]); otherwise a certificate is covered by a CRL whose issuer name equals
//! the certificate's issuer name and whose signature verifies with the issuing CA's key. With
//! neither the status is "not checked" — never "good".

use crate::report::CheckCode;
use rustls_pki_types::UnixTime;

use super::anchors::TrustAnchors;
use super::certificate::Certificate;
use super::crl::{self, Crl, Scope, ALL_REASONS};
use super::ocsp::{OcspProblem, OcspResponse, OcspStatus};
use super::pkix::{self, PolicyInputs};
use super::times::format_rfc3339;
use crate::policy::NO_REVOCATION_DATA;
use crate::report::{Check, SubIndication};

const CODE: CheckCode = CheckCode::RevocationStatus;

/// Path searches one CRL's signer may cost.
const MAX_CRL_SIGNER_SEARCHES: usize = 4;

/// What the revocation check needs to know about the validation.
pub(crate) struct RevocationContext<'a> {
    pub(crate) crls: &'a [Crl],
    /// The anchors and candidate certificates, to validate the issuer of an indirect CRL.
    pub(crate) anchors: &'a TrustAnchors,
    pub(crate) pool: &'a [&'a Certificate],
    pub(crate) ocsp: &'a [OcspResponse],
    /// The validation instant.
    pub(crate) at: UnixTime,
    /// The signer's claimed signing time.
    pub(crate) sig_t: Option<UnixTime>,
    /// True when the caller vouches for `at` as a proof of existence of the signature.
    pub(crate) at_is_poe: bool,
}

/// Checks one certificate of a validated path against the CRLs; `issuer` is the CA certificate
/// that issued it (the next in the path, or the trust anchor), `anchor` the path's anchor.
/// Returns the report entry and whether the certificate is known not to be revoked at the
/// validation instant.
pub(crate) fn check(
    ctx: &RevocationContext<'_>,
    cert: &Certificate,
    issuer: &Certificate,
    anchor: &Certificate,
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
    let candidates = crl_candidates(ctx, cert, issuer, anchor);
    if let Some(response) = ocsp_good {
        // A "good" answer does not outweigh an authentic CRL that lists the certificate.
        if let Some((revoked_at, reason)) = revocation_on(&candidates.authentic, cert) {
            let check =
                with_reason(revoked(ctx, revoked_at, is_leaf), reason).with("source", "crl");
            return (evidence(check), false);
        }
        let check = Check::pass(CODE, "not revoked according to a current OCSP response")
            .with("source", "ocsp")
            .with("ocsp-produced-at", format_rfc3339(response.produced_at()));
        return (evidence(check), true);
    }
    if let (false, Some(problem)) = (candidates.any, &ocsp_problem) {
        let msg = format!("{problem}, and no CRL was given for this certificate's issuer; revocation status unknown");
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check), false);
    }
    if !candidates.any {
        let msg = "no CRL was given for this certificate's issuer";
        let check = Check::not_checked(CODE, msg).with("reason", NO_REVOCATION_DATA);
        return (evidence(check), false);
    }
    if candidates.authentic.is_empty() {
        let msg = format!(
            "{}; revocation status unknown",
            candidates.problem.unwrap_or_else(|| "no CRL counts".into())
        );
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check).with("crl-issuer", issuer.subject()), false);
    }
    // An authentic CRL that lists the certificate says it was revoked, whatever its scope or
    // dates; only "not listed" needs complete, current CRLs covering every reason.
    if let Some((revoked_at, reason)) = revocation_on(&candidates.authentic, cert) {
        let check = with_reason(revoked(ctx, revoked_at, is_leaf), reason);
        return (evidence(check), false);
    }
    let mut unusable = None;
    let mut in_scope: Vec<(&Crl, u16)> = Vec::new();
    for crl in candidates.authentic.iter().copied() {
        if let Some(why) = crl.unusable_because() {
            unusable.get_or_insert(why);
            continue;
        }
        match crl.scope_for(cert) {
            Scope::Outside(why) => {
                unusable.get_or_insert(why);
            }
            Scope::Reasons(reasons) => in_scope.push((crl, reasons)),
        }
    }
    if in_scope.is_empty() {
        let msg = format!(
            "no CRL given (issuer {}) can stand as the complete revocation list for this certificate: {}; revocation status unknown",
            issuer.subject(),
            unusable.unwrap_or_default()
        );
        let check = Check::indeterminate(CODE, SubIndication::TryLater, msg);
        return (evidence(check).with("crl-issuer", issuer.subject()), false);
    }
    // §5.2.4: a complete CRL past its nextUpdate is brought up to date by a current delta CRL
    // of the same issuer and scope whose BaseCRLNumber is at most its cRLNumber.
    let deltas: Vec<(&Crl, u16)> = candidates
        .authentic
        .iter()
        .filter(|d| d.usable_delta() && d.current_at(ctx.at))
        .filter_map(|d| match d.scope_for(cert) {
            Scope::Reasons(r) => Some((*d, r)),
            Scope::Outside(_) => None,
        })
        .collect();
    let updated = |base: &Crl, reasons: u16| {
        base.crl_number().is_some_and(|number| {
            deltas.iter().any(|(delta, delta_reasons)| {
                *delta_reasons == reasons
                    && pkix::same_name(delta.issuer_name(), base.issuer_name())
                    && delta.delta_base().is_some_and(|b| {
                        crl::number_order(&b, &number) != std::cmp::Ordering::Greater
                    })
            })
        })
    };
    let current: Vec<&(&Crl, u16)> = in_scope
        .iter()
        .filter(|(c, r)| c.current_at(ctx.at) || (c.this_update() <= ctx.at && updated(c, *r)))
        .collect();
    let reasons = current.iter().fold(0u16, |mask, (_, r)| mask | r);
    if let Some((crl, _)) = current
        .first()
        .filter(|_| reasons & ALL_REASONS == ALL_REASONS)
    {
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
    let check = if !current.is_empty() {
        let msg = "the current CRLs cover only some revocation reasons (issuingDistributionPoint onlySomeReasons, RFC 5280 §6.3.3 (d)); revocation status unknown";
        Check::indeterminate(CODE, SubIndication::TryLater, msg)
    } else if in_scope.iter().any(|(crl, _)| crl.this_update() > ctx.at) {
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

/// The revocation date of `cert` on one of the authentic CRLs: any listing counts, whatever
/// the CRL's scope or dates, except removeFromCRL entries and a certificateHold that a later
/// complete CRL of the same issuer covering holds no longer lists (a hold is released that
/// way, RFC 5280 §5.3.1).
fn revocation_on(authentic: &[&Crl], cert: &Certificate) -> Option<(UnixTime, Option<u8>)> {
    authentic.iter().find_map(|crl| {
        let revoked_at = crl.revocation_of(cert)?;
        let reason = crl.listing(cert).and_then(|l| l.reason);
        let hold = reason == Some(crl::CERTIFICATE_HOLD);
        // A hold on a CRL without a cRLNumber cannot be shown superseded: it stands.
        if let (true, Some(number)) = (hold, crl.crl_number()) {
            let released = authentic.iter().any(|later| {
                later.unusable_because().is_none()
                    && pkix::same_name(later.issuer_name(), crl.issuer_name())
                    && matches!(later.scope_for(cert), Scope::Reasons(r) if r & (1 << crl::CERTIFICATE_HOLD) != 0)
                    && later
                        .crl_number()
                        .is_some_and(|n| crl::number_order(&n, &number) == std::cmp::Ordering::Greater)
                    && later.listing(cert).is_none()
            });
            if released {
                return None;
            }
        }
        Some((revoked_at, reason))
    })
}

/// The name of a CRL reasonCode (RFC 5280 §5.3.1).
fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "unknown",
    }
}

/// Adds the CRL entry's reasonCode to a revocation entry, when it has one.
fn with_reason(check: Check, reason: Option<u8>) -> Check {
    match reason {
        Some(code) => check.with("revocation-reason", reason_name(code)),
        None => check,
    }
}

/// The CRLs that could speak for a certificate, and which of them are authentic.
struct Candidates<'c> {
    /// Whether any CRL was given by the certificate's issuer or names itself its CRL issuer.
    any: bool,
    /// Those whose signature verifies with a key allowed to sign CRLs for the certificate.
    authentic: Vec<&'c Crl>,
    /// Why the first one that did not count does not.
    problem: Option<String>,
}

/// The certificate's issuer's own CRLs (signed with the issuer's key, which must allow
/// cRLSign, RFC 5280 §6.3.3 (f)), and indirect CRLs of a CRL issuer the certificate names
/// (§6.3.3 (b)(1)) whose own certificate has a path to the same trust anchor and allows
/// cRLSign.
fn crl_candidates<'c>(
    ctx: &RevocationContext<'c>,
    cert: &Certificate,
    issuer: &Certificate,
    anchor: &Certificate,
) -> Candidates<'c> {
    let mut out = Candidates {
        any: false,
        authentic: Vec::new(),
        problem: None,
    };
    let direct: Vec<&Crl> = ctx.crls.iter().filter(|crl| crl.covers(cert)).collect();
    if !direct.is_empty() {
        out.any = true;
        if issuer_forbids_crl_signing(issuer) {
            out.problem = Some("the CRL issuer's KeyUsage does not assert cRLSign (RFC 5280 §6.3.3 (f)), so its CRLs prove nothing".into());
        } else {
            let spki = issuer.spki_der();
            for crl in direct {
                if crl.verify_signature(&spki).is_ok() {
                    out.authentic.push(crl);
                    continue;
                }
                // The CA may sign CRLs with another key of its own (a key rollover): then the
                // CRL issuer's certificate for that key needs its own path to the same anchor
                // (RFC 5280 §6.3.3 (f)).
                match crl_signer(ctx, crl, anchor) {
                    Ok(()) => out.authentic.push(crl),
                    Err(_) => {
                        out.problem.get_or_insert_with(|| {
                            "no CRL for this issuer verifies with the issuer's key (or with another certificate of the issuer that has a path to the same trust anchor)".into()
                        });
                    }
                }
            }
        }
    }
    for crl in ctx
        .crls
        .iter()
        .filter(|crl| !crl.covers(cert) && crl.is_indirect() && crl::names_crl_issuer(cert, crl))
    {
        out.any = true;
        match crl_signer(ctx, crl, anchor) {
            Ok(()) => out.authentic.push(crl),
            Err(why) => {
                out.problem.get_or_insert(why);
            }
        }
    }
    out
}

/// Finds and validates the signer of a CRL that the certificate's issuer key did not sign (an
/// indirect CRL, or one signed with the CA's rolled-over key): a certificate named as the
/// CRL's issuer whose key verifies it and allows cRLSign, with a path to `anchor` at the
/// validation instant (RFC 5280 §6.3.3 (f): the same trust anchor as the certificate's).
fn crl_signer(ctx: &RevocationContext<'_>, crl: &Crl, anchor: &Certificate) -> Result<(), String> {
    let named: Vec<&Certificate> = ctx
        .pool
        .iter()
        .copied()
        .chain(ctx.anchors.certificates())
        .filter(|c| pkix::same_name(c.x509().tbs_certificate().subject(), crl.issuer_name()))
        .collect();
    let mut why = format!(
        "no certificate of the CRL issuer {} whose key signed it was given (add it with --intermediates)",
        crl.issuer()
    );
    // Certificates carrying the CRL issuer's name are an attacker's to add to x5c: only the
    // first few whose key verifies the CRL are given a path search each.
    let mut searches = 0usize;
    for candidate in named {
        if crl.verify_signature(&candidate.spki_der()).is_err() {
            why = format!(
                "the indirect CRL does not verify with the key of {}",
                candidate.subject()
            );
            continue;
        }
        if issuer_forbids_crl_signing(candidate) {
            why = format!(
                "the indirect CRL issuer {} does not assert cRLSign (RFC 5280 §6.3.3 (f))",
                candidate.subject()
            );
            continue;
        }
        if candidate.der() == anchor.der() {
            return Ok(());
        }
        searches += 1;
        if searches > MAX_CRL_SIGNER_SEARCHES {
            why = format!(
                "more than {MAX_CRL_SIGNER_SEARCHES} certificates claim to be the CRL issuer {}",
                crl.issuer()
            );
            break;
        }
        match pkix::search(candidate, ctx.pool, ctx.anchors.certificates(), ctx.at, &PolicyInputs::any()) {
            Ok(found) if found.anchor.der() == anchor.der() => return Ok(()),
            Ok(_) => why = format!("the CRL issuer {} chains to another trust anchor than the certificate (RFC 5280 §6.3.3 (f))", candidate.subject()),
            Err(refusal) => why = format!("the CRL issuer's certificate has no valid path: {}", refusal.message()),
        }
    }
    Err(why)
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
