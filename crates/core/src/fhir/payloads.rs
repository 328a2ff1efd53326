//! The bytes one signed object signs under each rule, written straight into each signature's
//! signing input (RFC 7515 section 5.2): the canonical payload is streamed through SHA-256 into
//! the base64url of the input, never held whole, and is written at most twice however many
//! signers share it.

use fhirsig_jcs::{Document, NumberChanges};
use ring::digest;

use crate::canonicalization::Canonicalization;
use crate::hex::hex;
use crate::jws::b64::{self, Base64UrlSink, Base64UrlStream};
use crate::jws::{Algorithm, SigningInputDigest, SigningInputHasher};
use crate::locate::Located;
use crate::payload::{item_plan, resource_plan, PayloadPlan, SignedObject};

/// What one object signs under one rule: the plan, what it leaves out, its numbers, and (once
/// written) the digest and size of its bytes. The bytes themselves are never held: each
/// signature's signing input is written with the payload's base64url streamed into it.
pub(super) struct Built<'d> {
    pub(super) plan: PayloadPlan<'d>,
    pub(super) number_changes: std::sync::Arc<NumberChanges>,
    pub(super) excluded: Vec<String>,
    /// SHA-256 (hex) and length of the payload, from the first signing input written.
    pub(super) digest: Option<(String, usize)>,
    /// The payload's base64url, kept from the second signature on (a JWS JSON serialization
    /// with several signers): copying it is far cheaper than writing the payload again.
    pub(super) b64u: Option<String>,
}

/// The payload plans of one object under each rule asked for, made at most once per rule
/// however many JWS JSON signatures share them.
pub(super) struct Payloads<'a, 'd> {
    pub(super) doc: &'a Document<'d>,
    pub(super) located: &'a Located<'a>,
    pub(super) built: Vec<(Canonicalization, Result<Built<'a>, String>)>,
}

impl<'a> Payloads<'a, '_> {
    pub(super) fn get(&mut self, rule: Canonicalization) -> &mut Result<Built<'a>, String> {
        let at = match self.built.iter().position(|(r, _)| *r == rule) {
            Some(at) => at,
            None => {
                let plan = match self.located.object {
                    SignedObject::QuestionnaireResponseItem => {
                        item_plan(self.doc, self.located.node)
                    }
                    _ => resource_plan(self.doc, self.located.node, rule),
                };
                let built = plan.map_err(|e| e.to_string()).map(|plan| Built {
                    // Noted when the payload is first written (see `first_write`).
                    number_changes: std::sync::Arc::default(),
                    excluded: plan.excluded(self.doc),
                    plan,
                    digest: None,
                    b64u: None,
                });
                self.built.push((rule, built));
                self.built.len() - 1
            }
        };
        &mut self.built[at].1
    }
}

/// Hashes and counts the bytes on their way to `inner`.
struct Tee<'w, W: std::io::Write + ?Sized> {
    hash: digest::Context,
    len: usize,
    inner: &'w mut W,
}

impl<W: std::io::Write + ?Sized> std::io::Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write_all(buf)?;
        self.hash.update(buf);
        self.len += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Payloads at least this large (by [`PayloadPlan::size_hint`]) are verified from the digest of
/// their signing input when the algorithm signs a digest (ES256, ES384), so that the signing
/// input, a third larger than the canonical payload, is never held, and its base64url and
/// digest are made on a second thread while this one writes the payload. Smaller ones keep the
/// whole input, which ring verifies about 0.15 ms faster than the digest route: from about
/// 256 KiB the second thread saves more than that.
pub(super) const DIGEST_ROUTE_FROM: usize = 512 << 10;

/// What one signature is verified over.
pub(super) enum SignedBytes {
    /// The whole signing input.
    Whole(String),
    /// Its digest, taken while the payload streamed past.
    Digest(SigningInputDigest),
}

