//! Structured variant of `verify_document`: the input is a list of edits applied to the layers
//! of a Bundle signed with the test PKI, which is then reassembled and verified. Editing inside
//! the base64 of `Signature.data` (and inside the base64url of the JWS) keeps the outer layers
//! well-formed, so the fuzzer reaches the header, chain, identity and time checks that random
//! bytes never get to.
//!
//! Layers: 0 the Bundle before `signature`, 1 the `Signature` element before `data`'s value,
//! 2 the element after it, 3 the Bundle after `signature`, 4 the protected-header JSON, 5 the
//! DER of `x5c[0]`, 6 the signature bytes. An edit is `layer, position (u16 LE), bytes to delete,
//! count n, n bytes to insert`. The empty input is the untouched Bundle, which must verify.
#![no_main]

use std::sync::OnceLock;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use fhirsig_core::fhir::{operation_outcome, verify_document};
use libfuzzer_sys::fuzz_target;

const LAYERS: usize = 7;

/// The signed Bundle cut into its layers.
struct Layers {
    parts: [Vec<u8>; LAYERS],
    /// The received protected header (base64url), reused while layers 4 and 5 are untouched.
    header_b64u: String,
}

fn layers() -> &'static Layers {
    static LAYERS_: OnceLock<Layers> = OnceLock::new();
    LAYERS_.get_or_init(cut)
}

#[allow(clippy::expect_used)]
fn cut() -> Layers {
    let text = fhirsig_core_fuzz::signed_bundle();
    let doc = fhirsig_jcs::parse(text.as_bytes()).expect("signed fixture parses");
    let signature = doc.pointer("/signature").expect("a signature");
    let data = signature.get("data").expect("Signature.data");
    let (sig, val) = (signature.span(), data.span());
    let jws = STANDARD
        .decode(data.as_str().expect("data is a string"))
        .expect("data is base64");
    let jws = String::from_utf8(jws).expect("a compact JWS");
    let (header_b64u, signature_b64u) = jws.split_once("..").expect("detached");
    let header = URL_SAFE_NO_PAD
        .decode(header_b64u)
        .expect("header base64url");
    let header_doc = fhirsig_jcs::parse(&header).expect("header JSON");
    let leaf = STANDARD
        .decode(
            header_doc
                .pointer("/x5c/0")
                .and_then(|n| n.as_str())
                .expect("x5c[0]"),
        )
        .expect("x5c base64");
    Layers {
        parts: [
            text.as_bytes()[..sig.start].to_vec(),
            text.as_bytes()[sig.start..val.start].to_vec(),
            text.as_bytes()[val.end..sig.end].to_vec(),
            text.as_bytes()[sig.end..].to_vec(),
            header,
            leaf,
            URL_SAFE_NO_PAD
                .decode(signature_b64u)
                .expect("signature base64url"),
        ],
        header_b64u: header_b64u.to_owned(),
    }
}

fuzz_target!(|data: &[u8]| {
    let base = layers();
    let mut parts = base.parts.clone();
    let mut touched = [false; LAYERS];
    let mut ops = data;
    while let [layer, lo, hi, delete, count, rest @ ..] = ops {
        let layer = usize::from(*layer) % LAYERS;
        let n = usize::from(*count).min(rest.len());
        let part = &mut parts[layer];
        let at = usize::from(u16::from_le_bytes([*lo, *hi])) % (part.len() + 1);
        let end = (at + usize::from(*delete)).min(part.len());
        part.splice(at..end, rest[..n].iter().copied());
        touched[layer] = true;
        ops = &rest[n..];
    }
    let document = assemble(base, &parts, &touched);
    let Ok(doc) = fhirsig_jcs::parse(&document) else {
        return;
    };
    let results = verify_document(&doc, fhirsig_core_fuzz::shared_verify_options());
    for result in &results {
        let _ = result.report().to_string();
    }
    let _ = operation_outcome(&results);
    if data.len() < 5 {
        assert!(
            results.len() == 1 && results[0].verified(),
            "the untouched signed Bundle does not verify: {:?}",
            results.first().map(|r| r.report().to_string())
        );
    }
});

/// The Bundle text from (possibly edited) layers.
fn assemble(base: &Layers, parts: &[Vec<u8>; LAYERS], touched: &[bool; LAYERS]) -> Vec<u8> {
    let header_b64u = if touched[4] || touched[5] {
        URL_SAFE_NO_PAD.encode(with_leaf(&parts[4], &parts[5]))
    } else {
        base.header_b64u.clone()
    };
    let jws = format!("{header_b64u}..{}", URL_SAFE_NO_PAD.encode(&parts[6]));
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum::<usize>() + jws.len() * 2);
    out.extend_from_slice(&parts[0]);
    out.extend_from_slice(&parts[1]);
    out.push(b'"');
    out.extend_from_slice(STANDARD.encode(jws).as_bytes());
    out.push(b'"');
    out.extend_from_slice(&parts[2]);
    out.extend_from_slice(&parts[3]);
    out
}

/// The header JSON with `x5c[0]` replaced by `leaf` (base64), when the JSON still has one.
fn with_leaf(header: &[u8], leaf: &[u8]) -> Vec<u8> {
    let Ok(doc) = fhirsig_jcs::parse(header) else {
        return header.to_vec();
    };
    let Some(span) = doc.pointer("/x5c/0").map(|n| n.span()) else {
        return header.to_vec();
    };
    let mut out = header[..span.start].to_vec();
    out.push(b'"');
    out.extend_from_slice(STANDARD.encode(leaf).as_bytes());
    out.push(b'"');
    out.extend_from_slice(&header[span.end..]);
    out
}
