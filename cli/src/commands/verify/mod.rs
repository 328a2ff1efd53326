//! `fhirsig verify`: verify every FHIR JSON signature in one or more files.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Args;
use fhirsig_core::fhir::{
    file_operation_outcome, verify_parsed, write_file_json, write_signature_json, FileRules,
    FileVerdict, Profile, SignatureVerification, VerifyOptions,
};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;

use crate::batch::{discover, records, Record};

mod human;
mod summary;

use crate::error::{CliError, Status};
use crate::html_report::{render, ReportRecord, RunFacts};
use crate::inputs::trust::TrustArgs;
use crate::io::{diagnostic, stdout_closed, write_atomically, write_stdout, write_stdout_parts};
pub(crate) use human::not_verified_reason;
use human::{human, Style};
use summary::Summary;

/// Arguments of `fhirsig verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig verify signed.json --trust roots.pem
  fhirsig verify attachment.json --trust ./anchors/ --crl ca.crl --at 2026-06-01T00:00:00Z
  fhirsig verify signed.json --trust roots.pem --json        one JSON object per signature
  fhirsig verify signed.json --trust roots.pem --outcome     a FHIR OperationOutcome
  fhirsig verify ./received/ export.ndjson.gz --trust roots.pem   folders and bulk NDJSON
  fhirsig verify ./archive/ --trust roots.pem --html audit.html   an offline audit report

