//! RFC 5280 §6.1.2-§6.1.5: processing one candidate path, trust anchor first, with the
//! certificates' signatures already verified by the path builder.

use rustls_pki_types::UnixTime;

use super::super::certificate::Certificate;
use super::super::times::format_rfc3339;
use super::constraints::NameConstraintState;
use super::extensions::View;
use super::names::same_name;
use super::policies::{PolicyInputs, PolicyState, ValidPolicies};
use super::Refusal;
use crate::report::SubIndication;

/// Longest path (certificates below the trust anchor) this validator processes.
pub(crate) const MAX_PATH: usize = 16;

/// Processes `path` (the signer first, its issuers after, each signed by the next, the last
/// signed by `anchor`) at `at`; name-constraint comparisons are charged to `comparisons`.
/// Unless `inputs` turn it off, the anchor's own name constraints and pathLenConstraint bound
/// the path (RFC 5937 §3: a trust anchor given as a certificate brings its constraints).
pub(crate) fn process(
    path: &[&Certificate],
    anchor: &Certificate,
    at: UnixTime,
    inputs: &PolicyInputs,
    comparisons: &mut usize,
) -> Result<ValidPolicies, Refusal> {
    let n = path.len();
    let views = path
        .iter()
        .enumerate()
        .map(|(index, cert)| View::of(cert).map_err(|rule| Refusal::at(index, cert, rule)))
        .collect::<Result<Vec<_>, _>>()?;
    let anchor_view = View::of(anchor).map_err(|rule| Refusal::at(n, anchor, rule))?;
    if let Some(oid) = anchor_view.unknown_critical.first() {
        return Err(Refusal::at(
            n,
            anchor,
            format!("the trust anchor has a critical extension {oid} this validator does not understand (RFC 5280 §4.2)"),
        ));
    }
    // §6.1.2 (a)-(k), with the anchor's constraints (RFC 5937) unless turned off.
    let mut names = NameConstraintState::new(comparisons);
    let mut max_path_length = n;
    if inputs.anchor_constraints() {
        if let Some(nc) = &anchor_view.name_constraints {
            names.add(nc).map_err(|rule| Refusal::at(n, anchor, rule))?;
        }
        if let Some(limit) = anchor_view
            .basic_constraints
            .as_ref()
            .and_then(|bc| bc.path_len_constraint)
        {
            max_path_length = max_path_length.min(usize::from(limit));
        }
    }
    let mut policy = PolicyState::new(inputs, n);
    for i in 1..=n {
        let index = n - i;
        let cert = path[index];
        let view = &views[index];
        let last = i == n;
        let refuse = |rule: String| Refusal::at(index, cert, rule);
        let tbs = cert.x509().tbs_certificate();
        let self_issued = same_name(tbs.subject(), tbs.issuer());
        // §6.1.3 (a)(2)
        if !cert.valid_at(at) {
            let (edge, when) = if at < cert.not_before() {
                ("before its notBefore", cert.not_before())
            } else {
                ("past its notAfter", cert.not_after())
            };
            let mut refusal = refuse(format!(
                "is {edge} ({}) at {} (RFC 5280 §6.1.3 (a)(2))",
                format_rfc3339(when),
                format_rfc3339(at)
            ));
            refusal.sub = SubIndication::OutOfBoundsNoPoe;
            return Err(refusal);
        }
        if tbs.issuer().is_empty() {
            return Err(refuse(
                "has an empty issuer name (RFC 5280 §4.1.2.4)".into(),
            ));
        }
        if cert.x509().signature_algorithm() != tbs.signature() {
            return Err(refuse(
                "names different signature algorithms inside and outside its signed part (RFC 5280 §4.1.1.2)".into(),
            ));
        }
        // §6.1.3 (b), (c): a self-issued intermediate is exempt.
        if !self_issued || last {
            names
                .check(tbs.subject(), &view.subject_alt_names)
                .map_err(|rule| {
                    refuse(format!("carries a name the path does not allow: {rule}"))
                })?;
        }
        // §6.1.3 (d)-(f)
        policy
            .process_certificate(view.policies.as_ref(), self_issued && !last)
            .map_err(&refuse)?;
        let constraints = view.policy_constraints.as_ref();
        if last {
            // §6.1.5 (f)
            if let Some(oid) = view.unknown_critical.first() {
                return Err(refuse(format!(
                    "has a critical extension {oid} this validator does not understand (RFC 5280 §4.2)"
                )));
            }
            // §6.1.5 (a), (b), (g)
            return policy
                .finish(constraints.and_then(|pc| pc.require_explicit_policy))
                .map_err(refuse);
        }
        // §6.1.4 (a), (b)
        if !view.mappings.is_empty() {
            policy.apply_mappings(&view.mappings).map_err(&refuse)?;
        }
        // §6.1.4 (g)
        if let Some(nc) = &view.name_constraints {
            names.add(nc).map_err(&refuse)?;
        }
        // §6.1.4 (h)-(j)
        policy.prepare_next(
            self_issued,
            constraints.and_then(|pc| pc.require_explicit_policy),
            constraints.and_then(|pc| pc.inhibit_policy_mapping),
            view.inhibit_any_policy,
        );
        // §6.1.4 (k)
        if !view.version3 || !view.is_ca() {
            return Err(refuse(
                "issued the next certificate of the path but is not a CA (no basicConstraints cA in a v3 certificate, RFC 5280 §6.1.4 (k))".into(),
            ));
        }
        // §6.1.4 (l)
        if !self_issued {
            if max_path_length == 0 {
                return Err(refuse(
                    "is one CA certificate more than the pathLenConstraint above it allows (RFC 5280 §6.1.4 (l))".into(),
                ));
            }
            max_path_length -= 1;
        }
        // §6.1.4 (m)
        if let Some(limit) = view
            .basic_constraints
            .as_ref()
            .and_then(|bc| bc.path_len_constraint)
        {
            max_path_length = max_path_length.min(usize::from(limit));
        }
        // §6.1.4 (n)
        if view
            .key_usage
            .as_ref()
            .is_some_and(|ku| !ku.key_cert_sign())
        {
            return Err(refuse(
                "is a CA whose KeyUsage does not assert keyCertSign, yet it issued the next certificate (RFC 5280 §6.1.4 (n))".into(),
            ));
        }
        // §6.1.4 (o)
        if let Some(oid) = view.unknown_critical.first() {
            return Err(refuse(format!(
                "has a critical extension {oid} this validator does not understand (RFC 5280 §6.1.4 (o))"
            )));
        }
    }
    // n >= 1 always returns inside the loop.
    Err(Refusal {
        index: 0,
        subject: None,
        rule: "an empty path".into(),
        sub: SubIndication::NoCertificateChainFound,
    })
}
