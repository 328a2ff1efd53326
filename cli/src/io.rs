//! Reading inputs and writing outputs: `-` is standard input or output, files are written
//! safely (see [`write_file`]: never half a file, never through a planted link, never over an
//! input or a device), and a closed pipe on standard output ends the program quietly.
//!
//! Unix only, like the rest of the command line: it relies on device and inode numbers, file
//! modes and `O_NOFOLLOW`.

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use ring::rand::{SecureRandom as _, SystemRandom};

use crate::error::CliError;
use crate::fingerprint::hex;

/// An input named on the command line: a path, or `-` for standard input.
pub struct Input {
    /// How to call it in messages.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Reads a file named as a command's argument, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Input, CliError> {
    read(path, true)
}

/// Reads a file named by an option (`--key`, `--trust`, `--cert`, …), or standard input for
/// `-`. As [`read_input`], but a missing file gets no hint about standard input, which an
/// option's file rarely is.
pub fn read_option_file(path: &Path) -> Result<Input, CliError> {
    read(path, false)
}

fn read(path: &Path, argument: bool) -> Result<Input, CliError> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
        return Ok(Input {
            name: "<stdin>".to_owned(),
            bytes,
        });
    }
    let name = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| read_error(&name, &e, argument))?;
    note_input(path);
    Ok(Input { name, bytes })
}

/// The one wording of "cannot read NAME: …" for a file that could not be opened or read; a
/// missing file is "no such file or folder" (with, for a command's argument, a hint that `-`
/// reads standard input).
pub fn read_error(name: &str, e: &io::Error, argument: bool) -> CliError {
    let error = CliError::input(format!("cannot read {name}: {}", io_error_text(e)));
    match e.kind() {
        io::ErrorKind::NotFound if argument => {
            error.with_hint("check the path; use - to read standard input")
        }
        io::ErrorKind::NotFound => error.with_hint("check the path"),
        io::ErrorKind::IsADirectory => error.with_hint("name a file, not a folder"),
        _ => error,
    }
}

/// An I/O error in words, with a missing file always said the same way.
pub fn io_error_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        _ => e.to_string(),
    }
}

/// Where a command's main output goes.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, written by [`write_file`] (replaced atomically when complete).
    File(PathBuf),
}

impl Output {
    /// `-o FILE` if given, else standard output.
    pub fn from_option(path: Option<PathBuf>) -> Self {
        match path {
            Some(p) if p.as_os_str() != "-" => Output::File(p),
            _ => Output::Stdout,
        }
    }

    /// Writes all of `bytes`. A closed standard output (`| head`) is not an error.
    pub fn write(&self, bytes: &[u8]) -> Result<(), CliError> {
        match self {
            Output::Stdout => write_stdout(bytes),
            Output::File(path) => write_atomically(path, bytes),
        }
    }
}

/// Writes to standard output; a broken pipe counts as success (the reader has what it wanted).
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    finish_stdout(out.write_all(bytes).and_then(|()| out.flush()))
}

/// Set once a write to standard output met a broken pipe.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// True once standard output's reader has gone (`| head`): long runs stop producing output
/// nobody reads.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// The result of writing standard output: a broken pipe is success, other errors are reported.
pub fn finish_stdout(result: io::Result<()>) -> Result<(), CliError> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::input(format!(
            "cannot write standard output: {e}"
        ))),
        Ok(()) => Ok(()),
    }
}

/// Set from the global `--follow-symlinks` flag before a command runs; read by the writers here
/// and by the folder walk in [`crate::batch`]. A process-wide setting because it is one choice
/// for the whole run, made once on the command line.
static FOLLOW_SYMLINKS: AtomicBool = AtomicBool::new(false);

/// Records the global `--follow-symlinks` choice (called once, by `main`).
pub fn set_follow_symlinks(follow: bool) {
    FOLLOW_SYMLINKS.store(follow, Ordering::Relaxed);
}

/// True when `--follow-symlinks` was given: outputs that are symbolic links are written through
/// to the file they point to, and folder walks follow links (with loop detection).
pub fn follow_symlinks() -> bool {
    FOLLOW_SYMLINKS.load(Ordering::Relaxed)
}

/// A file this run has read, by device and inode (so another name for it, a hard link or a
/// symbolic link, is still recognised).
struct InputId {
    dev: u64,
    ino: u64,
    name: String,
}

/// Every regular file read so far: an output must not replace one of them (unless the command
/// was asked to, with `--in-place`). Kept here rather than passed around so that every reader
/// ([`read_input`], the batch walk) and every writer agree without each command wiring it.
static INPUTS: Mutex<Vec<InputId>> = Mutex::new(Vec::new());

/// Notes that `path` is an input of this run, so that no output replaces it. Readers here and
/// in [`crate::batch`] call it; a command that opens a file some other way should too. Paths
/// that cannot be examined, and files that are not regular (standard input, devices), are
/// ignored.
pub fn note_input(path: &Path) {
    if let Ok(meta) = fs::metadata(path) {
        note_input_metadata(&meta, path);
    }
}

