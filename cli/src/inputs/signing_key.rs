//! `--key` on every signing command: a key file (plain, encrypted PKCS#8, PKCS#12) or a key on
//! a PKCS#11 token, with the secrets that open them. Passwords and PINs come from files or the
//! environment, never from a flag value (other users see command lines), and never appear in
//! output.

use std::path::{Path, PathBuf};

use clap::Args;
use fhirsig_core::jws::{Signer, VerifyingKey};
use fhirsig_core::keys::{detect_format, open_key_file, Password};
use fhirsig_pkcs11::{Module, Pin, PinSource, Pkcs11Uri};

use super::secrets::secret_file;
use crate::error::CliError;
use crate::io::{diagnostic, read_option_file};

/// The environment variable holding a key file's password.
const PASSWORD_ENV: &str = "FHIRSIG_KEY_PASSWORD";
/// The environment variable naming the PKCS#11 module.
const MODULE_ENV: &str = "FHIRSIG_PKCS11_MODULE";
/// The environment variable holding the token PIN.
const PIN_ENV: &str = "FHIRSIG_PKCS11_PIN";

/// Where the signing key is, and what opens it.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The signing key: a file (PKCS#8, SEC1 or PKCS#1 PEM/DER, a private JWK, encrypted
    /// PKCS#8, PKCS#12 .p12/.pfx) or a PKCS#11 URI, e.g. 'pkcs11:token=ehr;object=signing'.
    #[arg(long, value_name = "FILE|pkcs11:URI")]
    pub key: PathBuf,

    /// File whose first line is the password of an encrypted key file (PKCS#12, encrypted
    /// PKCS#8); without it, the environment variable FHIRSIG_KEY_PASSWORD.
    #[arg(long, value_name = "FILE")]
    pub key_password_file: Option<PathBuf>,

    /// The PKCS#11 module (shared library) for a pkcs11: key; default: FHIRSIG_PKCS11_MODULE,
    /// then the URI's module-path.
    #[arg(long, value_name = "MODULE.so")]
    pub pkcs11_module: Option<PathBuf>,

    /// File whose first line is the token PIN; default: FHIRSIG_PKCS11_PIN, then the URI's
    /// pin-source.
    #[arg(long, value_name = "FILE")]
    pub pin_file: Option<PathBuf>,
}

/// An opened key: the signer, the certificates that came with it (PKCS#12 file or token; leaf
/// first, may be empty), and where it came from.
pub struct LoadedKey {
    /// Signs.
    pub signer: Box<dyn Signer>,
    /// Certificates from the key file or token.
    pub chain: Vec<Vec<u8>>,
    /// For messages: the file name or the token object.
    pub source: String,
}

impl KeyArgs {
    /// Opens the key. `cert` is the `--cert` chain, if given: a token key with no certificate
    /// or public key object on the token takes its public key from it.
    pub fn load(&self, cert: Option<&Path>) -> Result<LoadedKey, CliError> {
        match self.key.to_str() {
            Some(text) if Pkcs11Uri::is_pkcs11(text) => self.load_pkcs11(text, cert),
            _ => self.load_file(),
        }
    }

    fn load_file(&self) -> Result<LoadedKey, CliError> {
        if self.pin_file.is_some() || self.pkcs11_module.is_some() {
            return Err(
                CliError::input("--pin-file and --pkcs11-module are for a pkcs11: --key")
                    .with_hint("name the token key as --key 'pkcs11:token=…;object=…'"),
            );
        }
        let input = read_option_file(&self.key)?;
        let format = detect_format(&input.bytes);
        let password = if format.is_encrypted() {
            Some(self.password(&input.name)?)
        } else {
            if self.key_password_file.is_some() {
                diagnostic(
                    "warning",
                    &format!(
                        "{}: the key is not encrypted; --key-password-file is not used",
                        input.name
                    ),
                );
            }
            None
        };
        let opened = open_key_file(&input.bytes, password.as_ref()).map_err(|e| {
            let error = CliError::input(format!("{} ({format}): {e}", input.name));
            match e {
                fhirsig_core::jws::KeyError::WrongPassword => error.with_hint(
                    "check the password file (its first line is the password) or FHIRSIG_KEY_PASSWORD",
                ),
                _ => error,
            }
        })?;
        Ok(LoadedKey {
            signer: Box::new(opened.key),
            chain: opened.chain,
            source: input.name,
        })
    }

    /// The key file's password: --key-password-file, else FHIRSIG_KEY_PASSWORD.
    fn password(&self, key_name: &str) -> Result<Password, CliError> {
        if let Some(path) = &self.key_password_file {
            return Ok(Password::new(secret_file(path, "password")?));
        }
        // Set, even to nothing, is a password: the empty one is legitimate for PKCS#12.
        match std::env::var(PASSWORD_ENV) {
            Ok(text) => Ok(Password::new(text)),
            Err(_) => Err(CliError::input(format!("{key_name} is encrypted and no password was given"))
                .with_hint("pass --key-password-file FILE (first line: the password) or set FHIRSIG_KEY_PASSWORD")),
        }
    }

