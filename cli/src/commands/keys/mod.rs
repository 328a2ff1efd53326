//! `fhirsig keys`: what is on a PKCS#11 token, and whether a key and a certificate belong
//! together (and what the certificate lets the key sign).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use fhirsig_core::trust::{
    certificate_identifiers, extended_key_usages, format_rfc3339, key_usage_names, Certificate,
};
use fhirsig_pkcs11::{ObjectInfo, Pkcs11Uri};
use serde_json::json;

use crate::error::{CliError, Status};
use crate::inputs::signing_key::{module_from, pin_from, pkcs11_error, KeyArgs};
use crate::io::write_stdout;
use crate::terminal::escape;

/// Subcommands of `fhirsig keys`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List the tokens of a PKCS#11 module and their objects (labels, ids, key types; no secrets).
    List(ListArgs),
    /// Check that a key and a certificate belong together, and what the certificate allows.
    Check(CheckArgs),
}

/// Arguments of `fhirsig keys list`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig keys list --pkcs11-module /usr/lib/softhsm/libsofthsm2.so
  fhirsig keys list --pkcs11-module /opt/hsm/lib/libCryptoki2.so --token ehr --pin-file /run/pin

Private keys are visible only after a login: give the PIN (--pin-file or FHIRSIG_PKCS11_PIN)
to list them. Each object's URI can be passed as --key to the signing commands.
Exit status: 0 listed; 2 module, token or PIN problem.")]
pub struct ListArgs {
    /// The PKCS#11 module (shared library); default: FHIRSIG_PKCS11_MODULE.
    #[arg(long, value_name = "MODULE.so")]
    pkcs11_module: Option<PathBuf>,

    /// Only this token (label).
    #[arg(long, value_name = "LABEL")]
    token: Option<String>,

    /// File whose first line is the PIN (to see private keys); default: FHIRSIG_PKCS11_PIN.
    #[arg(long, value_name = "FILE")]
    pin_file: Option<PathBuf>,

    /// JSON lines, one per object, instead of a table.
    #[arg(long)]
    json: bool,
}

/// Arguments of `fhirsig keys check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig keys check --key signer.key.pem --cert signer.cert.pem
  fhirsig keys check --key signer.p12 --key-password-file pw.txt
  fhirsig keys check --key 'pkcs11:token=ehr;object=signing' --pkcs11-module M --pin-file F

Without --cert the certificate comes from the PKCS#12 file or the token.
Exit status: 0 the key is the certificate's; 1 it is not; 2 bad input.")]
pub struct CheckArgs {
    #[command(flatten)]
    key: KeyArgs,

