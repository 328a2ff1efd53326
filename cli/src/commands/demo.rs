//! `fhirsig demo`: a guided run over bundled examples, with no arguments and no network. It
//! makes a throwaway test PKI, signs a CDex searchset and a document Bundle, verifies them,
//! tampers with one and shows the failure, and says where the files are.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use fhirsig_core::fhir::{
    sign, verify_document, Party, Profile, SignRequest, SignatureVerification, VerifyOptions,
};
use fhirsig_core::jws::{AlgorithmPolicy, SigningKey};
use fhirsig_core::trust::{
    certificate_identifiers, CertificateChain, ChainValidator, Outcome, TimePolicy, TrustAnchors,
};
use fhirsig_testkit::pki;

use crate::error::{CliError, Status};
use crate::io::{write_atomically, write_stdout};

/// The bundled examples: a searchset (a payer's query answered by an EHR) and a document
/// Bundle (a progress note sent for a prior authorization).
const SEARCHSET: &str = include_str!("../demo/searchset.json");
const DOCUMENT: &str = include_str!("../demo/document.json");

/// Arguments of `fhirsig demo`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig demo                 run in a new temporary folder and say where the files are
  fhirsig demo --dir ./try     run in ./try (created if needed)")]
pub struct DemoArgs {
    /// Folder for the demo's files (default: a new folder under the system temp directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

fn fail(e: impl std::fmt::Display) -> CliError {
    CliError::input(format!("demo: {e}"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let path = dir.join(name);
    write_atomically(&path, bytes)?;
    Ok(path)
}

/// Runs `fhirsig demo`.
pub fn run(args: DemoArgs) -> Result<Status, CliError> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("fhirsig-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(dir.join("pki"))
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
    let now = crate::inputs::clock::now();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "fhirsig demo: an EHR signs what it sends a payer; the payer verifies it\n"
    );

    // 1. A throwaway PKI: root -> intermediate -> signer with an NPI in its SAN.
    for (name, bytes) in pki::generate_test_pki(now, &pki::PkiOptions::default()).map_err(fail)? {
        crate::commands::pki::write_pki_file(&dir.join("pki").join(&name), &name, &bytes)?;
    }
    let read = |name: &str| std::fs::read(dir.join("pki").join(name)).map_err(fail);
    let key = SigningKey::from_pem(&read("leaf-ec.key.pem")?).map_err(fail)?;
    let mut chain_pem = read("leaf-ec.cert.pem")?;
    chain_pem.extend(read("intermediate-ca.cert.pem")?);
    let chain_path = write(&dir.join("pki"), "signer-chain.pem", &chain_pem)?;
    let chain = CertificateChain::from_pem(&chain_pem).map_err(fail)?;
    let (system, npi) = certificate_identifiers(chain.leaf())
        .into_iter()
        .next()
        .ok_or_else(|| fail("the test certificate has no NPI"))?;
    let _ = writeln!(
        out,
        "1. Test PKI (root -> intermediate -> signer, NPI {npi})\n   {}",
        dir.join("pki").display()
    );

    // 2. Sign both Bundles (CDex profile: JCS payload, detached JWS with x5c, sigT, srCms).
    // The instant read once above: a signing time read later could fall in the next second,
    // after the verification time, which verification rightly refuses.
    let signing_time = crate::inputs::clock::now_utc();
    let request = SignRequest {
        key: &key,
        chain: chain.to_der_list(),
        profile: Profile::Cdex,
        signing_time,
        who: Party {
            system: system.to_owned(),
            value: npi.clone(),
            display: Some("Demo signer".into()),
        },
        on_behalf_of: None,
        algorithm: None,
        kty_compat: false,
        replace: false,
        exact_header: None,
    };
    let mut signed_paths = Vec::new();
    let _ = writeln!(out, "\n2. Signed (ES256, CDex profile)");
    for (name, text) in [("searchset", SEARCHSET), ("document", DOCUMENT)] {
        write(&dir, &format!("{name}.json"), text.as_bytes())?;
        let signed = sign(text, None, &request).map_err(fail)?;
        let path = write(&dir, &format!("{name}.signed.json"), signed.text.as_bytes())?;
        let _ = writeln!(
            out,
            "   {:<10} {}  ({} payload bytes)",
            name,
            path.display(),
            signed.payload.len()
        );
        signed_paths.push((name, path, signed.text));
    }

    // 3. Verify as the payer: trust anchor = the test root.
    let anchors = TrustAnchors::from_pem(&[&read("root-ca.cert.pem")?]).map_err(fail)?;
    let options = VerifyOptions {
        profile: None,
        policy: None,
        algorithms: AlgorithmPolicy::default(),
        validator: Some(ChainValidator::new(anchors)),
        verification_time: now,
        time_policy: TimePolicy::VerificationTime,
        certificates: Default::default(),
    };
    let verify = |text: &str| -> Result<Vec<SignatureVerification>, CliError> {
        let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(fail)?;
        Ok(verify_document(&doc, &options))
    };
    let _ = writeln!(out, "\n3. Verified against the root");
    let mut all_good = true;
    for (name, _, text) in &signed_paths {
        for result in verify(text)? {
            all_good &= result.verified();
            let verdict = if result.verified() {
                "verified"
            } else {
                "NOT VERIFIED"
            };
            let _ = writeln!(
                out,
                "   {name:<10} {verdict}: {} checks",
                result.report().checks().len()
            );
            for warning in result
                .report()
                .checks()
                .iter()
                .filter(|c| c.outcome() == Outcome::Warn)
            {
                let _ = writeln!(
                    out,
                    "              warning {}: {}",
                    warning.code(),
                    warning.message()
                );
            }
        }
    }

    // 4. Tamper: a heart rate changed in transit.
    let (_, _, searchset) = &signed_paths[0];
    let tampered = searchset.replacen("72.50", "92.50", 1);
    let tampered_path = write(&dir, "searchset.tampered.json", tampered.as_bytes())?;
    let _ = writeln!(
        out,
        "\n4. Tampered (heart rate 72.50 -> 92.50)\n   {}",
        tampered_path.display()
    );
    let mut tamper_detected = false;
    for result in verify(&tampered)? {
        tamper_detected |= !result.verified();
        let failing = result
            .report()
            .checks()
            .iter()
            .find(|c| c.outcome() == Outcome::Fail);
        let _ = writeln!(
            out,
            "   NOT VERIFIED ({}/{}): {}",
            result.report().indication(),
            result.report().sub_indication().map_or("-", |s| s.as_str()),
            failing.map_or("", |c| c.message())
        );
    }

    let root = dir.join("pki").join("root-ca.cert.pem");
    let _ = writeln!(
        out,
        "\nTry it yourself:\n   fhirsig verify {} --trust {}\n   fhirsig verify {} --trust {} --json\n   fhirsig sign {} --key {} --cert {}",
        signed_paths[1].1.display(),
        root.display(),
        tampered_path.display(),
        root.display(),
        dir.join("searchset.json").display(),
        dir.join("pki").join("leaf-ec.key.pem").display(),
        chain_path.display(),
    );
    write_stdout(out.as_bytes())?;
    Ok(if all_good && tamper_detected {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}
