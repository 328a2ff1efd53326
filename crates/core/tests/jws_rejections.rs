//! Every rejection rule of the JWS layer, each with its own error variant.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use fhirsig_core::jws::{
    self, Algorithm, AlgorithmPolicy, CompactJws, HeaderBuilder, JsonJws, JwsError, KeyError,
    KeyKind, Part, SigningKey, VerifyingKey,
};

const PAYLOAD: &[u8] = br#"{"resourceType":"Bundle","type":"document"}"#;

fn rfc7515_key(example: &str) -> SigningKey {
    let ex = common::json("jose/rfc7515-appendix-a", "rfc7515_appendix_a.json");
    SigningKey::from_jwk(ex["examples"][example]["jwk"].to_string().as_bytes()).unwrap()
}

fn ec_key() -> SigningKey {
    rfc7515_key("A.3")
}

fn rsa_key() -> SigningKey {
    rfc7515_key("A.2")
}

/// A detached JWS over `PAYLOAD` with this exact header JSON, signed with `alg` by `key`.
fn forge(header_json: &str, alg: Algorithm, key: &SigningKey) -> String {
    let h = URL_SAFE_NO_PAD.encode(header_json);
    let input = format!("{h}.{}", URL_SAFE_NO_PAD.encode(PAYLOAD));
    let sig = key.sign_raw(alg, input.as_bytes()).unwrap();
    format!("{h}..{}", URL_SAFE_NO_PAD.encode(sig))
}

fn verify(text: &str, key: &VerifyingKey) -> Result<(), JwsError> {
    let jws = CompactJws::parse(text)?;
    jws::verify_detached(&jws, PAYLOAD, key, &AlgorithmPolicy::default())
}