    /// The certificate chain (PEM, the signer's first, or one DER certificate); default: from
    /// the key file or token.
    #[arg(long, value_name = "CERT.pem")]
    cert: Option<PathBuf>,

    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig keys`.
pub fn run(command: KeysCommand) -> Result<Status, CliError> {
    match command {
        KeysCommand::List(args) => list(args),
        KeysCommand::Check(args) => check(args),
    }
}

fn list(args: ListArgs) -> Result<Status, CliError> {
    let module = module_from(args.pkcs11_module.as_deref())?;
    let uri = Pkcs11Uri {
        token: args.token.clone(),
        ..Pkcs11Uri::default()
    };
    let pin = pin_from(args.pin_file.as_deref(), &uri)?;
    let tokens: Vec<_> = module
        .tokens()
        .map_err(pkcs11_error)?
        .into_iter()
        .filter(|t| args.token.as_ref().is_none_or(|l| *l == t.label))
        .collect();
    if let (Some(label), true) = (&args.token, tokens.is_empty()) {
        return Err(
            CliError::input(format!("no token labelled {label:?} in the module"))
                .with_hint("`fhirsig keys list --pkcs11-module M` shows every token"),
        );
    }
    let mut out = String::new();
    let mut failed = false;
    for t in &tokens {
        let objects = module.list(t, &uri, pin.as_ref());
        if args.json {
            match &objects {
                Ok(objects) => {
                    for o in objects {
                        let line = json!({"token": o.token, "class": o.class,
                            "keyType": o.key_type, "id": o.id, "label": o.label, "uri": o.uri});
                        out.push_str(&format!("{line}\n"));
                    }
                }
                Err(e) => {
                    let line = json!({"token": t.label, "error": e.to_string()});
                    out.push_str(&format!("{line}\n"));
                }
            }
            failed |= objects.is_err();
            continue;
        }
        out.push_str(&format!(
            "token {} (slot {}, {} {}, serial {}){}\n",
            escape(&format!("{:?}", t.label)),
            t.slot,
            escape(&t.manufacturer),
            escape(&t.model),
            escape(&t.serial),
            if t.pin_locked { ", PIN LOCKED" } else { "" }
        ));
        match objects {
            Ok(objects) if objects.is_empty() => out.push_str("  (no objects visible)\n"),
            Ok(objects) => objects.iter().for_each(|o| out.push_str(&object_line(o))),
            Err(e) => {
                failed = true;
                out.push_str(&format!("  cannot list: {}\n", escape(&e.to_string())));
            }
        }
    }
    if !args.json && pin.is_none() {
        out.push_str(
            "(private keys are listed after a login: give --pin-file or FHIRSIG_PKCS11_PIN)\n",
        );
    }
    write_stdout(out.as_bytes())?;
    // A token named with --token that cannot be listed is an error; with all tokens, the
    // others' listing still stands.
    Ok(if failed && args.token.is_some() {
        Status::BadInput
    } else {
        Status::Success
    })
}

fn object_line(o: &ObjectInfo) -> String {
    format!(
        "  {:<12} {:<4} id={:<6} {:<20} {}\n",
        o.class,
        o.key_type.as_deref().unwrap_or(""),
        o.id,
        escape(&format!("{:?}", o.label)),
        escape(&o.uri)
    )
}

fn check(args: CheckArgs) -> Result<Status, CliError> {
    let loaded = args.key.load(args.cert.as_deref())?;
    let chain = crate::inputs::certificates::signer_chain(args.cert.as_deref(), &loaded)?;
    let leaf: &Certificate = chain.leaf();
    let key_jwk = loaded.signer.verifying_key().to_jwk();
    let cert_key = fhirsig_core::jws::VerifyingKey::from_certificate_der(leaf.der()).ok();
    let same_public_key = cert_key.as_ref().is_some_and(|k| k.to_jwk() == key_jwk);
    // The public halves can agree while the private key is another one (a token whose
    // certificate is not its key's): one test signature, checked with the certificate's key,
    // is what proves the pair.
    const PROBE: &[u8] = b"fhirsig keys check: test signature";
    let alg = loaded.signer.default_algorithm();
    let test_signature = match loaded.signer.sign_raw(alg, PROBE) {
        Ok(sig) => cert_key
            .as_ref()
            .is_some_and(|k| k.verify_signature(alg, PROBE, &sig).is_ok()),
        Err(_) => false,
    };
    let matches = same_public_key && test_signature;
    let key_usage = key_usage_names(leaf);
    let ekus = extended_key_usages(leaf);
    let identifiers = certificate_identifiers(leaf);
    let signs = key_usage
        .as_ref()
        .is_none_or(|bits| bits.contains(&"digitalSignature") || bits.contains(&"nonRepudiation"));
    let algorithms: Vec<&str> = loaded
        .signer
        .algorithms()
        .iter()
        .map(|a| a.name())
        .collect();
    let not_before = format_rfc3339(leaf.not_before());
    let not_after = format_rfc3339(leaf.not_after());
    let out = if args.json {
        let value = json!({
            "key": {"source": loaded.source, "kind": loaded.signer.kind().to_string(),
                    "algorithms": algorithms},
            "certificate": {"subject": leaf.subject(), "issuer": leaf.issuer(),
                "serial": leaf.serial_hex(), "notBefore": not_before, "notAfter": not_after,
                "isCa": leaf.is_ca(), "keyUsage": key_usage,
                "extendedKeyUsage": ekus.as_ref().map(|e| e.iter().map(|(oid, name)|
                    json!({"oid": oid, "name": name})).collect::<Vec<_>>()),
                "identifiers": identifiers.iter().map(|(system, value)|
                    json!({"system": system, "value": value})).collect::<Vec<_>>()},
            "chainLength": chain.to_der_list().len(),
            "keyMatchesCertificate": matches,
            "samePublicKey": same_public_key,
            "testSignatureVerifies": test_signature,
            "keyUsageAllowsSignatures": signs,
        });
        format!("{value}\n")
    } else {
        let mut text = String::new();
        text.push_str(&format!(
            "key          {} from {}\n",
            loaded.signer.kind(),
            escape(&loaded.source)
        ));
        text.push_str(&format!("  signs with {}\n", algorithms.join(", ")));
        text.push_str(&format!("certificate  {}\n", escape(&leaf.subject())));
        text.push_str(&format!("  issuer     {}\n", escape(&leaf.issuer())));
        text.push_str(&format!("  valid      {not_before} .. {not_after}\n"));
        text.push_str(&format!(
            "  key usage  {}\n",
            key_usage
                .as_ref()
                .map_or("(no KeyUsage extension: any)".to_owned(), |b| b.join(", "))
        ));
        text.push_str(&format!(
            "  EKU        {}\n",
            ekus.as_ref()
                .map_or("(no EKU extension: any)".to_owned(), |e| e
                    .iter()
                    .map(|(oid, name)| name.map_or(oid.clone(), |n| format!("{n} ({oid})")))
                    .collect::<Vec<_>>()
                    .join(", "))
        ));
        for (system, value) in &identifiers {
            text.push_str(&format!("  identifier {system}|{}\n", escape(value)));
        }
        if leaf.is_ca() {
            text.push_str("  note       the certificate is a CA (basicConstraints CA:TRUE)\n");
        }
        text.push_str(&format!(
            "  chain      {} certificate(s)\n",
            chain.to_der_list().len()
        ));
        text.push_str(if matches {
            "match        the key is the certificate's key (a test signature verifies with it)\n"
        } else if same_public_key {
            "MISMATCH     a test signature does NOT verify with the certificate's key: the private key is another one\n"
        } else {
            "MISMATCH     the key is NOT the certificate's key: signatures would not verify\n"
        });
        if !signs {
            text.push_str("warning      KeyUsage allows neither digitalSignature nor nonRepudiation (CONF-051)\n");
        }
        text
    };
    write_stdout(out.as_bytes())?;
    Ok(if matches {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}
