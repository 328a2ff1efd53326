//! Batch inputs: files, folders (recursive), and NDJSON (one resource a line, as FHIR bulk
//! data `$export` writes it, optionally gzip'd), read as a stream of records.

use std::collections::{HashMap, HashSet};
use std::fs::{File, Metadata};
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
use std::path::{Path, PathBuf};

use crate::error::CliError;

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
    /// Something in a walked folder that looks like records (a batch file's name, or a link
    /// to a folder) but was not read, and whose content the run did not read under another
    /// name either: one record that could not be read, so the run is not "verified".
    Skipped {
        /// Its path.
        path: PathBuf,
        /// Why it was not read, and how to have it read.
        reason: String,
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
///
/// A path named on the command line is read even when it is a symbolic link (or a FIFO: the
/// user asked for it). In a folder, symbolic links are not followed unless `--follow-symlinks`
/// (then a folder met twice, as in a link loop, is walked once), and FIFOs, sockets and
/// devices are never opened. A file reached by several names (hard links, links, overlapping
/// arguments) is read once, under the first name in order.
///
/// What a folder holds is never left out unsaid: a link that was not followed gets a note when
/// what it points to is read anyway (a link loop, a second name of a file), and otherwise
/// becomes a [`Source::Skipped`] record, as does a FIFO, socket or device with a batch file's
/// name, so that a run that did not read a candidate cannot end "verified".
pub fn discover(paths: &[PathBuf], ndjson: bool) -> Result<Vec<Source>, CliError> {
    let mut walk = Walk {
        follow: crate::io::follow_symlinks(),
        folders: HashSet::new(),
        files: HashMap::new(),
        skipped: Vec::new(),
    };
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin { ndjson });
            continue;
        }
        let meta = std::fs::metadata(path)
            .map_err(|e| crate::io::read_error(&path.display().to_string(), &e, true))?;
        if meta.is_dir() {
            walk.folders.insert((meta.dev(), meta.ino()));
            let mut found = Vec::new();
            walk.folder(path, &mut found)?;
            found.sort_by(|a, b| a.0.cmp(&b.0));
            for (path, meta) in found {
                if walk.first_time(&path, &meta) {
                    sources.push(classify(path, ndjson));
                }
            }
        } else if walk.first_time(path, &meta) {
            sources.push(classify(path.clone(), ndjson));
        }
    }
    // Decided once everything is walked: a link's target may be read under a later name.
    walk.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    for skipped in std::mem::take(&mut walk.skipped) {
        let read_anyway = skipped.target.and_then(|id| {
            walk.files
                .get(&id)
                .map(|first| format!("the same file as {} is read", first.display()))
                .or_else(|| {
                    walk.folders
                        .contains(&id)
                        .then(|| "its folder is walked".to_owned())
                })
        });
        match read_anyway {
            Some(why) => note(&format!(
                "skipped {} ({}): {why}",
                skipped.path.display(),
                skipped.reason
            )),
            None => sources.push(Source::Skipped {
                path: skipped.path,
                reason: skipped.reason,
            }),
        }
    }
    Ok(sources)
}

/// Something a folder walk did not read (see [`discover`]).
struct Skip {
    path: PathBuf,
    /// Device and inode of what it points to, for a link whose target exists.
    target: Option<(u64, u64)>,
    reason: String,
}

/// What a walk has seen: folders by device and inode (so a loop ends), files by device and
/// inode (so each is read once) with the name they were first found under.
struct Walk {
    follow: bool,
    folders: HashSet<(u64, u64)>,
    files: HashMap<(u64, u64), PathBuf>,
    /// Candidates not read, decided on at the end of the walk.
    skipped: Vec<Skip>,
}

impl Walk {
    /// True the first time this file is met; a regular file is also noted as an input (no
    /// output may replace it). Later names of the same file get a note.
    fn first_time(&mut self, path: &Path, meta: &Metadata) -> bool {
        if !meta.is_file() {
            return true; // a FIFO or device named on the command line: no identity to share
        }
        if let Some(first) = self.files.get(&(meta.dev(), meta.ino())) {
            note(&format!(
                "{} is the same file as {}; read once",
                path.display(),
                first.display()
            ));
            return false;
        }
        self.files
            .insert((meta.dev(), meta.ino()), path.to_path_buf());
        crate::io::note_input_metadata(meta, path);
        true
    }

