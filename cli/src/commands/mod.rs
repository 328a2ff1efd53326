//! One module per subcommand.

pub mod canon;
pub mod cert;
#[cfg(feature = "test-pki")]
pub mod demo;
pub mod doc;
pub mod generate;
pub mod inspect;
pub mod keys;
#[cfg(feature = "test-pki")]
pub mod pki;
pub mod policy;
pub mod provenance;
pub mod serve;
pub mod sign;
mod sign_preflight;
pub mod verify;
