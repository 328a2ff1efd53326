//! The JAdES `sigD` header parameter (ETSI TS 119 182-1 clause 5.2.8) with the
//! `ObjectIdByURIHash` mechanism: the signed header lists each document's URI and the base64url
//! of its SHA-256, and the JWS payload is empty.
//!
//! ```json
//! "sigD": {"mId": "http://uri.etsi.org/19182/ObjectIdByURIHash",
//!          "pars": ["ccd.xml", "scan.pdf"], "hashM": "S256",
//!          "hashV": ["<b64u sha256(ccd.xml)>", "<b64u sha256(scan.pdf)>"],
//!          "ctys": ["application/xml", "application/pdf"]}
//! ```

use fhirsig_jcs::{Node, NodeKind};

use super::DocumentDigest;
use crate::jws::{b64, Header};

/// The `mId` of the mechanism implemented here.
pub const OBJECT_ID_BY_URI_HASH: &str = "http://uri.etsi.org/19182/ObjectIdByURIHash";
/// The `hashM` value for SHA-256 (the only digest implemented).
pub const HASH_S256: &str = "S256";

/// One document a `sigD` header names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedDocument {
    /// Its URI (`pars` entry).
    pub uri: String,
    /// Its SHA-256 (`hashV` entry, decoded).
    pub sha256: Vec<u8>,
    /// Its media type (`ctys` entry), if listed.
    pub media_type: Option<String>,
}

/// The `sigD` member JSON for these documents (members in the order of the example above;
/// `ctys` only when every document has a media type).
pub(crate) fn to_json(documents: &[DocumentDigest]) -> String {
    let mut out = Vec::with_capacity(128 + documents.len() * 100);
    out.extend_from_slice(b"{\"mId\":");
    fhirsig_jcs::write_escaped(OBJECT_ID_BY_URI_HASH, &mut out);
    out.extend_from_slice(b",\"pars\":");
    array(&mut out, documents.iter().map(|d| d.uri().to_owned()));
    out.extend_from_slice(b",\"hashM\":");
    fhirsig_jcs::write_escaped(HASH_S256, &mut out);
    out.extend_from_slice(b",\"hashV\":");
    array(
        &mut out,
        documents.iter().map(|d| b64::encode_url(d.sha256())),
    );
    let types: Option<Vec<String>> = documents
        .iter()
        .map(|d| d.media_type().map(str::to_owned))
        .collect();
    if let Some(types) = types {
        out.extend_from_slice(b",\"ctys\":");
        array(&mut out, types.into_iter());
    }
    out.push(b'}');
    String::from_utf8_lossy(&out).into_owned()
}

fn array(out: &mut Vec<u8>, items: impl Iterator<Item = String>) {
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        fhirsig_jcs::write_escaped(&item, out);
    }
    out.push(b']');
}

/// The documents a header's `sigD` names: `Ok(None)` without `sigD`, `Err(reason)` when it is
/// malformed or uses a mechanism or digest not implemented here.
pub fn signed_documents(header: &Header) -> Result<Option<Vec<SignedDocument>>, String> {
    let Some((_, raw)) = header.other_members().iter().find(|(n, _)| n == "sigD") else {
        return Ok(None);
    };
    let doc = fhirsig_jcs::parse(raw.as_bytes()).map_err(|e| format!("sigD: {e}"))?;
    let root = doc.root();
    if root.kind() != NodeKind::Object {
        return Err("sigD is not an object".to_owned());
    }
    let text = |name: &str| root.get(name).and_then(|n| n.as_str().map(str::to_owned));
    let m_id = text("mId").ok_or("sigD.mId is missing or not a string")?;
    if m_id != OBJECT_ID_BY_URI_HASH {
        return Err(format!(
            "sigD.mId {m_id:?} is not implemented (only {OBJECT_ID_BY_URI_HASH})"
        ));
    }
    let hash_m = text("hashM").ok_or("sigD.hashM is missing or not a string")?;
    if hash_m != HASH_S256 {
        return Err(format!(
            "sigD.hashM {hash_m:?} is not implemented (only S256)"
        ));
    }
    let pars = strings(root.get("pars"), "pars")?;
    let hash_v = strings(root.get("hashV"), "hashV")?;
    let ctys = match root.get("ctys") {
        Some(node) => Some(strings(Some(node), "ctys")?),
        None => None,
    };
    if pars.is_empty() || pars.len() != hash_v.len() {
        return Err("sigD.pars and sigD.hashV must be non-empty and of equal length".to_owned());
    }
    if ctys.as_ref().is_some_and(|c| c.len() != pars.len()) {
        return Err("sigD.ctys must have one entry per document".to_owned());
    }
    let mut out: Vec<SignedDocument> = Vec::with_capacity(pars.len());
    for (index, (uri, hash)) in pars.into_iter().zip(hash_v).enumerate() {
        if out.iter().any(|d| d.uri == uri) {
            return Err(format!("sigD.pars lists {uri:?} twice"));
        }
        let sha256 = b64::decode_url(&hash)
            .filter(|d| d.len() == 32)
            .ok_or_else(|| format!("sigD.hashV[{index}] is not the base64url of a SHA-256"))?;
        let media_type = ctys.as_ref().and_then(|c| c.get(index).cloned());
        out.push(SignedDocument {
            uri,
            sha256,
            media_type,
        });
    }
    Ok(Some(out))
}

fn strings(node: Option<Node<'_>>, name: &str) -> Result<Vec<String>, String> {
    let shape = || format!("sigD.{name} must be an array of strings");
    let node = node.ok_or_else(shape)?;
    if node.kind() != NodeKind::Array {
        return Err(shape());
    }
    node.elements()
        .map(|e| e.as_str().map(str::to_owned).ok_or_else(shape))
        .collect()
}
