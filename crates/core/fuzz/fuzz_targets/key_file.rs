//! Arbitrary bytes as a key file opened with a password (`fhirsig_core::keys::open_key_file`):
//! PKCS#12, encrypted PKCS#8 and plain keys. No panics, no stall past the key-derivation limits;
//! and every key that opens signs a message its own public half verifies.
#![no_main]

use fhirsig_core::keys::{open_key_file, Password};
use libfuzzer_sys::fuzz_target;

const MESSAGE: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJyZXNvdXJjZVR5cGUiOiJCdW5kbGUifQ";

fuzz_target!(|data: &[u8]| {
    // The password of the seed files (tests/fixtures/key-files), so mutations get past the MAC.
    let password = Password::new("fixture-password".to_owned());
    if let Ok(opened) = open_key_file(data, Some(&password)) {
        let key = opened.key;
        let alg = key.default_algorithm();
        match key.sign_raw(alg, MESSAGE) {
            Ok(signature) => {
                if let Err(e) = key.verifying_key().verify_signature(alg, MESSAGE, &signature) {
                    panic!("{alg:?} signature does not verify with its own key: {e}");
                }
            }
            Err(e) => panic!("an opened {:?} key cannot sign {alg:?}: {e}", key.kind()),
        }
    }
});
