//! Compact JWS (RFC 7515 section 7.1) with detached content (Appendix F): `header..signature`.

use super::{b64, AlgorithmPolicy, Header, JwsError, Part, Signer, VerifyingKey};

/// A parsed compact JWS. The header's base64url text is kept verbatim; a non-empty payload part
/// is kept too and reported by [`CompactJws::embedded_payload_b64u`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactJws {
    header: Header,
    payload_b64u: String,
    signature: Vec<u8>,
}

impl CompactJws {
    /// Parses `header.payload.signature`, where `payload` may be empty (detached content).
    ///
    /// # Errors
    /// [`JwsError::WrongPartCount`], [`JwsError::Base64`] for a part that is not strict
    /// unpadded base64url, and every header error of [`Header::parse_protected`].
    pub fn parse(text: &str) -> Result<Self, JwsError> {
        let parts: Vec<&str> = text.split('.').collect();
        let [header, payload, signature] = parts.as_slice() else {
            return Err(JwsError::WrongPartCount { found: parts.len() });
        };
        let header = Header::parse_protected(header)?;
        if !payload.is_empty() && b64::decode_url(payload).is_none() {
            return Err(JwsError::Base64 {
                part: Part::Payload,
            });
        }
        let signature = b64::decode_url(signature).ok_or(JwsError::Base64 {
            part: Part::Signature,
        })?;
        Ok(Self {
            header,
            payload_b64u: (*payload).to_owned(),
            signature,
        })
    }

    /// The protected header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Whether the payload part is empty (detached content).
    pub fn is_detached(&self) -> bool {
        self.payload_b64u.is_empty()
    }

