//! PEM sections (RFC 7468), with detection of encrypted private keys.

use super::{b64, KeyError};

/// One decoded PEM section.
pub(crate) struct Pem {
    /// The label between `BEGIN ` and the dashes, e.g. `PRIVATE KEY`.
    pub(crate) label: String,
    /// The decoded body.
    pub(crate) der: Vec<u8>,
}

/// Reads the first PEM section of `text`.
///
/// # Errors
/// [`KeyError::Encrypted`] for `ENCRYPTED PRIVATE KEY` (read those with
/// [`first_section_encrypted_allowed`]), [`KeyError::LegacyPemEncryption`] for an RFC 1421
/// `Proc-Type: 4,ENCRYPTED` header; [`KeyError::PemMalformed`] when there is no complete section
/// or its body is not base64.
pub(crate) fn first_section(text: &[u8]) -> Result<Pem, KeyError> {
    let pem = first_section_encrypted_allowed(text)?;
    if pem.label == "ENCRYPTED PRIVATE KEY" {
        return Err(KeyError::Encrypted);
    }
    Ok(pem)
}

/// As [`first_section`], but returns an `ENCRYPTED PRIVATE KEY` section for the caller to
/// decrypt.
///
/// # Errors
/// As [`first_section`], without [`KeyError::Encrypted`].
pub(crate) fn first_section_encrypted_allowed(text: &[u8]) -> Result<Pem, KeyError> {
    let text = std::str::from_utf8(text).map_err(|_| KeyError::PemMalformed)?;
    let begin = text.find("-----BEGIN ").ok_or(KeyError::PemMalformed)?;
    let after_begin = &text[begin + "-----BEGIN ".len()..];
    let label_end = after_begin.find("-----").ok_or(KeyError::PemMalformed)?;
    let label = after_begin[..label_end].to_owned();
    let body_and_rest = &after_begin[label_end + "-----".len()..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or(KeyError::PemMalformed)?;
    let body = &body_and_rest[..body_end];
    if body.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(KeyError::LegacyPemEncryption);
    }
    if body.contains(':') {
        return Err(KeyError::PemMalformed); // other RFC 1421 headers: not a plain key
    }
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = b64::decode_std(compact.as_bytes()).ok_or(KeyError::PemMalformed)?;
    Ok(Pem { label, der })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_label_and_body() {
        let pem = first_section(
            b"junk\n-----BEGIN PUBLIC KEY-----\nAAEC\nAw==\n-----END PUBLIC KEY-----\n",
        )
        .unwrap();
        assert_eq!(pem.label, "PUBLIC KEY");
        assert_eq!(pem.der, vec![0, 1, 2, 3]);
    }

    #[test]
    fn encrypted_is_named() {
        let legacy = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            first_section(legacy).err(),
            Some(KeyError::LegacyPemEncryption)
        );
        let pkcs8 =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(first_section(pkcs8).err(), Some(KeyError::Encrypted));
        assert_eq!(
            first_section_encrypted_allowed(pkcs8).ok().map(|p| p.der),
            Some(vec![0, 0, 0])
        );
    }

    #[test]
    fn garbage_is_malformed() {
        assert_eq!(first_section(b"hello").err(), Some(KeyError::PemMalformed));
    }
}
