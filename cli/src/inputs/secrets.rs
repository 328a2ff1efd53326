//! Secret files (`--key-password-file`, `--pin-file`, a PKCS#11 URI's `pin-source`): the first
//! line, bounded, never echoed.

use std::path::Path;

use crate::error::CliError;
use crate::io::diagnostic;

/// The longest first line read from a password or PIN file.
const MAX_SECRET_LINE: u64 = 4096;

/// The first line of a secret file, without its line ending (and without a UTF-8 byte-order
/// mark, which Windows editors add). At most [`MAX_SECRET_LINE`] bytes are read, so an endless
/// file (`/dev/zero`) cannot exhaust memory. An empty line is the empty password (`openssl
/// pkcs12 -passout pass:`); an empty file is refused as a likely mistake. Warns when other users
/// can read the file; never echoes its content.
pub(super) fn secret_file(path: &Path, what: &str) -> Result<String, CliError> {
    use std::io::Read as _;
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::input(format!("cannot read the {what} file {name}: {e}")))?;
    #[cfg(unix)]
    if let Ok(meta) = file.metadata() {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            diagnostic(
                "warning",
                &format!("{name}: the {what} file can be read by other users (chmod 600 {name})"),
            );
        }
    }
    let mut buffer = zeroize::Zeroizing::new(Vec::new());
    file.take(MAX_SECRET_LINE + 2)
        .read_to_end(&mut buffer)
        .map_err(|e| CliError::input(format!("cannot read the {what} file {name}: {e}")))?;
    if buffer.is_empty() {
        return Err(
            CliError::input(format!("{name}: the {what} file is empty")).with_hint(
                "its first line is the secret; a line with nothing on it is the empty password",
            ),
        );
    }
    let line_end = buffer.iter().position(|&b| b == b'\n');
    let line = match line_end {
        Some(end) => &buffer[..end],
        None if buffer.len() as u64 > MAX_SECRET_LINE => {
            return Err(CliError::input(format!(
                "{name}: the {what} file's first line is longer than {MAX_SECRET_LINE} bytes"
            )))
        }
        None => &buffer[..],
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    if line.len() as u64 > MAX_SECRET_LINE {
        return Err(CliError::input(format!(
            "{name}: the {what} file's first line is longer than {MAX_SECRET_LINE} bytes"
        )));
    }
    std::str::from_utf8(line)
        .map(str::to_owned)
        .map_err(|_| CliError::input(format!("{name}: the {what} file is not UTF-8 text")))
}
