//! Arbitrary bytes as a FHIR document with Provenance: strict parsing, then every
//! `Provenance.signature` listed, its covered content rebuilt under each rule, and
//! `verify_provenance_signatures` (the core's) with fixed options (the test root and its CRL, 2026-06-01, a
//! certificate cache shared across runs). Every report renders. No panics; a signature that
//! verifies must have content that can be rebuilt.
#![no_main]

use std::sync::OnceLock;

use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::fhir::{
    external_document_format, provenance_signatures, signed_content, verify_provenance_signatures,
    VerifyOptions,
};
use libfuzzer_sys::fuzz_target;

fn options() -> &'static VerifyOptions {
    static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| VerifyOptions::new(fhirsig_core_fuzz::validator(), fhirsig_core_fuzz::now()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = fhirsig_jcs::parse(data) else {
        return;
    };
    let found = provenance_signatures(&doc);
    for (_, signature) in &found {
        let _ = external_document_format(signature.signature);
        for rule in [None, Some(Canonicalization::Document), Some(Canonicalization::Json)] {
            if let Err(e) = signed_content(&doc, signature.provenance, rule) {
                let _ = e.to_string();
            }
        }
    }
    let results = verify_provenance_signatures(&doc, options());
    // One result per Signature element, or per signer of a JWS JSON serialization.
    assert!(results.len() >= found.len(), "every signature has a result");
    for result in &results {
        let _ = result.report().to_string();
        if result.verified() {
            let (_, signature) = found
                .iter()
                .find(|(p, s)| format!("{p}/signature/{}", s.index) == result.signature_pointer)
                .expect("a verified result names a signature that was found");
            assert!(
                signed_content(&doc, signature.provenance, None).is_ok()
                    || signed_content(&doc, signature.provenance, Some(Canonicalization::Document))
                        .is_ok(),
                "{} verified, yet its content cannot be rebuilt",
                result.signature_pointer
            );
        }
    }
});
