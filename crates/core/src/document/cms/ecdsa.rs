//! ECDSA signature encodings: JOSE and ring's signers use raw `r||s`, CMS uses DER
//! `SEQUENCE { r INTEGER, s INTEGER }` (RFC 5753 / X9.62).

use super::der::{seq, unsigned, INTEGER, SEQUENCE};
use crate::der_reader::Reader;

/// DER from raw `r||s`.
pub(crate) fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    let (r, s) = raw.split_at(raw.len() / 2);
    seq(&[&unsigned(r), &unsigned(s)])
}

/// Raw `r||s` (each left-padded to `field_len`) from DER; `None` if it is not such a DER.
pub(crate) fn der_to_raw(der: &[u8], field_len: usize) -> Option<Vec<u8>> {
    let mut outer = Reader::new(der);
    let mut pair = Reader::new(outer.read(SEQUENCE).ok()?);
    outer.finish().ok()?;
    let mut out = Vec::with_capacity(2 * field_len);
    for _ in 0..2 {
        let value = pair.read(INTEGER).ok()?;
        if value.first().is_none_or(|&b| b & 0x80 != 0) {
            return None;
        }
        let start = value.iter().take_while(|&&b| b == 0).count();
        let magnitude = &value[start..];
        if magnitude.len() > field_len {
            return None;
        }
        out.resize(out.len() + field_len - magnitude.len(), 0);
        out.extend_from_slice(magnitude);
    }
    pair.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_high_bits_and_leading_zeros() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80;
        raw[31] = 1;
        raw[33] = 0x05;
        let der = raw_to_der(&raw);
        assert_eq!(der_to_raw(&der, 32), Some(raw));
        assert_eq!(der_to_raw(&der, 16), None);
        assert_eq!(der_to_raw(&[0x30, 0], 32), None);
    }
}