#[test]
fn accepts_the_well_formed_case() {
    let key = ec_key();
    verify(
        &forge(r#"{"alg":"ES256"}"#, Algorithm::Es256, &key),
        key.verifying_key(),
    )
    .unwrap();
}

#[test]
fn alg_none() {
    let text = format!("{}..", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
    assert_eq!(
        verify(&text, ec_key().verifying_key()),
        Err(JwsError::AlgorithmNone)
    );
}

#[test]
fn alg_hs256() {
    let text = format!("{}..AAAA", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#));
    assert_eq!(
        verify(&text, ec_key().verifying_key()),
        Err(JwsError::MacAlgorithm {
            alg: "HS256".into()
        })
    );
}

#[test]
fn alg_unknown() {
    let text = format!("{}..AAAA", URL_SAFE_NO_PAD.encode(r#"{"alg":"XS999"}"#));
    assert_eq!(
        verify(&text, ec_key().verifying_key()),
        Err(JwsError::UnknownAlgorithm {
            alg: "XS999".into()
        })
    );
}

#[test]
fn alg_not_in_policy() {
    let key = rsa_key();
    let text = forge(r#"{"alg":"RS512"}"#, Algorithm::Rs512, &key);
    assert_eq!(
        verify(&text, key.verifying_key()),
        Err(JwsError::AlgorithmNotAllowed {
            alg: Algorithm::Rs512
        })
    );
}

#[test]
fn missing_alg() {
    let text = format!("{}..AAAA", URL_SAFE_NO_PAD.encode(r#"{"kid":"x"}"#));
    assert_eq!(
        verify(&text, ec_key().verifying_key()),
        Err(JwsError::MissingAlgorithm)
    );
}

#[test]
fn key_type_does_not_match_alg() {
    let rsa = rsa_key();
    let text = forge(r#"{"alg":"RS256"}"#, Algorithm::Rs256, &rsa);
    assert_eq!(
        verify(&text, ec_key().verifying_key()),
        Err(JwsError::KeyAlgorithmMismatch {
            alg: Algorithm::Rs256,
            key: KeyKind::EcP256
        })
    );
    // And when signing.
    assert_eq!(
        jws::sign_detached(br#"{"alg":"ES256"}"#, PAYLOAD, &rsa),
        Err(JwsError::KeyAlgorithmMismatch {
            alg: Algorithm::Es256,
            key: KeyKind::Rsa { bits: 2048 }
        })
    );
}

#[test]
fn jwk_alg_restricts_the_key() {
    let ec = ec_key();
    let mut jwk: serde_json::Value = serde_json::from_str(&ec.verifying_key().to_jwk()).unwrap();
    jwk["alg"] = "ES384".into();
    let restricted = VerifyingKey::from_jwk(jwk.to_string().as_bytes()).unwrap();
    let text = forge(r#"{"alg":"ES256"}"#, Algorithm::Es256, &ec);
    assert_eq!(
        verify(&text, &restricted),
        Err(JwsError::KeyRestrictedToOtherAlgorithm {
            alg: Algorithm::Es256,
            key_alg: "ES384".into()
        })
    );
}

#[test]
fn rsa_1024_key() {
    // Wycheproof json_web_key_test.json tcId 8: a 1024-bit RSA JWK.
    let suite = common::json("wycheproof/testvectors_v1", "json_web_key_test.json");
    let group = suite["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["comment"] == "keysize_too_small")
        .unwrap();
    let jwk = group["private"]["keys"][0].to_string();
    assert_eq!(
        VerifyingKey::from_jwk(jwk.as_bytes()),
        Err(KeyError::RsaKeyTooSmall { bits: 1024 })
    );
    assert_eq!(
        SigningKey::from_jwk(jwk.as_bytes()).unwrap_err(),
        KeyError::RsaKeyTooSmall { bits: 1024 }
    );
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` of a raw `r||s` signature.
fn to_der(raw: &[u8]) -> Vec<u8> {
    let int = |x: &[u8]| {
        let mut x = x.to_vec();
        while x.len() > 1 && x[0] == 0 && x[1] & 0x80 == 0 {
            x.remove(0);
        }
        if x[0] & 0x80 != 0 {
            x.insert(0, 0);
        }
        let mut out = vec![0x02, u8::try_from(x.len()).unwrap()];
        out.extend(x);
        out
    };
    let (r, s) = raw.split_at(raw.len() / 2);
    let body = [int(r), int(s)].concat();
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

#[test]
fn der_encoded_ecdsa_signature() {
    let key = ec_key();
    let text = forge(r#"{"alg":"ES256"}"#, Algorithm::Es256, &key);
    let (head, sig) = text.split_once("..").unwrap();
    let der = to_der(&URL_SAFE_NO_PAD.decode(sig).unwrap());
    let der_text = format!("{head}..{}", URL_SAFE_NO_PAD.encode(&der));
    assert_eq!(
        verify(&der_text, key.verifying_key()),
        Err(JwsError::EcdsaSignatureNotRaw {
            expected: 64,
            found: der.len()
        })
    );
}

#[test]
fn crit_unknown_name() {
    let key = ec_key();
    let text = forge(
        r#"{"alg":"ES256","crit":["exp"],"exp":1}"#,
        Algorithm::Es256,
        &key,
    );
    assert_eq!(
        verify(&text, key.verifying_key()),
        Err(JwsError::CritNotUnderstood { name: "exp".into() })
    );
}

#[test]
fn crit_b64_is_not_understood() {
    let key = ec_key();
    let text = forge(
        r#"{"alg":"ES256","b64":false,"crit":["b64"]}"#,
        Algorithm::Es256,
        &key,
    );
    assert_eq!(
        verify(&text, key.verifying_key()),
        Err(JwsError::CritNotUnderstood { name: "b64".into() })
    );
}

#[test]
fn crit_empty() {
    let key = ec_key();
    let text = forge(r#"{"alg":"ES256","crit":[]}"#, Algorithm::Es256, &key);
    assert_eq!(verify(&text, key.verifying_key()), Err(JwsError::CritEmpty));
}

#[test]
fn crit_naming_alg() {
    let key = ec_key();
    let text = forge(r#"{"alg":"ES256","crit":["alg"]}"#, Algorithm::Es256, &key);
    assert_eq!(
        verify(&text, key.verifying_key()),
        Err(JwsError::CritNamesRegisteredParameter { name: "alg".into() })
    );
}

#[test]
fn crit_malformed_shapes() {
    let key = ec_key();
    for header in [
        r#"{"alg":"ES256","crit":"sigT","sigT":"2026-01-01T00:00:00Z"}"#,
        r#"{"alg":"ES256","crit":["sigT"]}"#,
        r#"{"alg":"ES256","crit":["sigT","sigT"],"sigT":"2026-01-01T00:00:00Z"}"#,
    ] {
        let text = forge(header, Algorithm::Es256, &key);
        assert!(
            matches!(
                verify(&text, key.verifying_key()),
                Err(JwsError::CritMalformed { .. })
            ),
            "{header}"
        );
    }
    // Understood and present: accepted.
    let ok = r#"{"alg":"ES256","sigT":"2026-01-01T00:00:00Z","crit":["sigT"]}"#;
    verify(&forge(ok, Algorithm::Es256, &key), key.verifying_key()).unwrap();
}

#[test]
fn crit_in_unprotected_header() {
    let json =
        r#"{"protected":"eyJhbGciOiJFUzI1NiJ9","header":{"crit":["sigT"]},"signature":"AAAA"}"#;
    assert!(matches!(
        JsonJws::parse(json),
        Err(JwsError::CritMalformed { .. })
    ));
}

#[test]
fn duplicate_header_member() {
    let key = ec_key();
    let text = forge(r#"{"alg":"ES256","alg":"RS256"}"#, Algorithm::Es256, &key);
    match verify(&text, key.verifying_key()) {
        Err(JwsError::HeaderJson(e)) => {
            assert!(matches!(
                e.kind(),
                fhirsig_jcs::ParseErrorKind::DuplicateMember { .. }
            ))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_x5c_base64() {
    let key = ec_key();
    // base64url alphabet (`-`, `_`) and unpadded text are not x5c's standard base64.
    for bad in ["MIIB-_8=", "MIIB/w", "not base64!"] {
        let header = format!(r#"{{"alg":"ES256","x5c":["{bad}"]}}"#);
        let text = forge(&header, Algorithm::Es256, &key);
        assert_eq!(
            verify(&text, key.verifying_key()),
            Err(JwsError::X5cNotBase64 { index: 0 }),
            "{bad}"
        );
    }
    let text = forge(r#"{"alg":"ES256","x5c":[]}"#, Algorithm::Es256, &key);
    assert!(matches!(
        verify(&text, key.verifying_key()),
        Err(JwsError::HeaderMember { .. })
    ));
}

#[test]
fn tampered_payload() {
    let key = ec_key();
    let jws = CompactJws::parse(&forge(r#"{"alg":"ES256"}"#, Algorithm::Es256, &key)).unwrap();
    let mut other = PAYLOAD.to_vec();
    other[2] ^= 0x20;
    assert_eq!(
        jws::verify_detached(
            &jws,
            &other,
            key.verifying_key(),
            &AlgorithmPolicy::default()
        ),
        Err(JwsError::BadSignature)
    );
}

#[test]
fn tampered_header() {
    let key = rsa_key();
    let text = forge(r#"{"alg":"RS256","kid":"a"}"#, Algorithm::Rs256, &key);
    let (_, sig) = text.split_once("..").unwrap();
    let other = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"b"}"#);
    assert_eq!(
        verify(&format!("{other}..{sig}"), key.verifying_key()),
        Err(JwsError::BadSignature)
    );
    // The received header text is used verbatim: the same JSON with other white space is a
    // different signing input.
    let spaced = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256", "kid":"a"}"#);
    assert_eq!(
        verify(&format!("{spaced}..{sig}"), key.verifying_key()),
        Err(JwsError::BadSignature)
    );
}

#[test]
fn encrypted_pem() {
    let pem =
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let err = SigningKey::from_pem(pem).unwrap_err();
    assert_eq!(err, KeyError::Encrypted);
    assert!(err.to_string().contains("no password was given"));
}

#[test]
fn embedded_payload_is_reported() {
    let key = ec_key();
    let text = forge(r#"{"alg":"ES256"}"#, Algorithm::Es256, &key);
    let (h, s) = text.split_once("..").unwrap();
    let attached = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(PAYLOAD));
    let jws = CompactJws::parse(&attached).unwrap();
    assert_eq!(
        jws.embedded_payload_b64u(),
        Some(URL_SAFE_NO_PAD.encode(PAYLOAD).as_str())
    );
    let policy = AlgorithmPolicy::default();
    assert_eq!(
        jws::verify_detached(&jws, PAYLOAD, key.verifying_key(), &policy),
        Err(JwsError::PayloadNotDetached { matches: true })
    );
    assert_eq!(
        jws::verify_detached(&jws, b"other", key.verifying_key(), &policy),
        Err(JwsError::PayloadNotDetached { matches: false })
    );
    assert_eq!(
        jws::verify_attached(&jws, key.verifying_key(), &policy).unwrap(),
        PAYLOAD
    );
}

#[test]
fn headers_longer_than_the_limit_are_refused_before_they_are_parsed() {
    use fhirsig_core::jws::{Header, MAX_HEADER_LEN};
    // An otherwise valid header, padded to exactly the limit and to one byte more.
    let padded = |len: usize| {
        let head = r#"{"alg":"ES256","zz":""#;
        let pad = "a".repeat(len - head.len() - 2);
        format!("{head}{pad}\"}}")
    };
    let at_limit = padded(MAX_HEADER_LEN);
    assert_eq!(at_limit.len(), MAX_HEADER_LEN);
    assert!(CompactJws::parse(&format!("{}..AAAA", URL_SAFE_NO_PAD.encode(&at_limit))).is_ok());
    assert!(Header::from_json(at_limit.as_bytes(), true).is_ok());
    let over = padded(MAX_HEADER_LEN + 1);
    for len in [MAX_HEADER_LEN + 1, MAX_HEADER_LEN + 2, MAX_HEADER_LEN + 3] {
        let json = padded(len);
        assert_eq!(
            CompactJws::parse(&format!("{}..AAAA", URL_SAFE_NO_PAD.encode(&json))),
            Err(JwsError::HeaderTooLarge { len }),
            "{len} bytes"
        );
    }
    assert_eq!(
        Header::from_json(over.as_bytes(), true).err(),
        Some(JwsError::HeaderTooLarge {
            len: MAX_HEADER_LEN + 1
        })
    );
    let message = JwsError::HeaderTooLarge {
        len: MAX_HEADER_LEN + 1,
    }
    .to_string();
    assert!(message.contains("262145 bytes"), "{message}");
}

#[test]
fn malformed_compact_text() {
    assert_eq!(
        CompactJws::parse("a.b"),
        Err(JwsError::WrongPartCount { found: 2 })
    );
    assert_eq!(
        CompactJws::parse("a.b.c.d"),
        Err(JwsError::WrongPartCount { found: 4 })
    );
    assert_eq!(
        CompactJws::parse("..AAAA"),
        Err(JwsError::EmptyProtectedHeader)
    );
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256"}"#);
    assert_eq!(
        CompactJws::parse(&format!("{h}=..AAAA")),
        Err(JwsError::Base64 {
            part: Part::ProtectedHeader
        })
    );
    assert_eq!(
        CompactJws::parse(&format!("{h}.a b.AAAA")),
        Err(JwsError::Base64 {
            part: Part::Payload
        })
    );
    assert_eq!(
        CompactJws::parse(&format!("{h}..AA+A")),
        Err(JwsError::Base64 {
            part: Part::Signature
        })
    );
    let array = URL_SAFE_NO_PAD.encode("[1]");
    assert_eq!(
        CompactJws::parse(&format!("{array}..AAAA")),
        Err(JwsError::HeaderNotObject)
    );
}

#[test]
fn header_builder_is_deterministic_and_escapes() {
    let header = HeaderBuilder::new(Algorithm::Rs256)
        .member("x-extra", r#"{"k":[1,2]}"#)
        .critical("srCms")
        .canon("http://hl7.org/fhir/canonicalization/json#document")
        .commitment(
            jws::CDEX_VERIFICATION_COMMITMENT,
            Some("Verification \"Signature\""),
        )
        .sig_t("2026-01-01T00:00:00Z")
        .thumbprint_of(b"cert")
        .certificate(&[0xfb, 0xff])
        .typ("JOSE")
        .kid("k\u{1}")
        .build()
        .unwrap();
    let expected = concat!(
        r#"{"alg":"RS256","kid":"k\u0001","typ":"JOSE","x5c":["+/8="],"#,
        r#""x5t#S256":"BimEMugGayniIjvMI6qVBLVq5Qj6vzQ1UIhpucMZDiI","#,
        r#""sigT":"2026-01-01T00:00:00Z","#,
        r#""srCms":[{"commId":{"id":"urn:oid:1.2.840.10065.1.12.1.5","desc":"Verification \"Signature\""}}],"#,
        r#""canon":"http://hl7.org/fhir/canonicalization/json#document","crit":["srCms"],"#,
        r#""x-extra":{"k":[1,2]}}"#
    );
    assert_eq!(String::from_utf8(header).unwrap(), expected);
    // The signing time helper writes the JAdES form.
    let at = time::macros::datetime!(2020-10-23 04:54:56.048 +02:00);
    let header = HeaderBuilder::new(Algorithm::Es256)
        .signing_time(at)
        .build()
        .unwrap();
    assert_eq!(header, br#"{"alg":"ES256","sigT":"2020-10-23T02:54:56Z"}"#);
    // Refusals surface at build time.
    assert_eq!(
        HeaderBuilder::new(Algorithm::Es256).critical("alg").build(),
        Err(JwsError::CritNamesRegisteredParameter { name: "alg".into() })
    );
    assert!(matches!(
        HeaderBuilder::new(Algorithm::Es256)
            .member("alg", "\"RS256\"")
            .build(),
        Err(JwsError::HeaderJson(_))
    ));
}

#[test]
fn json_serialization_detached_general_and_flattened() {
    let ec = ec_key();
    let rsa = rsa_key();
    let h1 = HeaderBuilder::new(Algorithm::Es256)
        .kid("ec")
        .build()
        .unwrap();
    let h2 = HeaderBuilder::new(Algorithm::Ps256)
        .kid("rsa")
        .build()
        .unwrap();
    let general = JsonJws::sign_detached(&[(&h1, &ec), (&h2, &rsa)], PAYLOAD).unwrap();
    let parsed = JsonJws::parse(&general).unwrap();
    assert!(parsed.is_detached());
    let policy = AlgorithmPolicy::default();
    parsed
        .verify_detached(0, PAYLOAD, ec.verifying_key(), &policy)
        .unwrap();
    parsed
        .verify_detached(1, PAYLOAD, rsa.verifying_key(), &policy)
        .unwrap();
    assert_eq!(
        parsed.verify_detached(1, b"x", rsa.verifying_key(), &policy),
        Err(JwsError::BadSignature)
    );
    assert_eq!(
        parsed.verify_detached(2, PAYLOAD, rsa.verifying_key(), &policy),
        Err(JwsError::NoSuchSignature { index: 2 })
    );
    let flat = JsonJws::sign_detached_flattened(&h1, PAYLOAD, &ec).unwrap();
    JsonJws::parse(&flat)
        .unwrap()
        .verify_detached(0, PAYLOAD, ec.verifying_key(), &policy)
        .unwrap();
    // A name in both the protected and the unprotected header is refused.
    let both = flat.replacen("{", r#"{"header":{"kid":"x"},"#, 1);
    assert!(matches!(
        JsonJws::parse(&both),
        Err(JwsError::JsonSerialization { .. })
    ));
}
