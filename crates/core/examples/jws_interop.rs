//! Interoperability driver for `tests/interop/run-jws.sh`.
//!
//! - `jws_interop DIR` writes `DIR/ours/`: for each of ES256, ES384, RS256, PS256 and EdDSA a
//!   detached compact JWS (`<alg>.jws`), the public key as JWK (`<alg>.pub.jwk`) and SPKI PEM
//!   (`<alg>.pub.pem`), a general JSON serialization with two signatures (`general.json`), and
//!   the payload (`DIR/payload.json`). Keys are the committed OpenSSL fixtures.
//! - `jws_interop verify DIR` verifies every `DIR/theirs/<alg>.jws` (detached, made by another
//!   JOSE implementation) over `DIR/payload.json` with `DIR/theirs/<alg>.pub.jwk`, and exits
//!   non-zero if any fails.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use fhirsig_core::jws::{
    self, Algorithm, AlgorithmPolicy, CompactJws, HeaderBuilder, JsonJws, SigningKey, VerifyingKey,
    CDEX_VERIFICATION_COMMITMENT,
};

const PAYLOAD: &str = r#"{"entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","name":[{"family":"Müller"}]}}],"resourceType":"Bundle","type":"document"}"#;

/// `(alg, fixture file)` pairs.
const SIGNERS: [(Algorithm, &str); 5] = [
    (Algorithm::Es256, "ec-p256.pkcs8.pem"),
    (Algorithm::Es384, "ec-p384.sec1.pem"),
    (Algorithm::Rs256, "rsa-2048.pkcs1.pem"),
    (Algorithm::Ps256, "rsa-2048.pkcs8.pem"),
    (Algorithm::EdDsa, "ed25519.pkcs8.pem"),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/keys")
        .join(name)
}

fn header(alg: Algorithm) -> Result<Vec<u8>, jws::JwsError> {
    HeaderBuilder::new(alg)
        .kid(&format!("fhirsig-{alg}"))
        .sig_t("2026-01-01T00:00:00Z")
        .commitment(CDEX_VERIFICATION_COMMITMENT, Some("Verification Signature"))
        .build()
}

fn sign(dir: &Path) -> Result<(), Box<dyn Error>> {
    let ours = dir.join("ours");
    std::fs::create_dir_all(&ours)?;
    std::fs::write(dir.join("payload.json"), PAYLOAD)?;
    let mut keys = Vec::new();
    for (alg, file) in SIGNERS {
        let key = SigningKey::from_pem(&std::fs::read(fixture(file))?)?;
        let detached = jws::sign_detached(&header(alg)?, PAYLOAD.as_bytes(), &key)?;
        std::fs::write(ours.join(format!("{alg}.jws")), &detached)?;
        std::fs::write(
            ours.join(format!("{alg}.pub.jwk")),
            key.verifying_key().to_jwk(),
        )?;
        let stem = file.split('.').next().unwrap_or(file);
        std::fs::copy(
            fixture(&format!("{stem}.spki.pem")),
            ours.join(format!("{alg}.pub.pem")),
        )?;
        keys.push((alg, key));
    }
    let signers: Vec<(Vec<u8>, &SigningKey)> = keys
        .iter()
        .filter(|(alg, _)| matches!(alg, Algorithm::Es256 | Algorithm::Rs256))
        .map(|(alg, key)| Ok((header(*alg)?, key)))
        .collect::<Result<_, jws::JwsError>>()?;
    let refs: Vec<(&[u8], &dyn jws::Signer)> = signers
        .iter()
        .map(|(h, k)| (h.as_slice(), *k as &dyn jws::Signer))
        .collect();
    std::fs::write(
        ours.join("general.json"),
        JsonJws::sign_detached(&refs, PAYLOAD.as_bytes())?,
    )?;
    println!(
        "wrote {} detached JWS to {}",
        SIGNERS.len() + 1,
        ours.display()
    );
    Ok(())
}

fn verify(dir: &Path) -> Result<bool, Box<dyn Error>> {
    let payload = std::fs::read(dir.join("payload.json"))?;
    let theirs = dir.join("theirs");
    let policy = AlgorithmPolicy::default();
    let mut all_ok = true;
    for (alg, _) in SIGNERS {
        let text = std::fs::read_to_string(theirs.join(format!("{alg}.jws")))?;
        let key = VerifyingKey::from_jwk(&std::fs::read(theirs.join(format!("{alg}.pub.jwk")))?)?;
        let result = CompactJws::parse(text.trim_end())
            .and_then(|jws| jws::verify_detached(&jws, &payload, &key, &policy));
        match result {
            Ok(()) => println!("ok    {alg}: their detached JWS verifies"),
            Err(e) => {
                all_ok = false;
                println!("FAIL  {alg}: {e}");
            }
        }
        // A changed payload must fail.
        let tampered = CompactJws::parse(text.trim_end())
            .and_then(|jws| jws::verify_detached(&jws, b"{}", &key, &policy));
        if tampered.is_ok() {
            all_ok = false;
            println!("FAIL  {alg}: verifies over a different payload");
        }
    }
    Ok(all_ok)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [mode, dir] if mode == "verify" => verify(Path::new(dir)),
        [dir] => sign(Path::new(dir)).map(|()| true),
        _ => {
            eprintln!("usage: jws_interop DIR | jws_interop verify DIR");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("jws_interop: error: {e}");
            ExitCode::from(2)
        }
    }
}
