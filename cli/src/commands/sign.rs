//! `fhirsig sign`: sign a FHIR Bundle, QuestionnaireResponse or QuestionnaireResponse item.

use std::path::PathBuf;

use clap::Args;
use fhirsig_core::fhir::{sign_with_certificates, Party, Profile, SignRequest};
use fhirsig_core::jws::Algorithm;
use fhirsig_core::trust::{certificate_identifiers, CertificateChain};

use crate::error::{CliError, Status};
use crate::inputs::certificates::{also_chains, signer_chain};
use crate::inputs::signing_key::KeyArgs;
use crate::io::{diagnostic, read_input, write_in_place, Output};

/// Arguments of `fhirsig sign`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig sign searchset.json --key signer.key.pem --cert signer.chain.pem -o signed.json
  fhirsig sign qr.json --key k.pem --cert c.pem --pointer /item/0      sign one item
  fhirsig sign bundle.json --key signer.p12 --key-password-file pw.txt  chain from the .p12
  fhirsig sign bundle.json --key 'pkcs11:token=ehr;object=cdex' --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
      --pin-file /run/secrets/pin                                     key on an HSM
  fhirsig sign bundle.json --key k.pem --cert c.pem --profile cdex2 --kty-compat
  fhirsig sign doc.json --key k.pem --cert c.pem --who-system http://hl7.org/fhir/sid/us-npi \\
      --who-value 9941339100 --on-behalf-of 'http://hl7.org/fhir/sid/us-npi|1234567893'

Passwords and PINs come from files (first line) or FHIRSIG_KEY_PASSWORD / FHIRSIG_PKCS11_PIN,
never from a flag value; docs/keys.md lists every key source.
The signer's identity (Signature.who.identifier) defaults to the certificate's NPI otherName.
The output keeps the input's text; only the signature is added. It goes to standard output,
or to -o FILE; the input is rewritten only with --in-place.
Exit status: 0 signed, 2 bad input or usage.")]
pub struct SignArgs {
    /// The FHIR JSON file to sign; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,

    #[command(flatten)]
    key: KeyArgs,

    /// The signer's certificate chain, PEM, leaf first, or one DER certificate (becomes x5c);
    /// default: the chain in the PKCS#12 file or on the token.
    #[arg(long, value_name = "CHAIN.pem")]
    cert: Option<PathBuf>,

    /// Another certificate chain (PEM, leaf first, or one DER certificate) for the same key,
    /// e.g. from a second trust community (repeatable); Signature.data then holds the JWS JSON
    /// serialization (CONF-047).
    #[arg(long, value_name = "CHAIN.pem")]
    also_cert: Vec<PathBuf>,

    /// Signature profile.
    #[arg(long, value_name = "PROFILE", default_value = "cdex", value_parser = ["cdex", "cdex2", "r6"])]
    profile: String,

    /// JWS algorithm (default: RS256 for RSA keys, ES256/ES384 for EC keys, EdDSA for Ed25519).
    #[arg(long, value_name = "ALG", value_parser = ["RS256", "PS256", "ES256", "ES384", "EdDSA"])]
    alg: Option<String>,

    /// Signature.who.identifier.system (default: the certificate's identifier system).
    #[arg(long, value_name = "URI", requires = "who_value")]
    who_system: Option<String>,

    /// Signature.who.identifier.value (default: the certificate's NPI).
    #[arg(long, value_name = "VALUE")]
    who_value: Option<String>,

    /// Signature.who.display.
    #[arg(long, value_name = "TEXT")]
    who_display: Option<String>,

    /// Signature.onBehalfOf.identifier as SYSTEM|VALUE.
    #[arg(long, value_name = "SYSTEM|VALUE")]
    on_behalf_of: Option<String>,

    /// Signing time (sigT and Signature.when), RFC 3339; default: now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,

    /// JSON Pointer of the object to sign (default: the root resource), e.g. /item/0.
    #[arg(long, value_name = "POINTER")]
    pointer: Option<String>,

    /// Add "kty": "RS" to RSA headers, as CDex 2.x peers expect.
    #[arg(long)]
    kty_compat: bool,

    #[command(flatten)]
    preflight: super::sign_preflight::PreflightArgs,

    /// Replace an existing signature instead of refusing.
    #[arg(long)]
    replace: bool,

