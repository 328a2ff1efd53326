//! Reading a detached SignedData (RFC 5652 section 5) far enough to verify one signer. DER only
//! (definite lengths), as OpenSSL writes `cms -sign -outform DER` without `-stream`.

use super::der::{CONTEXT_0, ID_SIGNED_DATA, OCTET_STRING, OID, SEQUENCE, SET};
use crate::der_reader::Reader;

/// The parts of a SignedData that verification uses. Slices point into the input.
pub(crate) struct SignedData<'a> {
    /// `encapContentInfo.eContentType` (OID content bytes).
    pub(crate) content_type: &'a [u8],
    /// Whether `eContent` is present (the signature is not detached).
    pub(crate) has_content: bool,
    /// Each `certificates` entry that is an X.509 certificate, as whole DER.
    pub(crate) certificates: Vec<&'a [u8]>,
    /// The signer infos, in order.
    pub(crate) signers: Vec<SignerInfo<'a>>,
}

/// How a SignerInfo names its certificate.
pub(crate) enum SignerId<'a> {
    /// `issuerAndSerialNumber`: the issuer `Name` (whole DER) and the serial INTEGER content.
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
    /// `subjectKeyIdentifier` (`[0]`).
    KeyId(&'a [u8]),
}

/// One SignerInfo.
pub(crate) struct SignerInfo<'a> {
    pub(crate) sid: SignerId<'a>,
    /// `digestAlgorithm` OID content.
    pub(crate) digest_algorithm: &'a [u8],
    /// `signedAttrs` as received (whole TLV, tag `[0]`), and each attribute `(OID, values)`.
    pub(crate) signed_attrs: Option<(&'a [u8], Attributes<'a>)>,
    /// `signatureAlgorithm` OID content.
    pub(crate) signature_algorithm: &'a [u8],
    /// The signature value.
    pub(crate) signature: &'a [u8],
}

impl SignerInfo<'_> {
    /// The values of the signed attribute `oid` (tag, content), if present.
    pub(crate) fn attribute(&self, oid: &[u8]) -> Option<&[(u8, &[u8])]> {
        let (_, attrs) = self.signed_attrs.as_ref()?;
        attrs
            .iter()
            .find(|(id, _)| *id == oid)
            .map(|(_, v)| v.as_slice())
    }
}

/// Parses `ContentInfo { id-signedData, [0] SignedData }`; `Err` says what is wrong.
pub(crate) fn parse(der: &[u8]) -> Result<SignedData<'_>, &'static str> {
    let mut outer = Reader::new(der);
    let mut info = Reader::new(outer.read(SEQUENCE).map_err(|_| {
        "not a DER ContentInfo (a BER or PEM file? convert with openssl cms -cmsout -outform DER)"
    })?);
    outer.finish().map_err(|_| "bytes after the ContentInfo")?;
    if info.read(OID).map_err(|_| "ContentInfo.contentType")? != ID_SIGNED_DATA.as_bytes() {
        return Err("the ContentInfo is not a SignedData");
    }
    let explicit = info.read(CONTEXT_0).map_err(|_| "ContentInfo.content")?;
    let mut sd = Reader::new(
        Reader::new(explicit)
            .read(SEQUENCE)
            .map_err(|_| "SignedData")?,
    );
    let malformed = |_| "SignedData is malformed";
    sd.read_small().map_err(malformed)?;
    sd.read(SET).map_err(malformed)?; // digestAlgorithms: the SignerInfo names its own
    let mut encap = Reader::new(sd.read(SEQUENCE).map_err(malformed)?);
    let content_type = encap.read(OID).map_err(malformed)?;
    let has_content = !encap.is_empty();
    let mut certificates = Vec::new();
    if let Some(certs) = sd.read_optional(CONTEXT_0).map_err(malformed)? {
        let mut certs = Reader::new(certs);
        while !certs.is_empty() {
            let (tag, _, whole) = certs.read_element().map_err(malformed)?;
            if tag == SEQUENCE {
                certificates.push(whole);
            }
        }
    }
    sd.read_optional(0xa1).map_err(malformed)?; // crls: revocation comes from the verifier
    let mut infos = Reader::new(sd.read(SET).map_err(malformed)?);
    let mut signers = Vec::new();
    while !infos.is_empty() {
        let info = infos.read(SEQUENCE).map_err(|_| "SignerInfo")?;
        signers.push(signer_info(info).ok_or("a SignerInfo is malformed")?);
    }
    Ok(SignedData {
        content_type,
        has_content,
        certificates,
        signers,
    })
}

fn signer_info(der: &[u8]) -> Option<SignerInfo<'_>> {
    let mut r = Reader::new(der);
    r.read_small().ok()?;
    let sid = match r.read_element().ok()? {
        (SEQUENCE, value, _) => {
            let mut ias = Reader::new(value);
            let (tag, _, issuer) = ias.read_element().ok()?;
            let serial = ias.read(0x02).ok()?;
            ias.finish().ok()?;
            (tag == SEQUENCE).then_some(SignerId::IssuerSerial { issuer, serial })?
        }
        (0x80, value, _) => SignerId::KeyId(value),
        _ => return None,
    };
    let digest_algorithm = algorithm_oid(r.read(SEQUENCE).ok()?)?;
    let signed_attrs = match r.peek_tag() {
        Some(CONTEXT_0) => {
            let (_, value, whole) = r.read_element().ok()?;
            Some((whole, attributes(value)?))
        }
        _ => None,
    };
    let signature_algorithm = algorithm_oid(r.read(SEQUENCE).ok()?)?;
    let signature = r.read(OCTET_STRING).ok()?;
    Some(SignerInfo {
        sid,
        digest_algorithm,
        signed_attrs,
        signature_algorithm,
        signature,
    })
}

fn algorithm_oid(der: &[u8]) -> Option<&[u8]> {
    Reader::new(der).read(OID).ok()
}

/// Signed attributes: `(attribute OID, [(value tag, value content)])`.
pub(crate) type Attributes<'a> = Vec<(&'a [u8], Vec<(u8, &'a [u8])>)>;

fn attributes(der: &[u8]) -> Option<Attributes<'_>> {
    let mut r = Reader::new(der);
    let mut out = Vec::new();
    while !r.is_empty() {
        let mut attr = Reader::new(r.read(SEQUENCE).ok()?);
        let id = attr.read(OID).ok()?;
        let mut values = Reader::new(attr.read(SET).ok()?);
        let mut list = Vec::new();
        while !values.is_empty() {
            let (tag, value) = values.read_any().ok()?;
            list.push((tag, value));
        }
        out.push((id, list));
    }
    Some(out)
}
