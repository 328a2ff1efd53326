//! The public x509-limbo conformance suite (C2SP/x509-limbo, pinned in tests/x509-limbo/COMMIT)
//! through fhirsig's chain validator, as a document-signing verifier would run it.
//!
//! Applicable: the `rfc5280`, `pathlen`, `crl`, `cve`, `pathological` and `invalid` groups (the
//! `webpki` group tests TLS server rules). Each case's anchors, intermediates, CRLs, validation
//! time and EKUs configure a [`ChainValidator`]; the expected peer name (a TLS notion) is
//! matched against the leaf's DNS and IP SANs here, and `max_chain_depth` against the path
//! built. A case agrees when fhirsig's chain is verified exactly when the suite expects SUCCESS.
//!
//! Every divergence is listed in tests/x509-limbo/exceptions.txt with a reason, and every listed
//! case must still diverge: a fix shows up as a failing test until its line is removed. The
//! agreement is printed, and asserted to stay at or above 90%.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use fhirsig_core::trust::{
    CertificateChain, ChainValidator, Crl, EkuPolicy, TrustAnchors, ValidationTimes,
};
use fhirsig_core::{parse_rfc3339, Policy, UnixTime};
use serde_json::Value;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

const APPLICABLE: [&str; 6] = [
    "rfc5280",
    "pathlen",
    "crl",
    "cve",
    "pathological",
    "invalid",
];
/// The groups whose every FAILURE case must be refused (issue: certificate paths an auditor can
/// rely on).
const FAILURES_MUST_AGREE: [&str; 5] = ["rfc5280", "pathlen", "crl", "cve", "pathological"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/x509-limbo")
}

fn pem_blobs(value: &Value) -> Vec<Vec<u8>> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.as_bytes().to_vec())
                .collect()
        })
        .unwrap_or_default()
}

fn eku_policy(case: &Value) -> EkuPolicy {
    let names: Vec<&str> = case["extended_key_usage"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if names.is_empty() {
        return EkuPolicy::any();
    }
    let oids = names
        .iter()
        .filter_map(|name| match *name {
            "serverAuth" => Some("1.3.6.1.5.5.7.3.1"),
            "clientAuth" => Some("1.3.6.1.5.5.7.3.2"),
            "codeSigning" => Some("1.3.6.1.5.5.7.3.3"),
            "emailProtection" => Some("1.3.6.1.5.5.7.3.4"),
            "timeStamping" => Some("1.3.6.1.5.5.7.3.8"),
            "OCSPSigning" => Some("1.3.6.1.5.5.7.3.9"),
            "anyExtendedKeyUsage" => Some("2.5.29.37.0"),
            _ => None,
        })
        .map(|oid| oid.parse().unwrap())
        .collect();
    EkuPolicy::one_of(oids)
}

/// Whether the leaf names the expected peer (TLS server-name semantics: a DNS SAN equal to the
/// name, or a `*.` wildcard for its first label; an IP SAN equal to the address).
fn names_peer(chain: &CertificateChain, peer: &Value) -> bool {
    let (Some(kind), Some(value)) = (peer["kind"].as_str(), peer["value"].as_str()) else {
        return true;
    };
    let Ok(Some((_, san))) = chain
        .leaf()
        .x509()
        .tbs_certificate()
        .get_extension::<SubjectAltName>()
    else {
        return false;
    };
    let wanted = value.to_ascii_lowercase();
    san.0.iter().any(|name| match (kind, name) {
        ("DNS", GeneralName::DnsName(dns)) => {
            let dns = dns.as_str().to_ascii_lowercase();
            dns == wanted
                || dns.strip_prefix("*.").is_some_and(|suffix| {
                    wanted
                        .split_once('.')
                        .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix)
                })
        }
        ("IP", GeneralName::IpAddress(ip)) => {
            let bytes = ip.as_bytes();
            let parsed: Option<std::net::IpAddr> = value.parse().ok();
            match parsed {
                Some(std::net::IpAddr::V4(v4)) => bytes == v4.octets(),
                Some(std::net::IpAddr::V6(v6)) => bytes == v6.octets(),
                None => false,
            }
        }
        _ => false,
    })
}

