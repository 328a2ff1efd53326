//! `fhirsig doc verify`.

use std::fs::File;
use std::path::{Path, PathBuf};

use clap::Args;
use fhirsig_core::document::{
    carried_signature, jws_uses_sigd, media_type_for, provenance_claim_checks, signed_documents,
    uri_for_path, DocumentVerifier, JwsContent, SignatureFormat,
};
use fhirsig_core::jws::CompactJws;
use fhirsig_core::trust::{ChainValidator, Report};
use rustls_pki_types::UnixTime;

use super::{report, sign};
use crate::error::{CliError, Status};
use crate::inputs::{anchors, clock, public_keys, revocation};
use crate::io::read_input;

/// Arguments of `fhirsig doc verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig doc verify ccd.xml.jws ccd.xml --trust roots/
  fhirsig doc verify set.jws ccd.xml scan.pdf --trust root.pem --crl intermediate.crl
  fhirsig doc verify scan.pdf.p7s scan.pdf --trust root.pem --json
  fhirsig doc verify ccd.xml.jws ccd.xml --key signer.pub.pem     key only: no chain is checked

For a sigD signature each file is matched by its path as given (or --uri, in file order), else by
its file name; the report names every signed document that is missing, changed, or not signed.
Exit status: 0 verified; 1 a check failed (the report says which); 2 bad input or usage.")]
pub struct VerifyArgs {
    /// The signature: a compact JWS (.jws), a CMS SignedData (.p7s, DER or PEM), or a Provenance
    /// carrying either (from `doc sign --fhir`).
    #[arg(value_name = "SIG")]
    signature: PathBuf,

    /// The signed documents.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Trust anchors: a PEM file of root certificates, or a folder of .pem/.crt/.cer files.
    #[arg(long, value_name = "PEM|DIR")]
    trust: Vec<PathBuf>,

    /// CRLs (PEM or DER) for revocation checks.
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,

    /// Verify with this public key (JWK, SPKI or certificate) instead of a trusted chain.
    #[arg(long, value_name = "PUBKEY|CERT|JWK", conflicts_with_all = ["trust", "crl"])]
    key: Option<PathBuf>,

    /// The URI naming each file in a sigD signature, in file order.
    #[arg(long = "uri", value_name = "URI")]
    uris: Vec<String>,

    /// Verification time, RFC 3339 (default: now).
    #[arg(long, value_name = "T")]
    at: Option<String>,

    /// Print one JSON object: indication, subIndication, checks.
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig doc verify`.
pub fn run(args: VerifyArgs) -> Result<Status, CliError> {
    let verifier = verifier(&args)?;
    let mut signature = read_input(&args.signature)?;
    // A Provenance from `doc sign --fhir` carries the signature in Signature.data; what it
    // claims (who, when, type, target) is checked against the signature below.
    let provenance_text = signature.bytes.clone();
    let provenance = fhirsig_jcs::parse(&provenance_text).ok();
    let carried = match provenance.as_ref().and_then(carried_signature) {
        Some(Ok(carried)) => Some(carried),
        Some(Err(e)) => return Err(CliError::input(format!("{}: {e}", signature.name))),
        None => None,
    };
    if let Some(carried) = &carried {
        if let (Some(declared), [file]) = (&carried.target_format, args.files.as_slice()) {
            let actual = media_type_for(&file.display().to_string());
            if declared != actual {
                crate::io::diagnostic(
                    "warning",
                    &format!(
                        "Signature.targetFormat is {declared}, but {} looks like {actual}",
                        file.display()
                    ),
                );
            }
        }
        signature.bytes = carried.bytes.clone();
    }
    let report = match SignatureFormat::detect(&signature.bytes) {
        SignatureFormat::Cms => {
            let [file] = args.files.as_slice() else {
                return Err(CliError::input(
                    "a CMS signature covers one file; name exactly one",
                ));
            };
            let name = file.display().to_string();
            let content = File::open(file).map_err(|e| crate::io::read_error(&name, &e, true))?;
            crate::io::note_input(file);
            verifier
                .verify_cms(&signature.bytes, content)
                .map_err(|e| CliError::input(e.to_string()))?
        }
        _ => verify_jws(
            &args,
            &verifier,
            &signature.bytes,
            carried.as_ref().and_then(|c| c.target.as_deref()),
        )?,
    };
    let mut report = report;
    if let (Some(doc), Some(carried)) = (&provenance, &carried) {
        provenance_claim_checks(doc, carried)
            .into_iter()
            .for_each(|c| report.push(c));
    }
    let key_only = args.key.is_some();
    report::print(&signature.name, &report, args.json, key_only)?;
    Ok(if report.passed() {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}

fn verifier(args: &VerifyArgs) -> Result<DocumentVerifier, CliError> {
    if let Some(path) = &args.key {
        return Ok(DocumentVerifier::with_key(public_keys::verifying_key(
            path,
        )?));
    }
    if args.trust.is_empty() {
        return Err(
            CliError::input("nothing to verify the signer against").with_hint(
                "give --trust ROOT.pem (or a folder), or --key PUBKEY to check the signature only",
            ),
        );
    }
    let validator = ChainValidator::new(anchors::read_anchors(&args.trust)?)
        .with_crls(revocation::read_crls(&args.crl)?);
    let at = clock::calendar_at_or_now(args.at.as_deref())?;
    let secs =
        u64::try_from(at.unix_timestamp()).map_err(|_| CliError::input("--at is before 1970"))?;
    let now = UnixTime::since_unix_epoch(core::time::Duration::from_secs(secs));
    Ok(DocumentVerifier::with_chain(validator, now))
}

/// `target`: the carrying Provenance's target, the URI a lone file is taken to be when the
/// sigD header names it and no --uri is given.
fn verify_jws(
    args: &VerifyArgs,
    verifier: &DocumentVerifier,
    bytes: &[u8],
    target: Option<&str>,
) -> Result<Report, CliError> {
    let text = String::from_utf8_lossy(bytes);
    if jws_uses_sigd(&text) != Some(true) {
        let [file] = args.files.as_slice() else {
            return Err(CliError::input(
                "this JWS signs one file's bytes; name exactly one file",
            ));
        };
        let content = read_input(file)?;
        return Ok(verifier.verify_jws(&text, JwsContent::Bytes(&content.bytes)));
    }
    let signed: Vec<String> = CompactJws::parse(text.trim())
        .ok()
        .and_then(|jws| signed_documents(jws.header()).ok().flatten())
        .map(|docs| docs.into_iter().map(|d| d.uri).collect())
        .unwrap_or_default();
    let digests = args
        .files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let by_target = target
                .filter(|t| args.files.len() == 1 && signed.iter().any(|s| s == t))
                .map(str::to_owned);
            let uri = args
                .uris
                .get(i)
                .cloned()
                .or(by_target)
                .unwrap_or_else(|| match_uri(file, &signed));
            sign::digest(file, Some(&uri))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(verifier.verify_jws(&text, JwsContent::Documents(&digests)))
}

/// The path as given if the signature names it, else the file name if it does, else the path.
fn match_uri(file: &Path, signed: &[String]) -> String {
    let as_given = uri_for_path(&file.display().to_string());
    if signed.contains(&as_given) {
        return as_given;
    }
    let name = file.file_name().map(|n| uri_for_path(&n.to_string_lossy()));
    match name {
        Some(name) if signed.contains(&name) => name,
        _ => as_given,
    }
}
