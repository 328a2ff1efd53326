//! The CDex IG's own example certificates and signed examples (`shared/vectors/cdex`).
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on bad vectors by design

mod common;

use base64::Engine;
use common::{assert_outcome, june_2026, vectors};
use fhirsig_core::trust::{
    match_signer_identity, parse_rfc3339, CertificateChain, ChainValidator, IdentityMatch, Outcome,
    TimePolicy, TrustAnchors, ValidationTimes,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde_json::Value;

const NPI: &str = "http://hl7.org/fhir/sid/us-npi";

fn cert_pem(which: &str) -> Vec<u8> {
    std::fs::read(vectors("cdex").join("keys").join(which).join("cert.pem")).unwrap()
}

fn validator(which: &str) -> ChainValidator {
    ChainValidator::new(TrustAnchors::from_pem(&[&cert_pem(which)]).unwrap())
}

fn own_chain(which: &str) -> CertificateChain {
    let der = CertificateDer::from_pem_slice(&cert_pem(which))
        .unwrap()
        .to_vec();
    CertificateChain::from_der(vec![der]).unwrap()
}

/// Every object with `sigFormat` and `data` (a FHIR Signature) in the document.
fn signatures(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) if map.contains_key("sigFormat") && map.contains_key("data") => {
            out.push(value.clone());
        }
        Value::Object(map) => map.values().for_each(|v| signatures(v, out)),
        Value::Array(items) => items.iter().for_each(|v| signatures(v, out)),
        _ => {}
    }
}

struct Example {
    who_system: String,
    who_value: String,
    sig_t: String,
    x5c: Vec<Vec<u8>>,
}

fn example(file: &str) -> Example {
    let text = std::fs::read_to_string(vectors("cdex").join(file)).unwrap();
    let mut found = Vec::new();
    signatures(&serde_json::from_str(&text).unwrap(), &mut found);
    assert_eq!(found.len(), 1, "{file}: one signature expected");
    let sig = &found[0];
    let std_b64 = base64::engine::general_purpose::STANDARD;
    let jws = String::from_utf8(std_b64.decode(sig["data"].as_str().unwrap()).unwrap()).unwrap();
    let header_b64 = jws.split('.').next().unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header_b64)
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    let x5c = header["x5c"].as_array().unwrap();
    Example {
        who_system: sig["who"]["identifier"]["system"]
            .as_str()
            .unwrap()
            .to_owned(),
        who_value: sig["who"]["identifier"]["value"]
            .as_str()
            .unwrap()
            .to_owned(),
        sig_t: header["sigT"].as_str().unwrap().to_owned(),
        x5c: x5c
            .iter()
            .map(|c| std_b64.decode(c.as_str().unwrap()).unwrap())
            .collect(),
    }
}

#[test]
fn example_certificates_validate_as_their_own_anchors() {
    for which in ["example_org_cert", "example_provider_cert"] {
        let (report, verified) =
            validator(which).validate(&own_chain(which), &ValidationTimes::at(june_2026()));
        assert_outcome(&report, "passed", None);
        let verified = verified.unwrap();
        assert!(verified.intermediates().is_empty());
        assert_eq!(verified.anchor().der(), verified.leaf().der());
        // A self-signed signer trusted directly has no revocation source.
        let rev = report.check("revocation-status").unwrap();
        assert_eq!(rev.outcome(), Outcome::NotChecked);
    }
}

#[test]
fn example_certificates_carry_the_npis_of_the_signed_examples() {
    let org = own_chain("example_org_cert");
    let provider = own_chain("example_provider_cert");
    let npi_oid = const_oid::ObjectIdentifier::new_unwrap("2.16.840.1.113883.4.6");
    let expect = IdentityMatch::OtherName { oid: npi_oid };
    assert_eq!(
        match_signer_identity(org.leaf(), Some(NPI), "1234567893"),
        expect
    );
    assert_eq!(
        match_signer_identity(provider.leaf(), Some(NPI), "9941339100"),
        expect
    );
    let crossed = match_signer_identity(org.leaf(), Some(NPI), "9941339100");
    let IdentityMatch::NoMatch { present } = crossed else {
        panic!("{crossed:?}")
    };
    assert!(
        present.contains(&"DNS:www.example.org".to_owned()),
        "{present:?}"
    );
    assert!(present.contains(&"URI:https://example.org/fhir/Organization/123".to_owned()));
}