    /// Write here instead of standard output (never over an input: see --in-place).
    #[arg(short, long, value_name = "FILE", conflicts_with = "in_place")]
    output: Option<PathBuf>,

    /// Rewrite the input file (atomically).
    #[arg(long)]
    in_place: bool,
}

/// Runs `fhirsig sign`.
pub fn run(args: SignArgs) -> Result<Status, CliError> {
    let input = read_input(&args.file)?;
    let text = String::from_utf8(input.bytes)
        .map_err(|_| CliError::input(format!("{}: not UTF-8 text", input.name)))?;
    let loaded = args.key.load(args.cert.as_deref())?;
    let chain = signer_chain(args.cert.as_deref(), &loaded)?;
    let who = who_party(
        args.who_system.as_deref(),
        args.who_value.as_deref(),
        args.who_display.clone(),
        &chain,
    )?;
    let on_behalf_of = args.on_behalf_of.as_deref().map(party).transpose()?;
    let signing_time = match args.at.as_deref() {
        Some(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    CliError::input(format!("--at {text:?} is not an RFC 3339 date-time"))
                        .with_hint("for example 2026-06-01T12:00:00Z")
                })?
        }
        None => crate::inputs::clock::now_utc(),
    };
    let profile = Profile::from_name(&args.profile).unwrap_or(Profile::Cdex);
    args.preflight.run(
        &chain,
        Some((Some(&who.system), &who.value)),
        signing_time,
        fhirsig_core::Policy::for_profile(profile),
    )?;
    let algorithm = args
        .alg
        .as_deref()
        .map(|a| Algorithm::from_name(a).map_err(|e| CliError::input(e.to_string())))
        .transpose()?;
    let request = SignRequest {
        key: loaded.signer.as_ref(),
        chain: chain.to_der_list(),
        profile,
        signing_time,
        who,
        on_behalf_of,
        algorithm,
        kty_compat: args.kty_compat,
        replace: args.replace,
        exact_header: None,
    };
    let also = also_chains(&args.also_cert)?;
    let signed = sign_with_certificates(&text, args.pointer.as_deref(), &request, &also)
        .map_err(|e| CliError::input(format!("{}: {e}", input.name)))?;
    let place = if signed.pointer.is_empty() {
        "the root resource".to_owned()
    } else {
        signed.pointer.clone()
    };
    if args.in_place {
        write_in_place(&args.file, signed.text.as_bytes())?;
    } else {
        Output::from_option(args.output.clone()).write(signed.text.as_bytes())?;
    }
    diagnostic(
        "info",
        &format!(
            "signed {place} of {} ({} profile, {} payload bytes)",
            input.name,
            profile,
            signed.payload.len()
        ),
    );
    Ok(Status::Success)
}

/// Signature.who.identifier: the given system and value, else the certificate's first known
/// identifier (its NPI otherName, …).
pub(crate) fn who_party(
    who_system: Option<&str>,
    who_value: Option<&str>,
    display: Option<String>,
    chain: &CertificateChain,
) -> Result<Party, CliError> {
    let from_cert = certificate_identifiers(chain.leaf());
    let (system, value) = match (who_system, who_value) {
        (system, Some(value)) => {
            let system = system
                .map(str::to_owned)
                .or_else(|| from_cert.first().map(|(s, _)| (*s).to_owned()))
                .unwrap_or_else(|| "http://hl7.org/fhir/sid/us-npi".to_owned());
            (system, value.to_owned())
        }
        (_, None) => match from_cert.first() {
            Some((system, value)) => ((*system).to_owned(), value.clone()),
            None => {
                return Err(CliError::input(
                    "the certificate carries no NPI (or other known identifier) to name the signer",
                )
                .with_hint("pass --who-system and --who-value; the value must be a SAN of the certificate (CONF-053)"))
            }
        },
    };
    Ok(Party {
        system,
        value,
        display,
    })
}

fn party(token: &str) -> Result<Party, CliError> {
    let (system, value) = token.split_once('|').ok_or_else(|| {
        CliError::input(format!("--on-behalf-of {token:?} is not SYSTEM|VALUE"))
            .with_hint("for example 'http://hl7.org/fhir/sid/us-npi|1234567893'")
    })?;
    Ok(Party {
        system: system.to_owned(),
        value: value.to_owned(),
        display: None,
    })
}
