//! `--policy NAME|FILE`: a built-in validation policy by name, or a TOML policy file.

use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;

use fhirsig_core::policy::{Policy, BUILTIN_NAMES};

use crate::error::CliError;

/// The largest policy file read (a policy is a few dozen lines).
const MAX_POLICY_FILE: u64 = 64 * 1024;

/// The policy `choice` names: a built-in one (`cdex`, `cdex-strict`, `r6`) or a TOML file.
pub fn load(choice: &str) -> Result<Arc<Policy>, CliError> {
    if let Some(policy) = Policy::builtin(choice) {
        return Ok(Arc::new(policy));
    }
    let path = Path::new(choice);
    if !path.exists() {
        return Err(CliError::input(format!(
            "--policy {choice:?}: no built-in policy has this name and no such file exists"
        ))
        .with_hint(format!(
            "name a built-in policy ({}) or a TOML policy file (docs/policy.md)",
            BUILTIN_NAMES.join(", ")
        )));
    }
    let text = read_bounded(path)?;
    Policy::from_toml(&text).map(Arc::new).map_err(|e| {
        CliError::input(format!("{}: {e}", path.display())).with_hint(e.hint().to_owned())
    })
}

/// Reads a policy file: at most [`MAX_POLICY_FILE`] bytes, UTF-8.
pub fn read_bounded(path: &Path) -> Result<String, CliError> {
    let name = path.display();
    // A FIFO or device would block or never end: a policy is a regular file.
    let regular = std::fs::metadata(path).map(|m| m.is_file());
    if let Ok(false) = regular {
        return Err(CliError::input(format!(
            "{name}: not a regular file (a folder, FIFO or device), so not a policy file"
        ))
        .with_hint("give the path of a TOML policy file"));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| crate::io::read_error(&name.to_string(), &e, false))?;
    let mut bytes = Vec::new();
    file.take(MAX_POLICY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::io::read_error(&name.to_string(), &e, false))?;
    if bytes.len() as u64 > MAX_POLICY_FILE {
        return Err(CliError::input(format!(
            "{name}: more than {MAX_POLICY_FILE} bytes, which no policy needs"
        ))
        .with_hint("a policy is a few dozen lines of TOML; check that the right file was given"));
    }
    String::from_utf8(bytes).map_err(|e| {
        CliError::input(format!(
            "{name}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
        .with_hint("policy files are TOML, which is UTF-8")
    })
}
