//! `fhirsig doc sign`.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use fhirsig_core::document::{media_type_for, uri_for_path, DocumentDigest, DocumentSigner};
use fhirsig_core::jws::Algorithm;

use super::fhir;
use crate::error::CliError;
use crate::inputs::signing_key::KeyArgs;
use crate::inputs::{certificates, clock};
use crate::io::{diagnostic, write_atomically, write_stdout};

/// Above this size one file is signed with `sigD` (constant memory) instead of RFC 7515 detached
/// content, whose signing input holds the whole file's base64url.
pub const SIGD_THRESHOLD: u64 = 64 * 1024 * 1024;

/// Signature formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compact JWS (`.jws`): RFC 7515 detached content for one small file, JAdES sigD otherwise.
    Jws,
    /// CMS / CAdES-BES detached SignedData (`.p7s`), one file.
    Cms,
}

/// Arguments of `fhirsig doc sign`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig doc sign ccd.xml --key signer.key.pem --cert chain.pem           writes ccd.xml.jws
  fhirsig doc sign ccd.xml scan.pdf --key k.pem --cert chain.pem -o set.jws  one sigD signature
  fhirsig doc sign big.pdf --sigd --key k.pem --cert chain.pem             hash-based, constant memory
  fhirsig doc sign scan.pdf --format cms --key k.pem --cert chain.pem      writes scan.pdf.p7s
  fhirsig doc sign ccd.xml --key k.pem --cert chain.pem --fhir --target DocumentReference/7
      also writes ccd.xml.jws.provenance.json: a Provenance carrying the signature

One file is signed as an RFC 7515 detached JWS over its bytes (any JOSE library verifies it)
unless it is larger than 64 MiB or --sigd is given; several files always get one JAdES sigD
signature naming each file by URI (its path as given, or --uri) and SHA-256.
CMS signatures verify with: openssl cms -verify -binary -inform DER -in F.p7s -content F -CAfile ROOT
Exit status: 0 written, 2 bad input.")]
pub struct SignArgs {
    /// The documents to sign.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    #[command(flatten)]
    key: KeyArgs,

    /// Certificate chain, PEM, signer first, or one DER certificate (goes into x5c or the CMS
    /// certificates); default: the chain in the PKCS#12 file or on the token.
    #[arg(long, value_name = "CHAIN.pem")]
    cert: Option<PathBuf>,

    /// Where to write the signature (default: the first file's name plus .jws or .p7s).
    #[arg(short, long, value_name = "SIG")]
    output: Option<PathBuf>,

    /// Signature format.
    #[arg(long, value_enum, default_value = "jws")]
    format: Format,

    /// Use a JAdES sigD header (documents by URI and SHA-256) even for one small file.
    #[arg(long)]
    sigd: bool,

    /// The URI naming each file in a sigD signature, in file order (default: the path as given).
    #[arg(long = "uri", value_name = "URI")]
    uris: Vec<String>,

    /// JWS algorithm (default: RS256 for RSA, ES256/ES384 for EC, EdDSA for Ed25519).
    #[arg(long, value_name = "ALG")]
    alg: Option<String>,

    /// Claimed signing time, RFC 3339 (default: now); written as sigT or CMS signing-time.
    #[arg(long, value_name = "SIGT")]
    at: Option<String>,

    #[command(flatten)]
    preflight: crate::commands::sign_preflight::PreflightArgs,

    /// Also write a FHIR Provenance carrying the signature (targetFormat = the document's media
    /// type), to travel with the DocumentReference or Binary named by --target. A JWS over one
    /// document then names it by --target in a JAdES sigD header, so the signature binds which
    /// resource holds it (`doc verify PROVENANCE FILE` checks target, who, when and type).
    #[arg(long, requires = "target")]
    fhir: bool,

    /// With --fhir: the reference of the resource holding the document, e.g. DocumentReference/123.
    #[arg(long, value_name = "REF")]
    target: Option<String>,

