//! The fhirsig signing core: which bytes of a FHIR resource are signed, detached JWS, certificate
//! trust and verification reports.
//!
//! The core never reads the clock, the environment or files: time, keys, certificates and trust
//! anchors are passed in by the caller (the `fhirsig` command line, or your program).

pub mod jws;
