//! Arbitrary bytes as a CRL (PEM or DER): parsing, accessors, and revocation checking of the
//! good and the revoked fixture chains with it at a fixed instant. No panics.
#![no_main]

use fhirsig_core::trust::{ChainValidator, Crl};
use fhirsig_core_fuzz as fixtures;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(crl) = Crl::from_pem_or_der(data) else {
        return;
    };
    let _ = crl.issuer();
    let _ = crl.this_update();
    let _ = crl.next_update();
    let _ = crl.current_at(fixtures::now());
    let _ = crl.keeps_expired_certs();
    let _ = crl.revoked_serials();
    let validator = ChainValidator::new(fixtures::anchors()).with_crls(vec![crl]);
    for leaf in [fixtures::LEAF_PEM, fixtures::REVOKED_PEM] {
        let (report, _) = validator.validate(&fixtures::chain(leaf), &fixtures::times());
        let _ = report.to_string();
    }
});
