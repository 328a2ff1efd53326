//! What `fhirsig sign` checks before it signs: the problems every payer's verifier would reject
//! the signature for (the signer certificate's validity at the signing time, a KeyUsage that
//! allows signatures, `Signature.who` named by a SAN), and what only weakens it (a leaf-only
//! chain). A refusal can be overridden with `--force`, which says what will fail.

use fhirsig_core::fhir::Party;
use fhirsig_core::trust::{
    format_rfc3339, key_usage_names, match_signer_identity, CertificateChain,
};
use rustls_pki_types::UnixTime;

/// The findings, in the order a payer meets them.
pub struct Findings {
    /// What a verifier rejects.
    pub refusals: Vec<String>,
    /// What weakens the signature without failing it.
    pub warnings: Vec<String>,
}

/// Checks the chain and the signer identity at the signing instant.
pub fn check(
    chain: &CertificateChain,
    who: &Party,
    signing_time: time::OffsetDateTime,
) -> Findings {
    let leaf = chain.leaf();
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(signing_time.unix_timestamp()).unwrap_or(0),
    ));
    if !leaf.valid_at(at) {
        refusals.push(format!(
            "the signer certificate is not valid at the signing time {} (valid {} .. {})",
            format_rfc3339(at),
            format_rfc3339(leaf.not_before()),
            format_rfc3339(leaf.not_after())
        ));
    }
    if let Some(bits) = key_usage_names(leaf) {
        if !bits.contains(&"digitalSignature") && !bits.contains(&"nonRepudiation") {
            refusals.push(format!(
                "the signer certificate's KeyUsage ({}) allows neither digitalSignature nor nonRepudiation (CONF-051)",
                bits.join(", ")
            ));
        }
    }
    let identity = match_signer_identity(leaf, Some(&who.system), &who.value);
    if !identity.is_san_match() {
        refusals.push(format!(
            "Signature.who.identifier {}|{} is in no SAN of the signer certificate (CONF-053)",
            who.system, who.value
        ));
    }
    if chain.intermediates().is_empty() && leaf.subject() != leaf.issuer() {
        warnings.push(
            "x5c will hold the signer certificate only: a payer that does not hold its issuing CA cannot build the chain (add the intermediates to --cert)"
                .to_owned(),
        );
    }
    Findings { refusals, warnings }
}
