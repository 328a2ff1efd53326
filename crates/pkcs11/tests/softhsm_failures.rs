//! Token failures: wrong PIN, no PIN, missing object or token, a token without a user PIN, bad modules.
//! Run by `tests/pkcs11/run.sh` against a SoftHSM2 token it makes (Debian's softhsm2, OpenSC's
//! pkcs11-tool); without a token these are reported as ignored, never as passed. Each file is a
//! process of its own: PKCS#11 login state is shared by every session of a process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use common::{module, pin};

use std::path::PathBuf;

use fhirsig_pkcs11::{Module, Pin, Pkcs11Error, Pkcs11Uri};

#[test]
#[ignore = "needs a SoftHSM2 token: run tests/pkcs11/run.sh"]
fn failures_are_typed_and_never_show_the_pin() {
    let module = module();
    let uri = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;object=ec-signer").unwrap();
    let wrong = Pin::new("999999".to_owned());
    let err = module.signer(&uri, Some(&wrong)).unwrap_err();
    assert_eq!(err, Pkcs11Error::PinIncorrect);
    assert!(!format!("{err} {err:?} {wrong:?}").contains("999999"));

    assert_eq!(
        module.signer(&uri, None).unwrap_err(),
        Pkcs11Error::PinRequired
    );

    let missing = Pkcs11Uri::parse("pkcs11:token=fhirsig-test;object=nope").unwrap();
    let err = module.signer(&missing, Some(&pin())).unwrap_err();
    assert!(matches!(err, Pkcs11Error::NoObject { .. }), "{err}");

    let no_token = Pkcs11Uri::parse("pkcs11:token=absent;object=ec-signer").unwrap();
    match module.signer(&no_token, Some(&pin())).unwrap_err() {
        Pkcs11Error::NoToken { present, .. } => {
            assert!(present.contains(&"fhirsig-test".to_owned()))
        }
        other => panic!("{other}"),
    }

    let no_pin = Pkcs11Uri::parse("pkcs11:token=fhirsig-nopin;object=k").unwrap();
    let err = module.signer(&no_pin, Some(&pin())).unwrap_err();
    assert!(matches!(err, Pkcs11Error::Locked { .. }), "{err}");

    let err = Module::load(&PathBuf::from("/nonexistent/libpkcs11.so")).unwrap_err();
    assert!(matches!(err, Pkcs11Error::Module { .. }), "{err}");
    let err = Module::load(&PathBuf::from("/etc/hostname")).unwrap_err();
    assert!(matches!(err, Pkcs11Error::Module { .. }), "{err}");
}
