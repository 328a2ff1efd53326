//! Test material for fhirsig, kept out of the signing core: a throw-away test PKI in memory
//! ([`pki::generate_test_pki`], what `fhirsig pki init` writes). Nothing here is for production
//! use: its keys are random or committed in this repository.

pub mod pki;
