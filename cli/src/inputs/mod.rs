//! Everything a command reads besides its documents, read one way: keys, certificates, trust
//! anchors, CRLs and OCSP responses, secrets, validation policies, and the clock.
//!
//! The rules every input follows: an option's file is read through [`crate::io`]
//! (`read_option_file`, `-` for standard input); every problem is an input error (exit status 2)
//! that names the file and says what the option takes; secrets come from files or the
//! environment, never from a flag value, and are never echoed; the clock is read once, first
//! thing in `main` ([`clock::start`]), so every part of one command sees the same instant
//! (`serve` reads it again per request).

pub mod anchors;
pub mod certificates;
pub mod clock;
pub mod policy;
pub mod public_keys;
pub mod revocation;
mod secrets;
pub mod signing_key;
pub mod trust;