Every signature in each file is verified: Bundle.signature, every QuestionnaireResponse and
item signature extension, Provenance.signature, also inside $submit-attachment Parameters and
contained resources; each signer of a JWS JSON serialization separately.
A file verifies when every signature in it verified and a verified signature covers its root
resource (or the --pointer object; for a Parameters, at least one resource it carries).
Resources no verified signature covers are named; --require-all-signed makes them failures.
Without --trust no signer is trusted, so nothing verifies (the report says why).
Folders are searched recursively for .json, .ndjson and .jsonl files (optionally .gz); every
line of NDJSON is one record, verified on every core; a broken or oversized record is reported
and the run goes on. With more than one record a summary closes the output.
Exit status: 0 every signature verified (of a JWS JSON serialization, as many signers as the
policy's signer rule asks); 1 a signature did not verify, or a record has none;
2 bad input or usage (also when any record could not be read or parsed).")]
pub struct VerifyArgs {
    /// FHIR JSON files; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Trust anchors, CRLs, intermediates, EKUs and the verification instant.
    #[command(flatten)]
    trust: TrustArgs,

    /// Hold signatures to this profile, or detect it from each signature.
    #[arg(long, value_name = "PROFILE", default_value = "auto", value_parser = ["auto", "cdex", "cdex2", "r6"])]
    profile: String,

    /// Judge the file by the object at this JSON Pointer instead of its root resource (e.g.
    /// `/contained/0` for a document contained in a Task).
    #[arg(long, value_name = "POINTER")]
    pointer: Option<String>,

    /// Fail a file when any resource it carries is not covered by a verified signature.
    #[arg(long)]
    require_all_signed: bool,

    /// Print JSON Lines: one object per signature and one per file (see docs/cli.md).
    #[arg(long, conflicts_with = "outcome")]
    json: bool,

    /// Print a FHIR OperationOutcome per file (CDex CONF-025 shape).
    #[arg(long)]
    outcome: bool,

    /// Show every check, not only the ones that did not pass.
    #[arg(short, long)]
    verbose: bool,

    /// Also write a self-contained HTML audit report (summary, checks, chains, time lines).
    #[arg(long, value_name = "REPORT.html")]
    html: Option<PathBuf>,

    /// Read every file (and standard input) as NDJSON: one resource per line (gzip allowed).
    /// Files named *.ndjson, *.jsonl (optionally .gz) are NDJSON anyway.
    #[arg(long)]
    ndjson: bool,

    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,

    /// Colour: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,

    /// A record larger than this is one failed record instead of being read (default: the
    /// whole --max-memory).
    #[arg(long, value_name = "BYTES", hide = true)]
    max_record_bytes: Option<usize>,

    /// Bytes of records held at once, read, waiting or being verified (a byte count, or with
    /// K, M or G: 512M). Records are read in chunks of at most a quarter of it, so a batch of
    /// large records waits instead of filling memory. Verifying a record takes memory of
    /// its own besides its bytes, about 1 to 3 times as much (the parse of the document).
    #[arg(long, value_name = "BYTES", default_value = "512M", value_parser = parse_bytes)]
    max_memory: usize,
}

/// `512M`, `2G`, `65536`: a byte count with an optional binary K/M/G suffix (KiB, MiB, GiB).
pub(crate) fn parse_bytes(text: &str) -> Result<usize, String> {
    let trimmed = text.trim();
    let (digits, shift) = match trimmed.as_bytes().last().map(u8::to_ascii_uppercase) {
        Some(b'K') => (&trimmed[..trimmed.len() - 1], 10),
        Some(b'M') => (&trimmed[..trimmed.len() - 1], 20),
        Some(b'G') => (&trimmed[..trimmed.len() - 1], 30),
        _ => (trimmed, 0),
    };
    let value: usize = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a byte count (e.g. 512M, 2G, 65536)"))?;
    let bytes = value
        .checked_mul(1usize << shift)
        .ok_or_else(|| format!("{text:?} is too large"))?;
    if bytes < 1 << 20 {
        return Err(format!("{text:?} is less than 1M"));
    }
    Ok(bytes)
}

/// Records verified together at most; results are written in input order after each chunk.
const CHUNK: usize = 256;

/// Up to [`CHUNK`] records, or fewer once they hold `budget` bytes (always at least one).
fn next_chunk(records: &mut impl Iterator<Item = Record>, budget: usize) -> Vec<Record> {
    let mut chunk = Vec::new();
    let mut bytes = 0usize;
    while chunk.len() < CHUNK && bytes < budget {
        let Some(record) = records.next() else { break };
        bytes = bytes.saturating_add(record.bytes.as_ref().map_or(0, Vec::len));
        chunk.push(record);
    }
    chunk
}

/// What one record came to.
pub(super) enum RecordOutcome {
    /// The record parsed; these are its signatures (none when unsigned) and its verdict.
    Verified(Vec<SignatureVerification>, FileVerdict),
    /// The record could not be read or parsed (bad input).
    Error(String),
}

/// Runs `fhirsig verify`.
pub fn run(args: VerifyArgs) -> Result<Status, CliError> {
    let options = args.trust.options(Profile::from_name(&args.profile))?;
    let rules = FileRules::under(
        options.policy.as_deref(),
        args.pointer.clone(),
        args.require_all_signed,
    );
    if let Some(jobs) = args.jobs {
        // Only fails when a pool was built already, which does not happen here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global();
    }
    let sources = discover(&args.files, args.ndjson)?;
    let style = Style::new(&args.color, args.json || args.outcome);
    let progress = progress_bar(args.json || args.outcome);
    let mut summary = Summary::default();
    let mut report_records: Vec<ReportRecord> = Vec::new();
    // One thread reads the next chunk of records and another writes the previous one while
    // every core verifies the current one; each record's output is rendered by the worker that
    // verified it, so what is left in this loop is the summary, in input order.
    std::thread::scope(|scope| -> Result<(), CliError> {
        let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<Record>>(2);
        let sources = &sources;
        // No one record may take more than the whole budget.
        let max_record_bytes = args
            .max_record_bytes
            .unwrap_or(args.max_memory)
            .min(args.max_memory);
        // A chunk being read, two waiting and one being verified: a quarter of the budget each.
        let chunk_budget = args.max_memory / 4;
        scope.spawn(move || {
            for source in sources {
                let mut records = records(source, max_record_bytes).peekable();
                while records.peek().is_some() {
                    let chunk = next_chunk(&mut records, chunk_budget);
                    if chunks.send(chunk).is_err() {
                        return; // verification stopped
                    }
                }
            }
        });
        // Each chunk's records' texts, written by the writer thread (several per system call):
        // the verification threads go on with the next chunk meanwhile.
        let (texts, to_write) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(2);
        let bar = progress.clone();
        let writer = scope.spawn(move || -> Result<(), CliError> {
            for record_texts in to_write {
                match &bar {
                    Some(bar) => {
                        bar.inc(record_texts.len() as u64);
                        bar.suspend(|| write_stdout_parts(&record_texts))?;
                    }
                    None => write_stdout_parts(&record_texts)?,
                }
            }
            Ok(())
        });
        for chunk in received {
            // Each worker also counts its record for the summary and keeps the results only
            // for the HTML report, so that nothing heavy is left to drop on this thread.
            let html = args.html.is_some();
            let done: Vec<Done> = chunk
                .into_par_iter()
                .map(|record| {
                    let outcome = verify_record(&record, &options, &rules);
                    let text = render_record(&record.name, &outcome, &args, &style);
                    let counted = Summary::of(&outcome);
                    let error = match &outcome {
                        RecordOutcome::Error(message) if !args.json => {
                            Some(format!("{}: {message}", record.name))
                        }
                        _ => None,
                    };
                    let kept = html.then(|| match outcome {
                        RecordOutcome::Error(m) => ReportRecord::Error(record.name, m),
                        RecordOutcome::Verified(r, verdict) => {
                            ReportRecord::Verified(record.name, r, verdict)
                        }
                    });
                    Done {
                        counted,
                        text,
                        error,
                        kept,
                    }
                })
                .collect();
            let mut record_texts = Vec::with_capacity(done.len());
            for record in done {
                summary.merge(record.counted);
                report_records.extend(record.kept);
                if let Some(message) = &record.error {
                    diagnostic("error", message);
                }
                record_texts.push(record.text);
            }
            if texts.send(record_texts).is_err() {
                break; // the writer failed; its error is returned below
            }
            if stdout_closed() && args.html.is_none() {
                break; // nobody reads the rest; dropping the receiver stops the reader
            }
        }
        drop(texts);
        writer
            .join()
            .unwrap_or_else(|_| Err(CliError::input("writing the results failed")))
    })?;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.html {
        let facts = RunFacts {
            verification_time: options.verification_time,
            time_policy: args.trust.time_policy_name(options.policy.as_deref()),
            anchors: options.validator.is_some(),
            trust: args
                .trust
                .trust
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        };
        write_atomically(path, render(&report_records, &facts).as_bytes())?;
        diagnostic("info", &format!("report written to {}", path.display()));
    }
    if summary.records > 1 {
        let text = if args.json {
            format!("{}\n", summary.to_json())
        } else if args.outcome {
            String::new()
        } else {
            summary.to_human(&style)
        };
        write_stdout(text.as_bytes())?;
    }
    Ok(if summary.errors > 0 && summary.records == 1 {
        // One input that is not strict JSON: bad input, as for any command.
        return Err(CliError::input(
            "the input could not be verified (see the error above)",
        ));
    } else if summary.errors > 0 {
        Status::BadInput
    } else if summary.all_verified() {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}

/// One verified record as the main loop needs it: its summary counts, its output, the error
/// to print outside `--json`, and its results when an HTML report is written.
struct Done {
    counted: Summary,
    text: Vec<u8>,
    error: Option<String>,
    kept: Option<ReportRecord>,
}

/// What one record prints on standard output (errors outside `--json` go to standard error).
fn render_record(name: &str, outcome: &RecordOutcome, args: &VerifyArgs, style: &Style) -> Vec<u8> {
    match outcome {
        RecordOutcome::Error(message) if args.json => {
            let line = json!({"type": "record-error", "file": name, "message": message});
            format!("{line}\n").into_bytes()
        }
        RecordOutcome::Error(_) => Vec::new(),
        RecordOutcome::Verified(results, verdict) if args.json => {
            json_lines(name, results, verdict)
        }
        RecordOutcome::Verified(results, verdict) if args.outcome => {
            (file_operation_outcome(results, verdict) + "\n").into_bytes()
        }
        RecordOutcome::Verified(results, verdict) => {
            human(name, results, verdict, args.verbose, style).into_bytes()
        }
    }
}

fn verify_record(record: &Record, options: &VerifyOptions, rules: &FileRules) -> RecordOutcome {
    let bytes = match &record.bytes {
        Ok(bytes) => bytes,
        Err(message) => return RecordOutcome::Error(message.clone()),
    };
    match fhirsig_jcs::parse(bytes) {
        Ok(doc) => {
            if let Some(pointer) = &rules.subject {
                if doc.pointer(pointer).is_none() {
                    return RecordOutcome::Error(format!(
                        "--pointer {pointer:?} names nothing in this document"
                    ));
                }
            }
            let report = verify_parsed(&doc, options, rules);
            RecordOutcome::Verified(report.signatures, report.verdict)
        }
        Err(e) => {
            let hint = e
                .hint()
                .map(|h| format!(" (hint: {h})"))
                .unwrap_or_default();
            RecordOutcome::Error(format!("{e}{hint}"))
        }
    }
}

/// A progress bar on standard error when both streams are terminals and output is for people.
fn progress_bar(machine_output: bool) -> Option<ProgressBar> {
    if machine_output || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template("{spinner} {pos} records verified ({per_sec})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// JSON Lines for one record: one object per signature (the core's writer), then the file
/// verdict.
fn json_lines(source: &str, results: &[SignatureVerification], verdict: &FileVerdict) -> Vec<u8> {
    // A signed record's lines are about 7 KB (two dozen checks with their evidence).
    let mut out = Vec::with_capacity(8192);
    if results.is_empty() {
        out.extend_from_slice(b"{\"checks\":[],\"file\":");
        fhirsig_jcs::write_escaped(source, &mut out);
        out.extend_from_slice(
            b",\"indication\":\"no-signature\",\"type\":\"signature\",\"verified\":false}\n",
        );
    }
    for result in results {
        write_signature_json(&mut out, source, result);
        out.push(b'\n');
    }
    write_file_json(&mut out, source, verdict, results.len());
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_take_binary_suffixes() {
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("2g"), Ok(2 << 30));
        assert_eq!(parse_bytes("1048576"), Ok(1 << 20));
        assert!(parse_bytes("1K").is_err(), "below 1M");
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("99999999999999999999G").is_err());
    }

    #[test]
    fn chunks_stop_at_the_byte_budget_but_hold_at_least_one_record() {
        let record = |n: usize| Record {
            name: format!("r{n}"),
            bytes: Ok(vec![b' '; n]),
        };
        let mut big = vec![record(300), record(300), record(300)].into_iter();
        assert_eq!(
            next_chunk(&mut big, 500).len(),
            2,
            "the record that crosses the budget ends it"
        );
        assert_eq!(
            next_chunk(&mut big, 100).len(),
            1,
            "a record over the budget is a chunk alone"
        );
        assert!(next_chunk(&mut big, 100).is_empty());
        let mut small = (0..1000).map(|_| record(1));
        assert_eq!(next_chunk(&mut small, 1 << 20).len(), CHUNK);
    }
}