    fn load_pkcs11(&self, text: &str, cert: Option<&Path>) -> Result<LoadedKey, CliError> {
        if self.key_password_file.is_some() {
            return Err(CliError::input(
                "--key-password-file is for key files; a token takes its PIN from --pin-file",
            ));
        }
        let uri = Pkcs11Uri::parse(text).map_err(|e| CliError::input(e.to_string()))?;
        let module_path = self
            .pkcs11_module
            .clone()
            .or_else(|| std::env::var_os(MODULE_ENV).map(PathBuf::from))
            .or_else(|| uri.module_path.as_ref().map(PathBuf::from))
            .ok_or_else(|| {
                CliError::input("a pkcs11: key needs the token's PKCS#11 module").with_hint(
                    "pass --pkcs11-module /usr/lib/softhsm/libsofthsm2.so (your HSM vendor's module) or set FHIRSIG_PKCS11_MODULE",
                )
            })?;
        let module = Module::load(&module_path).map_err(|e| {
            CliError::input(e.to_string())
                .with_hint("--pkcs11-module names the vendor's PKCS#11 shared library (.so)")
        })?;
        let pin = self.pin(&uri)?;
        let public = match cert {
            Some(path) => Some(super::certificates::pem_chain(path)?)
                .and_then(|chain| chain.first().cloned())
                .and_then(|leaf| VerifyingKey::from_certificate_der(&leaf).ok()),
            None => None,
        };
        let signer = module
            .signer_with_public_key(&uri, Some(&pin), public)
            .map_err(pkcs11_error)?;
        let source = signer.describe();
        let chain = signer.chain().to_vec();
        Ok(LoadedKey {
            signer: Box::new(signer),
            chain,
            source,
        })
    }

    /// The token PIN: --pin-file, else FHIRSIG_PKCS11_PIN, else the URI's pin-source.
    fn pin(&self, uri: &Pkcs11Uri) -> Result<Pin, CliError> {
        pin_from(self.pin_file.as_deref(), uri)?.ok_or_else(|| {
            CliError::input("the token needs a PIN and none was given").with_hint(
                "pass --pin-file FILE (mode 0600, first line: the PIN), set FHIRSIG_PKCS11_PIN, or add ?pin-source=file:/path to the URI",
            )
        })
    }
}

/// The PIN from `--pin-file`, the environment or the URI, if any of them gives one.
pub fn pin_from(pin_file: Option<&Path>, uri: &Pkcs11Uri) -> Result<Option<Pin>, CliError> {
    if let Some(path) = pin_file {
        return pin_file_secret(path).map(Some);
    }
    if let Ok(text) = std::env::var(PIN_ENV) {
        if !text.is_empty() {
            return Ok(Some(Pin::new(text)));
        }
    }
    match &uri.pin_source {
        Some(PinSource::File(path)) => pin_file_secret(Path::new(path)).map(Some),
        None => Ok(None),
    }
}

/// A PIN from its file: unlike a password, an empty PIN is refused.
fn pin_file_secret(path: &Path) -> Result<Pin, CliError> {
    let pin = secret_file(path, "PIN")?;
    if pin.is_empty() {
        return Err(CliError::input(format!(
            "{}: the PIN file's first line is empty",
            path.display()
        )));
    }
    Ok(Pin::new(pin))
}

/// The module for `keys list`: --pkcs11-module, else FHIRSIG_PKCS11_MODULE.
pub fn module_from(flag: Option<&Path>) -> Result<Module, CliError> {
    let path = flag
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(MODULE_ENV).map(PathBuf::from))
        .ok_or_else(|| {
            CliError::input("no PKCS#11 module").with_hint(
                "pass --pkcs11-module /usr/lib/softhsm/libsofthsm2.so (your HSM vendor's module) or set FHIRSIG_PKCS11_MODULE",
            )
        })?;
    Module::load(&path).map_err(|e| CliError::input(e.to_string()))
}

/// A PKCS#11 failure as a one-line error with what to do.
pub fn pkcs11_error(e: fhirsig_pkcs11::Pkcs11Error) -> CliError {
    use fhirsig_pkcs11::Pkcs11Error as E;
    let hint = match &e {
        E::PinIncorrect => Some("check the PIN file (first line: the PIN); repeated wrong PINs lock the token"),
        E::NoObject { .. } | E::SeveralObjects { .. } => {
            Some("`fhirsig keys list --pkcs11-module M --pin-file F` shows the token's objects and their URIs")
        }
        E::NoToken { .. } => Some("`fhirsig keys list --pkcs11-module M` shows the tokens"),
        _ => None,
    };
    let error = CliError::input(e.to_string());
    match hint {
        Some(hint) => error.with_hint(hint),
        None => error,
    }
}