    /// With --fhir: where to write the Provenance (default: the signature's name plus
    /// .provenance.json).
    #[arg(long, value_name = "FILE")]
    fhir_output: Option<PathBuf>,

    /// With --fhir: Signature.who.identifier.system (default: the certificate's NPI system).
    #[arg(long, value_name = "URI", requires = "who_value")]
    who_system: Option<String>,

    /// With --fhir: Signature.who.identifier.value (default: the certificate's NPI).
    #[arg(long, value_name = "VALUE")]
    who_value: Option<String>,
}

/// Runs `fhirsig doc sign`.
pub fn run(args: SignArgs) -> Result<(), CliError> {
    if args.uris.len() > args.files.len() {
        return Err(CliError::input("more --uri values than files"));
    }
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(CliError::input("standard input (-) can be read only once"));
    }
    if args.fhir && args.fhir_output.is_none() && args.output.as_deref() == Some(Path::new("-")) {
        return Err(CliError::input(
            "--fhir with -o - has no file name to add .provenance.json to",
        )
        .with_hint("name the Provenance file with --fhir-output FILE"));
    }
    let loaded = args.key.load(args.cert.as_deref())?;
    let chain = match &args.cert {
        Some(path) => certificates::pem_chain(path)?,
        None if !loaded.chain.is_empty() => loaded.chain.clone(),
        None if args.format == Format::Cms => {
            return Err(CliError::input("a CMS signature needs --cert CHAIN.pem"));
        }
        None => {
            diagnostic(
                "warning",
                "no --cert: the JWS has no x5c, so only --key can verify it",
            );
            Vec::new()
        }
    };
    let at = clock::calendar_at_or_now(args.at.as_deref())?;
    if !chain.is_empty() {
        let parsed = fhirsig_core::trust::CertificateChain::from_der(chain.clone())
            .map_err(|e| CliError::input(format!("the signer certificate chain: {e}")))?;
        // Only a Provenance written with --fhir names the signer (Signature.who).
        let who_system = args
            .who_system
            .as_deref()
            .unwrap_or("http://hl7.org/fhir/sid/us-npi");
        let who = args
            .who_value
            .as_deref()
            .filter(|_| args.fhir)
            .map(|value| (Some(who_system), value));
        args.preflight.run(
            &parsed,
            who,
            at,
            fhirsig_core::Policy::for_profile(fhirsig_core::fhir::Profile::Cdex),
        )?;
    }
    let leaf = chain.first().cloned();
    let mut signer = DocumentSigner::new(loaded.signer.as_ref(), chain).signing_time(at);
    if let Some(name) = &args.alg {
        let alg = Algorithm::from_name(name).map_err(|e| CliError::input(format!("--alg: {e}")))?;
        signer = signer.algorithm(alg);
    }
    let output = output_path(&args)?;
    let (bytes, what) = match args.format {
        Format::Cms => {
            let [file] = args.files.as_slice() else {
                return Err(CliError::input("a CMS signature covers one file")
                    .with_hint("use --format jws to sign several files with one signature"));
            };
            let digest = digest(file, None)?;
            let p7s = signer
                .sign_cms(&digest)
                .map_err(|e| CliError::input(e.to_string()))?;
            (p7s, "CMS detached SignedData".to_owned())
        }
        Format::Jws => sign_jws(&args, &signer)?,
    };
    // The Provenance is made, and its path checked, before anything is written: a refusal
    // leaves no signature without the Provenance that was asked for.
    let provenance = match args.fhir {
        true => Some(fhir_provenance(
            &args,
            &output,
            &bytes,
            at,
            leaf.as_deref(),
        )?),
        false => None,
    };
    if let Some((path, _)) = &provenance {
        if same_file(path, &output) {
            return Err(CliError::input(format!(
                "--fhir-output {} is the signature's own path",
                path.display()
            ))
            .with_hint("name another --fhir-output"));
        }
        crate::io::check_writable(path)?;
    }
    write_atomically(&output, &bytes)?;
    write_stdout(format!("{}: {what}\n", output.display()).as_bytes())?;
    if let Some((path, text)) = provenance {
        write_atomically(&path, text.as_bytes())?;
        write_stdout(
            format!(
                "{}: FHIR Provenance carrying the signature\n",
                path.display()
            )
            .as_bytes(),
        )?;
    }
    Ok(())
}

