//! `Module::list`: public objects before a login, private keys after, URIs that open them.
//! Run by `tests/pkcs11/run.sh` against a SoftHSM2 token it makes (Debian's softhsm2, OpenSC's
//! pkcs11-tool); without a token these are reported as ignored, never as passed. Each file is a
//! process of its own: PKCS#11 login state is shared by every session of a process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use common::{module, pin};

use fhirsig_pkcs11::Pkcs11Uri;

#[test]
#[ignore = "needs a SoftHSM2 token: run tests/pkcs11/run.sh"]
fn list_shows_objects_without_secrets() {
    let module = module();
    let all = Pkcs11Uri::parse("pkcs11:token=fhirsig-test").unwrap();
    let tokens = module.tokens().unwrap();
    let token = tokens.iter().find(|t| t.label == "fhirsig-test").unwrap();
    let public_only = module.list(token, &all, None).unwrap();
    assert!(public_only.iter().all(|o| o.class != "private-key"));
    assert!(public_only.iter().any(|o| o.label == "test-ca"));
    let objects = module.list(token, &all, Some(&pin())).unwrap();
    let key = objects
        .iter()
        .find(|o| o.class == "private-key" && o.label == "ec-signer")
        .unwrap();
    assert_eq!(key.id, "01");
    assert_eq!(key.key_type.as_deref(), Some("EC"));
    // The URI it prints opens the same key.
    let uri = Pkcs11Uri::parse(&key.uri).unwrap();
    assert!(module.signer(&uri, Some(&pin())).is_ok(), "{}", key.uri);
}