    /// The payload part's text when it is not empty: the JWS carries its payload.
    pub fn embedded_payload_b64u(&self) -> Option<&str> {
        (!self.is_detached()).then_some(self.payload_b64u.as_str())
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The signing input for a detached `payload`: the received header text, `.`, and the
    /// base64url of `payload`.
    pub fn signing_input(&self, payload: &[u8]) -> String {
        signing_input_over(self.header.raw_b64u(), payload)
    }
}

/// The signing input for a detached `payload`, with the payload's base64url written straight
/// into it: one buffer of the final size, not a base64 string and then a copy of it (for a
/// 1 GiB Bundle that copy alone is another gigabyte).
pub(crate) fn signing_input_over(header_b64u: &str, payload: &[u8]) -> String {
    let encoded = b64::encoded_url_len(payload.len());
    let mut input = String::with_capacity(header_b64u.len() + 1 + encoded);
    input.push_str(header_b64u);
    input.push('.');
    b64::encode_url_append(payload, &mut input);
    input
}

pub(crate) fn signing_input(header_b64u: &str, payload_b64u: &str) -> String {
    let mut input = String::with_capacity(header_b64u.len() + 1 + payload_b64u.len());
    input.push_str(header_b64u);
    input.push('.');
    input.push_str(payload_b64u);
    input
}

/// Signs `payload` and returns the detached compact JWS `header..signature`. `header_json` is
/// used byte for byte (from [`super::HeaderBuilder::build`], or exact bytes to reproduce a
/// signature); its `alg` picks the algorithm.
///
/// # Errors
/// Header errors (as [`Header::from_json`]), [`JwsError::MissingAlgorithm`], refused or unknown
/// `alg`, [`JwsError::KeyAlgorithmMismatch`], [`JwsError::SigningFailed`].
pub fn sign_detached(
    header_json: &[u8],
    payload: &[u8],
    key: &dyn Signer,
) -> Result<String, JwsError> {
    let header = Header::from_json(header_json, true)?;
    let alg = super::Algorithm::from_name(header.alg().ok_or(JwsError::MissingAlgorithm)?)?;
    let input = signing_input_over(header.raw_b64u(), payload);
    let signature = sign_checked(key, alg, input.as_bytes())?;
    Ok(format!(
        "{}..{}",
        header.raw_b64u(),
        b64::encode_url(&signature)
    ))
}

/// Asks `key` for a signature after checking that its key can do `alg`, whatever the key source
/// checks itself.
pub(crate) fn sign_checked(
    key: &dyn Signer,
    alg: super::Algorithm,
    message: &[u8],
) -> Result<Vec<u8>, JwsError> {
    key.verifying_key().check_algorithm(alg)?;
    key.sign_raw(alg, message)
}

/// Signs and returns `(protected header base64url, signature base64url)`.
pub(crate) fn sign_parts(
    header_json: &[u8],
    payload_b64u: &str,
    key: &dyn Signer,
) -> Result<(String, String), JwsError> {
    let header = Header::from_json(header_json, true)?;
    let alg = super::Algorithm::from_name(header.alg().ok_or(JwsError::MissingAlgorithm)?)?;
    let input = signing_input(header.raw_b64u(), payload_b64u);
    let signature = sign_checked(key, alg, input.as_bytes())?;
    Ok((header.raw_b64u().to_owned(), b64::encode_url(&signature)))
}

/// Verifies a detached compact JWS over `payload`: the signing input is the received header
/// text, `.`, base64url(`payload`).
///
/// # Errors
/// [`JwsError::PayloadNotDetached`] if the JWS carries a payload (with whether it equals
/// `payload`), the algorithm refusals ([`JwsError::AlgorithmNone`], [`JwsError::MacAlgorithm`],
/// [`JwsError::UnknownAlgorithm`], [`JwsError::AlgorithmNotAllowed`]), key/algorithm mismatches,
/// [`JwsError::EcdsaSignatureNotRaw`] and [`JwsError::BadSignature`].
pub fn verify_detached(
    jws: &CompactJws,
    payload: &[u8],
    key: &VerifyingKey,
    policy: &AlgorithmPolicy,
) -> Result<(), JwsError> {
    let header_b64u = jws.header.raw_b64u();
    let input = signing_input_over(header_b64u, payload);
    if let Some(embedded) = jws.embedded_payload_b64u() {
        return Err(JwsError::PayloadNotDetached {
            matches: embedded.as_bytes() == &input.as_bytes()[header_b64u.len() + 1..],
        });
    }
    verify_input(
        jws.header.alg(),
        input.as_bytes(),
        &jws.signature,
        key,
        policy,
    )
}

impl CompactJws {
    /// Verifies this detached JWS over a signing input built by the caller (the received header
    /// text, `.`, the payload's base64url): for a payload too large to hold twice, the caller
    /// can write its base64url straight into the input instead of materialising the payload.
    ///
    /// # Errors
    /// [`JwsError::PayloadNotDetached`] if the JWS carries a payload (with whether it equals the
    /// input's), [`JwsError::SigningInputMismatch`] when `input` does not start with this JWS's
    /// header, and the errors of [`verify_detached`].
    pub fn verify_signing_input(
        &self,
        input: &[u8],
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<(), JwsError> {
        let payload_b64u = signing_input_payload(self.header.raw_b64u(), input)?;
        if let Some(embedded) = self.embedded_payload_b64u() {
            return Err(JwsError::PayloadNotDetached {
                matches: embedded.as_bytes() == payload_b64u,
            });
        }
        verify_input(self.header.alg(), input, &self.signature, key, policy)
    }

    /// As [`CompactJws::verify_signing_input`], from the digest of the signing input (the
    /// received header text, `.`, the payload's base64url), hashed by a
    /// [`super::SigningInputHasher`] for this JWS's algorithm.
    ///
    /// # Errors
    /// As [`CompactJws::verify_signing_input`]; [`JwsError::SigningInputMismatch`] when the
    /// digest was made for another algorithm than the header's.
    pub fn verify_signing_input_digest(
        &self,
        digest: &super::SigningInputDigest,
        key: &VerifyingKey,
        policy: &AlgorithmPolicy,
    ) -> Result<(), JwsError> {
        if let Some(embedded) = self.embedded_payload_b64u() {
            return Err(embedded_versus_digest(
                self.header.raw_b64u(),
                embedded,
                digest,
            ));
        }
        verify_digest(self.header.alg(), digest, &self.signature, key, policy)
    }
}

/// The refusal of a JWS that carries its payload, saying whether that payload is the one whose
/// signing input `digest` hashes.
pub(crate) fn embedded_versus_digest(
    header_b64u: &str,
    embedded_b64u: &str,
    digest: &super::SigningInputDigest,
) -> JwsError {
    let input = signing_input(header_b64u, embedded_b64u);
    let matches = super::SigningInputDigest::of(digest.algorithm(), input.as_bytes())
        .is_some_and(|own| own.as_bytes() == digest.as_bytes());
    JwsError::PayloadNotDetached { matches }
}

/// Checks `alg` against the policy and that `digest` was made for it, then verifies.
pub(crate) fn verify_digest(
    alg: Option<&str>,
    digest: &super::SigningInputDigest,
    signature: &[u8],
    key: &VerifyingKey,
    policy: &AlgorithmPolicy,
) -> Result<(), JwsError> {
    let alg = policy.check(alg.ok_or(JwsError::MissingAlgorithm)?)?;
    if alg != digest.algorithm() {
        return Err(JwsError::SigningInputMismatch);
    }
    key.verify_signature_digest(digest, signature)
}

/// The payload part of a signing input that must start with `header_b64u` and `.`.
pub(crate) fn signing_input_payload<'i>(
    header_b64u: &str,
    input: &'i [u8],
) -> Result<&'i [u8], JwsError> {
    input
        .strip_prefix(header_b64u.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"."))
        .ok_or(JwsError::SigningInputMismatch)
}

/// Verifies a compact JWS that carries its payload and returns the payload bytes. An empty
/// payload part is an empty payload here.
///
/// # Errors
/// As [`verify_detached`], without [`JwsError::PayloadNotDetached`].
pub fn verify_attached(
    jws: &CompactJws,
    key: &VerifyingKey,
    policy: &AlgorithmPolicy,
) -> Result<Vec<u8>, JwsError> {
    let input = signing_input(jws.header.raw_b64u(), &jws.payload_b64u);
    verify_input(
        jws.header.alg(),
        input.as_bytes(),
        &jws.signature,
        key,
        policy,
    )?;
    b64::decode_url(&jws.payload_b64u).ok_or(JwsError::Base64 {
        part: Part::Payload,
    })
}

/// The shared verification step: policy on `alg`, key/alg match, then the signature.
pub(crate) fn verify_input(
    alg: Option<&str>,
    input: &[u8],
    signature: &[u8],
    key: &VerifyingKey,
    policy: &AlgorithmPolicy,
) -> Result<(), JwsError> {
    let alg = policy.check(alg.ok_or(JwsError::MissingAlgorithm)?)?;
    key.verify_signature(alg, input, signature)
}
