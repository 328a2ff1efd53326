//! Helpers shared by the core crate's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::PathBuf;

use fhirsig_core::trust::{
    parse_rfc3339, CertificateChain, ChainValidator, Crl, Report, TrustAnchors,
};
use fhirsig_testkit::pki;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};

/// 2026-06-01T00:00:00Z, the instant the CDex examples are verified at.
pub fn june_2026() -> UnixTime {
    parse_rfc3339("2026-06-01T00:00:00Z").unwrap()
}

pub fn t(text: &str) -> UnixTime {
    parse_rfc3339(text).unwrap()
}

/// A generated test PKI, by file name.
pub struct Pki {
    pub files: HashMap<String, Vec<u8>>,
    pub now: UnixTime,
}

impl Pki {
    pub fn new(now: UnixTime) -> Self {
        let files = pki::generate_test_pki(now, &pki::PkiOptions::default()).unwrap();
        Self {
            files: files.into_iter().collect(),
            now,
        }
    }

    pub fn file(&self, name: &str) -> &[u8] {
        self.files
            .get(name)
            .unwrap_or_else(|| panic!("no file {name}"))
    }

    pub fn der(&self, name: &str) -> Vec<u8> {
        CertificateDer::from_pem_slice(self.file(name))
            .unwrap()
            .to_vec()
    }

    /// `[leaf, intermediate]` for `leaf-…` stems.
    pub fn chain(&self, stem: &str) -> CertificateChain {
        let leaf = self.der(&format!("{stem}.cert.pem"));
        CertificateChain::from_der(vec![leaf, self.der("intermediate-ca.cert.pem")]).unwrap()
    }

    pub fn validator(&self) -> ChainValidator {
        ChainValidator::new(TrustAnchors::from_pem(&[self.file("root-ca.cert.pem")]).unwrap())
    }

    pub fn validator_with_crl(&self) -> ChainValidator {
        let crl = Crl::from_pem_or_der(self.file("intermediate-ca.crl.pem")).unwrap();
        let root_crl = Crl::from_pem_or_der(self.file("root-ca.crl.pem")).unwrap();
        self.validator().with_crls(vec![crl, root_crl])
    }
}

/// `crates/core/../../../shared/vectors/<suite>`; panics naming the suite when absent.
pub fn vectors(suite: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors")
        .join(suite);
    assert!(
        dir.is_dir(),
        "test vector suite `{suite}` is missing: expected it at {}",
        dir.display()
    );
    dir
}

/// `tests/fixtures/<dir>` at the repository root; panics naming it when absent.
pub fn repo_fixtures(dir: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(dir);
    assert!(
        path.is_dir(),
        "fixture directory `{dir}` is missing: expected it at {}",
        path.display()
    );
    path
}

/// Asserts the indication/sub-indication codes, printing the report on failure.
pub fn assert_outcome(report: &Report, indication: &str, sub: Option<&str>) {
    let got = (
        report.indication().as_str(),
        report.sub_indication().map(|s| s.as_str()),
    );
    assert_eq!(got, (indication, sub), "report:\n{report}");
}

/// The folder of one external suite (`../shared/vectors/<name>` beside the repository); panics
/// with a clear message when it is missing, so a missing suite fails instead of passing.
pub fn suite(name: &str) -> PathBuf {
    vectors(name)
}

/// Reads a JSON file of a vector suite.
pub fn json(suite: &str, file: &str) -> serde_json::Value {
    let path = vectors(suite).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The repository's `tests/` folder.
pub fn repo_tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

/// Decodes lowercase/uppercase hex.
pub fn hex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
