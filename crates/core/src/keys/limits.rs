//! Bounds on password-based key derivation, so that a crafted key file cannot make the signer
//! spend minutes or gigabytes before it even tries the password.
//!
//! The limits sit far above what `openssl` writes (PBKDF2 2,048 iterations for PKCS#12 and
//! PKCS#8, scrypt N = 16,384 with r = 8) and above OWASP's 600,000 PBKDF2-SHA256 iterations.

/// The most PBKDF2 or PKCS#12-KDF iterations accepted.
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// The most memory scrypt may use (128 · N · r bytes).
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// The largest scrypt parallelisation parameter accepted.
pub const MAX_SCRYPT_PARALLELISM: u64 = 16;

/// The most password-based decryptions (encrypted parts and shrouded key bags) of one PKCS#12
/// file: each may cost a full key derivation. `openssl pkcs12 -export` writes two.
pub const MAX_PKCS12_DECRYPTIONS: usize = 8;

/// The most bags (keys, certificates, …) read from one PKCS#12 file.
pub const MAX_PKCS12_BAGS: usize = 256;