/// The bytes a signature with header text `prefix` and algorithm `alg` is verified over: the
/// digest of its signing input for a large payload under ES256/ES384 when the JWS is detached
/// (an attached payload is refused by comparing it with the whole input), else the input.
pub(super) fn signed_bytes(
    doc: &Document<'_>,
    built: &mut Built<'_>,
    prefix: &str,
    alg: Option<Algorithm>,
    detached: bool,
) -> SignedBytes {
    let hasher = alg
        .filter(|_| detached && built.plan.size_hint() >= DIGEST_ROUTE_FROM)
        .and_then(SigningInputHasher::for_algorithm);
    match hasher {
        Some(hasher) => SignedBytes::Digest(signing_input_digest(doc, built, prefix, hasher)),
        None => SignedBytes::Whole(signing_input(doc, built, prefix)),
    }
}

/// The digest of `prefix.base64url(payload)`, streaming the payload through base64url into
/// `hasher` (and, the first time, through SHA-256 for the payload's own digest and size).
pub(super) fn signing_input_digest(
    doc: &Document<'_>,
    built: &mut Built<'_>,
    prefix: &str,
    mut hasher: SigningInputHasher,
) -> SigningInputDigest {
    hasher.update(prefix.as_bytes());
    hasher.update(b".");
    if let Some(b64u) = &built.b64u {
        hasher.update(b64u.as_bytes());
        return hasher.finish();
    }
    let mut encoder = Base64UrlStream::new(HashedBase64Url {
        hasher,
        encoded: Vec::new(),
    });
    if built.digest.is_some() {
        // Hashing in memory cannot fail.
        let _ = built.plan.stream(doc, &mut encoder);
    } else {
        first_write_beside(doc, built, &mut encoder);
    }
    encoder.finish().hasher.finish()
}

/// Pieces of canonical payload in flight between the writer and the encoding thread.
const PIECES_IN_FLIGHT: usize = 4;

/// [`first_write`] for a large payload, on two threads: this one writes the canonical bytes
/// and takes their SHA-256, a second one encodes them to base64url and hashes the signing
/// input, so the three passes over tens of megabytes overlap instead of following each other.
/// The pieces (the writer's 64 KiB blocks) go back and forth through two channels and are
/// reused, so memory stays at a few pieces.
fn first_write_beside(
    doc: &Document<'_>,
    built: &mut Built<'_>,
    encoder: &mut Base64UrlStream<HashedBase64Url>,
) {
    use std::io::Write as _;
    use std::sync::mpsc;
    let encoding_into = &mut *encoder;
    let written = std::thread::scope(|scope| {
        let (full, to_encode) = mpsc::sync_channel::<Vec<u8>>(PIECES_IN_FLIGHT);
        let (give_back, returned) = mpsc::channel::<Vec<u8>>();
        let encoding = std::thread::Builder::new()
            .name("fhirsig-encode".into())
            .spawn_scoped(scope, move || {
                for piece in to_encode {
                    // Encoding into a hasher cannot fail.
                    let _ = encoding_into.write_all(&piece);
                    // The writer may have finished and gone: the piece is simply dropped.
                    let _ = give_back.send(piece);
                }
            });
        // No thread to be had (the system is out of them): written on this one, below.
        let Ok(encoding) = encoding else {
            return false;
        };
        let mut sender = PieceSender { full, returned };
        first_write(doc, built, &mut sender);
        // Closing the channel ends the encoding thread's loop.
        drop(sender);
        // Encoding and hashing do not panic; were it to happen, the digest would be of part
        // of the input and the signature would fail to verify, never pass.
        let _ = encoding.join();
        true
    });
    if !written {
        first_write(doc, built, encoder);
    }
}

