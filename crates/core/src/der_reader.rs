//! A minimal DER reader, just enough for the key containers we load: PKCS#8 `PrivateKeyInfo`,
//! SEC1 `ECPrivateKey`, PKCS#1 `RSAPrivateKey`/`RSAPublicKey` and `SubjectPublicKeyInfo`.
//!
//! Only definite lengths are accepted (DER); anything else is malformed.

pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const SEQUENCE: u8 = 0x30;
/// `[0]` constructed, context-specific.
pub(crate) const CONTEXT_0: u8 = 0xa0;
/// `[1]` constructed, context-specific.
pub(crate) const CONTEXT_1: u8 = 0xa1;

/// The DER text was not what the reader expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

/// Reads TLVs from a byte slice.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads one TLV with this tag and returns its value.
    pub(crate) fn read(&mut self, tag: u8) -> Result<&'a [u8], Malformed> {
        let (found, value) = self.read_any()?;
        if found == tag {
            Ok(value)
        } else {
            Err(Malformed)
        }
    }

    /// Reads a TLV with this tag only if it is next.
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, Malformed> {
        if self.peek_tag() == Some(tag) {
            self.read(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads any TLV: `(tag, value, whole TLV including its tag and length)`.
    pub(crate) fn read_element(&mut self) -> Result<(u8, &'a [u8], &'a [u8]), Malformed> {
        let start = self.data;
        let (tag, value) = self.read_any()?;
        let whole = &start[..start.len() - self.data.len()];
        Ok((tag, value, whole))
    }

    /// Reads any TLV: `(tag, value)`.
    pub(crate) fn read_any(&mut self) -> Result<(u8, &'a [u8]), Malformed> {
        let (&tag, rest) = self.data.split_first().ok_or(Malformed)?;
        let (&first, mut rest) = rest.split_first().ok_or(Malformed)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return Err(Malformed);
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            let len = bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 || bytes.first() == Some(&0) {
                return Err(Malformed); // not the shortest form
            }
            len
        };
        if rest.len() < len {
            return Err(Malformed);
        }
        let (value, after) = rest.split_at(len);
        self.data = after;
        Ok((tag, value))
    }

    /// Reads a non-negative INTEGER and returns its magnitude without leading zero bytes.
    pub(crate) fn read_unsigned(&mut self) -> Result<&'a [u8], Malformed> {
        let value = self.read(INTEGER)?;
        if value.is_empty() || value[0] & 0x80 != 0 {
            return Err(Malformed);
        }
        Ok(strip_leading_zeros(value))
    }

    /// Reads a small non-negative INTEGER (a version number).
    pub(crate) fn read_small(&mut self) -> Result<u8, Malformed> {
        match self.read(INTEGER)? {
            [v] if *v < 0x80 => Ok(*v),
            _ => Err(Malformed),
        }
    }

    /// Reads a BIT STRING with no unused bits and returns its bytes.
    pub(crate) fn read_bit_string(&mut self) -> Result<&'a [u8], Malformed> {
        match self.read(BIT_STRING)? {
            [0, bytes @ ..] => Ok(bytes),
            _ => Err(Malformed),
        }
    }

    /// Fails unless everything was read.
    pub(crate) fn finish(&self) -> Result<(), Malformed> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }
}

/// The bytes without leading zeros (but at least one byte).
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    if start == bytes.len() {
        &bytes[bytes.len().saturating_sub(1)..]
    } else {
        &bytes[start..]
    }
}

/// Bit length of a big-endian unsigned integer.
pub(crate) fn bit_len(bytes: &[u8]) -> usize {
    let bytes = strip_leading_zeros(bytes);
    match bytes.first() {
        None | Some(0) => 0,
        Some(&top) => {
            let top_bits = 8 - usize::try_from(top.leading_zeros()).unwrap_or(0);
            (bytes.len() - 1) * 8 + top_bits
        }
    }
}

/// DER encodings of the object identifiers we recognise (value bytes, no tag/length).
pub(crate) mod oids {
    /// rsaEncryption 1.2.840.113549.1.1.1
    pub(crate) const RSA_ENCRYPTION: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-ecPublicKey 1.2.840.10045.2.1
    pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// prime256v1 / secp256r1 1.2.840.10045.3.1.7
    pub(crate) const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1 1.3.132.0.34
    pub(crate) const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// id-Ed25519 1.3.101.112
    pub(crate) const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
}

/// Dotted text of an OID's value bytes, for error messages.
pub(crate) fn oid_text(value: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for &b in value {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_long_form_and_rejects_non_minimal() {
        let mut data = vec![0x04, 0x81, 0x80];
        data.extend([7u8; 0x80]);
        assert_eq!(
            Reader::new(&data).read(OCTET_STRING).map(<[u8]>::len),
            Ok(0x80)
        );
        assert_eq!(
            Reader::new(&[0x04, 0x81, 0x01, 0x00]).read(OCTET_STRING),
            Err(Malformed)
        );
        assert_eq!(
            Reader::new(&[0x04, 0x80]).read(OCTET_STRING),
            Err(Malformed)
        );
    }

    #[test]
    fn bits_and_oids() {
        assert_eq!(bit_len(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_len(&[0x01]), 1);
        assert_eq!(oid_text(oids::P256), "1.2.840.10045.3.1.7");
        assert_eq!(oid_text(oids::P384), "1.3.132.0.34");
    }
}
