//! Shared helpers of the SoftHSM2 tests: the token folder from `FHIRSIG_PKCS11_TEST_DIR`
//! (set by tests/pkcs11/run.sh), the module, the PIN, fixture certificates.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // tests may unwrap

use std::path::PathBuf;

use fhirsig_pkcs11::{Module, Pin};

pub fn module() -> Module {
    static CONFIGURED: std::sync::Once = std::sync::Once::new();
    CONFIGURED.call_once(|| {
        let dir = std::env::var("FHIRSIG_PKCS11_TEST_DIR").expect("FHIRSIG_PKCS11_TEST_DIR");
        std::env::set_var("SOFTHSM2_CONF", format!("{dir}/softhsm2.conf"));
    });
    let path = std::env::var("FHIRSIG_PKCS11_MODULE")
        .unwrap_or_else(|_| "/usr/lib/softhsm/libsofthsm2.so".to_owned());
    Module::load(&PathBuf::from(path)).unwrap()
}

pub fn pin() -> Pin {
    let dir = std::env::var("FHIRSIG_PKCS11_TEST_DIR").unwrap();
    let text = std::fs::read_to_string(format!("{dir}/pin.txt")).unwrap();
    Pin::new(text.trim_end().to_owned())
}

pub fn fixture_cert(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/fixtures/key-files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let pem = std::fs::read(path).unwrap();
    fhirsig_core::trust::certificates_from_pem(&[&pem]).unwrap()[0]
        .der()
        .to_vec()
}
