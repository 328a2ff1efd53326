//! `fhirsig canon`: the RFC 8785 form of any JSON, or the exact signing payload of a FHIR
//! resource.

use std::path::PathBuf;

use clap::Args;
use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::locate::{is_questionnaire_item, locate, Located};
use fhirsig_core::payload::{item_payload, resource_payload, SignedObject};
use fhirsig_jcs::{Document, Exclusions, NumberChanges};

use crate::error::{json_error, CliError};
use crate::io::{diagnostic, read_input, with_raw_stdout, Output};

/// Arguments of `fhirsig canon`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig canon bundle.json                      RFC 8785 bytes of any JSON
  fhirsig canon - < bundle.json                  the same, from standard input
  fhirsig canon --payload signed-bundle.json     the bytes a Bundle signature covers
  fhirsig canon --payload --pointer /parameter/7/part/2/resource attachment.json

Exit status: 0 success, 2 bad input (one line on stderr names the problem and its JSON Pointer).
Output has no trailing newline: it is exactly the canonical bytes.")]
pub struct CanonArgs {
    /// JSON file to read; `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    file: PathBuf,

    /// Write the signing payload of a FHIR Bundle, QuestionnaireResponse or QuestionnaireResponse
    /// item instead of the whole document.
    #[arg(long)]
    payload: bool,

    /// Canonicalisation URI for --payload (default: the signature's targetFormat if it names one,
    /// else http://hl7.org/fhir/canonicalization/json#document, the CDex rule).
    // The comment is also `--help` text, where the URI is written as users type it.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URI", requires = "payload")]
    canonicalization: Option<String>,

    /// JSON Pointer of the object to sign, when the file holds several (e.g. a Parameters).
    #[arg(long, value_name = "POINTER", requires = "payload")]
    pointer: Option<String>,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Do not warn about numbers whose canonical form differs from how they were written.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `fhirsig canon`.
pub fn run(args: CanonArgs) -> Result<(), CliError> {
    let input = read_input(&args.file)?;
    let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
    let output = Output::from_option(args.output.clone());
    if args.payload {
        let (bytes, changes) = payload_bytes(&doc, &input.name, &args)?;
        if !args.quiet {
            warn_number_changes(&input.name, &changes);
        }
        return output.write(&bytes);
    }
    let root = doc.root().id();
    let none = Exclusions::new();
    if !args.quiet {
        warn_number_changes(&input.name, &doc.number_changes(root, &none));
    }
    match output {
        // Streamed: a large document's canonical form is never held whole in memory.
        Output::Stdout => with_raw_stdout(|stdout| doc.stream_canonical(root, &none, stdout)),
        Output::File(_) => output.write(&doc.canonical_bytes()),
    }
}

fn payload_bytes(
    doc: &Document<'_>,
    source: &str,
    args: &CanonArgs,
) -> Result<(Vec<u8>, NumberChanges), CliError> {
    // An item need not be signed yet to have a payload (the bytes its signer will sign).
    if let Some(pointer) = args.pointer.as_deref() {
        if let (true, Some(item)) = (is_questionnaire_item(doc, pointer), doc.pointer(pointer)) {
            let payload =
                item_payload(doc, item).map_err(|e| CliError::input(format!("{source}: {e}")))?;
            return Ok((payload.bytes, payload.number_changes));
        }
    }
    let located = locate(doc);
    let target = choose_target(doc, source, &located, args.pointer.as_deref())?;
    let payload = match target.object {
        SignedObject::QuestionnaireResponseItem => item_payload(doc, target.node),
        _ => {
            let rule = choose_rule(target, args.canonicalization.as_deref())?;
            resource_payload(doc, target.node, rule)
        }
    }
    .map_err(|e| CliError::input(format!("{source}: {e}")))?;
    Ok((payload.bytes, payload.number_changes))
}

fn choose_target<'l, 'd>(
    doc: &Document<'_>,
    source: &str,
    located: &'l [Located<'d>],
    pointer: Option<&str>,
) -> Result<&'l Located<'d>, CliError> {
    if let Some(pointer) = pointer {
        if doc.pointer(pointer).is_none() {
            return Err(CliError::input(format!(
                "{source}: nothing at JSON Pointer {pointer:?}"
            )));
        }
        if let Some(found) = located.iter().find(|l| l.pointer == pointer) {
            return Ok(found);
        }
        return Err(CliError::input(format!(
            "{source}: the value at {pointer:?} is not a Bundle, QuestionnaireResponse or QuestionnaireResponse item"
        ))
        .with_hint(candidates_hint(located)));
    }
    if let Some(root) = located.first().filter(|l| l.pointer.is_empty()) {
        return Ok(root);
    }
    let resources: Vec<&Located<'d>> = located
        .iter()
        .filter(|l| l.object != SignedObject::QuestionnaireResponseItem)
        .collect();
    match resources.as_slice() {
        [only] => Ok(only),
        [] => Err(CliError::input(format!(
            "{source}: no Bundle or QuestionnaireResponse found (a signing payload needs one)"
        ))
        .with_hint("without --payload, canon writes the RFC 8785 form of any JSON")),
        _ => Err(CliError::input(format!(
            "{source}: several signable objects; choose one with --pointer"
        ))
        .with_hint(candidates_hint(located))),
    }
}

fn candidates_hint(located: &[Located<'_>]) -> String {
    if located.is_empty() {
        return "this file holds no Bundle or QuestionnaireResponse".to_owned();
    }
    let list: Vec<String> = located.iter().map(|l| format!("{:?}", l.pointer)).collect();
    format!("signable objects are at {}", list.join(", "))
}

fn choose_rule(target: &Located<'_>, uri: Option<&str>) -> Result<Canonicalization, CliError> {
    if let Some(uri) = uri {
        return Canonicalization::from_uri(uri).map_err(|e| CliError::input(e.to_string()));
    }
    let declared = target
        .signatures
        .first()
        .and_then(|s| s.get("targetFormat"))
        .and_then(|t| t.as_str())
        .map(Canonicalization::from_target_format);
    match declared {
        Some(Ok(Some(rule))) => Ok(rule),
        Some(Err(e)) => Err(CliError::input(format!("Signature.targetFormat: {e}"))
            .with_hint("pass --canonicalization URI to choose the rule yourself")),
        _ => Ok(Canonicalization::Document),
    }
}

/// Numbers shown one per line before the rest are counted.
const SHOWN_CHANGES: usize = 10;

/// How many characters of a number or pointer a warning shows.
const SHOWN_CHARS: usize = 200;

fn warn_number_changes(source: &str, changes: &NumberChanges) {
    let shown = changes
        .listed()
        .get(..SHOWN_CHANGES)
        .unwrap_or(changes.listed());
    for change in shown {
        let at = if change.pointer.is_empty() {
            "(root)".into()
        } else {
            fhirsig_jcs::shortened(&change.pointer, SHOWN_CHARS)
        };
        diagnostic(
            "warning",
            &format!(
                "{source}: number at {at} is written {} but canonicalises to {} (its precision is not protected by a signature)",
                fhirsig_jcs::shortened(&change.lexical, SHOWN_CHARS),
                change.canonical
            ),
        );
    }
    if changes.len() > shown.len() {
        diagnostic(
            "warning",
            &format!(
                "{source}: {} more numbers change form when canonicalised (-q hides these warnings)",
                changes.len() - shown.len()
            ),
        );
    }
}
