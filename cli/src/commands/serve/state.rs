//! What the server was started with, shared by every request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fhirsig_core::fhir::{Party, VerifyOptions};
use fhirsig_core::trust::CertificateChain;
use rustls_pki_types::UnixTime;

use super::audit::Audit;
use super::auth::Tokens;
use super::metrics::Metrics;
use crate::inputs::signing_key::LoadedKey;

/// The signing key and what goes with it (`$sign` is enabled only with one).
pub struct SignerConfig {
    /// The key.
    pub key: LoadedKey,
    /// Its chain (x5c).
    pub chain: CertificateChain,
    /// Signature.who, from the certificate.
    pub who: Party,
}

/// Request limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest body accepted.
    pub max_body: usize,
    /// The time a whole request may take, body included.
    pub request_timeout: Duration,
    /// Operations answered at once; beyond, 503 with Retry-After.
    pub max_concurrent: usize,
    /// Bytes of request bodies held at once.
    pub max_buffered: usize,
}

/// The server's shared state.
pub struct State {
    /// `$sign`'s key, if configured.
    pub signer: Option<SignerConfig>,
    /// Verification options without their instant (set per second, see [`State::options_at`]).
    pub verify: VerifyOptions,
    /// Accepted bearer tokens (empty: loopback only, anonymous).
    pub tokens: Tokens,
    /// Counters.
    pub metrics: Metrics,
    /// The audit trail.
    pub audit: Audit,
    /// Limits.
    pub limits: Limits,
    /// `--at` was given: every request is verified at that instant.
    pub fixed_time: bool,
    /// The options of the current second: cloning the validator once a second, not per request.
    current: Mutex<Option<(u64, Arc<VerifyOptions>)>>,
}

impl State {
    /// The state.
    pub fn new(
        signer: Option<SignerConfig>,
        verify: VerifyOptions,
        tokens: Tokens,
        audit: Audit,
        limits: Limits,
    ) -> Self {
        Self {
            signer,
            verify,
            tokens,
            metrics: Metrics::default(),
            audit,
            limits,
            fixed_time: false,
            current: Mutex::new(None),
        }
    }

    /// Verification options at `now` (whole seconds).
    pub fn options_at(&self, now: u64) -> Arc<VerifyOptions> {
        let mut current = match self.current.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((second, options)) = current.as_ref() {
            if *second == now || self.fixed_time {
                return Arc::clone(options);
            }
        }
        let mut options = self.verify.clone();
        if !self.fixed_time {
            options.verification_time = UnixTime::since_unix_epoch(Duration::from_secs(now));
        }
        let options = Arc::new(options);
        *current = Some((now, Arc::clone(&options)));
        options
    }
}