/// The `--fhir` Provenance's path and text.
fn fhir_provenance(
    args: &SignArgs,
    output: &Path,
    bytes: &[u8],
    at: time::OffsetDateTime,
    leaf: Option<&[u8]>,
) -> Result<(PathBuf, String), CliError> {
    let path = args.fhir_output.clone().unwrap_or_else(|| {
        let mut name = output.to_path_buf().into_os_string();
        name.push(".provenance.json");
        PathBuf::from(name)
    });
    let media_type = match args.files.as_slice() {
        [file] => media_type_for(&file.display().to_string()).to_owned(),
        _ => "multipart/mixed".to_owned(),
    };
    let when = time::format_description::well_known::Rfc3339;
    let when = at
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&when)
        .map_err(|e| CliError::input(e.to_string()))?;
    let who = args.who_value.clone().map(|value| {
        let system = args
            .who_system
            .clone()
            .unwrap_or_else(|| "http://hl7.org/fhir/sid/us-npi".to_owned());
        (system, value)
    });
    let text = fhir::provenance(&fhir::Carriage {
        target: args.target.as_deref().unwrap_or_default(),
        media_type: &media_type,
        sig_format: match args.format {
            Format::Jws => "application/jose",
            Format::Cms => "application/pkcs7-signature",
        },
        signature: bytes,
        when: &when,
        who,
        leaf,
    })?;
    Ok((path, text))
}

fn sign_jws(args: &SignArgs, signer: &DocumentSigner<'_>) -> Result<(Vec<u8>, String), CliError> {
    // With --fhir the one document is named by the Provenance's target in a sigD header, so
    // the signature binds which resource holds it (doc verify checks Provenance.target).
    let fhir_target = match (args.fhir, args.files.len(), args.uris.is_empty()) {
        (true, 1, true) => args.target.clone(),
        _ => None,
    };
    if let ([file], false, true, None) = (
        args.files.as_slice(),
        args.sigd,
        args.uris.is_empty(),
        &fhir_target,
    ) {
        // The form is decided from the bytes read, not from a size the file system reports:
        // a pipe or a device says 0 and may hold gigabytes.
        match open_document(file)? {
            Document::Small(bytes) => {
                let jws = signer
                    .sign_detached(&bytes)
                    .map_err(|e| CliError::input(e.to_string()))?;
                return Ok((
                    jws.into_bytes(),
                    "detached JWS (RFC 7515) over the file's bytes".to_owned(),
                ));
            }
            Document::Large { name, prefix, rest } => {
                diagnostic(
                    "note",
                    "the file is larger than 64 MiB: signing its SHA-256 with a sigD header",
                );
                let digest = DocumentDigest::from_reader(
                    &uri_for_path(&name),
                    std::io::Cursor::new(prefix).chain(rest),
                )
                .map(|d| d.with_media_type(media_type_for(&name)))
                .map_err(|e| CliError::input(format!("{name}: {e}")))?;
                return sign_sigd(signer, &[digest]);
            }
        }
    }
    let digests = args
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let uri = args.uris.get(i).or(fhir_target.as_ref());
            digest(f, uri.map(String::as_str))
        })
        .collect::<Result<Vec<_>, _>>()?;
    sign_sigd(signer, &digests)
}

fn sign_sigd(
    signer: &DocumentSigner<'_>,
    digests: &[DocumentDigest],
) -> Result<(Vec<u8>, String), CliError> {
    let jws = signer
        .sign_sigd(digests)
        .map_err(|e| CliError::input(e.to_string()))?;
    let what = format!("JAdES sigD JWS over {} document(s)", digests.len());
    Ok((jws.into_bytes(), what))
}

