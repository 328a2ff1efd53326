//! Parsed `x5c` chains remembered across signatures. A batch of records is usually signed with
//! one certificate chain; parsing its certificates, loading the signer's key and formatting the
//! names shown in reports once per chain, instead of once per record, is most of what separates
//! batch verification from the cost of the signature arithmetic itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustls_pki_types::UnixTime;

use super::{certificate_identifiers, Certificate, CertificateChain, Check, TrustError};
use crate::jws::{KeyError, VerifyingKey};

/// Entries kept before the cache is emptied (a bound on memory when every record carries its
/// own chain).
const LIMIT: usize = 1024;

/// The signer as its certificate names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// Subject distinguished name of `x5c[0]`.
    pub subject: String,
    /// Identifiers the certificate carries (`(system, value)`, e.g. the NPI).
    pub identifiers: Vec<(&'static str, String)>,
}

/// One certificate of a signature's `x5c`, as shown in reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity.
    pub not_after: UnixTime,
    /// SHA-256 (hex) of the certificate's SubjectPublicKeyInfo: who holds the key, whichever
    /// certificate names them.
    pub public_key_sha256: String,
}

/// A cache of parsed `x5c` chains, keyed by the SHA-256 of their DER certificates, so a hit is
/// exactly the same input. Shared by every thread verifying with the same [`VerifyOptions`]
/// (it is `Sync`), and by its clones (a clone is the same cache, so resource and Provenance
/// signatures can share one); holds only public certificate data. Bounded: emptied when full.
///
/// [`VerifyOptions`]: crate::fhir::VerifyOptions
#[derive(Debug, Default, Clone)]
pub struct CertificateCache {
    entries: Arc<Mutex<Entries>>,
}

/// The remembered chains, and the one asked for last: a batch signed with one chain finds it
/// there by comparing bytes, without hashing the chain for every signature.
#[derive(Debug, Default)]
struct Entries {
    by_digest: HashMap<[u8; 32], Arc<ParsedX5c>>,
    last: Option<Arc<ParsedX5c>>,
}

/// What verification needs from one `x5c`, computed once.
#[derive(Debug)]
pub struct ParsedX5c {
    /// The signer certificate, when `x5c[0]` parses.
    pub(crate) leaf: Option<Certificate>,
    /// The key of `x5c[0]` (`None` for an empty `x5c`), or why it is unusable.
    pub(crate) key: Option<Result<VerifyingKey, KeyError>>,
    /// The whole chain for path validation, or the check that says why it cannot be parsed.
    pub(crate) chain: Result<CertificateChain, Check>,
    /// Every certificate that parses, signer first, as reports show them.
    pub(crate) summaries: Arc<[CertificateSummary]>,
    /// The `x5c` this is the parse of, exactly as given.
    x5c: Box<[Vec<u8>]>,
    /// The signer as its certificate names it.
    pub(crate) signer: Option<SignerInfo>,
}

impl ParsedX5c {
    /// The signer certificate, when `x5c[0]` parses.
    pub fn leaf(&self) -> Option<&Certificate> {
        self.leaf.as_ref()
    }

    /// The public key of `x5c[0]`: `None` for an empty `x5c`, or why it is unusable.
    pub fn key(&self) -> Option<Result<&VerifyingKey, &KeyError>> {
        self.key.as_ref().map(Result::as_ref)
    }

    /// The chain for path validation, or the report entry saying why it cannot be parsed
    /// (`certificate-chain-format`).
    pub fn chain(&self) -> Result<&CertificateChain, &Check> {
        self.chain.as_ref()
    }

    fn parse(x5c: &[Vec<u8>]) -> Self {
        // Each certificate is parsed once; the chain is made of the same parses.
        let parsed: Vec<Result<Certificate, TrustError>> = x5c
            .iter()
            .enumerate()
            .map(|(i, der)| Certificate::parse(der.clone(), i))
            .collect();
        let leaf = parsed.first().and_then(|c| c.as_ref().ok()).cloned();
        let key = x5c
            .first()
            .map(|der| VerifyingKey::from_certificate_der(der));
        let summaries = parsed
            .iter()
            .flatten()
            .map(|c| CertificateSummary {
                subject: c.subject(),
                issuer: c.issuer(),
                serial: c.serial_hex(),
                not_before: c.not_before(),
                not_after: c.not_after(),
                public_key_sha256: crate::hex::hex(
                    ring::digest::digest(&ring::digest::SHA256, &c.spki_der()).as_ref(),
                ),
            })
            .collect();
        let signer = leaf.as_ref().map(|leaf| SignerInfo {
            subject: leaf.subject(),
            identifiers: certificate_identifiers(leaf),
        });
        let chain = CertificateChain::from_parsed(parsed.into_iter())
            .map_err(crate::trust::ChainValidator::chain_format_failure);
        ParsedX5c {
            leaf,
            key,
            chain,
            summaries,
            signer,
            x5c: x5c.into(),
        }
    }
}