#[test]
fn signed_examples_pass_at_2026_with_the_sig_t_warning() {
    let cases = [
        (
            "cdex-searchbundle-digital-sig-example.json",
            "example_org_cert",
            "1234567893",
        ),
        (
            "cdex-document-digital-sig-example.json",
            "example_provider_cert",
            "9941339100",
        ),
        (
            "cdex-parameters-example2.json",
            "example_provider_cert",
            "9941339100",
        ),
        (
            "cdex-questionnaireresponse-example4.json",
            "example_provider_cert",
            "9941339100",
        ),
    ];
    for (file, which, npi) in cases {
        let ex = example(file);
        assert_eq!(
            (ex.who_system.as_str(), ex.who_value.as_str()),
            (NPI, npi),
            "{file}"
        );
        let sig_t = parse_rfc3339(&ex.sig_t).unwrap();
        let times = ValidationTimes::at(june_2026()).with_sig_t(sig_t);
        let (mut report, verified) = validator(which).validate_x5c(ex.x5c.clone(), &times);
        assert_outcome(&report, "passed", None);
        let warning = report.check("signing-time-in-validity").unwrap();
        assert_eq!(warning.outcome(), Outcome::Warn, "{file}: {report}");
        assert_eq!(
            warning.evidence_value("sig-t"),
            Some("2020-10-23T04:54:56Z")
        );
        let leaf = verified.unwrap().leaf().clone();
        let found = match_signer_identity(&leaf, Some(&ex.who_system), &ex.who_value);
        assert!(found.is_san_match(), "{file}: {found:?}");
        report.push(found.to_check(&ex.who_value));
        assert_outcome(&report, "passed", None);
    }
}

#[test]
fn signed_examples_fail_under_the_signing_time_policy() {
    let ex = example("cdex-searchbundle-digital-sig-example.json");
    let sig_t = parse_rfc3339(&ex.sig_t).unwrap();
    let times = ValidationTimes::at(june_2026())
        .with_sig_t(sig_t)
        .with_policy(TimePolicy::SigningTime);
    let (report, verified) = validator("example_org_cert").validate_x5c(ex.x5c, &times);
    assert_outcome(&report, "failed", Some("not-yet-valid"));
    assert!(verified.is_none());
}

#[test]
fn example_certificate_is_not_trusted_by_the_other_anchor() {
    let (report, _) = validator("example_provider_cert").validate(
        &own_chain("example_org_cert"),
        &ValidationTimes::at(june_2026()),
    );
    assert_outcome(&report, "indeterminate", Some("no-certificate-chain-found"));
}

#[test]
fn identity_match_kinds_and_precedence() {
    let org = own_chain("example_org_cert");
    let leaf = org.leaf();
    let npi_oid = const_oid::ObjectIdentifier::new_unwrap("2.16.840.1.113883.4.6");
    let other_name = IdentityMatch::OtherName { oid: npi_oid };
    let npi = "http://hl7.org/fhir/sid/us-npi";
    assert_eq!(
        match_signer_identity(leaf, Some(npi), "1234567893"),
        other_name
    );
    // Without a system the value could be of any kind: no otherName is matched by it.
    let bare = match_signer_identity(leaf, None, "1234567893");
    assert!(matches!(bare, IdentityMatch::NoMatch { .. }), "{bare:?}");
    // An NPI never matches a SAN of another kind with the same text.
    let npi_as_dns = match_signer_identity(leaf, Some(npi), "www.example.org");
    assert!(
        matches!(npi_as_dns, IdentityMatch::NoMatch { .. }),
        "{npi_as_dns:?}"
    );
    let by_urn = match_signer_identity(leaf, Some("urn:oid:2.16.840.1.113883.4.6"), "1234567893");
    assert_eq!(by_urn, other_name);
    // The value under another system's OID, or an unknown system, is no otherName match.
    let ssn = match_signer_identity(leaf, Some("http://hl7.org/fhir/sid/us-ssn"), "1234567893");
    assert!(matches!(ssn, IdentityMatch::NoMatch { .. }), "{ssn:?}");
    let unknown = match_signer_identity(leaf, Some("http://example.org/ids"), "1234567893");
    assert!(
        matches!(unknown, IdentityMatch::NoMatch { .. }),
        "{unknown:?}"
    );
    let uri = "https://example.org/fhir/Organization/123";
    assert_eq!(match_signer_identity(leaf, None, uri), IdentityMatch::Uri);
    // DNS names match only an identifier that says it is one, or the host of a URL.
    let bare_dns = match_signer_identity(leaf, None, "WWW.example.org");
    assert!(
        matches!(bare_dns, IdentityMatch::NoMatch { .. }),
        "{bare_dns:?}"
    );
    assert_eq!(
        match_signer_identity(leaf, Some("urn:ietf:rfc:1035"), "WWW.example.org"),
        IdentityMatch::Dns
    );
    assert_eq!(
        match_signer_identity(
            leaf,
            Some("urn:ietf:rfc:3986"),
            "https://www.example.org/fhir/Endpoint/1"
        ),
        IdentityMatch::Dns
    );
    assert_eq!(
        match_signer_identity(leaf, Some("urn:ietf:rfc:3986"), uri),
        IdentityMatch::Uri
    );
    // A system that is a URL names a namespace, not the signer: its host proves nothing.
    let namespaced = match_signer_identity(leaf, Some("https://www.example.org/ids"), "anything");
    assert!(
        matches!(namespaced, IdentityMatch::NoMatch { .. }),
        "{namespaced:?}"
    );
    let cn = match_signer_identity(leaf, None, "CDEX Example Organization");
    assert_eq!(cn, IdentityMatch::CommonName);
    assert_eq!(
        cn.to_check("CDEX Example Organization").outcome(),
        Outcome::Warn
    );
}