/// As [`note_input`], with the metadata already at hand (the batch walk has it).
pub fn note_input_metadata(meta: &fs::Metadata, path: &Path) {
    if !meta.file_type().is_file() {
        return;
    }
    let mut inputs = INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !inputs
        .iter()
        .any(|i| i.dev == meta.dev() && i.ino == meta.ino())
    {
        inputs.push(InputId {
            dev: meta.dev(),
            ino: meta.ino(),
            name: path.display().to_string(),
        });
    }
}

/// The name under which an input with this device and inode was read, if one was.
fn input_named(meta: &fs::Metadata) -> Option<String> {
    let inputs = INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    inputs
        .iter()
        .find(|i| i.dev == meta.dev() && i.ino == meta.ino())
        .map(|i| i.name.clone())
}

/// How [`write_file`] may treat the file it replaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// A secret (a private key): the file is mode 0600 from its creation on, whatever the file
    /// it replaces allowed.
    pub private: bool,
    /// The output may be one of the inputs (`--in-place`); otherwise that is refused.
    pub in_place: bool,
}

/// Writes `bytes` to `path` safely; see [`write_file`]. Refuses to replace any input of the run.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_file(path, bytes, WriteOptions::default())
}

/// As [`write_atomically`], for secrets: the file is mode 0600 from the moment it exists, so
/// the bytes are never readable by others, not even while being written.
#[cfg_attr(not(feature = "test-pki"), allow(dead_code))]
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_file(
        path,
        bytes,
        WriteOptions {
            private: true,
            ..WriteOptions::default()
        },
    )
}

/// Replaces an input with a command's result (`--in-place`): as [`write_atomically`], but the
/// target may be (and usually is) one of the files the run read.
pub fn write_in_place(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return Err(CliError::input(
            "--in-place needs a file, not standard input",
        ));
    }
    write_file(
        path,
        bytes,
        WriteOptions {
            in_place: true,
            ..WriteOptions::default()
        },
    )
}

/// The one way fhirsig writes a file named on its command line (`-` is standard output).
///
/// - A regular file, or a path that does not exist yet, is written to a new temporary file in
///   the same folder (random name, created exclusively and without following links, so nothing
///   planted there can redirect the write), flushed to disk, given the replaced file's mode
///   (and, when run as root, its owner), then renamed over the target: a reader sees the old
///   file or the new one, never half of one, and a failure removes the temporary file and
///   leaves the old one as it was. Like every rename, this gives the path a new inode: other
///   hard links to the old file keep the old content (a note says so).
/// - Anything else that exists (a character device such as `/dev/null`, a FIFO) is opened and
///   written as it is: never replaced by a regular file.
/// - A symbolic link is refused unless `--follow-symlinks` was given; then the file it points
///   to is written as above, and the link stays.
/// - A file the run has read (see [`note_input`]) is refused unless `options.in_place`.
pub fn write_file(path: &Path, bytes: &[u8], options: WriteOptions) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return write_stdout(bytes);
    }
    let name = path.display().to_string();
    let cannot = |e: io::Error| CliError::input(format!("cannot write {name}: {e}"));
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(cannot(e)),
    };
    let Some(meta) = meta else {
        return replace(path, &name, bytes, None, options);
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        if !follow_symlinks() {
            return Err(CliError::input(format!(
                "refusing to write {name}: it is a symbolic link"
            ))
            .with_hint(
                "pass --follow-symlinks to write the file it points to, or name the file itself",
            ));
        }
        let target = fs::canonicalize(path)
            .map_err(|e| CliError::input(format!("cannot follow the link {name}: {e}")))?;
        // The resolved path names no link; should one appear there meanwhile, stop rather
        // than resolve again (a link swapped back and forth could otherwise keep us going).
        if fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(CliError::input(format!(
                "cannot write {name}: its target changed while being resolved"
            )));
        }
        return write_file(&target, bytes, options);
    }
    if kind.is_dir() {
        return Err(
            CliError::input(format!("cannot write {name}: it is a folder"))
                .with_hint("name a file"),
        );
    }
    if !options.in_place {
        if let Some(input) = input_named(&meta) {
            let what = if input == name {
                "it is also an input".to_owned()
            } else {
                format!("it is the same file as the input {input}")
            };
            return Err(
                CliError::input(format!("refusing to write {name}: {what}")).with_hint(
                    "name another output file (commands that rewrite their input take --in-place)",
                ),
            );
        }
    }
    if kind.is_file() {
        return replace(path, &name, bytes, Some(&meta), options);
    }
    write_directly(path, bytes).map_err(cannot)
}

/// Writes into an existing non-regular file (a device, a FIFO) without replacing it. Not
/// truncated: devices have nothing to truncate, and a FIFO cannot be.
fn write_directly(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    // Checked on the opened file: the path may have changed since it was examined.
    if file.metadata()?.file_type().is_file() {
        return Err(io::Error::other(
            "it became a regular file while being opened",
        ));
    }
    file.write_all(bytes)?;
    file.flush()
}

