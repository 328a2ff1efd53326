//! Verifying a document JWS: RFC 7515 detached content (one document's bytes) or JAdES `sigD`
//! (documents named by URI and SHA-256).

use super::sigd::{self, SignedDocument};
use super::verifier::{signature_check, signing_time_check};
use super::{DocumentDigest, DocumentVerifier};
use crate::hex::hex;
use crate::jws::{self, CompactJws};
use crate::report::CheckCode;
use crate::trust::{parse_rfc3339, Check, Report, SubIndication};

/// The content a document JWS is checked against.
#[derive(Clone, Copy, Debug)]
pub enum JwsContent<'a> {
    /// The one document's bytes, for an RFC 7515 detached JWS.
    Bytes(&'a [u8]),
    /// The documents supplied, by URI and digest, for a `sigD` JWS.
    Documents(&'a [DocumentDigest]),
}

/// Whether a compact JWS text carries a `sigD` header (so its documents are checked by digest
/// and can be streamed). `None` if the text is not a compact JWS.
pub fn jws_uses_sigd(jws: &str) -> Option<bool> {
    let parsed = CompactJws::parse(jws.trim()).ok()?;
    Some(matches!(
        sigd::signed_documents(parsed.header()),
        Ok(Some(_))
    ))
}

impl DocumentVerifier {
    /// Verifies a detached compact JWS over documents. Checks, in order: `signature-format`,
    /// the document checks (`document` for detached content; `document-digest`,
    /// `document-missing`, `document-extra` for `sigD`), `signer-certificate` if there is no
    /// usable one, `signature`, `signing-time`, then the certificate chain checks (or
    /// `certificate-chain: not checked` when verifying with a known key).
    pub fn verify_jws(&self, jws: &str, content: JwsContent<'_>) -> Report {
        let mut report = Report::new();
        const FORMAT: CheckCode = CheckCode::SignatureFormat;
        let parsed = match CompactJws::parse(jws.trim()) {
            Ok(p) => p,
            Err(e) => {
                let msg = format!("not a compact JWS: {e}");
                report.push(Check::failed(FORMAT, SubIndication::FormatFailure, msg));
                return report;
            }
        };
        let header = parsed.header();
        let signed = match sigd::signed_documents(header) {
            Ok(s) => s,
            Err(reason) => {
                report.push(Check::failed(FORMAT, SubIndication::FormatFailure, reason));
                return report;
            }
        };
        let alg = header.alg().unwrap_or("(none)").to_owned();
        let form = if signed.is_some() {
            "JAdES sigD (ObjectIdByURIHash)"
        } else {
            "RFC 7515 detached content"
        };
        report.push(
            Check::pass(FORMAT, format!("detached compact JWS, {form}"))
                .with("alg", alg.clone())
                .with("form", if signed.is_some() { "sigD" } else { "detached" }),
        );
        let payload: &[u8] = match (&signed, content) {
            (Some(signed), JwsContent::Documents(given)) => {
                compare_documents(signed, given, &mut report);
                b""
            }
            (None, JwsContent::Bytes(bytes)) => {
                report.push(
                    Check::pass(
                        CheckCode::Document,
                        "the signature covers the document's bytes directly",
                    )
                    .with("length", bytes.len().to_string()),
                );
                bytes
            }
            (Some(_), JwsContent::Bytes(_)) => {
                let msg = "the signature names its documents by URI (sigD): supply them by URI";
                report.push(Check::indeterminate(
                    CheckCode::DocumentMissing,
                    SubIndication::SignedDataNotFound,
                    msg,
                ));
                b""
            }
            (None, JwsContent::Documents(given)) => {
                let msg = match given.len() {
                    1 => "this JWS signs one document's bytes (RFC 7515 detached content): supply its bytes",
                    _ => "this JWS signs exactly one document (RFC 7515 detached content), not several",
                };
                report.push(Check::indeterminate(
                    CheckCode::DocumentMissing,
                    SubIndication::SignedDataNotFound,
                    msg,
                ));
                return report;
            }
        };
        let x5c = header.x5c().map(<[Vec<u8>]>::to_vec);
        let leaf = x5c.as_ref().and_then(|c| c.first()).map(Vec::as_slice);
        if let Some(key) = self.signer_key(leaf, &mut report) {
            let result = jws::verify_detached(&parsed, payload, &key, &self.algorithms);
            report.push(signature_check(result, &alg));
        }
        let sig_t = header.sig_t().and_then(parse_rfc3339);
        report.push(signing_time_check(header.sig_t(), sig_t, "sigT"));
        self.chain_checks(x5c.unwrap_or_default(), sig_t, &mut report);
        report
    }
}

/// One check per signed document (digest matches, or changed, or missing, or supplied more
/// than once), then one per supplied document the signature does not name.
fn compare_documents(signed: &[SignedDocument], given: &[DocumentDigest], report: &mut Report) {
    for s in signed {
        let uri = s.uri.clone();
        let mut supplied = given.iter().filter(|g| g.uri() == s.uri);
        let first = supplied.next();
        let more = supplied.count();
        if more > 0 {
            // Which of the copies is the signed document cannot be chosen: taking the first
            // would let the order of the arguments decide whether a changed copy passes.
            report.push(
                Check::failed(
                    CheckCode::DocumentDigest,
                    SubIndication::SigConstraintsFailure,
                    format!(
                        "{} documents were supplied as {uri}; a signed URI names exactly one",
                        more + 1
                    ),
                )
                .with("uri", uri),
            );
            continue;
        }
        let check = match first {
            None => Check::indeterminate(
                CheckCode::DocumentMissing,
                SubIndication::SignedDataNotFound,
                format!("{uri} is signed but was not supplied"),
            ),
            Some(g) if g.sha256()[..] == s.sha256[..] => {
                Check::pass(CheckCode::DocumentDigest, format!("{uri} is unchanged"))
                    .with("sha256", hex(&s.sha256))
            }
            Some(g) => Check::failed(
                CheckCode::DocumentDigest,
                SubIndication::HashFailure,
                format!("{uri} was changed: its SHA-256 differs from the signed one"),
            )
            .with("signed-sha256", hex(&s.sha256))
            .with("sha256", hex(g.sha256())),
        };
        report.push(check.with("uri", uri));
    }
    for g in given
        .iter()
        .filter(|g| !signed.iter().any(|s| s.uri == g.uri()))
    {
        let msg = format!("{} is not covered by the signature", g.uri());
        report.push(
            Check::failed(
                CheckCode::DocumentExtra,
                SubIndication::SigConstraintsFailure,
                msg,
            )
            .with("uri", g.uri().to_owned()),
        );
    }
}