/// One document to sign on its own.
enum Document {
    /// All of it: at most [`SIGD_THRESHOLD`] bytes.
    Small(Vec<u8>),
    /// Larger: what was read of it, and the rest, to be hashed as it streams.
    Large {
        name: String,
        prefix: Vec<u8>,
        rest: Box<dyn Read>,
    },
}

/// Opens `path` (`-`: standard input) and reads at most [`SIGD_THRESHOLD`] + 1 bytes of it; a
/// regular file known to be larger is not read here at all.
fn open_document(path: &Path) -> Result<Document, CliError> {
    let name = path.display().to_string();
    let (mut reader, size) = open(path, &name)?;
    if size.is_some_and(|n| n > SIGD_THRESHOLD) {
        return Ok(Document::Large {
            name,
            prefix: Vec::new(),
            rest: reader,
        });
    }
    let reserve = size.map_or(0, |n| usize::try_from(n).unwrap_or(0).saturating_add(1));
    let mut prefix = Vec::with_capacity(reserve);
    (&mut reader)
        .take(SIGD_THRESHOLD + 1)
        .read_to_end(&mut prefix)
        .map_err(|e| crate::io::read_error(&name, &e, true))?;
    if prefix.len() as u64 <= SIGD_THRESHOLD {
        return Ok(Document::Small(prefix));
    }
    Ok(Document::Large {
        name,
        prefix,
        rest: reader,
    })
}

/// Opens a document to sign or check (`-`: standard input), noted as an input of the run, and
/// its size when it is a regular file.
fn open(path: &Path, name: &str) -> Result<(Box<dyn Read>, Option<u64>), CliError> {
    if path.as_os_str() == "-" {
        crate::io::note_stdin();
        return Ok((Box::new(std::io::stdin()), None));
    }
    let file = File::open(path).map_err(|e| crate::io::read_error(name, &e, true))?;
    crate::io::note_input(path);
    let size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    Ok((Box::new(file), size))
}

/// Hashes a file (`-`: standard input) while reading it.
pub fn digest(path: &Path, uri: Option<&str>) -> Result<DocumentDigest, CliError> {
    let name = path.display().to_string();
    let uri = uri.map_or_else(|| uri_for_path(&name), str::to_owned);
    let (reader, _) = open(path, &name)?;
    DocumentDigest::from_reader(&uri, reader)
        .map(|d| d.with_media_type(media_type_for(&name)))
        .map_err(|e| CliError::input(format!("{name}: {e}")))
}

/// `-o`, or the first file plus `.jws`/`.p7s`; never one of the inputs.
fn output_path(args: &SignArgs) -> Result<PathBuf, CliError> {
    let extension = match args.format {
        Format::Jws => "jws",
        Format::Cms => "p7s",
    };
    let path = match &args.output {
        Some(p) => p.clone(),
        None if args.files[0].as_os_str() == "-" => {
            return Err(CliError::input(
                "signing standard input needs -o: there is no file name to add .jws or .p7s to",
            )
            .with_hint("name the signature file with -o SIG"));
        }
        None => {
            let mut name = args.files[0].clone().into_os_string();
            name.push(".");
            name.push(extension);
            PathBuf::from(name)
        }
    };
    if args.files.iter().any(|f| same_file(f, &path)) {
        return Err(CliError::input(format!(
            "{} is one of the files to sign; it will not be overwritten",
            path.display()
        ))
        .with_hint("choose another -o"));
    }
    Ok(path)
}

/// Whether two paths name the same file, also when neither exists yet (`a.jws`, `./a.jws`
/// and its absolute path are one file).
fn same_file(a: &Path, b: &Path) -> bool {
    resolved(a) == resolved(b)
}

/// The path with its links and `.`/`..` resolved: the file's, or, for a file not there yet,
/// its folder's joined with its name.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (folder.canonicalize(), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}
