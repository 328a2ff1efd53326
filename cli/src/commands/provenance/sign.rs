//! `fhirsig provenance sign`: signatures over Provenance targets, or an embedded signing
//! Provenance (FHIR R6 draft) added to a Bundle.

use std::path::PathBuf;

use clap::Args;
use fhirsig_core::trust::{certificate_identifiers, Certificate};
use fhirsig_provenance::{
    is_embedded_signing_provenance, sign_bundle_embedded, sign_provenance_in_bundle,
    EmbeddedOptions, Instant, Profile, Reference, SignatureType, Signer,
};

use super::common::{input_error, recorded_or_now, reference};
use crate::error::{CliError, Status};
use crate::inputs::signing_key::KeyArgs;
use crate::io::{diagnostic, read_input, write_in_place, Output};

/// Arguments of `fhirsig provenance sign`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance sign bundle.json --key signer.key.pem --cert chain.pem -o signed.json
      signs each Provenance entry over its targets (found in the same Bundle)
  fhirsig provenance sign bundle.json --key signer.key.pem --cert chain.pem --embedded \\
      --who Practitioner/pr1 --on-behalf-of Organization/org1 -o signed.json
      adds a signing Provenance with target #/ (run again to counter-sign)

Signatures already present are kept byte for byte. Exit status: 0 success, 2 bad input.")]
pub struct SignArgs {
    /// A Bundle holding Provenance entries and their targets (or the Bundle to sign with
    /// --embedded).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    #[command(flatten)]
    key: KeyArgs,

    /// Certificate chain (PEM), signer first; written as the JWS x5c; default: the chain in the
    /// PKCS#12 file or on the token.
    #[arg(long, value_name = "CHAIN.pem")]
    cert: Option<PathBuf>,

    /// Add an embedded signing Provenance (target #/) instead of signing existing Provenance.
    #[arg(long)]
    embedded: bool,

    /// Signature.who (default: the signed Provenance's first agent; required with --embedded).
    #[arg(long, value_name = "REF")]
    who: Option<String>,

    /// Signature.who.identifier.system (default: the certificate's identifier system).
    #[arg(long, value_name = "URI", requires = "who_value")]
    who_system: Option<String>,

    /// Signature.who.identifier.value (default: the certificate's NPI); verifiers match it
    /// against the certificate's SANs (CDex CONF-053).
    #[arg(long, value_name = "VALUE")]
    who_value: Option<String>,

    /// onBehalfOf for the embedded signing Provenance's agent.
    #[arg(long, value_name = "REF")]
    on_behalf_of: Option<String>,

    /// Sign as author (1.2.840.10065.1.12.1.1) instead of verifier (…1.12.1.5).
    #[arg(long)]
    author_signature: bool,

    /// Only the Provenance at this JSON Pointer (e.g. /entry/2/resource).
    #[arg(long, value_name = "POINTER", conflicts_with = "embedded")]
    pointer: Option<String>,

    /// Profile of the embedded signing Provenance.
    #[arg(long, value_name = "PROFILE", default_value = "hrex")]
    profile: Profile,

    /// Signing time (FHIR instant); default: now.
    #[arg(long, value_name = "INSTANT")]
    at: Option<String>,

    #[command(flatten)]
    preflight: crate::commands::sign_preflight::PreflightArgs,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE", conflicts_with = "in_place")]
    output: Option<PathBuf>,

    /// Replace FILE with the result.
    #[arg(long)]
    in_place: bool,
}

/// Runs `fhirsig provenance sign`.
pub fn run(args: SignArgs) -> Result<Status, CliError> {
    let input = read_input(&args.file)?;
    let text = std::str::from_utf8(&input.bytes)
        .map_err(|_| input_error(&input.name, "not UTF-8"))?
        .to_owned();
    let loaded = args.key.load(args.cert.as_deref())?;
    let certificates =
        crate::inputs::certificates::signer_chain(args.cert.as_deref(), &loaded)?.to_der_list();
    let when: Instant = recorded_or_now(args.at.as_deref())
        .map_err(|_| CliError::input("--at: not a FHIR instant (e.g. 2026-06-01T08:00:00Z)"))?;
    let kind = if args.author_signature {
        SignatureType::Author
    } else {
        SignatureType::Verification
    };
    let identifier = who_identifier(&args, &certificates)?;
    if !certificates.is_empty() {
        let chain = fhirsig_core::trust::CertificateChain::from_der(certificates.clone())
            .map_err(|e| CliError::input(format!("the signer certificate chain: {e}")))?;
        let signing_time = time::OffsetDateTime::parse(
            when.as_str(),
            &time::format_description::well_known::Rfc3339,
        )
        .map_err(|_| CliError::input("--at: not a FHIR instant (e.g. 2026-06-01T08:00:00Z)"))?;
        let who = identifier
            .as_ref()
            .map(|(system, value)| (system.as_deref(), value.as_str()));
        args.preflight.run(
            &chain,
            who,
            signing_time,
            fhirsig_core::Policy::for_profile(fhirsig_core::fhir::Profile::Cdex),
        )?;
    }
    let mut signer = Signer {
        key: loaded.signer.as_ref(),
        certificates,
        when: when.clone(),
        who: Reference::to(""),
        on_behalf_of: args.on_behalf_of.as_deref().map(reference),
        kind,
    };
    let out = if args.embedded {
        let who = args.who.as_deref().ok_or_else(|| {
            CliError::input("--embedded needs --who (the signer: Practitioner/…, Organization/…)")
        })?;
        signer.who = with_identifier(reference(who), &identifier);
        let options = EmbeddedOptions {
            profile: args.profile,
            recorded: when,
        };
        sign_bundle_embedded(&text, &signer, &options).map_err(|e| input_error(&input.name, e))?
    } else {
        sign_each(&text, &input.name, &args, &identifier, &mut signer)?
    };
    let bytes = out.into_bytes();
    if args.in_place {
        write_in_place(&args.file, &bytes)?;
    } else {
        Output::from_option(args.output).write(&bytes)?;
    }
    Ok(Status::Success)
}

