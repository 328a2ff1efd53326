//! The committed test PKI (`test-vectors/gen/pki/out/`, made once by `pki/generate.sh`).

use std::path::{Path, PathBuf};

use fhirsig_core::jws::SigningKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::case::GenResult;

/// The PKI folder.
pub struct Pki {
    dir: PathBuf,
}

impl Pki {
    /// The PKI in `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    fn read(&self, name: &str) -> GenResult<Vec<u8>> {
        let path = self.dir.join(name);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()).into())
    }

    /// `<stem>.cert.pem` as text.
    pub fn cert_pem(&self, stem: &str) -> GenResult<String> {
        Ok(String::from_utf8(self.read(&format!("{stem}.cert.pem"))?)?)
    }

    /// `<stem>.crl.pem` as text.
    pub fn crl_pem(&self, stem: &str) -> GenResult<String> {
        Ok(String::from_utf8(self.read(&format!("{stem}.crl.pem"))?)?)
    }

    /// `<stem>.cert.pem` as DER.
    pub fn cert_der(&self, stem: &str) -> GenResult<Vec<u8>> {
        let pem = self.read(&format!("{stem}.cert.pem"))?;
        Ok(CertificateDer::from_pem_slice(&pem)
            .map_err(|e| format!("{stem}.cert.pem: {e}"))?
            .to_vec())
    }

    /// `<stem>.key.pem`.
    pub fn key(&self, stem: &str) -> GenResult<SigningKey> {
        Ok(
            SigningKey::from_pem(&self.read(&format!("{stem}.key.pem"))?)
                .map_err(|e| format!("{stem}.key.pem: {e}"))?,
        )
    }
}
