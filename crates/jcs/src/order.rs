//! RFC 8785 section 3.2.3 member order: names compared as arrays of UTF-16 code units.

use std::cmp::Ordering;

/// Compares two UTF-8 strings by their UTF-16 code units, without transcoding.
///
/// UTF-8 byte order equals code point order, and code point order equals UTF-16 order except
/// between a character in U+E000..=U+FFFF (a three-byte sequence led by `EE` or `EF`) and a
/// supplementary character (led by `F0`..=`F4`): UTF-16 writes the latter with a high surrogate
/// (`D800`..`DBFF`), which sorts first. At the first differing byte both strings are at the same
/// position inside characters that began at the same offset, so looking at those two bytes is
/// enough to detect that one case.
pub fn cmp_utf16(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.len().min(b.len());
    let first_difference = a
        .iter()
        .zip(b.iter())
        .take(common)
        .position(|(x, y)| x != y);
    match first_difference {
        None => a.len().cmp(&b.len()),
        Some(i) => {
            let (x, y) = (a[i], b[i]);
            let upper_bmp = |byte: u8| (0xEE..=0xEF).contains(&byte);
            let supplementary = |byte: u8| byte >= 0xF0;
            if (upper_bmp(x) && supplementary(y)) || (supplementary(x) && upper_bmp(y)) {
                y.cmp(&x)
            } else {
                x.cmp(&y)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(a: &str, b: &str) -> Ordering {
        a.encode_utf16().cmp(b.encode_utf16())
    }

    #[test]
    fn agrees_with_transcoding_on_edge_characters() {
        let samples = [
            "",
            "a",
            "aa",
            "ab",
            "\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
            "\u{e000}",
            "\u{ffff}",
            "\u{10000}",
            "\u{10ffff}",
            "\u{d7ff}",
            "a\u{1f600}",
            "a\u{fb33}",
            "\u{1f600}a",
            "\u{1f601}",
            "\u{7ff}",
            "\u{800}",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(
                    cmp_utf16(a.as_bytes(), b.as_bytes()),
                    reference(a, b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }
}
