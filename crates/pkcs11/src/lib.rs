//! PKCS#11 tokens as an fhirsig key source: the signing key never leaves the HSM.
//!
//! - [`Pkcs11Uri`] parses RFC 7512 URIs such as
//!   `pkcs11:token=ehr-signing;object=cdex-2026?pin-source=file:/run/secrets/pin`.
//! - [`Module::load`] loads a PKCS#11 module (a shared library: SoftHSM2, a vendor's HSM client)
//!   at run time; nothing is linked.
//! - [`Module::signer`] finds the token and the private key, logs in once, and returns a
//!   [`TokenSigner`]: a [`fhirsig_core::jws::Signer`] that keeps that one session for every
//!   signature it makes (a batch of a thousand signatures logs in once), checks each signature
//!   against the key's certificate before returning it, and never prints the PIN.
//! - [`Module::list`] lists a token's objects (labels, ids, key types; never secrets).
//!
//! The caller reads the PIN (from a file or the environment) and passes it as a [`Pin`]: this
//! crate reads no files and no environment itself, apart from loading the module.

mod error;
mod module;
mod signer;
mod uri;

pub use error::Pkcs11Error;
pub use module::{Module, ObjectInfo, TokenInfo};
pub use signer::TokenSigner;
pub use uri::{PinSource, Pkcs11Uri};

use std::fmt;

use zeroize::Zeroizing;

/// A token PIN. Its memory is wiped on drop and its `Debug` output is redacted.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Wraps a PIN.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}