/// Tries at most this many random temporary names (a clash is already unlikely with 64 bits).
const TEMP_ATTEMPTS: usize = 8;

/// Writes a temporary file beside `path` and renames it over `path`; `old` is the regular file
/// being replaced, if any.
fn replace(
    path: &Path,
    name: &str,
    bytes: &[u8],
    old: Option<&fs::Metadata>,
    options: WriteOptions,
) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| CliError::input(format!("cannot write {name}: not a file name")))?;
    // Owner-only while being written; the final mode is set before the rename. A new file that
    // is not a secret gets the usual mode under the umask (known only to the kernel).
    let create_mode = match (old, options.private) {
        (None, false) => 0o666,
        _ => 0o600,
    };
    let (temp, mut file) =
        create_temp(&dir, &file_name.to_string_lossy(), create_mode).map_err(|e| {
            CliError::input(format!(
                "cannot write {name}: cannot create a temporary file in {}: {e}",
                dir.display()
            ))
        })?;
    let result = file
        .write_all(bytes)
        .and_then(|()| keep_metadata(&file, old, options.private))
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temp, path));
    drop(file);
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(CliError::input(format!("cannot write {name}: {e}")));
    }
    // The rename is durable once the folder is flushed; not every file system allows that.
    if let Ok(folder) = fs::File::open(&dir) {
        let _ = folder.sync_all();
    }
    if let Some(old) = old.filter(|m| m.nlink() > 1) {
        diagnostic(
            "note",
            &format!(
                "{name} had {} hard links; it is now a new file, the other names keep the old content",
                old.nlink()
            ),
        );
    }
    Ok(())
}

/// Creates `.NAME.RANDOM.fhirsig.tmp` in `dir` exclusively (`O_EXCL`) and without following a
/// symbolic link (`O_NOFOLLOW`): a file or link already at that name makes it try another.
fn create_temp(dir: &Path, file_name: &str, mode: u32) -> io::Result<(PathBuf, fs::File)> {
    let random = SystemRandom::new();
    let mut last = io::Error::other("no temporary name was free");
    for _ in 0..TEMP_ATTEMPTS {
        let mut suffix = [0u8; 8];
        random
            .fill(&mut suffix)
            .map_err(|_| io::Error::other("the system random source failed"))?;
        let temp = dir.join(format!(".{file_name}.{}.fhirsig.tmp", hex(&suffix)));
        match open_exclusive(&temp, mode) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Creates `path` for writing only if nothing is there, not even a (dangling) symbolic link:
/// `O_CREAT|O_EXCL` fails on an existing name and, with `O_NOFOLLOW`, never writes through one.
fn open_exclusive(path: &Path, mode: u32) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Gives the new file the replaced file's permission bits (or 0600 for a secret) and, when
/// running as root, its owner and group; an ordinary user cannot give files away, and the new
/// file is theirs anyway.
fn keep_metadata(file: &fs::File, old: Option<&fs::Metadata>, private: bool) -> io::Result<()> {
    if private {
        return file.set_permissions(fs::Permissions::from_mode(0o600));
    }
    let Some(old) = old else { return Ok(()) };
    // The temporary file belongs to whoever runs fhirsig: owner 0 means root.
    let new = file.metadata()?;
    if new.uid() == 0 && (new.uid(), new.gid()) != (old.uid(), old.gid()) {
        std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))?;
    }
    // After the chown, which clears set-user-ID and set-group-ID bits.
    file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))
}

/// Prints a diagnostic line to standard error, prefixed `fhirsig:`. The message is escaped for
/// the terminal ([`crate::terminal::escape`]): diagnostics echo file names and input values.
pub fn diagnostic(kind: &str, message: &str) {
    let message = crate::terminal::escape(message);
    let _ = writeln!(io::stderr().lock(), "fhirsig: {kind}: {message}");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fhirsig-io-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_link_planted_at_the_temporary_name_is_never_written_through() {
        let dir = temp_dir("planted");
        let victim = dir.join("victim");
        let planted = dir.join(".out.json.0011223344556677.fhirsig.tmp");
        // A dangling link: following it would create the victim.
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let e = open_exclusive(&planted, 0o600).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert!(!victim.exists(), "nothing was created through the link");
        // A link to an existing file: it is neither truncated nor written.
        fs::write(&victim, "precious").unwrap();
        assert!(open_exclusive(&planted, 0o600).is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn temporary_names_are_random_and_left_nowhere() {
        let dir = temp_dir("names");
        let (a, fa) = create_temp(&dir, "out.json", 0o600).unwrap();
        let (b, fb) = create_temp(&dir, "out.json", 0o600).unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(
            name.starts_with(".out.json.") && name.ends_with(".fhirsig.tmp"),
            "{name}"
        );
        assert_eq!(name.len(), ".out.json.".len() + 16 + ".fhirsig.tmp".len());
        drop((fa, fb));
        fs::remove_dir_all(dir).unwrap();
    }
}
