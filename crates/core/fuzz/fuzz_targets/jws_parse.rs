//! Arbitrary text as a compact JWS and as a JWS JSON serialization: parsing, every header
//! accessor, and verification against a fixed key must never panic. Round trips: a parsed
//! compact JWS re-serialises to its input (the base64url decoders are strict, so nothing is
//! lost), a header's base64url is that of its JSON, and a parsed `x5c` gives back its DER.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use fhirsig_core::jws::{self, AlgorithmPolicy, CompactJws, Header, JsonJws};
use fhirsig_core::trust::CertificateChain;
use libfuzzer_sys::fuzz_target;

const PAYLOAD: &[u8] = br#"{"resourceType":"Bundle","type":"document"}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = fhirsig_core_fuzz::leaf_verifying_key();
    let policy = AlgorithmPolicy::default();
    if let Ok(compact) = CompactJws::parse(text) {
        touch(compact.header());
        let _ = compact.is_detached();
        let _ = compact.embedded_payload_b64u();
        let _ = compact.signature();
        let again = format!(
            "{}.{}.{}",
            compact.header().raw_b64u(),
            compact.embedded_payload_b64u().unwrap_or_default(),
            URL_SAFE_NO_PAD.encode(compact.signature())
        );
        assert_eq!(
            again, text,
            "a parsed compact JWS does not re-serialise to its input"
        );
        let input = compact.signing_input(PAYLOAD);
        assert!(input.starts_with(compact.header().raw_b64u()));
        let _ = jws::verify_detached(&compact, PAYLOAD, key, &policy);
        let _ = jws::verify_attached(&compact, key, &policy);
    }
    if let Ok(json) = JsonJws::parse(text) {
        for signature in json.signatures() {
            if let Some(header) = signature.protected() {
                touch(header);
            }
            if let Some(header) = signature.unprotected() {
                touch(header);
            }
            let _ = signature.alg();
            let _ = signature.signature();
        }
        let _ = json.is_detached();
        let _ = json.payload_b64u();
        // One index past the end too: a bad index must be an error, not a panic.
        for index in 0..=json.signatures().len() {
            let _ = json.verify_detached(index, PAYLOAD, key, &policy);
            let _ = json.verify_attached(index, key, &policy);
        }
    }
    // The header parser alone, protected (base64url) and unprotected (raw JSON).
    if let Ok(header) = Header::parse_protected(text) {
        touch(&header);
    }
    if let Ok(header) = Header::from_json(data, false) {
        touch(&header);
    }
});

fn touch(header: &Header) {
    assert_eq!(URL_SAFE_NO_PAD.encode(header.json()), header.raw_b64u());
    let _ = header.member_names();
    let _ = header.alg();
    let _ = header.kid();
    let _ = header.typ();
    if let Some(x5c) = header.x5c() {
        if let Ok(chain) = CertificateChain::from_der(x5c.to_vec()) {
            assert_eq!(chain.to_der_list(), x5c, "x5c does not round-trip");
        }
    }
    let _ = header.x5t_s256();
    let _ = header.sig_t();
    let _ = header.sig_t_instant();
    for commitment in header.sr_cms().unwrap_or_default() {
        let _ = (commitment.id(), commitment.desc(), commitment.qualifiers());
    }
    let _ = header.canon();
    let _ = header.crit();
    let _ = header.other_members();
}