impl CertificateCache {
    /// The parse of `x5c` (DER certificates, leaf first), from the cache or made now.
    pub fn get(&self, x5c: &[Vec<u8>]) -> Arc<ParsedX5c> {
        let last = self.lock().last.clone();
        if let Some(last) = last.filter(|last| *last.x5c == *x5c) {
            return last;
        }
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        for der in x5c {
            // Length-prefixed, so certificate boundaries are part of the key.
            digest.update(&(der.len() as u64).to_be_bytes());
            digest.update(der);
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(digest.finish().as_ref());
        let known = self.lock().by_digest.get(&key).cloned();
        if let Some(hit) = known {
            self.lock().last = Some(Arc::clone(&hit));
            return hit;
        }
        // Parsed outside the lock: another thread may parse the same chain meanwhile, which
        // only costs time; both parses are identical.
        let parsed = Arc::new(ParsedX5c::parse(x5c));
        let mut entries = self.lock();
        if entries.by_digest.len() >= LIMIT {
            entries.by_digest.clear();
        }
        entries.by_digest.insert(key, Arc::clone(&parsed));
        entries.last = Some(Arc::clone(&parsed));
        parsed
    }

    /// Number of chains remembered.
    pub fn len(&self) -> usize {
        self.lock().by_digest.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock cannot leave the map inconsistent (inserts and clears
        // are single calls), so a poisoned lock is still usable.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/openssl-pki/out"
    );

    fn der(name: &str) -> Vec<u8> {
        let pem = std::fs::read(format!("{FIXTURES}/{name}")).unwrap();
        crate::trust::certificates_from_pem(&[&pem]).unwrap()[0]
            .der()
            .to_vec()
    }

    #[test]
    fn a_chain_is_parsed_once_and_shared() {
        let cache = CertificateCache::default();
        let x5c = vec![der("leaf-good.cert.pem"), der("intermediate.cert.pem")];
        let first = cache.get(&x5c);
        let second = cache.get(&x5c);
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(cache.len(), 1);
        // A clone is the same cache.
        assert!(Arc::ptr_eq(&cache.clone().get(&x5c), &first));
        assert!(matches!(first.key, Some(Ok(_))));
        assert!(first.chain.is_ok());
        assert_eq!(first.summaries.len(), 2);
        assert_eq!(first.summaries[0].issuer, first.summaries[1].subject);
        let signer = first.signer.as_ref().unwrap();
        assert_eq!(signer.subject, first.leaf.as_ref().unwrap().subject());
    }

    #[test]
    fn the_last_chain_is_found_only_for_the_same_bytes() {
        let cache = CertificateCache::default();
        let good = vec![der("leaf-good.cert.pem"), der("intermediate.cert.pem")];
        let mut altered = good.clone();
        let last = altered[1].len() - 1;
        altered[1][last] ^= 1;
        let other = vec![der("intermediate.cert.pem")];
        let first = cache.get(&good);
        // The altered chain follows the good one: it is not taken for it.
        let changed = cache.get(&altered);
        assert!(!Arc::ptr_eq(&first, &changed));
        assert_eq!(*changed.x5c, *altered);
        // Alternating chains each come back as their own parse, from either route.
        for _ in 0..3 {
            assert!(Arc::ptr_eq(&cache.get(&good), &first));
            assert!(Arc::ptr_eq(&cache.get(&good), &first));
            assert_eq!(*cache.get(&other).x5c, *other);
            assert!(Arc::ptr_eq(&cache.get(&altered), &changed));
        }
        assert_eq!(cache.len(), 3);
        // A prefix of the last chain is a different chain.
        assert_eq!(cache.get(&good[..1]).summaries.len(), 1);
    }

    #[test]
    fn certificate_boundaries_are_part_of_the_key() {
        // The same bytes split differently are a different x5c (and here not a chain at all).
        let cache = CertificateCache::default();
        let leaf = der("leaf-good.cert.pem");
        let whole = cache.get(std::slice::from_ref(&leaf));
        let (a, b) = leaf.split_at(100);
        let split = cache.get(&[a.to_vec(), b.to_vec()]);
        assert!(!Arc::ptr_eq(&whole, &split));
        assert_eq!(cache.len(), 2);
        assert!(whole.chain.is_ok());
        assert!(split.chain.is_err());
        assert!(matches!(split.key, Some(Err(_))));
        assert!(split.leaf.is_none() && split.signer.is_none());
    }

    #[test]
    fn unreadable_and_empty_chains_carry_their_report_entry() {
        let cache = CertificateCache::default();
        let empty = cache.get(&[]);
        assert!(empty.key.is_none());
        let check = empty.chain.as_ref().unwrap_err();
        assert_eq!(check.code(), "certificate-chain-format");
        assert_eq!(
            check.failure().map(|(_, s)| s),
            Some(crate::trust::SubIndication::NoSigningCertificateFound)
        );
        // A readable leaf above an unreadable intermediate: the key and signer are still known.
        let broken = cache.get(&[der("leaf-good.cert.pem"), b"not a certificate".to_vec()]);
        assert!(matches!(broken.key, Some(Ok(_))));
        assert!(broken.signer.is_some());
        assert_eq!(broken.summaries.len(), 1);
        let check = broken.chain.as_ref().unwrap_err();
        assert_eq!(
            check.failure().map(|(_, s)| s),
            Some(crate::trust::SubIndication::FormatFailure)
        );
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = CertificateCache::default();
        for i in 0..=LIMIT {
            cache.get(&[i.to_be_bytes().to_vec()]);
        }
        assert!(cache.len() <= LIMIT);
        assert!(!cache.is_empty());
    }
}
