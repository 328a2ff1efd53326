//! The bytes one signed object signs under each rule, written straight into each signature's
//! signing input (RFC 7515 section 5.2): the canonical payload is streamed through SHA-256 into
//! the base64url of the input, never held whole, and is written at most twice however many
//! signers share it.

use fhirsig_jcs::{Document, NumberChange};
use ring::digest;

use crate::canonicalization::Canonicalization;
use crate::hex::hex;
use crate::locate::Located;
use crate::payload::{item_plan, resource_plan, PayloadPlan, SignedObject};

/// What one object signs under one rule: the plan, what it leaves out, its numbers, and (once
/// written) the digest and size of its bytes. The bytes themselves are never held: each
/// signature's signing input is written with the payload's base64url streamed into it.
pub(super) struct Built<'d> {
    pub(super) plan: PayloadPlan<'d>,
    pub(super) number_changes: Vec<NumberChange>,
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
                    number_changes: plan.number_changes(self.doc),
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
struct Tee<'w, W: std::io::Write> {
    hash: digest::Context,
    len: usize,
    inner: &'w mut W,
}

impl<W: std::io::Write> std::io::Write for Tee<'_, W> {
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

/// The signing input `prefix.base64url(payload)` (RFC 7515 section 5.2). The first signature
/// of an object streams the payload into it, taking the payload's digest and size in the same
/// pass; later ones (several signers) copy a base64url written once.
pub(super) fn signing_input(doc: &Document<'_>, built: &mut Built<'_>, prefix: &str) -> String {
    if built.digest.is_some() {
        let b64u = built
            .b64u
            .get_or_insert_with(|| streamed(doc, &built.plan, "", &mut None));
        let mut input = String::with_capacity(prefix.len() + 1 + b64u.len());
        input.push_str(prefix);
        input.push('.');
        input.push_str(b64u);
        return input;
    }
    let mut digest = None;
    let input = streamed(doc, &built.plan, prefix, &mut digest);
    built.digest = digest;
    input
}

/// `prefix.` (when `prefix` is not empty) followed by the payload's base64url, written by
/// streaming the payload; `digest` receives its SHA-256 (hex) and size.
fn streamed(
    doc: &Document<'_>,
    plan: &PayloadPlan<'_>,
    prefix: &str,
    digest: &mut Option<(String, usize)>,
) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let encoded = base64::encoded_len(plan.size_hint(), false).unwrap_or(0);
    let mut input = String::with_capacity(prefix.len() + 1 + encoded);
    if !prefix.is_empty() {
        input.push_str(prefix);
        input.push('.');
    }
    let mut encoder = base64::write::EncoderStringWriter::from_consumer(input, &URL_SAFE_NO_PAD);
    let mut tee = Tee {
        hash: digest::Context::new(&digest::SHA256),
        len: 0,
        inner: &mut encoder,
    };
    // Writing into memory cannot fail.
    let _ = plan.stream(doc, &mut tee);
    let (hash, len) = (tee.hash, tee.len);
    *digest = Some((hex(hash.finish().as_ref()), len));
    encoder.into_inner()
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
}
