//! Every class of bad input is refused with a specific error and the JSON Pointer of the
//! offending value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fhirsig_jcs::{
    parse, parse_with, ParseErrorKind, ParseOptions, DEFAULT_MAX_DEPTH, MAX_DEPTH_CAP,
};

fn refuse(input: &[u8]) -> (ParseErrorKind, String) {
    let err = parse(input).expect_err("input must be refused");
    // Display is one line and names the place.
    let shown = err.to_string();
    assert!(!shown.contains('\n'), "{shown}");
    (err.kind().clone(), err.pointer().to_owned())
}

#[test]
fn duplicate_member_names() {
    let (kind, pointer) = refuse(br#"{"a":1,"b":{"x":true,"y":2,"x":false}}"#);
    assert_eq!(kind, ParseErrorKind::DuplicateMember { name: "x".into() });
    assert_eq!(pointer, "/b/x");
    // Equal after unescaping is still a duplicate.
    let (kind, pointer) = refuse(br#"{"entry":[{"resource":{"id":"1","\u0069d":"2"}}]}"#);
    assert_eq!(kind, ParseErrorKind::DuplicateMember { name: "id".into() });
    assert_eq!(pointer, "/entry/0/resource/id");
    // Large objects (sorted path) too.
    let mut big = String::from("{");
    for i in 0..100 {
        big.push_str(&format!("\"k{i}\":{i},"));
    }
    big.push_str("\"k42\":0}");
    let (kind, pointer) = refuse(big.as_bytes());
    assert_eq!(kind, ParseErrorKind::DuplicateMember { name: "k42".into() });
    assert_eq!(pointer, "/k42");
}

#[test]
fn lone_surrogates_escaped_and_raw() {
    let (kind, pointer) = refuse(br#"{"name":[{"given":["ok","\ud800"]}]}"#);
    assert_eq!(kind, ParseErrorKind::LoneSurrogate);
    assert_eq!(pointer, "/name/0/given/1");
    let (kind, _) = refuse(br#"["\udc00"]"#);
    assert_eq!(kind, ParseErrorKind::LoneSurrogate);
    let (kind, _) = refuse(br#"["\ud83d\u0041"]"#);
    assert_eq!(kind, ParseErrorKind::LoneSurrogate);
    let (kind, _) = refuse(br#"["\ud83d"]"#);
    assert_eq!(kind, ParseErrorKind::LoneSurrogate);
    // Raw: a surrogate encoded as (invalid) UTF-8, ED A0 80.
    let (kind, pointer) = refuse(b"{\"text\":{\"div\":\"a\xED\xA0\x80b\"}}");
    assert_eq!(kind, ParseErrorKind::LoneSurrogate);
    assert_eq!(pointer, "/text/div");
    // A proper pair is fine.
    assert_eq!(
        fhirsig_jcs::canonicalize(br#"["\ud83d\ude00"]"#).unwrap(),
        "[\"😀\"]".as_bytes()
    );
}

#[test]
fn invalid_utf8() {
    let (kind, pointer) = refuse(b"{\"a\":[\"ok\",\"\xC3\x28\"]}");
    assert_eq!(kind, ParseErrorKind::InvalidUtf8);
    assert_eq!(pointer, "/a/1");
    let (kind, _) = refuse(b"{\"a\":\xFF}");
    assert_eq!(kind, ParseErrorKind::InvalidUtf8);
    let (kind, pointer) = refuse(b"{\"ok\":1,\"k\xFFey\":2}");
    assert_eq!(kind, ParseErrorKind::InvalidUtf8);
    assert_eq!(pointer, "", "a bad member name points at its object");
}

#[test]
fn non_finite_literals() {
    for (input, literal) in [
        (&b"{\"v\":NaN}"[..], "NaN"),
        (b"{\"v\":Infinity}", "Infinity"),
        (b"{\"v\":-Infinity}", "-Infinity"),
    ] {
        let (kind, pointer) = refuse(input);
        assert_eq!(
            kind,
            ParseErrorKind::NonFiniteLiteral {
                literal: literal.into()
            }
        );
        assert_eq!(pointer, "/v");
    }
}

#[test]
fn numbers_outside_the_double_range() {
    let (kind, pointer) = refuse(br#"{"valueQuantity":{"value":1e400}}"#);
    assert_eq!(
        kind,
        ParseErrorKind::NumberOutOfRange {
            lexical: "1e400".into()
        }
    );
    assert_eq!(pointer, "/valueQuantity/value");
    let (kind, _) = refuse(b"[-1.8e308]");
    assert!(matches!(kind, ParseErrorKind::NumberOutOfRange { .. }));
    // The largest double is fine; underflow rounds to zero, as ECMAScript does.
    assert!(parse(b"[1.7976931348623157e308, 1e-400]").is_ok());
    // The message names the number as written, shortened: one line, not megabytes.
    let (kind, _) = refuse(b"[1e400]");
    assert_eq!(
        kind.to_string(),
        "number 1e400 is outside the IEEE-754 double range"
    );
    let huge = format!("[1{}]", "0".repeat(1 << 20));
    let (kind, _) = refuse(huge.as_bytes());
    let message = kind.to_string();
    assert_eq!(
        message,
        format!(
            "number 1{}… (1048577 bytes) is outside the IEEE-754 double range",
            "0".repeat(59)
        )
    );
}

#[test]
fn malformed_numbers() {
    for input in [
        "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[1e+]", "[-]", "[0x10]", "[-01]",
    ] {
        let err = parse(input.as_bytes()).expect_err(input);
        assert!(
            matches!(
                err.kind(),
                ParseErrorKind::InvalidNumber | ParseErrorKind::UnexpectedByte { .. }
            ),
            "{input}: {err}"
        );
        assert_eq!(err.pointer(), "/0", "{input}");
    }
}

#[test]
fn deep_nesting_fails_cleanly() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let depth = 100_000;
        let input = format!("{}{}", open.repeat(depth), close.repeat(depth));
        let err = parse(input.as_bytes()).expect_err("too deep");
        assert_eq!(
            err.kind(),
            &ParseErrorKind::TooDeep {
                limit: DEFAULT_MAX_DEPTH
            }
        );
    }
    // Exactly at the limit is accepted; the limit is configurable.
    let at_limit = format!(
        "{}{}",
        "[".repeat(DEFAULT_MAX_DEPTH),
        "]".repeat(DEFAULT_MAX_DEPTH)
    );
    assert!(parse(at_limit.as_bytes()).is_ok());
    let err = parse_with(b"[[[1]]]", &ParseOptions::default().max_depth(2)).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::TooDeep { limit: 2 });
    assert_eq!(
        err.pointer(),
        "/0/0",
        "the array that is one level too deep"
    );
    // Unclosed deep input is also a clean error.
    let unclosed = "[".repeat(100_000);
    assert!(parse(unclosed.as_bytes()).is_err());
}

/// The deepest nesting a caller may allow is canonicalised (the writer recurses per level) on
/// a spawned thread's default 2 MiB stack, in whatever build the tests run; beyond it the
/// limit is capped.
#[test]
fn the_deepest_nesting_allowed_canonicalises_on_a_default_thread_stack() {
    let options = ParseOptions::default().max_depth(usize::MAX);
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let text = format!(
            "{}0{}",
            open.repeat(MAX_DEPTH_CAP),
            close.repeat(MAX_DEPTH_CAP)
        );
        let on_thread = options.clone();
        let canonical = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let doc = parse_with(text.as_bytes(), &on_thread).unwrap();
                doc.canonical_bytes()
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(
            canonical.len(),
            MAX_DEPTH_CAP * (open.len() + close.len()) + 1
        );
        let deeper = format!(
            "[{}0{}]",
            open.repeat(MAX_DEPTH_CAP),
            close.repeat(MAX_DEPTH_CAP)
        );
        let err = parse_with(deeper.as_bytes(), &options).unwrap_err();
        assert_eq!(
            err.kind(),
            &ParseErrorKind::TooDeep {
                limit: MAX_DEPTH_CAP
            }
        );
    }
}

/// A name repeated many times is reported at its second occurrence, and of several repeated
/// names, at the first repeat in the input.
#[test]
fn a_duplicate_is_reported_where_it_first_repeats() {
    for n in 2..40 {
        let members: Vec<String> = (0..n).map(|i| format!("\"a\":{i}")).collect();
        let text = format!("{{\"b\":0,{}}}", members.join(","));
        let err = parse(text.as_bytes()).unwrap_err();
        let second = text.match_indices("\"a\"").nth(1).unwrap().0;
        assert_eq!(err.location().offset, second, "{n}: {text}");
        assert_eq!(err.pointer(), "/a");
    }
    let text = br#"{"z":1,"y":2,"z":3,"y":4,"a":5,"a":6}"#;
    let err = parse(text).unwrap_err();
    assert_eq!(
        err.kind(),
        &ParseErrorKind::DuplicateMember { name: "z".into() }
    );
    assert_eq!(err.location().offset, 13);
}

#[test]
fn huge_input_is_handled() {
    // 64 MiB of one string: parses and round-trips without trouble.
    let mut input = Vec::with_capacity(64 << 20);
    input.extend_from_slice(b"[\"");
    input.resize((64 << 20) - 2, b'x');
    input.extend_from_slice(b"\"]");
    let doc = parse(&input).unwrap();
    assert_eq!(doc.canonical_bytes().len(), input.len());
    // Truncated: clean error at the end.
    let err = parse(&input[..input.len() - 2]).unwrap_err();
    assert!(matches!(err.kind(), ParseErrorKind::UnexpectedEnd { .. }));
}

#[test]
fn syntax_errors_name_the_place() {
    let (kind, pointer) = refuse(b"{\"a\":[1,2,}");
    assert!(
        matches!(kind, ParseErrorKind::UnexpectedByte { .. }),
        "{kind:?}"
    );
    assert_eq!(pointer, "/a/2");
    let (kind, _) = refuse(b"{\"a\":1,}");
    assert!(matches!(kind, ParseErrorKind::UnexpectedByte { .. }));
    let (kind, _) = refuse(b"{\"a\" 1}");
    assert!(matches!(
        kind,
        ParseErrorKind::UnexpectedByte {
            expected: "':'",
            ..
        }
    ));
    let (kind, _) = refuse(b"{a:1}");
    assert!(matches!(kind, ParseErrorKind::UnexpectedByte { .. }));
    let (kind, _) = refuse(b"{} {}");
    assert_eq!(kind, ParseErrorKind::TrailingContent);
    let (kind, _) = refuse(b"  \n ");
    assert_eq!(kind, ParseErrorKind::Empty);
    let (kind, _) = refuse(b"\xEF\xBB\xBF{}");
    assert_eq!(kind, ParseErrorKind::ByteOrderMark);
    let (kind, pointer) = refuse(b"{\"a\":\"x\ty\"}");
    assert_eq!(kind, ParseErrorKind::ControlCharacterInString { byte: 9 });
    assert_eq!(pointer, "/a");
    let (kind, _) = refuse(br#"["\x"]"#);
    assert_eq!(kind, ParseErrorKind::InvalidEscape);
    let (kind, _) = refuse(br#"["\u12"]"#);
    assert_eq!(kind, ParseErrorKind::InvalidEscape);
    let (kind, _) = refuse(b"{\"a\":tru}");
    assert!(matches!(kind, ParseErrorKind::UnexpectedByte { .. }));
    let (kind, _) = refuse(b"{\"a\":\"unterminated");
    assert!(matches!(kind, ParseErrorKind::UnexpectedEnd { .. }));
}

#[test]
fn error_location_has_line_and_column() {
    let err = parse(b"{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
    let loc = err.location();
    assert_eq!((loc.line, loc.column), (3, 3));
    assert_eq!(
        err.to_string(),
        "duplicate member name \"a\" at /a (line 3, column 3, byte 14)"
    );
    assert!(err.hint().is_some());
}

#[test]
fn pointer_escapes_member_names() {
    let (_, pointer) = refuse(br#"{"a/b":{"c~d":[NaN]}}"#);
    assert_eq!(pointer, "/a~1b/c~0d/0");
}

#[test]
fn an_input_that_is_something_else_is_named_in_the_hint() {
    let hint = |input: &[u8]| parse(input).expect_err("refused").hint().unwrap_or("");
    assert!(hint(b"-----BEGIN CERTIFICATE-----\nMIIB\n").contains("PEM"));
    let mut der = vec![0x30, 0x82, 0x01, 0x00];
    der.extend([0u8; 256]);
    assert!(hint(&der).contains("DER"));
    assert!(hint(b"eyJhbGciOiJFUzI1NiJ9..c2ln\n").contains("compact JWS"));
    assert!(hint(b"%PDF-1.7\n").contains("PDF"));
    assert!(hint(b"<ClinicalDocument/>").contains("XML"));
    // JSON that fails later keeps its own hint (or none).
    assert!(!hint(br#"{"a": 1, "a": 2}"#).contains("not JSON"));
    assert!(!hint(b"[1, 2,").contains("not JSON"));
}
