//! Python values as inputs: bytes or str for documents; PEM bytes, PEM text or paths for
//! certificates and keys; RFC 3339 strings or datetimes for instants.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::errors::input_error;

/// The bytes of a document given as bytes, bytearray or str (UTF-8).
pub fn bytes_of(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = value.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    Err(input_error(
        value.py(),
        &format!("expected bytes or str, got {}", value.get_type().name()?),
        "type",
    ))
}

/// Certificate or key material: bytes (PEM or DER) or PEM text as is; a str that is not PEM,
/// or an os.PathLike, names a file to read.
pub fn material_of(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let py = value.py();
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?;
        if text.contains("-----BEGIN ") || text.trim_start().starts_with('{') {
            return Ok(text.as_bytes().to_vec());
        }
        return read(py, &text);
    }
    let fspath = py.import("os")?.getattr("fspath")?.call1((value,))?;
    let path: String = fspath.extract()?;
    read(py, &path)
}

fn read(py: Python<'_>, path: &str) -> PyResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| input_error(py, &format!("cannot read {path}: {e}"), "file"))
}

/// An instant given as an RFC 3339 string or a timezone-aware datetime, in Unix seconds.
pub fn instant_of(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let py = value.py();
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?;
        return fhirsig_core::trust::parse_rfc3339(&text)
            .map(|t| t.as_secs())
            .ok_or_else(|| {
                input_error(py, &format!("{text:?} is not an RFC 3339 instant"), "time")
            });
    }
    if value.hasattr("timestamp")? {
        if value.getattr("tzinfo")?.is_none() {
            return Err(input_error(
                py,
                "a naive datetime has no time zone: pass an aware one (tzinfo=timezone.utc)",
                "time",
            ));
        }
        let seconds: f64 = value.call_method0("timestamp")?.extract()?;
        if seconds < 0.0 {
            return Err(input_error(py, "an instant before 1970", "time"));
        }
        return Ok(seconds.floor() as u64);
    }
    Err(input_error(
        py,
        "at: expected an RFC 3339 string or a datetime",
        "time",
    ))
}

/// The clock, in Unix seconds (the binding reads it; the core never does).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