/// Hands each piece written to it to the encoding thread, in a buffer it got back from it
/// when there is one.
struct PieceSender {
    full: std::sync::mpsc::SyncSender<Vec<u8>>,
    returned: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl std::io::Write for PieceSender {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut piece = self.returned.try_recv().unwrap_or_default();
        piece.clear();
        piece.extend_from_slice(buf);
        if self.full.send(piece).is_err() {
            return Err(std::io::Error::other("the encoding thread has stopped"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A signing-input hasher fed with base64url (no padding, RFC 7515 section 2) through a
/// scratch buffer, by a [`Base64UrlStream`].
struct HashedBase64Url {
    hasher: SigningInputHasher,
    encoded: Vec<u8>,
}

impl Base64UrlSink for HashedBase64Url {
    fn encoded(&mut self, bytes: &[u8]) {
        let text = b64::encode_url_into(bytes, &mut self.encoded);
        self.hasher.update(text);
    }
}

/// Writes the payload to `sink` for the first time: through SHA-256 for its digest and size,
/// noting the numbers RFC 8785 rewrites in the same walk of the document.
fn first_write(doc: &Document<'_>, built: &mut Built<'_>, sink: &mut dyn std::io::Write) {
    let mut tee = Tee {
        hash: digest::Context::new(&digest::SHA256),
        len: 0,
        inner: sink,
    };
    // Writing into memory cannot fail.
    let changes = built
        .plan
        .stream_noting_numbers(doc, &mut tee)
        .unwrap_or_default();
    let (hash, len) = (tee.hash, tee.len);
    built.digest = Some((hex(hash.finish().as_ref()), len));
    built.number_changes = std::sync::Arc::new(changes);
}

/// The signing input `prefix.base64url(payload)` (RFC 7515 section 5.2). The first signature
/// of an object streams the payload into it, taking the payload's digest, size and number
/// changes in the same pass; later ones (several signers) copy a base64url written once.
pub(super) fn signing_input(doc: &Document<'_>, built: &mut Built<'_>, prefix: &str) -> String {
    if built.digest.is_none() {
        return streamed(doc, built, prefix);
    }
    if built.b64u.is_none() {
        built.b64u = Some(streamed(doc, built, ""));
    }
    let b64u = built.b64u.as_deref().unwrap_or_default();
    let mut input = String::with_capacity(prefix.len() + 1 + b64u.len());
    input.push_str(prefix);
    input.push('.');
    input.push_str(b64u);
    input
}

/// `prefix.` (when `prefix` is not empty) followed by the payload's base64url, written by
/// streaming the payload (the first time through [`first_write`]).
fn streamed(doc: &Document<'_>, built: &mut Built<'_>, prefix: &str) -> String {
    let encoded = b64::encoded_url_len(built.plan.size_hint());
    let mut input = String::with_capacity(prefix.len() + 1 + encoded);
    if !prefix.is_empty() {
        input.push_str(prefix);
        input.push('.');
    }
    let mut encoder = Base64UrlStream::new(input);
    if built.digest.is_none() {
        first_write(doc, built, &mut encoder);
    } else {
        // Writing into memory cannot fail.
        let _ = built.plan.stream(doc, &mut encoder);
    }
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::locate;
    use crate::payload::resource_payload;

    #[test]
    fn the_payload_is_built_once_per_rule_however_many_signers_share_it() {
        let text = br#"{"resourceType":"Bundle","id":"b","type":"collection","entry":[]}"#;
        let doc = fhirsig_jcs::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let located = locate(&doc)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("a Bundle"));
        let mut payloads = Payloads {
            doc: &doc,
            located: &located,
            built: Vec::new(),
        };
        for _ in 0..1000 {
            assert!(payloads.get(Canonicalization::Document).is_ok());
        }
        assert_eq!(payloads.built.len(), 1);
        // The first signing input streams the payload and takes its digest; later ones copy
        // one base64url, so the payload is written at most twice however many signers.
        let Ok(built) = payloads.get(Canonicalization::Document) else {
            panic!("a plan")
        };
        let first = signing_input(&doc, built, "aaa");
        assert!(built.digest.is_some() && built.b64u.is_none());
        assert_eq!(*built.number_changes, built.plan.number_changes(&doc));
        let second = signing_input(&doc, built, "bb");
        assert!(built.b64u.is_some());
        assert_eq!(first.strip_prefix("aaa."), second.strip_prefix("bb."));
        let payload = resource_payload(&doc, located.node, Canonicalization::Document)
            .unwrap_or_else(|e| panic!("{e}"));
        let expected = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &payload.bytes,
        );
        assert_eq!(first, format!("aaa.{expected}"));
        let sha = hex(digest::digest(&digest::SHA256, &payload.bytes).as_ref());
        assert_eq!(built.digest, Some((sha, payload.bytes.len())));
        assert!(payloads.get(Canonicalization::Json).is_ok());
        assert_eq!(payloads.built.len(), 2, "one per rule");
    }

    #[test]
    fn large_detached_ecdsa_payloads_take_the_digest_route_with_the_same_digest() {
        use crate::jws::SigningInputDigest;
        let mut text = String::from(r#"{"resourceType":"Bundle","type":"collection","entry":["#);
        while text.len() < DIGEST_ROUTE_FROM + 10 {
            text.push_str(r#"{"resource":{"resourceType":"Basic","id":"a é \" 1.50"}},"#);
        }
        text.push_str(r#"{"resource":{"resourceType":"Basic","n":1.50}}]}"#);
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let located = locate(&doc)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("a Bundle"));
        let mut payloads = Payloads {
            doc: &doc,
            located: &located,
            built: Vec::new(),
        };
        let Ok(built) = payloads.get(Canonicalization::Document) else {
            panic!("a plan")
        };
        let whole = |built: &mut Built<'_>| match signed_bytes(&doc, built, "hdr", None, true) {
            SignedBytes::Whole(input) => input,
            SignedBytes::Digest(_) => panic!("no algorithm: the whole input"),
        };
        let input = whole(built);
        for alg in [Algorithm::Es256, Algorithm::Es384] {
            let mut fresh = Built {
                plan: built.plan.clone(),
                number_changes: std::sync::Arc::default(),
                excluded: Vec::new(),
                digest: None,
                b64u: None,
            };
            // Fresh (the payload's digest taken on the way), then with it already taken.
            for _ in 0..2 {
                let SignedBytes::Digest(digest) =
                    signed_bytes(&doc, &mut fresh, "hdr", Some(alg), true)
                else {
                    panic!("{alg}: a large payload takes the digest route")
                };
                let expected = SigningInputDigest::of(alg, input.as_bytes());
                assert_eq!(
                    Some(digest.as_bytes()),
                    expected.as_ref().map(SigningInputDigest::as_bytes)
                );
                assert_eq!(
                    fresh.digest, built.digest,
                    "{alg}: the payload's own digest"
                );
                let changes = built.plan.number_changes(&doc);
                assert_eq!(changes.len(), 1, "{alg}: the one 1.50");
                assert_eq!(*fresh.number_changes, changes, "{alg}: number changes");
            }
        }
        // With the base64url kept (several signers), the digest is the same.
        built.b64u = Some(input["hdr.".len()..].to_owned());
        let SignedBytes::Digest(kept) =
            signed_bytes(&doc, built, "hdr", Some(Algorithm::Es256), true)
        else {
            panic!("digest route")
        };
        let expected = SigningInputDigest::of(Algorithm::Es256, input.as_bytes());
        assert_eq!(
            Some(kept.as_bytes()),
            expected.as_ref().map(SigningInputDigest::as_bytes)
        );
        // RSA, an attached JWS: the whole input.
        assert!(matches!(
            signed_bytes(&doc, built, "hdr", Some(Algorithm::Rs256), true),
            SignedBytes::Whole(_)
        ));
        assert!(matches!(
            signed_bytes(&doc, built, "hdr", Some(Algorithm::Es256), false),
            SignedBytes::Whole(_)
        ));
    }
}
