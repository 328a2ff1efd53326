//! Replacing a regular file atomically: a temporary file beside it, created exclusively and
//! without following links, flushed, given the old file's mode and owner, then renamed over it.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use ring::rand::{SecureRandom as _, SystemRandom};

use super::safe_write::WriteOptions;
use super::standard_streams::diagnostic;
use crate::error::CliError;
use crate::fingerprint::hex;

/// Tries at most this many random temporary names (a clash is already unlikely with 64 bits).
const TEMP_ATTEMPTS: usize = 8;

/// Writes a temporary file beside `path` and renames it over `path`; `old` is the regular file
/// being replaced, if any.
pub(super) fn replace(
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
