//! `NativeSigner`: a file key (plain, encrypted PKCS#8, PKCS#12) or a key on a PKCS#11 token,
//! and its chain, signing as `fhirsig sign` does.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use fhirsig_core::fhir::{sign, Party, Profile, SignRequest};
use fhirsig_core::keys::{open_key_file, Password};
use fhirsig_core::trust::{certificate_identifiers, CertificateChain};

use crate::errors::{input_error, key_source_error, policy_error};
use crate::inputs::{bytes_of, instant_of, material_of, now};

/// A signing key with its certificate chain and signer identity.
#[pyclass(frozen, module = "fhirsig._fhirsig")]
pub struct NativeSigner {
    key: Box<dyn fhirsig_core::jws::Signer>,
    chain: CertificateChain,
    who: Party,
    profile: Profile,
}

#[pymethods]
impl NativeSigner {
    #[new]
    #[pyo3(signature = (key, cert, password, profile, module=None, pin=None))]
    fn new(
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        cert: Option<Bound<'_, PyAny>>,
        password: Option<String>,
        profile: &str,
        module: Option<String>,
        pin: Option<String>,
    ) -> PyResult<Self> {
        let profile = Profile::from_name(profile).ok_or_else(|| {
            policy_error(
                py,
                &format!("unknown profile {profile:?}: cdex, cdex2 or r6"),
            )
        })?;
        let cert_chain = match &cert {
            Some(cert) => {
                let pem = material_of(cert)?;
                Some(
                    CertificateChain::from_pem(&pem)
                        .map_err(|e| input_error(py, &format!("cert: {e}"), "certificate"))?,
                )
            }
            None => None,
        };
        let uri = key
            .extract::<String>()
            .ok()
            .filter(|text| fhirsig_pkcs11::Pkcs11Uri::is_pkcs11(text));
        let (signer, own_chain): (Box<dyn fhirsig_core::jws::Signer>, Vec<Vec<u8>>) = match uri {
            Some(uri) => {
                let uri = fhirsig_pkcs11::Pkcs11Uri::parse(&uri)
                    .map_err(|e| key_source_error(py, &e.to_string()))?;
                let module = module.or_else(|| uri.module_path.clone()).ok_or_else(|| {
                    key_source_error(
                        py,
                        "a pkcs11: key needs module= (the token's PKCS#11 library)",
                    )
                })?;
                let module = fhirsig_pkcs11::Module::load(std::path::Path::new(&module))
                    .map_err(|e| key_source_error(py, &e.to_string()))?;
                let pin = pin.map(fhirsig_pkcs11::Pin::new);
                let public = cert_chain.as_ref().and_then(|c| {
                    fhirsig_core::jws::VerifyingKey::from_certificate_der(c.leaf().der()).ok()
                });
                let token = module
                    .signer_with_public_key(&uri, pin.as_ref(), public)
                    .map_err(|e| key_source_error(py, &e.to_string()))?;
                let chain = token.chain().to_vec();
                (Box::new(token), chain)
            }
            None => {
                let material = material_of(key)?;
                let password = password.map(Password::new);
                let opened = open_key_file(&material, password.as_ref())
                    .map_err(|e| key_source_error(py, &e.to_string()))?;
                (Box::new(opened.key), opened.chain)
            }
        };
        let chain = match cert_chain {
            Some(chain) => chain,
            None if own_chain.is_empty() => {
                return Err(key_source_error(
                    py,
                    "the key holds no certificate: pass cert= (the signer's chain, leaf first)",
                ))
            }
            None => CertificateChain::from_der(own_chain).map_err(|e| {
                input_error(py, &format!("the key's certificates: {e}"), "certificate")
            })?,
        };
        let identifiers = certificate_identifiers(chain.leaf());
        let Some((system, value)) = identifiers.first() else {
            return Err(key_source_error(
                py,
                "the certificate carries no NPI (or other known identifier) to name the signer",
            ));
        };
        let who = Party {
            system: (*system).to_owned(),
            value: value.clone(),
            display: None,
        };
        Ok(Self {
            key: signer,
            chain,
            who,
            profile,
        })
    }

    /// The resource signed (its bytes kept, the signature added), at `at` or now.
    #[pyo3(signature = (data, at=None, pointer=None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        at: Option<Bound<'py, PyAny>>,
        pointer: Option<String>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let input = bytes_of(data)?;
        let text = String::from_utf8(input)
            .map_err(|_| input_error(py, "the resource is not UTF-8 text", "invalid-utf8"))?;
        let seconds = match at {
            Some(at) => instant_of(&at)?,
            None => now(),
        };
        let signing_time =
            time::OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).unwrap_or(0))
                .map_err(|_| input_error(py, "the signing time is out of range", "time"))?;
        let request = SignRequest {
            key: self.key.as_ref(),
            chain: self.chain.to_der_list(),
            profile: self.profile,
            signing_time,
            who: self.who.clone(),
            on_behalf_of: None,
            algorithm: None,
            kty_compat: false,
            replace: false,
            exact_header: None,
        };
        let signed = py
            .detach(|| sign(&text, pointer.as_deref(), &request))
            .map_err(|e| input_error(py, &e.to_string(), "sign"))?;
        Ok(PyBytes::new(py, signed.text.as_bytes()))
    }
}
