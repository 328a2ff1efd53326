//! Writes N small signed Bundles as NDJSON, for the batch-verification benchmark.
//!
//! usage: cargo run --release -p fhirsig-cli --example gen_batch -- DIR COUNT ALG
//! (ALG: ES256 or RS256). Writes DIR/batch-ALG.ndjson and DIR/root-ca.cert.pem.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fhirsig_core::fhir::{sign, Party, Profile, SignRequest};
use fhirsig_core::jws::{Algorithm, SigningKey};
use fhirsig_core::trust::CertificateChain;
use fhirsig_testkit::pki;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, count, alg) = (&args[1], args[2].parse::<usize>().unwrap(), &args[3]);
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir).unwrap();
    let now = rustls_pki_types::UnixTime::now();
    let files: std::collections::HashMap<String, Vec<u8>> =
        pki::generate_test_pki(now, &pki::PkiOptions::default())
            .unwrap()
            .into_iter()
            .collect();
    let stem = if alg == "RS256" {
        "leaf-rsa"
    } else {
        "leaf-ec"
    };
    let key = SigningKey::from_pem(&files[&format!("{stem}.key.pem")]).unwrap();
    let mut chain_pem = files[&format!("{stem}.cert.pem")].clone();
    chain_pem.extend(&files["intermediate-ca.cert.pem"]);
    let chain = CertificateChain::from_pem(&chain_pem).unwrap();
    std::fs::write(dir.join("root-ca.cert.pem"), &files["root-ca.cert.pem"]).unwrap();
    let request = SignRequest {
        key: &key,
        chain: chain.to_der_list(),
        profile: Profile::Cdex,
        signing_time: time::OffsetDateTime::now_utc(),
        who: Party {
            system: "http://hl7.org/fhir/sid/us-npi".into(),
            value: "1234567893".into(),
            display: None,
        },
        on_behalf_of: None,
        algorithm: Some(Algorithm::from_name(alg).unwrap()),
        kty_compat: false,
        replace: false,
        exact_header: None,
    };
    let mut out = String::new();
    for i in 0..count {
        let bundle = format!(
            r#"{{"resourceType":"Bundle","id":"b{i}","type":"searchset","total":1,"entry":[{{"fullUrl":"https://ehr.example.org/fhir/Observation/{i}","resource":{{"resourceType":"Observation","id":"{i}","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"8867-4"}}]}},"subject":{{"reference":"Patient/p{i}"}},"valueQuantity":{{"value":{}.5,"unit":"/min"}}}},"search":{{"mode":"match"}}}}]}}"#,
            60 + i % 40
        );
        out.push_str(&sign(&bundle, None, &request).unwrap().text);
        out.push('\n');
    }
    std::fs::write(dir.join(format!("batch-{alg}.ndjson")), out).unwrap();
}
