//! `jcs/`: RFC 8785 canonicalisation of strict I-JSON, and the inputs it refuses.
//!
//! Every published canonical form is made by `fhirsig_jcs` and, where `serde_json` can read the
//! input, checked against the independent `serde_jcs` before it is written; the RFC's own
//! examples are also checked against the text printed in the RFC.

use crate::case::{Case, Expect, GenResult, Input, Operation};

const AREA: &str = "jcs";

/// Adds every `jcs/` case.
pub fn add(cases: &mut Vec<Case>) -> GenResult<()> {
    rfc_examples(cases)?;
    numbers(cases)?;
    strings(cases)?;
    structure(cases)?;
    refusals(cases);
    Ok(())
}

fn rfc_examples(cases: &mut Vec<Case>) -> GenResult<()> {
    ok(
        cases,
        "rfc8785-3-2-2-sample",
        "RFC 8785 section 3.2.2's sample input: numbers, a string with escapes, literals; the \
         expected form is the one printed in section 3.2.3.",
        text(
            r#"{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#,
        ),
        Some(
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#,
        ),
    )?;
    ok(
        cases,
        "rfc8785-3-2-3-sorting",
        "RFC 8785 section 3.2.3's sorting example: member names sorted by UTF-16 code units, so \
         U+1F600 (a surrogate pair, 0xD83D) sorts before U+FB33.",
        text(r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#),
        Some("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"),
    )?;
    let appendix_b: [(&str, &str, &str); 12] = [
        ("zero", "0", "0"),
        ("minus-zero", "-0", "0"),
        ("min-subnormal", "5e-324", "5e-324"),
        (
            "max-double",
            "1.7976931348623157e308",
            "1.7976931348623157e+308",
        ),
        (
            "min-normal",
            "2.2250738585072014e-308",
            "2.2250738585072014e-308",
        ),
        ("2-53", "9007199254740992", "9007199254740992"),
        ("2-53-plus-one", "9007199254740993", "9007199254740992"),
        ("1e21", "1e21", "1e+21"),
        (
            "below-1e21",
            "999999999999999900000",
            "999999999999999900000",
        ),
        ("1e-7", "1e-7", "1e-7"),
        ("1e-6", "0.000001", "0.000001"),
        ("rounding", "295147905179352830000", "295147905179352830000"),
    ];
    for (name, number, expected) in appendix_b {
        ok(
            cases,
            &format!("number-{name}"),
            &format!(
                "The number {number} serialises as ECMAScript's Number::toString of its nearest \
                 double: {expected} (RFC 8785 section 3.2.2.3 and Appendix B)."
            ),
            text(&format!("[{number}]")),
            Some(&format!("[{expected}]")),
        )?;
    }
    Ok(())
}

fn numbers(cases: &mut Vec<Case>) -> GenResult<()> {
    let list: [(&str, &str, &str, &str); 12] = [
        ("fhir-decimal-1-50", "1.50", "1.5", "A FHIR decimal's trailing zero is not kept: JCS writes the double, so 1.50 is signed as 1.5."),
        ("exponent-1e2", "1e2", "100", "1e2 is the integer 100."),
        ("exponent-upper-case", "1E+2", "100", "An upper-case exponent with a sign is the same number."),
        ("decimal-1-0", "1.0", "1", "1.0 is written 1."),
        ("big-integer", "123456789012345678", "123456789012345680", "An integer beyond 2^53 is rounded to its nearest double, 123456789012345680."),
        ("small-decimal", "0.1", "0.1", "0.1 keeps its shortest round-trip form."),
        ("negative-exponent", "-1.5e-9", "-1.5e-9", "Below 1e-6 the exponent form is used."),
        ("large-integer-form", "1e20", "100000000000000000000", "Below 1e21 integers are written in full."),
        ("underflow-to-zero", "1e-400", "0", "A number too small for a double becomes 0, as in ECMAScript (fhirsig reports the change)."),
        ("precision-17-digits", "0.30000000000000004", "0.30000000000000004", "The shortest form that round-trips may need 17 digits."),
        ("trailing-zeros-exponent", "100e-2", "1", "100e-2 is 1."),
        ("negative-integer", "-42", "-42", "Negative integers are written as integers."),
    ];
    for (name, number, expected, why) in list {
        ok(
            cases,
            &format!("number-{name}"),
            &format!("{why} Input {number}, canonical {expected}."),
            text(&format!("{{\"n\":{number}}}")),
            Some(&format!("{{\"n\":{expected}}}")),
        )?;
    }
    Ok(())
}

fn strings(cases: &mut Vec<Case>) -> GenResult<()> {
    let list: [(&str, &str, &str); 9] = [
        (
            "control-characters",
            r#"["\u0000\u0001\u001f"]"#,
            "Control characters without a short form are written \\u00xx in lower case.",
        ),
        (
            "short-escapes",
            r#"["\b\t\n\f\r"]"#,
            "The five short escapes \\b \\t \\n \\f \\r are kept short.",
        ),
        (
            "escaped-ascii",
            r#"["\u0041\u0062"]"#,
            "Escaped printable ASCII is written raw: \\u0041 is A.",
        ),
        (
            "solidus",
            r#"["a\/b"]"#,
            "An escaped solidus \\/ is written as a plain /.",
        ),
        (
            "quote-and-backslash",
            r#"["\"\\"]"#,
            "Quote and backslash are the only printable characters escaped.",
        ),
        (
            "non-ascii-raw",
            r#"["\u00e9\u4e2d\ud83d\ude00"]"#,
            "Non-ASCII characters, also escaped surrogate pairs, are written as raw UTF-8.",
        ),
        (
            "line-separator",
            r#"["\u2028\u2029"]"#,
            "U+2028 and U+2029 are not escaped (RFC 8785 escapes only U+0000 to U+001F).",
        ),
        (
            "delete",
            "[\"\u{7f}\"]",
            "DEL (U+007F) is not a control character for JSON and is written raw.",
        ),
        (
            "utf8-raw-input",
            "[\"Grüße, 世界\"]",
            "Raw UTF-8 input is copied unchanged.",
        ),
    ];
    for (name, input, why) in list {
        ok(cases, &format!("string-{name}"), why, text(input), None)?;
    }
    ok(
        cases,
        "string-fhir-narrative",
        "A FHIR narrative div with markup, entities and a non-breaking space is an ordinary string.",
        text(r#"{"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Temp &gt; 38\u00a0°C</div>"}"#),
        None,
    )?;
    Ok(())
}

fn structure(cases: &mut Vec<Case>) -> GenResult<()> {
    ok(
        cases,
        "nested-sorting",
        "Members are sorted at every depth; array order is kept.",
        json(r#"{"b":[{"z":1,"a":2},{"y":[3,{"c":null,"b":true}]}],"a":{"d":"x","c":"y"}}"#),
        Some(r#"{"a":{"c":"y","d":"x"},"b":[{"a":2,"z":1},{"y":[3,{"b":true,"c":null}]}]}"#),
    )?;
    ok(
        cases,
        "utf16-order-not-utf8",
        "Sorting is by UTF-16 code units, not code points or UTF-8 bytes: U+FF61 (0xFF61) sorts \
         after U+10000 (0xD800 0xDC00).",
        text(r#"{"\uff61":1,"\ud800\udc00":2,"\u00e9":3,"e":4,"E":5}"#),
        None,
    )?;
    ok(
        cases,
        "whitespace-removed",
        "Insignificant white space (space, tab, CR, LF) around every token is removed.",
        text(" \t\r\n{ \"a\" :\t[ 1 , 2 ]\r\n, \"b\" : { } } \n"),
        Some(r#"{"a":[1,2],"b":{}}"#),
    )?;
    ok(
        cases,
        "empty-containers",
        "Empty objects and arrays.",
        json(r#"{"o":{},"a":[],"n":[[],[{}]]}"#),
        Some(r#"{"a":[],"n":[[],[{}]],"o":{}}"#),
    )?;
    ok(
        cases,
        "top-level-scalar",
        "A JSON text may be a scalar; 1.0 canonicalises to 1.",
        text("1.0"),
        Some("1"),
    )?;
    ok(
        cases,
        "top-level-string",
        "A top-level string.",
        text(r#""\u0061bc""#),
        Some(r#""abc""#),
    )?;
    ok(
        cases,
        "literals",
        "true, false and null are written as they are.",
        text("[true,false,null]"),
        Some("[true,false,null]"),
    )?;
    ok(
        cases,
        "depth-512",
        "512 levels of nesting, fhirsig's default limit, are accepted.",
        text(&format!("{}{}", "[".repeat(512), "]".repeat(512))),
        None,
    )?;
    ok(
        cases,
        "member-names-differ-by-case",
        "Member names that differ only by case are distinct names (upper case sorts first).",
        json(r#"{"id":1,"Id":2,"ID":3}"#),
        Some(r#"{"ID":3,"Id":2,"id":1}"#),
    )?;
    Ok(())
}

fn refusals(cases: &mut Vec<Case>) {
    let p = Expect::ParseFailure;
    let list: Vec<(&str, &str, Input, Expect, &'static str)> = vec![
        ("duplicate-member", "Two members with the same name in one object (I-JSON, RFC 7493 section 2.3).", text(r#"{"id":"a","id":"b"}"#), p, "duplicate-member"),
        ("duplicate-member-after-unescape", "Names equal only after unescaping (\"id\" and \"\\u0069d\") are duplicates.", text(r#"{"id":"a","\u0069d":"b"}"#), p, "duplicate-member"),
        ("duplicate-member-nested", "A duplicate inside a nested object (a Bundle entry resource) is refused too.", text(r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","active":true,"active":false}}]}"#), p, "duplicate-member"),
        ("lone-high-surrogate", "An escaped lone high surrogate.", text(r#"["\ud800"]"#), p, "lone-surrogate"),
        ("lone-low-surrogate", "An escaped lone low surrogate.", text(r#"["\udc00x"]"#), p, "lone-surrogate"),
        ("reversed-surrogates", "A low surrogate followed by a high one is not a pair.", text(r#"["\udc00\ud800"]"#), p, "lone-surrogate"),
        ("raw-surrogate-bytes", "A surrogate encoded directly in UTF-8 bytes (ED A0 80) is not UTF-8.", Input::Bytes(b"[\"\xed\xa0\x80\"]".to_vec()), p, "lone-surrogate"),
        ("nan", "NaN is not JSON (RFC 8785 section 3.2.2.3 forbids it).", text("[NaN]"), p, "non-finite-literal"),
        ("infinity", "Infinity is not JSON.", text("[Infinity]"), p, "non-finite-literal"),
        ("minus-infinity", "-Infinity is not JSON.", text("[-Infinity]"), p, "non-finite-literal"),
        ("byte-order-mark", "A UTF-8 byte order mark before the value (RFC 8259 section 8.1).", Input::Bytes(b"\xef\xbb\xbf{}".to_vec()), p, "byte-order-mark"),
        ("invalid-utf8", "A byte sequence that is not UTF-8 (C3 28).", Input::Bytes(b"[\"\xc3\x28\"]".to_vec()), p, "invalid-utf8"),
        ("overlong-utf8", "An overlong UTF-8 encoding of '/' (C0 AF).", Input::Bytes(b"[\"\xc0\xaf\"]".to_vec()), p, "invalid-utf8"),
        ("latin1", "Latin-1 text (E9 for é) is not UTF-8.", Input::Bytes(b"[\"caf\xe9\"]".to_vec()), p, "invalid-utf8"),
        ("leading-zero", "A number with a leading zero.", text("[01]"), p, "invalid-number"),
        ("trailing-dot", "A number ending in a dot.", text("[1.]"), p, "invalid-number"),
        ("leading-dot", "A number starting with a dot.", text("[.5]"), p, "unexpected-byte"),
        ("plus-sign", "A leading plus sign.", text("[+1]"), p, "unexpected-byte"),
        ("bad-escape", "An escape JSON does not define.", text(r#"["\x41"]"#), p, "invalid-escape"),
        ("short-unicode-escape", "A \\u escape with fewer than four hex digits.", text(r#"["\u12"]"#), p, "invalid-escape"),
        ("raw-control-character", "A raw tab inside a string must be escaped.", text("[\"a\tb\"]"), p, "control-character-in-string"),
        ("raw-newline-in-string", "A raw line feed inside a string.", text("[\"a\nb\"]"), p, "control-character-in-string"),
        ("trailing-comma", "A trailing comma in an object.", text(r#"{"a":1,}"#), p, "unexpected-byte"),
        ("single-quotes", "Single-quoted strings are not JSON.", text("{'a':1}"), p, "unexpected-byte"),
        ("unquoted-name", "Member names must be strings.", text("{a:1}"), p, "unexpected-byte"),
        ("comment", "Comments are not JSON.", text("{\"a\":1 /* no */}"), p, "unexpected-byte"),
        ("trailing-content", "Two JSON texts in one input.", text("{} {}"), p, "trailing-content"),
        ("unterminated", "The input ends inside an object.", text(r#"{"a":[1,2"#), p, "unexpected-end"),
        ("empty", "An empty input is not a JSON text.", text(""), p, "empty"),
        ("whitespace-only", "White space only is not a JSON text.", text(" \n\t "), p, "empty"),
        ("depth-513", "513 levels of nesting exceed fhirsig's limit of 512 (an implementation limit RFC 8259 section 9 allows; the parser is iterative).", text(&format!("{}{}", "[".repeat(513), "]".repeat(513))), p, "too-deep"),
        ("number-too-large", "1e400 has no IEEE-754 double: RFC 8785 cannot serialise it (a well-formed JSON number, so a canonicalization failure).", text("[1e400]"), Expect::CanonicalizationFailure, "number-out-of-range"),
        ("number-too-large-negative", "-1e400 has no IEEE-754 double.", text(r#"{"valueDecimal":-1e400}"#), Expect::CanonicalizationFailure, "number-out-of-range"),
        ("integer-too-large", "A 310-digit integer is beyond the largest double.", text(&format!("[1{}]", "0".repeat(309))), Expect::CanonicalizationFailure, "number-out-of-range"),
    ];
    for (name, why, input, expect, check) in list {
        let mut case = Case::new(AREA, name, Operation::Canonicalize, expect, why, input);
        case.expect_check = Some(check);
        cases.push(case);
    }
}

fn text(t: &str) -> Input {
    Input::Text(t.to_owned())
}

fn json(t: &str) -> Input {
    Input::Json(t.to_owned())
}

/// A successful case; `expected`, when given, is the form the spec prints and must agree with
/// both implementations.
fn ok(
    cases: &mut Vec<Case>,
    name: &str,
    description: &str,
    input: Input,
    expected: Option<&str>,
) -> GenResult<()> {
    let bytes: &[u8] = match &input {
        Input::Json(t) | Input::Text(t) => t.as_bytes(),
        Input::Bytes(b) => b,
    };
    let ours = fhirsig_jcs::canonicalize(bytes).map_err(|e| format!("jcs/{name}: {e}"))?;
    let ours = String::from_utf8(ours).map_err(|e| format!("jcs/{name}: {e}"))?;
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let theirs = serde_jcs::to_string(&value).map_err(|e| format!("jcs/{name}: {e}"))?;
        if theirs != ours {
            return Err(format!("jcs/{name}: fhirsig {ours:?} but serde_jcs {theirs:?}").into());
        }
    }
    if let Some(expected) = expected {
        if expected != ours {
            return Err(
                format!("jcs/{name}: fhirsig {ours:?} but the spec says {expected:?}").into(),
            );
        }
    }
    let mut case = Case::new(
        AREA,
        name,
        Operation::Canonicalize,
        Expect::Success,
        description,
        input,
    );
    case.expected_canonical = Some(ours);
    cases.push(case);
    Ok(())
}