/// `Signature.who.identifier`: `--who-system`/`--who-value`, else the certificate's first
/// identifier SAN (its NPI), as `fhirsig sign` does.
fn who_identifier(
    args: &SignArgs,
    certificates: &[Vec<u8>],
) -> Result<Option<(Option<String>, String)>, CliError> {
    let from_cert = certificates
        .first()
        .and_then(|der| Certificate::from_der(der).ok())
        .map(|leaf| certificate_identifiers(&leaf))
        .unwrap_or_default();
    Ok(match (&args.who_system, &args.who_value) {
        (system, Some(value)) => Some((
            system
                .clone()
                .or_else(|| from_cert.first().map(|(s, _)| (*s).to_owned())),
            value.clone(),
        )),
        (_, None) => match from_cert.first() {
            Some((system, value)) => Some(((*system).to_owned().into(), value.clone())),
            None => {
                diagnostic(
                    "warning",
                    "the signer certificate carries no identifier SAN (e.g. an NPI otherName) and --who-value was not given: Signature.who has no identifier, so verifiers cannot match the signer to the certificate",
                );
                None
            }
        },
    })
}

fn with_identifier(who: Reference, identifier: &Option<(Option<String>, String)>) -> Reference {
    match identifier {
        Some((system, value)) => who.with_identifier(system.as_deref(), value.clone()),
        None => who,
    }
}

fn sign_each(
    text: &str,
    name: &str,
    args: &SignArgs,
    identifier: &Option<(Option<String>, String)>,
    signer: &mut Signer<'_>,
) -> Result<String, CliError> {
    let pointers: Vec<(String, Option<String>)> = {
        let doc =
            fhirsig_jcs::parse(text.as_bytes()).map_err(|e| crate::error::json_error(name, &e))?;
        let candidates: Vec<(String, fhirsig_jcs::Node<'_>)> = match &args.pointer {
            Some(p) => doc.pointer(p).map(|n| (p.clone(), n)).into_iter().collect(),
            None => doc
                .root()
                .get("entry")
                .iter()
                .flat_map(|e| e.elements())
                .enumerate()
                .filter_map(|(i, e)| Some((format!("/entry/{i}/resource"), e.get("resource")?)))
                .filter(|(_, r)| {
                    r.get("resourceType").and_then(|t| t.as_str()) == Some("Provenance")
                        && !is_embedded_signing_provenance(*r)
                })
                .collect(),
        };
        candidates
            .into_iter()
            .map(|(p, r)| {
                let first_who = r
                    .get("agent")
                    .and_then(|a| a.elements().next())
                    .and_then(|a| a.get("who"))
                    .and_then(|w| w.get("reference"))
                    .and_then(|w| w.as_str())
                    .map(str::to_owned);
                (p, first_who)
            })
            .collect()
    };
    if pointers.is_empty() {
        return Err(input_error(name, "no Provenance to sign")
            .with_hint("the file must be a Bundle with Provenance entries and their targets; use --embedded to sign the Bundle itself"));
    }
    let mut out = text.to_owned();
    for (pointer, first_who) in pointers {
        let who = args.who.clone().or(first_who).ok_or_else(|| {
            input_error(
                name,
                format!("{pointer}: no agent.who to sign as; give --who"),
            )
        })?;
        signer.who = with_identifier(reference(&who), identifier);
        out = sign_provenance_in_bundle(&out, &pointer, signer)
            .map_err(|e| input_error(name, format!("{pointer}: {e}")))?;
    }
    Ok(out)
}
