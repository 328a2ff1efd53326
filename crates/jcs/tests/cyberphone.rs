//! The RFC 8785 reference test data (cyberphone/json-canonicalization): every input file must
//! canonicalise to its output file, byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common as vectors;

#[test]
fn every_reference_pair_is_byte_identical() {
    let suite = vectors::suite("jcs-cyberphone");
    let mut names: Vec<_> = std::fs::read_dir(suite.join("input"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "expected the six reference inputs");
    for name in names {
        let input = std::fs::read(suite.join("input").join(&name)).unwrap();
        let expected = std::fs::read(suite.join("output").join(&name)).unwrap();
        let hex = std::fs::read_to_string(suite.join("outhex").join(&name).with_extension("txt"))
            .unwrap();
        let hex_bytes: Vec<u8> = hex
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        assert_eq!(expected, hex_bytes, "{name:?}: output and outhex disagree");
        let got = fhirsig_jcs::canonicalize(&input).unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "{name:?}"
        );
        assert_eq!(got, expected, "{name:?}");
    }
}
