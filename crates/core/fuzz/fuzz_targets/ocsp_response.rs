//! Arbitrary bytes as an offline OCSP response (DER): parsing, and revocation checking of the
//! good and the revoked fixture chains with it at a fixed instant. No panics.
#![no_main]

use fhirsig_core::trust::{ChainValidator, OcspResponse};
use fhirsig_core_fuzz as fixtures;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(response) = OcspResponse::from_der(data) else {
        return;
    };
    let _ = response.produced_at();
    let validator = ChainValidator::new(fixtures::anchors()).with_ocsp(vec![response]);
    for leaf in [fixtures::LEAF_PEM, fixtures::REVOKED_PEM] {
        let (report, _) = validator.validate(&fixtures::chain(leaf), &fixtures::times());
        let _ = report.to_string();
    }
});
