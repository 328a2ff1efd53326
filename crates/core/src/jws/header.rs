//! The JOSE header model: the parameters CDex and JAdES use, read from strict I-JSON, with the
//! received base64url text kept verbatim for the signing input.

use fhirsig_jcs::{Node, NodeKind};

use super::{b64, crit, JwsError, Part};

/// The most bytes of JSON a JWS header may have (256 KiB). A CDex header is a few members and
/// an `x5c` chain, some kilobytes even for a long chain of RSA certificates; a header of
/// megabytes (millions of empty arrays in an unknown member) would only cost memory, since it
/// is parsed before its signature can be checked.
pub const MAX_HEADER_LEN: usize = 256 << 10;

/// One JAdES `srCms` entry (ETSI TS 119 182-1 clause 5.2.3): a commitment type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentType {
    id: String,
    desc: Option<String>,
    qualifiers: Vec<String>,
}

impl CommitmentType {
    /// `commId.id`, for example `urn:oid:1.2.840.10065.1.12.1.5` (verification signature).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `commId.desc`, if present.
    pub fn desc(&self) -> Option<&str> {
        self.desc.as_deref()
    }

    /// `commQuals` items as raw JSON text. JAdES wants objects; the CDex examples carry strings,
    /// which are tolerated.
    pub fn qualifiers(&self) -> &[String] {
        &self.qualifiers
    }
}

/// A parsed JOSE header. For a protected header, [`Header::raw_b64u`] is the received text,
/// which is what signatures are verified over; the header is never re-serialised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    raw_b64u: String,
    json: String,
    names: Vec<String>,
    alg: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    x5c: Option<Vec<Vec<u8>>>,
    x5t_s256: Option<Vec<u8>>,
    x5t: Option<Vec<u8>>,
    sig_t: Option<String>,
    sr_cms: Option<Vec<CommitmentType>>,
    canon: Option<String>,
    crit: Option<Vec<String>>,
    other: Vec<(String, String)>,
}

impl Header {
    /// Parses a protected header from its base64url text (the first compact part).
    ///
    /// # Errors
    /// [`JwsError::EmptyProtectedHeader`], [`JwsError::Base64`], and every header error of
    /// [`Header::from_json`].
    pub fn parse_protected(raw_b64u: &str) -> Result<Self, JwsError> {
        if raw_b64u.is_empty() {
            return Err(JwsError::EmptyProtectedHeader);
        }
        // Checked before decoding: base64url holds three bytes in every four characters.
        let decoded_len = raw_b64u.len() / 4 * 3 + (raw_b64u.len() % 4).saturating_sub(1);
        if decoded_len > MAX_HEADER_LEN {
            return Err(JwsError::HeaderTooLarge { len: decoded_len });
        }
        let json = b64::decode_url(raw_b64u).ok_or(JwsError::Base64 {
            part: Part::ProtectedHeader,
        })?;
        let mut header = Self::read(&json, true)?;
        header.raw_b64u = raw_b64u.to_owned();
        Ok(header)
    }

    /// Parses header JSON. `protected` says whether `crit` may appear (RFC 7515 section
    /// 4.1.11: only in the protected header). [`Header::raw_b64u`] is the base64url of `json`.
    ///
    /// # Errors
    /// [`JwsError::HeaderJson`] (duplicate members included), [`JwsError::HeaderNotObject`],
    /// [`JwsError::HeaderMember`], [`JwsError::X5cNotBase64`], and the `crit` errors.
    pub fn from_json(json: &[u8], protected: bool) -> Result<Self, JwsError> {
        let mut header = Self::read(json, protected)?;
        header.raw_b64u = b64::encode_url(json);
        Ok(header)
    }

    /// [`Header::from_json`] without [`Header::raw_b64u`], which the caller sets (a received
    /// protected header keeps its own text).
    fn read(json: &[u8], protected: bool) -> Result<Self, JwsError> {
        if json.len() > MAX_HEADER_LEN {
            return Err(JwsError::HeaderTooLarge { len: json.len() });
        }
        let doc = fhirsig_jcs::parse(json).map_err(JwsError::HeaderJson)?;
        let root = doc.root();
        if root.kind() != NodeKind::Object {
            return Err(JwsError::HeaderNotObject);
        }
        let mut header = Header {
            json: doc.text().to_owned(),
            ..Header::default()
        };
        let mut crit_node = None;
        for (name, value) in root.members() {
            header.names.push(name.to_owned());
            match name {
                "alg" => header.alg = Some(string(name, value)?),
                "kid" => header.kid = Some(string(name, value)?),
                "typ" => header.typ = Some(string(name, value)?),
                "x5c" => header.x5c = Some(x5c(value)?),
                "x5t#S256" => header.x5t_s256 = Some(thumbprint(name, value, 32)?),
                "x5t" => header.x5t = Some(thumbprint(name, value, 20)?),
                "sigT" => header.sig_t = Some(string(name, value)?),
                "srCms" => header.sr_cms = Some(sr_cms(value)?),
                "canon" => header.canon = Some(string(name, value)?),
                "crit" => crit_node = Some(value),
                _ => header
                    .other
                    .push((name.to_owned(), value.raw_text().to_owned())),
            }
        }
        if let Some(node) = crit_node {
            if !protected {
                return Err(JwsError::CritMalformed {
                    reason: "it must stand in the protected header",
                });
            }
            header.crit = Some(crit::check(node, &header.names)?);
        }
        Ok(header)
    }

