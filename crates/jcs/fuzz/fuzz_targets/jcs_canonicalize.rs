//! Arbitrary bytes through the strict I-JSON parser and the RFC 8785 writer.
//!
//! Properties checked on every input the parser accepts:
//! - the canonical bytes parse again and are a fixed point of canonicalisation;
//! - `number_changes` and canonicalisation with an exclusion do not panic, and the latter's
//!   output parses;
//! - differential (loose, see `docs/fuzzing.md`): when serde_json also accepts the input, an
//!   independent RFC 8785 serialisation of serde_json's value equals our canonical bytes. When
//!   the two parsers disagree on acceptance, the reason must be one of the documented
//!   differences between strict I-JSON and serde_json.
#![no_main]

use fhirsig_jcs::{Exclusions, ParseErrorKind};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let ours = fhirsig_jcs::parse(data);
    let theirs = serde_json::from_slice::<Value>(data);
    match (&ours, &theirs) {
        (Ok(doc), _) => {
            let canonical = doc.canonical_bytes();
            round_trip(&canonical);
            let root = doc.root();
            let _ = doc.number_changes(root.id(), &Exclusions::new());
            if let Some((_, first)) = root.members().next() {
                let mut exclusions = Exclusions::new();
                exclusions.insert(first.id());
                let _ = doc.number_changes(root.id(), &exclusions);
                let mut partial = Vec::new();
                doc.write_canonical(root.id(), &exclusions, &mut partial);
                round_trip(&partial);
            }
            match &theirs {
                Ok(value) => {
                    let mut independent = Vec::new();
                    write_jcs(value, &mut independent);
                    assert_eq!(
                        String::from_utf8_lossy(&canonical),
                        String::from_utf8_lossy(&independent),
                        "our RFC 8785 bytes differ from the independent serialisation"
                    );
                }
                // serde_json stops at 128 levels of nesting; we allow 512.
                Err(e) => assert!(
                    e.to_string().contains("recursion limit"),
                    "serde_json rejects what we accept: {e}"
                ),
            }
        }
        (Err(err), Ok(_)) => assert!(
            matches!(
                err.kind(),
                // serde_json keeps the last of repeated names; I-JSON forbids them.
                ParseErrorKind::DuplicateMember { .. }
                    // Above the limit (512 by default) we refuse; serde_json stops at 128.
                    | ParseErrorKind::TooDeep { .. }
            ),
            "we reject what serde_json accepts: {err:?}"
        ),
        (Err(_), Err(_)) => {}
    }
});

/// Canonical bytes parse, and canonicalising them again changes nothing.
fn round_trip(canonical: &[u8]) {
    let again = match fhirsig_jcs::canonicalize(canonical) {
        Ok(bytes) => bytes,
        Err(e) => panic!("canonical output does not parse: {e}"),
    };
    assert_eq!(
        canonical,
        &again[..],
        "canonicalisation is not a fixed point"
    );
}

/// RFC 8785 over a serde_json value, written independently of `fhirsig_jcs`: members sorted by
/// UTF-16 code units, the minimal escapes of section 3.2.2.2, numbers as ECMAScript doubles.
fn write_jcs(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            assert!(f.is_finite(), "serde_json produced a non-finite number");
            out.extend_from_slice(ryu_js::Buffer::new().format_finite(f).as_bytes());
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_jcs(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (name, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(name, out);
                out.push(b':');
                write_jcs(item, out);
            }
            out.push(b'}');
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if u32::from(c) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes())
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}
