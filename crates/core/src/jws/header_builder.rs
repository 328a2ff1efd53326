//! Deterministic protected-header JSON for signing.

use super::{b64, Algorithm, Header, JwsError};

/// The JAdES commitment type CDex signatures carry: "Verification Signature"
/// (ASTM E1762-95 `1.2.840.10065.1.12.1.5`).
pub const CDEX_VERIFICATION_COMMITMENT: &str = "urn:oid:1.2.840.10065.1.12.1.5";

/// Builds protected-header JSON with a fixed member order — `alg`, `kid`, `typ`, `x5c`,
/// `x5t#S256`, `sigT`, `srCms`, `canon`, `crit`, then extra members in the order given — and
/// RFC 8785 string escaping, so the same inputs always give the same bytes.
///
/// CDex requires `x5c`, `sigT` and `srCms`; it recommends not emitting `crit`.
#[derive(Debug, Clone)]
pub struct HeaderBuilder {
    alg: Algorithm,
    kid: Option<String>,
    typ: Option<String>,
    x5c: Vec<Vec<u8>>,
    x5t_s256: Option<Vec<u8>>,
    sig_t: Option<String>,
    sr_cms: Vec<(String, Option<String>)>,
    canon: Option<String>,
    crit: Vec<String>,
    extra: Vec<(String, String)>,
}

impl HeaderBuilder {
    /// A header for `alg` (for a key's default, pass [`super::SigningKey::default_algorithm`]).
    pub fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            kid: None,
            typ: None,
            x5c: Vec::new(),
            x5t_s256: None,
            sig_t: None,
            sr_cms: Vec::new(),
            canon: None,
            crit: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Sets `kid`.
    pub fn kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.to_owned());
        self
    }

    /// Sets `typ`.
    pub fn typ(mut self, typ: &str) -> Self {
        self.typ = Some(typ.to_owned());
        self
    }

    /// Appends a DER certificate to `x5c` (signer first, then each issuer).
    pub fn certificate(mut self, der: &[u8]) -> Self {
        self.x5c.push(der.to_vec());
        self
    }

    /// Sets `x5t#S256` to the SHA-256 of this DER certificate.
    pub fn thumbprint_of(mut self, cert_der: &[u8]) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, cert_der);
        self.x5t_s256 = Some(digest.as_ref().to_vec());
        self
    }

    /// Sets `sigT` as written (JAdES wants `YYYY-MM-DDThh:mm:ssZ`; see
    /// [`HeaderBuilder::signing_time`]).
    pub fn sig_t(mut self, sig_t: &str) -> Self {
        self.sig_t = Some(sig_t.to_owned());
        self
    }

    /// Sets `sigT` from an instant, in the JAdES form: UTC, whole seconds, `Z`.
    pub fn signing_time(self, at: time::OffsetDateTime) -> Self {
        let utc = at.to_offset(time::UtcOffset::UTC);
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        );
        self.sig_t(&text)
    }

    /// Appends an `srCms` commitment type `{"commId": {"id": id, "desc": desc}}`.
    pub fn commitment(mut self, id: &str, desc: Option<&str>) -> Self {
        self.sr_cms.push((id.to_owned(), desc.map(str::to_owned)));
        self
    }

    /// Sets `canon`.
    pub fn canon(mut self, uri: &str) -> Self {
        self.canon = Some(uri.to_owned());
        self
    }

    /// Lists a name in `crit` (only `sigT`, `srCms`, `canon`, `sigD` are accepted by
    /// [`Self::build`]).
    pub fn critical(mut self, name: &str) -> Self {
        self.crit.push(name.to_owned());
        self
    }

    /// Appends an extra member with a raw JSON value (checked by [`Self::build`]).
    pub fn member(mut self, name: &str, raw_json: &str) -> Self {
        self.extra.push((name.to_owned(), raw_json.to_owned()));
        self
    }

    /// The header JSON bytes, checked by parsing them back as a protected header.
    ///
    /// # Errors
    /// Any [`Header::from_json`] error: a duplicate member (an extra member reusing a name),
    /// invalid raw JSON in an extra member, or a refused `crit`.
    pub fn build(&self) -> Result<Vec<u8>, JwsError> {
        let mut out = Vec::with_capacity(256);
        out.push(b'{');
        member(&mut out, "alg");
        fhirsig_jcs::write_escaped(self.alg.name(), &mut out);
        optional(&mut out, "kid", self.kid.as_deref());
        optional(&mut out, "typ", self.typ.as_deref());
        if !self.x5c.is_empty() {
            member(&mut out, "x5c");
            let certs: Vec<String> = self.x5c.iter().map(|c| b64::encode_std(c)).collect();
            fhirsig_jcs::write_string_array(&certs, &mut out);
        }
        let thumbprint = self.x5t_s256.as_deref().map(b64::encode_url);
        optional(&mut out, "x5t#S256", thumbprint.as_deref());
        optional(&mut out, "sigT", self.sig_t.as_deref());
        if !self.sr_cms.is_empty() {
            member(&mut out, "srCms");
            out.push(b'[');
            for (i, (id, desc)) in self.sr_cms.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"commId\":{\"id\":");
                fhirsig_jcs::write_escaped(id, &mut out);
                if let Some(desc) = desc {
                    out.extend_from_slice(b",\"desc\":");
                    fhirsig_jcs::write_escaped(desc, &mut out);
                }
                out.extend_from_slice(b"}}");
            }
            out.push(b']');
        }
        optional(&mut out, "canon", self.canon.as_deref());
        if !self.crit.is_empty() {
            member(&mut out, "crit");
            fhirsig_jcs::write_string_array(&self.crit, &mut out);
        }
        for (name, raw) in &self.extra {
            member(&mut out, name);
            out.extend_from_slice(raw.as_bytes());
        }
        out.push(b'}');
        Header::from_json(&out, true)?;
        Ok(out)
    }
}

/// Writes `,"name":` (without the comma for the first member).
fn member(out: &mut Vec<u8>, name: &str) {
    if out.len() > 1 {
        out.push(b',');
    }
    fhirsig_jcs::write_escaped(name, out);
    out.push(b':');
}

fn optional(out: &mut Vec<u8>, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        member(out, name);
        fhirsig_jcs::write_escaped(value, out);
    }
}