/// fhirsig's answer: `Ok(())` for a verified chain, else why not.
fn run(case: &Value, policy: &Arc<Policy>) -> Result<(), String> {
    let anchors = pem_blobs(&case["trusted_certs"]);
    let refs: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
    let anchors = TrustAnchors::from_pem(&refs).map_err(|e| format!("anchors: {e}"))?;
    let mut validator = ChainValidator::new(anchors)
        .with_eku_policy(eku_policy(case))
        .with_policy(policy.clone());
    for blob in pem_blobs(&case["untrusted_intermediates"]) {
        validator = validator
            .with_intermediates_pem(&[&blob])
            .map_err(|e| format!("intermediate: {e}"))?;
    }
    let crls = pem_blobs(&case["crls"])
        .iter()
        .map(|b| Crl::from_pem_or_der(b).map_err(|e| format!("crl: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    validator = validator.with_crls(crls);
    let chain =
        CertificateChain::from_pem(case["peer_certificate"].as_str().unwrap_or("").as_bytes())
            .map_err(|e| format!("peer: {e}"))?;
    let at = match case["validation_time"].as_str() {
        Some(text) => parse_rfc3339(text).ok_or_else(|| format!("time {text}"))?,
        None => UnixTime::now(),
    };
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
    let Some(verified) = verified else {
        let why = report
            .deciding_check()
            .map(|c| format!("{}: {}", c.code(), c.message()))
            .unwrap_or_default();
        return Err(why);
    };
    if let Some(depth) = case["max_chain_depth"].as_u64() {
        // The suite counts logical intermediates: a self-issued certificate (a CA's key
        // rollover) is the same CA as the one it certifies.
        let logical = verified
            .intermediates()
            .iter()
            .filter(|c| c.subject() != c.issuer())
            .count();
        if logical as u64 > depth {
            return Err(format!("path needs {logical} intermediates"));
        }
    }
    if !names_peer(&chain, &case["expected_peer_name"]) {
        return Err("the leaf does not name the expected peer".into());
    }
    Ok(())
}

fn exceptions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir().join("exceptions.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            assert!(!reason.trim().is_empty(), "exception {id} has no reason");
            (id.to_owned(), reason.trim().to_owned())
        })
        .collect()
}

#[test]
fn x509_limbo_agreement() {
    let suite: Value =
        serde_json::from_slice(&std::fs::read(dir().join("limbo.json")).unwrap()).unwrap();
    // The auditor's policy (every rule fails; once a CRL is given every certificate of the path
    // needs a revocation status) without the document-signing rules on the signer's KeyUsage
    // (that it allow signatures, and CDex's CONF-051 digitalSignature): the suite's cases ask
    // for no key usage, and RFC 5280 path validation does not judge the end entity's.
    let policy = Arc::new(
        Policy::from_toml(
            "name = \"limbo\"\nextends = \"cdex-strict\"\n[checks]\nkey-usage-digital-signature = \"inform\"\nsigner-key-usage = \"inform\"\n",
        )
        .unwrap(),
    );
    let exceptions = exceptions();
    let (mut applicable, mut agreed, mut failures_accepted) = (0usize, 0usize, 0usize);
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for case in suite["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let group = id.split("::").next().unwrap_or("");
        if !APPLICABLE.contains(&group) {
            continue;
        }
        applicable += 1;
        seen.insert(id.to_owned());
        let expected_success = case["expected_result"] == "SUCCESS";
        assert!(
            case["key_usage"].as_array().is_none_or(Vec::is_empty),
            "{id} asks for a key usage: the harness lowers signer-key-usage for every case"
        );
        let outcome = std::panic::catch_unwind(|| run(case, &policy))
            .unwrap_or_else(|_| Err("panicked".into()));
        let agrees = outcome.is_ok() == expected_success;
        if agrees {
            agreed += 1;
        }
        match (agrees, exceptions.contains_key(id)) {
            (false, false) => unexpected.push(format!(
                "{id}: expected {}, fhirsig {}",
                case["expected_result"],
                match &outcome {
                    Ok(()) => "verified the chain".to_owned(),
                    Err(why) => format!("refused ({why})"),
                }
            )),
            (true, true) => fixed.push(id.to_owned()),
            _ => {}
        }
        if !agrees && !expected_success && FAILURES_MUST_AGREE.contains(&group) {
            failures_accepted += 1;
        }
    }
    let stale: Vec<&String> = exceptions.keys().filter(|id| !seen.contains(*id)).collect();
    println!(
        "x509-limbo: {agreed} of {applicable} applicable cases agree ({:.1}%); {failures_accepted} FAILURE case(s) of the {} groups accepted",
        100.0 * agreed as f64 / applicable as f64,
        FAILURES_MUST_AGREE.join(", ")
    );
    assert!(agreed * 10 >= applicable * 9, "agreement fell below 90%");
    assert!(
        unexpected.is_empty(),
        "divergences not in exceptions.txt:\n{}",
        unexpected.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "cases in exceptions.txt that now agree (remove their lines):\n{}",
        fixed.join("\n")
    );
    assert!(
        stale.is_empty(),
        "exceptions for cases not in the suite: {stale:?}"
    );
}
