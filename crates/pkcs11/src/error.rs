//! Errors of the PKCS#11 key source: each says what failed and what to do, never a PIN.

use std::fmt;

/// Why a token could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The URI is not an RFC 7512 `pkcs11:` URI this crate understands.
    Uri {
        /// What is wrong with it.
        reason: String,
    },
    /// The module (shared library) could not be loaded or initialised.
    Module {
        /// The module's path.
        path: String,
        /// The loader's or the module's reason.
        reason: String,
    },
    /// No token matches the URI.
    NoToken {
        /// The token attributes asked for.
        wanted: String,
        /// The labels of the tokens present.
        present: Vec<String>,
    },
    /// Several tokens match the URI.
    SeveralTokens {
        /// Their labels.
        labels: Vec<String>,
    },
    /// The PIN was refused.
    PinIncorrect,
    /// The token refuses logins (too many wrong PINs, or a PIN that was never set or expired).
    Locked {
        /// The token's reason.
        reason: &'static str,
    },
    /// The token needs a PIN and none was given.
    PinRequired,
    /// No private key (or no certificate) matches the URI.
    NoObject {
        /// What was looked for.
        wanted: String,
    },
    /// Several private keys match the URI.
    SeveralObjects {
        /// What was looked for.
        wanted: String,
        /// How many matched.
        count: usize,
    },
    /// The key is not one fhirsig signs with (only EC P-256/P-384 and RSA ≥ 2048 bits).
    UnsupportedKey {
        /// The key's type and parameters.
        reason: String,
    },
    /// Another PKCS#11 call failed.
    Token {
        /// The function.
        function: String,
        /// The return value, by name.
        reason: String,
    },
}

impl fmt::Display for Pkcs11Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uri { reason } => write!(f, "PKCS#11 URI: {reason}"),
            Self::Module { path, reason } => {
                write!(f, "cannot load the PKCS#11 module {path}: {reason}")
            }
            Self::NoToken { wanted, present } if present.is_empty() => {
                write!(f, "no PKCS#11 token matches {wanted}: the module shows no token")
            }
            Self::NoToken { wanted, present } => write!(
                f,
                "no PKCS#11 token matches {wanted}; present: {}",
                present
                    .iter()
                    .map(|l| format!("{l:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::SeveralTokens { labels } => write!(
                f,
                "several PKCS#11 tokens match ({}); name one with token=…",
                labels.join(", ")
            ),
            Self::PinIncorrect => f.write_str("the token refused the PIN (CKR_PIN_INCORRECT)"),
            Self::Locked { reason } => write!(f, "the token refuses logins: {reason}"),
            Self::PinRequired => f.write_str("the token needs a PIN and none was given"),
            Self::NoObject { wanted } => write!(f, "no object on the token matches {wanted}"),
            Self::SeveralObjects { wanted, count } => write!(
                f,
                "{count} private keys on the token match {wanted}; add id=… or a more exact object=…"
            ),
            Self::UnsupportedKey { reason } => write!(f, "the token key cannot sign here: {reason}"),
            Self::Token { function, reason } => write!(f, "{function} failed: {reason}"),
        }
    }
}

impl std::error::Error for Pkcs11Error {}

/// Maps a cryptoki error to ours; PIN and lock states get their own variants.
pub(crate) fn from_cryptoki(e: cryptoki::error::Error) -> Pkcs11Error {
    use cryptoki::error::{Error, RvError};
    match e {
        Error::Pkcs11(RvError::PinIncorrect, _) => Pkcs11Error::PinIncorrect,
        Error::Pkcs11(RvError::PinLocked, _) => Pkcs11Error::Locked {
            reason: "the PIN is locked after too many failed attempts (CKR_PIN_LOCKED); the security officer must unlock it",
        },
        Error::Pkcs11(RvError::PinExpired, _) => Pkcs11Error::Locked {
            reason: "the PIN has expired (CKR_PIN_EXPIRED); set a new one",
        },
        Error::Pkcs11(RvError::UserPinNotInitialized, _) => Pkcs11Error::Locked {
            reason: "the user PIN was never set (CKR_USER_PIN_NOT_INITIALIZED); initialise it with the token's tools",
        },
        Error::Pkcs11(RvError::PinLenRange, _) => Pkcs11Error::PinIncorrect,
        Error::Pkcs11(rv, function) => Pkcs11Error::Token {
            function: format!("{function:?}"),
            reason: format!("{rv:?}"),
        },
        other => Pkcs11Error::Token {
            function: "PKCS#11".to_owned(),
            reason: other.to_string(),
        },
    }
}
