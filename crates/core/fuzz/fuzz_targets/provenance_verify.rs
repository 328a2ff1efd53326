//! Arbitrary bytes as a FHIR document with Provenance: strict parsing, then every
//! `Provenance.signature` listed, its covered content rebuilt under each rule, and
//! `verify_provenance_signatures` with fixed options (the test root and its CRL, 2026-06-01, a
//! certificate cache shared across runs). Every report renders. No panics; a signature that
//! verifies must have content that can be rebuilt.
#![no_main]

use std::sync::OnceLock;

use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_provenance::{
    external_document_format, provenance_signatures, signed_content, verify_provenance_signatures,
    VerifyOptions,
};
use libfuzzer_sys::fuzz_target;

fn options() -> &'static VerifyOptions {
    static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| VerifyOptions {
        policy: Default::default(),
        validator: Some(fhirsig_core_fuzz::validator()),
        at: fhirsig_core_fuzz::now(),
        certificates: Default::default(),
    })
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
    let reports = verify_provenance_signatures(&doc, options());
    assert_eq!(reports.len(), found.len(), "one report per signature");
    for ((pointer, report), (_, signature)) in reports.iter().zip(&found) {
        let _ = report.to_string();
        if report.passed() {
            assert!(
                signed_content(&doc, signature.provenance, None).is_ok()
                    || signed_content(&doc, signature.provenance, Some(Canonicalization::Document))
                        .is_ok(),
                "{pointer} verified, yet its content cannot be rebuilt"
            );
        }
    }
});
