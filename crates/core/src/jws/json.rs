//! The JWS JSON serialization (RFC 7515 section 7.2), general and flattened, with the payload
//! absent for detached content (Appendix F).

use fhirsig_jcs::{Node, NodeKind};

use super::compact::{sign_parts, signing_input, verify_input};
use super::{b64, AlgorithmPolicy, Header, JwsError, Part, Signer, VerifyingKey};

/// One signature of a JWS JSON serialization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSignature {
    protected: Option<Header>,
    unprotected: Option<Header>,
    signature: Vec<u8>,
}

impl JsonSignature {
    /// The protected header (`protected`), if any.
    pub fn protected(&self) -> Option<&Header> {
        self.protected.as_ref()
    }

    /// The unprotected header (`header`), if any; its members are not signed.
    pub fn unprotected(&self) -> Option<&Header> {
        self.unprotected.as_ref()
    }

    /// `alg`, from whichever header holds it.
    pub fn alg(&self) -> Option<&str> {
        self.protected
            .as_ref()
            .and_then(Header::alg)
            .or_else(|| self.unprotected.as_ref().and_then(Header::alg))
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    fn protected_b64u(&self) -> &str {
        self.protected.as_ref().map_or("", Header::raw_b64u)
    }
}

/// A parsed JWS JSON serialization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonJws {
    payload_b64u: Option<String>,
    signatures: Vec<JsonSignature>,
}

impl JsonJws {
    /// Parses the general (`signatures` array) or flattened form. Strict I-JSON.
    ///
    /// # Errors
    /// [`JwsError::JsonSerialization`] for a malformed structure, header and base64 errors.
    pub fn parse(text: &str) -> Result<Self, JwsError> {
        let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(JwsError::HeaderJson)?;
        let root = doc.root();
        if root.kind() != NodeKind::Object {
            return Err(malformed("not a JSON object"));
        }
        let payload_b64u = match root.get("payload") {
            Some(p) => {
                let text = p.as_str().ok_or(malformed("payload is not a string"))?;
                if b64::decode_url(text).is_none() {
                    return Err(JwsError::Base64 {
                        part: Part::Payload,
                    });
                }
                Some(text.to_owned())
            }
            None => None,
        };
        let signatures = match root.get("signatures") {
            Some(list) => {
                if root.get("signature").is_some() || root.get("protected").is_some() {
                    return Err(malformed("both general and flattened members"));
                }
                if list.kind() != NodeKind::Array {
                    return Err(malformed("signatures is not an array"));
                }
                list.elements()
                    .map(signature)
                    .collect::<Result<Vec<_>, _>>()?
            }
            None => vec![signature(root)?],
        };
        if signatures.is_empty() {
            return Err(malformed("no signatures"));
        }
        Ok(Self {
            payload_b64u,
            signatures,
        })
    }

    /// The signatures, in order.
    pub fn signatures(&self) -> &[JsonSignature] {
        &self.signatures
    }

    /// Whether `payload` is absent (detached content).
    pub fn is_detached(&self) -> bool {
        self.payload_b64u.is_none()
    }

    /// The `payload` member's text, when present.
    pub fn payload_b64u(&self) -> Option<&str> {
        self.payload_b64u.as_deref()
    }