    /// The header's base64url text exactly as received (protected header), which the signing
    /// input starts with.
    pub fn raw_b64u(&self) -> &str {
        &self.raw_b64u
    }

    /// The decoded header JSON text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// Every member name, in input order.
    pub fn member_names(&self) -> &[String] {
        &self.names
    }

    /// `alg` (always present in a compact JWS header; in the JSON serialization it may sit in
    /// the other header).
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// `kid`. Never use it to pick a key when `x5c` is present (CDex examples carry a `kid`
    /// of another certificate).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `typ`.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// `x5c`: DER certificates, signer first (decoded from standard base64).
    pub fn x5c(&self) -> Option<&[Vec<u8>]> {
        self.x5c.as_deref()
    }

    /// `x5t#S256`: SHA-256 thumbprint of the signer certificate (32 bytes).
    pub fn x5t_s256(&self) -> Option<&[u8]> {
        self.x5t_s256.as_deref()
    }

    /// `x5t`: SHA-1 thumbprint of the signer certificate (20 bytes; RFC 7515 section 4.1.7).
    pub fn x5t(&self) -> Option<&[u8]> {
        self.x5t.as_deref()
    }

    /// `sigT` (JAdES claimed signing time) as written.
    pub fn sig_t(&self) -> Option<&str> {
        self.sig_t.as_deref()
    }

    /// `sigT` read as an RFC 3339 instant, if it is one.
    pub fn sig_t_instant(&self) -> Option<time::OffsetDateTime> {
        let text = self.sig_t.as_deref()?;
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    }

    /// `srCms` (JAdES commitment types).
    pub fn sr_cms(&self) -> Option<&[CommitmentType]> {
        self.sr_cms.as_deref()
    }

    /// `canon` (canonicalisation algorithm URI).
    pub fn canon(&self) -> Option<&str> {
        self.canon.as_deref()
    }

    /// `crit`, already checked: every name is understood and present.
    pub fn crit(&self) -> Option<&[String]> {
        self.crit.as_deref()
    }

    /// Members this model does not interpret (`kty`, `jwk`, `b64`, …), as `(name, raw JSON)`.
    /// They are ignored: none of them can be listed in `crit`.
    pub fn other_members(&self) -> &[(String, String)] {
        &self.other
    }
}

fn string(name: &str, value: Node<'_>) -> Result<String, JwsError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| JwsError::HeaderMember {
            name: name.to_owned(),
            expected: "a string",
        })
}

fn x5c(value: Node<'_>) -> Result<Vec<Vec<u8>>, JwsError> {
    let shape = || JwsError::HeaderMember {
        name: "x5c".to_owned(),
        expected: "a non-empty array of base64 strings",
    };
    if value.kind() != NodeKind::Array {
        return Err(shape());
    }
    let certs = value
        .elements()
        .enumerate()
        .map(|(index, e)| {
            let text = e.as_str().ok_or_else(shape)?;
            b64::decode_std(text.as_bytes()).ok_or(JwsError::X5cNotBase64 { index })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(shape());
    }
    Ok(certs)
}

/// A certificate thumbprint member: base64url of a digest of `len` bytes.
fn thumbprint(name: &str, value: Node<'_>, len: usize) -> Result<Vec<u8>, JwsError> {
    value
        .as_str()
        .and_then(b64::decode_url)
        .filter(|d| d.len() == len)
        .ok_or_else(|| JwsError::HeaderMember {
            name: name.to_owned(),
            expected: if len == 32 {
                "the base64url of a 32-byte SHA-256 digest"
            } else {
                "the base64url of a 20-byte SHA-1 digest"
            },
        })
}

fn sr_cms(value: Node<'_>) -> Result<Vec<CommitmentType>, JwsError> {
    let shape = || {
        JwsError::HeaderMember {
        name: "srCms".to_owned(),
        expected: "a non-empty array of {\"commId\": {\"id\": string, \"desc\"?: string}, \"commQuals\"?: array}",
    }
    };
    if value.kind() != NodeKind::Array {
        return Err(shape());
    }
    let mut out = Vec::new();
    for entry in value.elements() {
        let comm_id = entry.get("commId").ok_or_else(shape)?;
        let id = comm_id
            .get("id")
            .and_then(|n| n.as_str())
            .ok_or_else(shape)?;
        let desc = match comm_id.get("desc") {
            Some(d) => Some(d.as_str().ok_or_else(shape)?.to_owned()),
            None => None,
        };
        let qualifiers = match entry.get("commQuals") {
            Some(q) if q.kind() == NodeKind::Array => {
                q.elements().map(|e| e.raw_text().to_owned()).collect()
            }
            Some(_) => return Err(shape()),
            None => Vec::new(),
        };
        out.push(CommitmentType {
            id: id.to_owned(),
            desc,
            qualifiers,
        });
    }
    if out.is_empty() {
        return Err(shape());
    }
    Ok(out)
}