    /// Collects the batch files under `dir` (with their metadata), unsorted.
    fn folder(&mut self, dir: &Path, found: &mut Vec<(PathBuf, Metadata)>) -> Result<(), CliError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| crate::io::read_error(&dir.display().to_string(), &e, false))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            // The entry itself, not what a link points to.
            let Ok(mut meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = std::fs::metadata(&path).ok();
                let matters = is_batch_file(&path) || target.as_ref().is_some_and(Metadata::is_dir);
                if !self.follow {
                    if matters {
                        self.skipped.push(Skip {
                            target: target.as_ref().map(|t| (t.dev(), t.ino())),
                            path,
                            reason: "a symbolic link, not followed in folders \
                                     (--follow-symlinks follows it)"
                                .to_owned(),
                        });
                    }
                    continue;
                }
                match target {
                    Some(target) => meta = target,
                    None => {
                        if matters {
                            self.skipped.push(Skip {
                                path,
                                target: None,
                                reason: "a broken symbolic link".to_owned(),
                            });
                        }
                        continue;
                    }
                }
            }
            let kind = meta.file_type();
            if kind.is_dir() {
                if self.folders.insert((meta.dev(), meta.ino())) {
                    self.folder(&path, found)?;
                } else {
                    note(&format!(
                        "skipped {}: a folder already walked (a link loop)",
                        path.display()
                    ));
                }
            } else if !is_batch_file(&path) {
                // Not ours: ignored, as before, whatever kind of file it is.
            } else if kind.is_file() {
                found.push((path, meta));
            } else {
                self.skipped.push(Skip {
                    path,
                    target: None,
                    reason: format!("{}, not a regular file (never opened)", kind_name(&kind)),
                });
            }
        }
        Ok(())
    }
}

fn kind_name(kind: &std::fs::FileType) -> &'static str {
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

/// A note about the walk on standard error; file names are escaped for the terminal.
fn note(message: &str) {
    crate::io::diagnostic("note", message);
}

fn classify(path: PathBuf, ndjson: bool) -> Source {
    if ndjson || is_ndjson_name(&path) {
        Source::Ndjson(path)
    } else {
        Source::Json(path)
    }
}

/// Opens a file, inflating it when it starts with the gzip magic bytes.
fn open(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    Ok(open_sized(path)?.0)
}

/// As [`open`], with the file's size when its bytes are read as they are (not inflated): a
/// whole-file read then allocates once instead of doubling its buffer up to the size.
fn open_sized(path: &Path) -> io::Result<(Box<dyn BufRead + Send>, Option<u64>)> {
    // Large reads: NDJSON records are a few KiB each, read by a thread of their own.
    let file = File::open(path)?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let mut file = BufReader::with_capacity(1 << 18, file);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        let inflated = BufReader::new(flate2::bufread::MultiGzDecoder::new(file));
        (Box::new(inflated), None)
    } else {
        (Box::new(file), size)
    })
}

/// The records of a source, read lazily.
pub fn records(source: &Source, max: usize) -> Box<dyn Iterator<Item = Record> + Send> {
    match source {
        Source::Json(path) => {
            let name = path.display().to_string();
            let bytes = open_sized(path)
                .and_then(|(r, size)| crate::io::read_capped(r, max, size))
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|b| {
                    b.ok_or_else(|| {
                        format!("larger than {max} bytes (raise --max-memory to read it)")
                    })
                });
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
        Source::Skipped { path, reason } => Box::new(std::iter::once(Record {
            name: path.display().to_string(),
            bytes: Err(format!("not read: {reason}")),
        })),
        Source::Stdin { ndjson } => {
            let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::stdin()));
            if *ndjson {
                Box::new(Lines::new(reader, "<stdin>".into(), max))
            } else {
                let bytes = crate::io::read_capped(reader, max, None)
                    .map_err(|e| format!("cannot read: {e}"))
                    .and_then(|b| {
                        b.ok_or_else(|| {
                            format!("larger than {max} bytes (raise --max-memory to read it)")
                        })
                    });
                Box::new(std::iter::once(Record {
                    name: "<stdin>".into(),
                    bytes,
                }))
            }
        }
    }
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
        Some(Err(format!(
            "line longer than {} bytes (raise --max-memory to read it)",
            self.max
        )))
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
        assert_eq!(
            got[2].1,
            Err("line longer than 6 bytes (raise --max-memory to read it)".to_owned())
        );
        assert_eq!(got[3], ("f:4".to_owned(), Ok("7".to_owned())));
        assert_eq!(
            got[4].1.as_deref(),
            Ok("123456"),
            "the last line, at the limit"
        );
        let got = lines("1234567", 6);
        assert_eq!(
            got[0].1,
            Err("line longer than 6 bytes (raise --max-memory to read it)".to_owned())
        );
        assert_eq!(got.len(), 1);
    }
}