    /// Verifies signature `index` over a detached `payload`.
    ///
    /// # Errors
    /// [`JwsError::NoSuchSignature`], [`JwsError::PayloadNotDetached`], and the errors of
    /// [`super::verify_detached`].
    pub fn verify_detached(
        &self,
        index: usize,
        payload: &[u8],
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<(), JwsError> {
        let payload_b64u = b64::encode_url(payload);
        if let Some(embedded) = &self.payload_b64u {
            return Err(JwsError::PayloadNotDetached {
                matches: *embedded == payload_b64u,
            });
        }
        self.verify_over(index, &payload_b64u, key, policy)
    }

    /// Verifies signature `index` over a signing input built by the caller (its protected
    /// header text, `.`, the payload's base64url; see [`super::CompactJws::verify_signing_input`]).
    ///
    /// # Errors
    /// [`JwsError::NoSuchSignature`], [`JwsError::PayloadNotDetached`],
    /// [`JwsError::SigningInputMismatch`], and the errors of [`super::verify_detached`].
    pub fn verify_signing_input(
        &self,
        index: usize,
        input: &[u8],
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<(), JwsError> {
        let sig = self.signature_at(index)?;
        let payload_b64u = super::compact::signing_input_payload(sig.protected_b64u(), input)?;
        if let Some(embedded) = &self.payload_b64u {
            return Err(JwsError::PayloadNotDetached {
                matches: embedded.as_bytes() == payload_b64u,
            });
        }
        verify_input(sig.alg(), input, &sig.signature, key, policy)
    }

    /// Signature `index`, or [`JwsError::NoSuchSignature`].
    fn signature_at(&self, index: usize) -> Result<&JsonSignature, JwsError> {
        self.signatures
            .get(index)
            .ok_or(JwsError::NoSuchSignature { index })
    }

    /// As [`JsonJws::verify_signing_input`], from the digest of signature `index`'s signing
    /// input (see [`super::SigningInputHasher`]).
    ///
    /// # Errors
    /// As [`JsonJws::verify_signing_input`]; [`JwsError::SigningInputMismatch`] when the digest
    /// was made for another algorithm than the signature's.
    pub fn verify_signing_input_digest(
        &self,
        index: usize,
        digest: &super::SigningInputDigest,
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<(), JwsError> {
        let sig = self.signature_at(index)?;
        if let Some(embedded) = &self.payload_b64u {
            return Err(super::compact::embedded_versus_digest(
                sig.protected_b64u(),
                embedded,
                digest,
            ));
        }
        super::compact::verify_digest(sig.alg(), digest, &sig.signature, key, policy)
    }

    /// The protected header text of signature `index`, as received (what its signing input
    /// starts with).
    pub fn protected_b64u(&self, index: usize) -> Option<&str> {
        self.signatures
            .get(index)
            .map(JsonSignature::protected_b64u)
    }

    /// Verifies signature `index` over the embedded payload and returns the payload bytes.
    ///
    /// # Errors
    /// [`JwsError::JsonSerialization`] when the payload is detached, and the errors of
    /// [`super::verify_attached`].
    pub fn verify_attached(
        &self,
        index: usize,
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<Vec<u8>, JwsError> {
        let payload_b64u = self
            .payload_b64u
            .as_deref()
            .ok_or(malformed("the payload is detached"))?;
        self.verify_over(index, payload_b64u, key, policy)?;
        b64::decode_url(payload_b64u).ok_or(JwsError::Base64 {
            part: Part::Payload,
        })
    }

    fn verify_over(
        &self,
        index: usize,
        payload_b64u: &str,
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<(), JwsError> {
        let sig = self.signature_at(index)?;
        let input = signing_input(sig.protected_b64u(), payload_b64u);
        verify_input(sig.alg(), input.as_bytes(), &sig.signature, key, policy)
    }

    /// Signs a detached `payload` once per `(protected header JSON, key)` and returns the
    /// general JSON serialization without `payload`.
    ///
    /// # Errors
    /// [`JwsError::JsonSerialization`] for no signers, and the errors of
    /// [`super::sign_detached`].
    pub fn sign_detached(
        signers: &[(&[u8], &dyn Signer)],
        payload: &[u8],
    ) -> Result<String, JwsError> {
        if signers.is_empty() {
            return Err(malformed("no signers"));
        }
        let payload_b64u = b64::encode_url(payload);
        let mut out = String::from("{\"signatures\":[");
        for (i, (header_json, key)) in signers.iter().enumerate() {
            let (protected, signature) = sign_parts(header_json, &payload_b64u, *key)?;
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "{{\"protected\":\"{protected}\",\"signature\":\"{signature}\"}}"
            ));
        }
        out.push_str("]}");
        Ok(out)
    }

    /// Signs a detached `payload` and returns the flattened JSON serialization without
    /// `payload`.
    ///
    /// # Errors
    /// As [`super::sign_detached`].
    pub fn sign_detached_flattened(
        header_json: &[u8],
        payload: &[u8],
        key: &dyn Signer,
    ) -> Result<String, JwsError> {
        let (protected, signature) = sign_parts(header_json, &b64::encode_url(payload), key)?;
        Ok(format!(
            "{{\"protected\":\"{protected}\",\"signature\":\"{signature}\"}}"
        ))
    }
}

fn malformed(reason: &'static str) -> JwsError {
    JwsError::JsonSerialization { reason }
}

/// Reads one signature object (`protected`, `header`, `signature`).
fn signature(node: Node<'_>) -> Result<JsonSignature, JwsError> {
    if node.kind() != NodeKind::Object {
        return Err(malformed("a signature is not an object"));
    }
    let protected = match node.get("protected") {
        Some(p) => Some(Header::parse_protected(
            p.as_str().ok_or(malformed("protected is not a string"))?,
        )?),
        None => None,
    };
    let unprotected = match node.get("header") {
        Some(h) if h.kind() == NodeKind::Object => {
            Some(Header::from_json(h.raw_text().as_bytes(), false)?)
        }
        Some(_) => return Err(malformed("header is not an object")),
        None => None,
    };
    if protected.is_none() && unprotected.is_none() {
        return Err(malformed("a signature has neither protected nor header"));
    }
    if let (Some(p), Some(u)) = (&protected, &unprotected) {
        if p.member_names()
            .iter()
            .any(|n| u.member_names().contains(n))
        {
            return Err(malformed(
                "a parameter appears in both the protected and unprotected header",
            ));
        }
    }
    let text = node
        .get("signature")
        .and_then(|s| s.as_str())
        .ok_or(malformed("signature is missing or not a string"))?;
    let signature = b64::decode_url(text).ok_or(JwsError::Base64 {
        part: Part::Signature,
    })?;
    Ok(JsonSignature {
        protected,
        unprotected,
        signature,
    })
}
