//! Arbitrary bytes as a FHIR document: strict parsing, then `verify_document` with fixed options
//! (the test root and its CRL, 2026-06-01), every report and the OperationOutcome rendered.
//! No panics.
#![no_main]

use fhirsig_core::fhir::{operation_outcome, verify_document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = fhirsig_jcs::parse(data) else {
        return;
    };
    let results = verify_document(&doc, fhirsig_core_fuzz::shared_verify_options());
    for result in &results {
        let _ = result.verified();
        let _ = result.report().to_string();
    }
    let _ = operation_outcome(&results);
});
