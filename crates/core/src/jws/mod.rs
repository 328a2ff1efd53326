//! JOSE / JWS: detached compact signatures (RFC 7515 Appendix F), the JSON serialization, the
//! algorithms CDex and JAdES use, and key loading.
//!
//! - Algorithms ([`Algorithm`]): RS256, PS256, ES256, ES384 and EdDSA (plus RS384/512 and
//!   PS384/512), all via ring. ECDSA signatures are the JOSE raw `r||s` form.
//! - A verifier states its [`AlgorithmPolicy`] (a non-empty allow-list) before reading any
//!   header. `none`, `HS*`, unknown names, a key of the wrong type and RSA keys under 2048 bits
//!   are each refused with their own error.
//! - The signing input is always the *received* protected-header text, `.`, and the base64url
//!   of the payload the verifier reconstructed; the header is never re-serialised.
//! - Headers ([`Header`]) are strict I-JSON (duplicate members refused). `crit` may list only
//!   `sigT`, `srCms`, `canon` and `sigD` (whose document digests `crate::document` checks), the
//!   extensions processed here (RFC 7797 `b64` is not
//!   implemented).
//!
//! ```
//! use fhirsig_core::jws::{self, AlgorithmPolicy, CompactJws, HeaderBuilder, SigningKey};
//!
//! // The RFC 7515 Appendix A.3 example key (public test data).
//! let key = SigningKey::from_jwk(br#"{"kty":"EC","crv":"P-256",
//!     "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!     "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
//!     "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#)?;
//! let header = HeaderBuilder::new(key.default_algorithm())
//!     .sig_t("2026-01-01T00:00:00Z")
//!     .commitment(jws::CDEX_VERIFICATION_COMMITMENT, Some("Verification Signature"))
//!     .build()?;
//! let payload = br#"{"resourceType":"Bundle","type":"document"}"#;
//!
//! let detached = jws::sign_detached(&header, payload, &key)?;
//! assert!(detached.contains(".."));
//!
//! let parsed = CompactJws::parse(&detached)?;
//! let policy = AlgorithmPolicy::default();
//! jws::verify_detached(&parsed, payload, key.verifying_key(), &policy)?;
//!
//! // Changing one byte of the payload breaks the signature.
//! let err = jws::verify_detached(&parsed, b"{}", key.verifying_key(), &policy).unwrap_err();
//! assert_eq!(err, jws::JwsError::BadSignature);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod algorithm;
pub(crate) mod b64;
mod compact;
mod crit;
mod ec;
mod error;
mod header;
mod header_builder;
mod json;
mod jwk;
pub(crate) mod pem;
mod prehash;
mod rsa_any_size;
mod signer;
mod signing_key;
mod verifying_key;

pub use algorithm::{Algorithm, AlgorithmPolicy};
pub(crate) use compact::{sign_checked, signing_input_over};
pub use compact::{sign_detached, verify_attached, verify_detached, CompactJws};
pub use crit::UNDERSTOOD as UNDERSTOOD_CRITICAL;
pub use error::{JwsError, KeyError, KeyKind, Part};
pub use header::{CommitmentType, Header, MAX_HEADER_LEN};
pub use header_builder::{HeaderBuilder, CDEX_VERIFICATION_COMMITMENT};
pub use json::{JsonJws, JsonSignature};
pub use prehash::{SigningInputDigest, SigningInputHasher};
pub use signer::Signer;
pub use signing_key::SigningKey;
pub use verifying_key::VerifyingKey;
