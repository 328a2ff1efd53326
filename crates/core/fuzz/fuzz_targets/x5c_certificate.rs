//! Arbitrary bytes as an `x5c` certificate: chain parsing, key extraction, certificate
//! accessors, identity matching, trust anchors, and path validation against the fixed test root
//! at a fixed instant. No panics.
#![no_main]

use fhirsig_core::jws::VerifyingKey;
use fhirsig_core::trust::{
    certificate_identifiers, certificate_names, match_signer_identity, CertificateChain,
    ChainValidator, TrustAnchors,
};
use fhirsig_core_fuzz as fixtures;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = VerifyingKey::from_certificate_der(data);
    let validator = validator();
    let times = fixtures::times();
    // The input as the leaf, alone and above the real intermediate.
    for list in [
        vec![data.to_vec()],
        vec![data.to_vec(), fixtures::der(fixtures::INTERMEDIATE_PEM)],
    ] {
        let (report, _) = validator.validate_x5c(list.clone(), &times);
        let _ = report.to_string();
        if let Ok(chain) = CertificateChain::from_der(list) {
            let leaf = chain.leaf();
            let _ = (leaf.subject(), leaf.issuer(), leaf.serial_hex());
            let _ = (
                leaf.not_before(),
                leaf.not_after(),
                leaf.valid_at(times.verification()),
            );
            let _ = certificate_identifiers(leaf);
            let _ = certificate_names(leaf);
            for system in [None, Some("http://hl7.org/fhir/sid/us-npi"), Some("urn:x")] {
                let _ = match_signer_identity(leaf, system, "1234567893").to_check("1234567893");
            }
            let _ = chain.to_der_list();
        }
    }
    // The input as an intermediate between the good leaf and the root.
    let list = vec![fixtures::der(fixtures::LEAF_PEM), data.to_vec()];
    let _ = validator.validate_x5c(list, &times);
    // The input as a trust anchor (PEM or not) for the good chain.
    if let Ok(anchors) = TrustAnchors::from_pem(&[data]) {
        let _ = anchors.certificates();
        let (report, _) =
            ChainValidator::new(anchors).validate(&fixtures::chain(fixtures::LEAF_PEM), &times);
        let _ = report.to_string();
    }
});

fn validator() -> &'static ChainValidator {
    static VALIDATOR: std::sync::OnceLock<ChainValidator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(fixtures::validator)
}
