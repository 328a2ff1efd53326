//! The floor of ES256 batch verification: ring's P-256 ECDSA verification alone, one key and
//! one signature verified over and over (as `openssl speed ecdsap256` does), on one thread and
//! on every core. `tests/bench/batch_verify.sh` prints it beside the batch's own rate.
//!
//! usage: cargo bench -p fhirsig-core --bench ecdsa_floor [-- SECONDS]   (default 3)

use std::time::{Duration, Instant};

use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED,
    ECDSA_P256_SHA256_FIXED_SIGNING,
};

fn main() {
    let seconds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<f64>().ok())
        .unwrap_or(3.0);
    let run_for = Duration::from_secs_f64(seconds);
    let rng = SystemRandom::new();
    let Ok(pkcs8) = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng) else {
        panic!("cannot make a P-256 key");
    };
    let Ok(pair) = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
    else {
        panic!("cannot read the P-256 key");
    };
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, pair.public_key().as_ref());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // A 32-byte message (what openssl's speed test verifies is a digest), and one of the size
    // of a small CDex record's signing input (its header carries the certificate chain).
    for len in [32usize, 4500] {
        let message = vec![b'a'; len];
        let Ok(signature) = pair.sign(&rng, &message) else {
            panic!("cannot sign");
        };
        for threads in [1, cores] {
            let start = Instant::now();
            let total: u64 = std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut done = 0u64;
                            while start.elapsed() < run_for {
                                for _ in 0..100 {
                                    assert!(public.verify(&message, signature.as_ref()).is_ok());
                                }
                                done += 100;
                            }
                            done
                        })
                    })
                    .collect();
                workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
            });
            let rate = total as f64 / start.elapsed().as_secs_f64();
            println!("ring ES256 verify, {len}-byte message, {threads} thread(s): {rate:.0}/s");
        }
    }
}
