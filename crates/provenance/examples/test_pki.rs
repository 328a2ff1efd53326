//! Writes a throwaway test PKI for `tests/interop/run-provenance.sh`: the files of
//! `fhirsig_testkit::pki` plus `chain.pem` (leaf-ec then the intermediate CA).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fhirsig_core::trust::parse_rfc3339;
use fhirsig_testkit::pki;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: test_pki DIR");
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let now = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let files = pki::generate_test_pki(now, &pki::PkiOptions::default()).unwrap();
    let mut chain = Vec::new();
    for name in ["leaf-ec.cert.pem", "intermediate-ca.cert.pem"] {
        chain.extend(&files.iter().find(|(n, _)| n == name).unwrap().1);
    }
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
}
