//! Arbitrary bytes as a private key (PEM, DER, JWK) and as a public key (SPKI PEM/DER, JWK,
//! certificate). No panics; and every key that loads must round-trip: a signature it makes
//! verifies with its own public half, and its public JWK loads back to the same kind of key.
#![no_main]

use fhirsig_core::jws::{SigningKey, VerifyingKey};
use libfuzzer_sys::fuzz_target;

const MESSAGE: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJyZXNvdXJjZVR5cGUiOiJCdW5kbGUifQ";

fuzz_target!(|data: &[u8]| {
    for key in [
        SigningKey::from_pem(data),
        SigningKey::from_der(data),
        SigningKey::from_jwk(data),
    ]
    .into_iter()
    .flatten()
    {
        let _ = format!("{key:?}");
        assert!(key.algorithms().contains(&key.default_algorithm()));
        let public = key.verifying_key();
        assert_eq!(public.kind(), key.kind());
        for &alg in key.algorithms() {
            let signature = match key.sign_raw(alg, MESSAGE) {
                Ok(signature) => signature,
                Err(e) => panic!("a loaded {:?} key cannot sign {alg:?}: {e}", key.kind()),
            };
            if let Err(e) = public.verify_signature(alg, MESSAGE, &signature) {
                panic!("{alg:?} signature does not verify with its own key: {e}");
            }
        }
        public_round_trip(public);
    }
    for key in [
        VerifyingKey::from_spki_pem(data),
        VerifyingKey::from_spki_der(data),
        VerifyingKey::from_jwk(data),
        VerifyingKey::from_certificate_der(data),
        VerifyingKey::from_certificate_pem(data),
    ]
    .into_iter()
    .flatten()
    {
        public_round_trip(&key);
    }
});

fn public_round_trip(key: &VerifyingKey) {
    let _ = format!("{key:?}");
    let jwk = key.to_jwk();
    match VerifyingKey::from_jwk(jwk.as_bytes()) {
        Ok(again) => {
            assert_eq!(again.kind(), key.kind());
            assert_eq!(again.to_jwk(), jwk, "public JWK is not a fixed point");
        }
        Err(e) => panic!("our own public JWK does not load: {e}\n{jwk}"),
    }
    for &alg in key.algorithms() {
        let _ = key.check_algorithm(alg);
        let _ = key.verify_signature(alg, MESSAGE, &[0u8; 64]);
    }
}
