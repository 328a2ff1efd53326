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
    // Large reads: NDJSON records are a few KiB each, read by a thread of their own.
    let mut file = BufReader::with_capacity(1 << 18, File::open(path)?);
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

    /// Reads one line (without its newline); `None` at the end; `Err` text for an oversized
    /// line (skipped) or a read error (which also ends the source). At most `max + 1` bytes of
    /// a line are ever held.
    fn next_line(&mut self) -> Option<Result<Vec<u8>, String>> {
        let mut line = Vec::new();
        let limit = u64::try_from(self.max)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        match (&mut self.reader).take(limit).read_until(b'\n', &mut line) {
            Err(e) => {
                self.done = true;
                return Some(Err(format!("cannot read: {e}")));
            }
            Ok(0) => {
                self.done = true;
                return None;
            }
            Ok(_) => {}
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            return Some(Ok(line));
        }
        if line.len() <= self.max {
            return Some(Ok(line)); // the last line, without a newline
        }
        // Oversized: skip to the end of the line without keeping it.
        drop(line);
        if let Err(e) = self.skip_line() {
            self.done = true;
            return Some(Err(format!("cannot read: {e}")));
        }
        Some(Err(format!("line longer than {} bytes", self.max)))
    }

    /// Consumes input up to and including the next newline (or to the end).
    fn skip_line(&mut self) -> io::Result<()> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            match buf.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.reader.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn lines(text: &str, max: usize) -> Vec<(String, Result<String, String>)> {
        let reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(
            4,
            io::Cursor::new(text.as_bytes().to_vec()),
        ));
        Lines::new(reader, "f".into(), max)
            .map(|r| (r.name, r.bytes.map(|b| String::from_utf8(b).unwrap())))
            .collect()
    }

    #[test]
    fn lines_are_numbered_blank_ones_skipped_and_the_last_needs_no_newline() {
        let got = lines("{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}", 100);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["f:1", "f:4", "f:5"]);
        assert_eq!(got[1].1.as_deref(), Ok("{\"b\":2}\r"));
        assert_eq!(got[2].1.as_deref(), Ok("{\"c\":3}"));
    }

    #[test]
    fn a_line_longer_than_the_limit_is_one_error_and_reading_goes_on() {
        let got = lines("12345\n123456\n1234567890123\n7\n123456", 6);
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].1.as_deref(), Ok("12345"));
        assert_eq!(
            got[1].1.as_deref(),
            Ok("123456"),
            "exactly the limit is allowed"
        );
        assert_eq!(got[2].1, Err("line longer than 6 bytes".to_owned()));
        assert_eq!(got[3], ("f:4".to_owned(), Ok("7".to_owned())));
        assert_eq!(
            got[4].1.as_deref(),
            Ok("123456"),
            "the last line, at the limit"
        );
        let got = lines("1234567", 6);
        assert_eq!(got[0].1, Err("line longer than 6 bytes".to_owned()));
        assert_eq!(got.len(), 1);
    }
}
