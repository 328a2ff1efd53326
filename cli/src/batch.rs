//! Batch inputs: files, folders (recursive), and NDJSON (one resource a line, as FHIR bulk
//! data `$export` writes it, optionally gzip'd), read as a stream of records.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// A record larger than this is reported as one failed record instead of being read whole.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 256 * 1024 * 1024;

/// One input to verify.
#[derive(Debug, Clone)]
pub enum Source {
    /// A JSON file (one resource).
    Json(PathBuf),
    /// An NDJSON file (one resource per line), possibly gzip'd.
    Ndjson(PathBuf),
    /// Standard input (JSON, or NDJSON with `--ndjson`).
    Stdin {
        /// Read as NDJSON.
        ndjson: bool,
    },
}

/// One resource to verify, or why it could not be read.
#[derive(Debug)]
pub struct Record {
    /// `file` or `file:line`.
    pub name: String,
    /// The bytes, or a message for a record that could not be read (e.g. too large).
    pub bytes: Result<Vec<u8>, String>,
}

fn is_ndjson_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    name.ends_with(".ndjson") || name.ends_with(".jsonl")
}

fn is_batch_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    name.ends_with(".json") || name.ends_with(".ndjson") || name.ends_with(".jsonl")
}

/// The sources named on the command line: folders are walked (sorted, recursively) for
/// `.json`, `.ndjson` and `.jsonl` files (each optionally `.gz`); `--ndjson` reads every file
/// as NDJSON.
pub fn discover(paths: &[PathBuf], ndjson: bool) -> Result<Vec<Source>, CliError> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin { ndjson });
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            sources.extend(found.into_iter().map(|p| classify(p, ndjson)));
        } else if path.exists() {
            sources.push(classify(path.clone(), ndjson));
        } else {
            return Err(CliError::input(format!(
                "cannot read {}: no such file or folder",
                path.display()
            ))
            .with_hint("check the path; use - to read standard input"));
        }
    }
    Ok(sources)
}

fn classify(path: PathBuf, ndjson: bool) -> Source {
    if ndjson || is_ndjson_name(&path) {
        Source::Ndjson(path)
    } else {
        Source::Json(path)
    }
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", dir.display())))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if is_batch_file(&path) {
            found.push(path);
        }
    }
    Ok(())
}

/// Opens a file, inflating it when it starts with the gzip magic bytes.
fn open(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::new(File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// The records of a source, read lazily.
pub fn records(source: &Source, max: usize) -> Box<dyn Iterator<Item = Record> + Send> {
    match source {
        Source::Json(path) => {
            let name = path.display().to_string();
            let bytes = open(path)
                .and_then(|r| read_capped(r, max))
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|b| b.ok_or_else(|| format!("larger than {max} bytes")));
            Box::new(std::iter::once(Record { name, bytes }))
        }
        Source::Ndjson(path) => {
            let name = path.display().to_string();
            match open(path) {
                Ok(reader) => Box::new(Lines::new(reader, name, max)),
                Err(e) => Box::new(std::iter::once(Record {
                    name,
                    bytes: Err(format!("cannot read: {e}")),
                })),
            }
        }
        Source::Stdin { ndjson } => {
            let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::stdin()));
            if *ndjson {
                Box::new(Lines::new(reader, "<stdin>".into(), max))
            } else {
                let bytes = read_capped(reader, max)
                    .map_err(|e| format!("cannot read: {e}"))
                    .and_then(|b| b.ok_or_else(|| format!("larger than {max} bytes")));
                Box::new(std::iter::once(Record {
                    name: "<stdin>".into(),
                    bytes,
                }))
            }
        }
    }
}

fn read_capped(reader: impl Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    let read = reader.take(max as u64 + 1).read_to_end(&mut bytes)?;
    Ok((read <= max).then_some(bytes))
}

/// NDJSON lines; a line longer than `max` is skipped to its end and reported as one record.
struct Lines {
    reader: Box<dyn BufRead + Send>,
    name: String,
    line: usize,
    max: usize,
    done: bool,
}

impl Lines {
    fn new(reader: Box<dyn BufRead + Send>, name: String, max: usize) -> Self {
        Lines {
            reader,
            name,
            line: 0,
            max,
            done: false,
        }
    }

    /// Reads one line (without its newline); `Ok(None)` at the end; `Err` text for an
    /// oversized line (skipped) or a read error (which also ends the source).
    fn next_line(&mut self) -> Option<Result<Vec<u8>, String>> {
        let mut line = Vec::new();
        let mut oversized = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) => {
                    self.done = true;
                    return Some(Err(format!("cannot read: {e}")));
                }
            };
            if buf.is_empty() {
                self.done = true;
                if line.is_empty() && !oversized {
                    return None;
                }
                break;
            }
            let (chunk, found_newline) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], true),
                None => (buf, false),
            };
            if !oversized && line.len() + chunk.len() <= self.max {
                line.extend_from_slice(chunk);
            } else {
                oversized = true;
                line.clear();
            }
            let used = chunk.len() + usize::from(found_newline);
            self.reader.consume(used);
            if found_newline {
                break;
            }
        }
        if oversized {
            return Some(Err(format!("line longer than {} bytes", self.max)));
        }
        Some(Ok(line))
    }
}

impl Iterator for Lines {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            let line = self.next_line()?;
            self.line += 1;
            let name = format!("{}:{}", self.name, self.line);
            match line {
                Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(bytes) => {
                    return Some(Record {
                        name,
                        bytes: Ok(bytes),
                    })
                }
                Err(message) => {
                    return Some(Record {
                        name,
                        bytes: Err(message),
                    })
                }
            }
        }
        None
    }
}
