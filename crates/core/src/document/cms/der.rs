//! A minimal DER writer and the object identifiers CMS signatures use.
//!
//! CMS is written by hand rather than with the `cms` crate: its 0.3 release candidate signs
//! through RustCrypto traits and its `builder` feature pulls rsa, aes, cbc, sha1 and sha3 (see
//! shared/deps.md section 5), while a detached SignedData with four signed attributes is about
//! a hundred lines of TLVs over ring signatures. Reading uses `crate::der_reader::Reader`.

use const_oid::ObjectIdentifier;
use time::OffsetDateTime;

/// `id-data` 1.2.840.113549.1.7.1
pub(crate) const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// `id-signedData` 1.2.840.113549.1.7.2
pub(crate) const ID_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// `id-contentType` 1.2.840.113549.1.9.3
pub(crate) const CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// `id-messageDigest` 1.2.840.113549.1.9.4
pub(crate) const MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// `id-signingTime` 1.2.840.113549.1.9.5
pub(crate) const SIGNING_TIME: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// `id-aa-signingCertificate` (ESS, SHA-1) 1.2.840.113549.1.9.16.2.12
pub(crate) const SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// `id-aa-signingCertificateV2` (RFC 5035) 1.2.840.113549.1.9.16.2.47
pub(crate) const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// `id-sha256` 2.16.840.1.101.3.4.2.1
pub(crate) const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// `id-sha384` 2.16.840.1.101.3.4.2.2
pub(crate) const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
/// `id-sha512` 2.16.840.1.101.3.4.2.3
pub(crate) const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
/// `rsaEncryption` 1.2.840.113549.1.1.1 (what OpenSSL writes as the CMS signature algorithm)
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `sha256WithRSAEncryption` 1.2.840.113549.1.1.11
pub(crate) const SHA256_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// `sha384WithRSAEncryption` 1.2.840.113549.1.1.12
pub(crate) const SHA384_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
/// `sha512WithRSAEncryption` 1.2.840.113549.1.1.13
pub(crate) const SHA512_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
/// `ecdsa-with-SHA256` 1.2.840.10045.4.3.2
pub(crate) const ECDSA_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// `ecdsa-with-SHA384` 1.2.840.10045.4.3.3
pub(crate) const ECDSA_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
/// `[0]` constructed (IMPLICIT SET OF, or EXPLICIT content).
pub(crate) const CONTEXT_0: u8 = 0xa0;
/// `[4]` constructed: GeneralName `directoryName`.
pub(crate) const CONTEXT_4: u8 = 0xa4;

/// One TLV.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded parts.
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// A DER SET OF: elements sorted by their encodings (X.690 section 11.6), with tag `tag`.
pub(crate) fn set_of(tag: u8, mut items: Vec<Vec<u8>>) -> Vec<u8> {
    items.sort();
    tlv(tag, &items.concat())
}

/// An OBJECT IDENTIFIER.
pub(crate) fn oid(oid: &ObjectIdentifier) -> Vec<u8> {
    tlv(OID, oid.as_bytes())
}

/// `AlgorithmIdentifier` without parameters (digests, ECDSA).
pub(crate) fn algorithm(id: &ObjectIdentifier) -> Vec<u8> {
    seq(&[&oid(id)])
}

/// `AlgorithmIdentifier` with NULL parameters (RSA).
pub(crate) fn algorithm_null(id: &ObjectIdentifier) -> Vec<u8> {
    seq(&[&oid(id), &tlv(NULL, &[])])
}

/// A non-negative INTEGER from its big-endian magnitude.
pub(crate) fn unsigned(magnitude: &[u8]) -> Vec<u8> {
    let start = magnitude.iter().take_while(|&&b| b == 0).count();
    let trimmed = &magnitude[start..];
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    tlv(INTEGER, &content)
}

/// A CMS `Time`: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 section 11.3).
pub(crate) fn time(at: OffsetDateTime) -> Vec<u8> {
    let t = at.to_offset(time::UtcOffset::UTC);
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if (1950..2050).contains(&t.year()) {
        tlv(UTC_TIME, format!("{:02}{rest}", t.year() % 100).as_bytes())
    } else {
        tlv(
            GENERALIZED_TIME,
            format!("{:04}{rest}", t.year()).as_bytes(),
        )
    }
}

/// Reads a CMS `Time` value (`tag`, content) as seconds since 1970, whole seconds, `Z` only.
pub(crate) fn read_time(tag: u8, content: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(content).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy: i32 = digits[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        (GENERALIZED_TIME, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let field = |i: usize| rest[i..i + 2].parse::<u8>().ok();
    let month = time::Month::try_from(field(0)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, field(2)?).ok()?;
    let clock = time::Time::from_hms(field(4)?, field(6)?, field(8)?).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 1, 44]);
        assert_eq!(unsigned(&[0x00, 0x80]), vec![0x02, 2, 0, 0x80]);
        assert_eq!(unsigned(&[0x7f]), vec![0x02, 1, 0x7f]);
    }

    #[test]
    fn times_round_trip() {
        let at = time::macros::datetime!(2026-06-01 12:34:56 UTC);
        let utc = time(at);
        assert_eq!(&utc[2..], b"260601123456Z");
        assert_eq!(read_time(utc[0], &utc[2..]), Some(at.unix_timestamp()));
        let later = time::macros::datetime!(2051-01-02 03:04:05 UTC);
        let gen = time(later);
        assert_eq!(gen[0], GENERALIZED_TIME);
        assert_eq!(read_time(gen[0], &gen[2..]), Some(later.unix_timestamp()));
    }
}
