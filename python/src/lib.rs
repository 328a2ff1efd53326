//! `fhirsig._fhirsig`: the native half of the Python package. Thin: every function calls the
//! same core functions as the `fhirsig` command line; reports come back as the core's JSON
//! (the objects `fhirsig verify --json` writes), which `fhirsig.Report` reads. Verification
//! releases the GIL; `verify_batch` also spreads a batch over every core.

mod errors;
mod inputs;
mod signer;
mod verifier;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::payload::{item_payload, resource_payload};

use errors::{input_error, parse_error};
use inputs::bytes_of;

/// The RFC 8785 canonical form of strict I-JSON `data` (bytes or str).
#[pyfunction]
fn canonicalize<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let input = bytes_of(data)?;
    let out = py.detach(|| fhirsig_jcs::canonicalize(&input));
    match out {
        Ok(bytes) => Ok(PyBytes::new(py, &bytes)),
        Err(e) => Err(parse_error(py, &e)),
    }
}

/// The exact bytes a FHIR signature covers: the resource at `pointer` (default the root) under
/// `canonicalization` (a URI; default: the CDex rule for a resource, the item rule for a
/// QuestionnaireResponse item).
#[pyfunction]
#[pyo3(signature = (resource, canonicalization=None, pointer=None))]
fn payload<'py>(
    py: Python<'py>,
    resource: &Bound<'py, PyAny>,
    canonicalization: Option<&str>,
    pointer: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = bytes_of(resource)?;
    let doc = fhirsig_jcs::parse(&input).map_err(|e| parse_error(py, &e))?;
    let pointer = pointer.unwrap_or("");
    let node = doc.pointer(pointer).ok_or_else(|| {
        input_error(
            py,
            &format!("nothing at JSON Pointer {pointer:?}"),
            "pointer",
        )
    })?;
    let result = match canonicalization {
        Some(uri) => {
            let rule = Canonicalization::from_uri(uri).map_err(|e| {
                let kind = match e {
                    fhirsig_core::canonicalization::CanonicalizationError::Unsupported {
                        ..
                    } => "unsupported-canonicalization",
                    _ => "unknown-canonicalization",
                };
                input_error(py, &e.to_string(), kind)
            })?;
            resource_payload(&doc, node, rule)
        }
        None if node.get("resourceType").is_some() => {
            resource_payload(&doc, node, Canonicalization::Document)
        }
        None => item_payload(&doc, node),
    };
    match result {
        Ok(p) => Ok(PyBytes::new(py, &p.bytes)),
        Err(e) => {
            use fhirsig_core::payload::PayloadError as E;
            let kind = match e {
                E::NotAnObject { .. } => "not-an-object",
                E::MissingResourceType { .. } => "missing-resource-type",
                E::UnsupportedResourceType { .. } => "unsupported-resource-type",
                _ => "payload",
            };
            Err(input_error(py, &e.to_string(), kind))
        }
    }
}

/// The module.
#[pymodule]
fn _fhirsig(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(canonicalize, m)?)?;
    m.add_function(wrap_pyfunction!(payload, m)?)?;
    m.add_class::<verifier::NativeVerifier>()?;
    m.add_class::<signer::NativeSigner>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
