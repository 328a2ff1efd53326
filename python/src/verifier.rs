//! `NativeVerifier`: the core verifier with a trust configuration, as `fhirsig verify` uses it.

use pyo3::prelude::*;
use rayon::prelude::*;
use rustls_pki_types::UnixTime;

use fhirsig_core::document::{DocumentDigest, DocumentVerifier, JwsContent};
use fhirsig_core::fhir::{
    file_operation_outcome, verify_parsed, write_check_json, write_file_json, write_signature_json,
    FileReport, FileRules, Profile, SignatureVerification, VerifyOptions,
};
use fhirsig_core::jws::AlgorithmPolicy;
use fhirsig_core::trust::{ChainValidator, Crl, Report, TimePolicy, TrustAnchors};
use fhirsig_jcs::write_escaped;

use crate::errors::{input_error, parse_error, parse_kind, policy_error};
use crate::inputs::{bytes_of, instant_of, material_of, now};

/// A verifier: trust anchors, CRLs and intermediates, a profile, an instant or the clock.
#[pyclass(frozen, module = "fhirsig._fhirsig")]
pub struct NativeVerifier {
    options: VerifyOptions,
    /// `at` was given: every call verifies at that instant; else at the clock's second.
    fixed: bool,
}

/// The code of the check that decides a report (the published vectors' rule).
fn deciding_check(report: &Report) -> Option<&'static str> {
    report.deciding_check().map(|c| c.code().as_str())
}

fn push_opt(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(v) => write_escaped(v, out),
        None => out.extend_from_slice(b"null"),
    }
}

/// `"signatures":[…],"decidingChecks":[…]` for a list of results.
fn write_results(out: &mut Vec<u8>, results: &[SignatureVerification]) {
    out.extend_from_slice(b"\"signatures\":[");
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_signature_json(out, "input", result);
    }
    out.extend_from_slice(b"],\"decidingChecks\":[");
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_opt(
            out,
            if result.verified() {
                None
            } else {
                deciding_check(result.report())
            },
        );
    }
    out.push(b']');
}

/// The report of one document, or a parse error (kind, message).
fn report_of(
    input: &[u8],
    options: &VerifyOptions,
    rules: &FileRules,
) -> Result<(String, String), fhirsig_jcs::ParseError> {
    let doc = fhirsig_jcs::parse(input)?;
    let FileReport {
        signatures: results,
        verdict,
        ..
    } = verify_parsed(&doc, options, rules);
    let mut out = Vec::with_capacity(4096);
    out.push(b'{');
    write_results(&mut out, &results);
    out.extend_from_slice(b",\"file\":");
    write_file_json(&mut out, "input", &verdict, results.len());
    out.push(b'}');
    let outcome = file_operation_outcome(&results, &verdict);
    Ok((String::from_utf8_lossy(&out).into_owned(), outcome))
}

impl NativeVerifier {
    fn options_now(&self) -> VerifyOptions {
        let mut options = self.options.clone();
        if !self.fixed {
            options.verification_time =
                UnixTime::since_unix_epoch(std::time::Duration::from_secs(now()));
        }
        options
    }
}

#[pymethods]
impl NativeVerifier {
    #[new]
    #[pyo3(signature = (trust, crls, intermediates, profile, policy, policy_toml, at, time_policy, ocsp=Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        trust: Vec<Bound<'_, PyAny>>,
        crls: Vec<Bound<'_, PyAny>>,
        intermediates: Vec<Bound<'_, PyAny>>,
        profile: Option<&str>,
        policy: Option<&str>,
        policy_toml: Option<&str>,
        at: Option<Bound<'_, PyAny>>,
        time_policy: Option<&str>,
        ocsp: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let profile = match profile {
            None | Some("auto") => None,
            Some(name) => Some(Profile::from_name(name).ok_or_else(|| {
                policy_error(
                    py,
                    &format!("unknown profile {name:?}: cdex, cdex2, r6 or auto"),
                )
            })?),
        };
        let policy = match (policy, policy_toml) {
            (_, Some(text)) => Some(
                fhirsig_core::Policy::from_toml(text)
                    .map_err(|e| policy_error(py, &format!("policy: {e} ({})", e.hint())))?,
            ),
            (None | Some("auto"), None) => None,
            (Some(name), None) => Some(fhirsig_core::Policy::builtin(name).ok_or_else(|| {
                policy_error(
                    py,
                    &format!(
                        "unknown policy {name:?}: cdex, cdex-strict, r6, auto, or a TOML policy file"
                    ),
                )
            })?),
        }
        .map(std::sync::Arc::new);
        let validator = if trust.is_empty() {
            if !intermediates.is_empty() || !crls.is_empty() || !ocsp.is_empty() {
                return Err(input_error(
                    py,
                    "intermediates, crls and ocsp need trust anchors",
                    "trust",
                ));
            }
            None
        } else {
            let anchors: Vec<Vec<u8>> = trust.iter().map(material_of).collect::<PyResult<_>>()?;
            let blobs: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
            let anchors = TrustAnchors::from_pem(&blobs)
                .map_err(|e| input_error(py, &format!("trust: {e}"), "trust"))?;
            let mut validator = ChainValidator::new(anchors);
            let crls = crls
                .iter()
                .map(|c| {
                    let bytes = material_of(c)?;
                    Crl::from_pem_or_der(&bytes)
                        .map_err(|e| input_error(py, &format!("crls: {e}"), "crl"))
                })
                .collect::<PyResult<Vec<_>>>()?;
            validator = validator.with_crls(crls);
            let responses = ocsp
                .iter()
                .map(|r| {
                    let bytes = material_of(r)?;
                    fhirsig_core::trust::OcspResponse::from_der(&bytes)
                        .map_err(|e| input_error(py, &format!("ocsp: {e}"), "ocsp"))
                })
                .collect::<PyResult<Vec<_>>>()?;
            validator = validator.with_ocsp(responses);
            for extra in &intermediates {
                let bytes = material_of(extra)?;
                validator = validator
                    .with_intermediates_pem(&[&bytes])
                    .map_err(|e| input_error(py, &format!("intermediates: {e}"), "trust"))?;
            }
            Some(validator)
        };
        let time_policy = match time_policy {
            None => policy
                .as_ref()
                .map_or(TimePolicy::VerificationTime, |p| p.time_policy()),
            Some("now") => TimePolicy::VerificationTime,
            Some("sigt") => TimePolicy::SigningTime,
            Some(other) => {
                return Err(policy_error(
                    py,
                    &format!("time_policy {other:?}: now or sigt"),
                ))
            }
        };
        let (verification_time, fixed) = match at {
            Some(at) => (instant_of(&at)?, true),
            None => (now(), false),
        };
        Ok(Self {
            options: VerifyOptions {
                profile,
                algorithms: policy
                    .as_ref()
                    .map_or_else(AlgorithmPolicy::default, |p| p.algorithms().clone()),
                validator: match (&policy, validator) {
                    (Some(p), Some(v)) => Some(v.with_eku_policy(p.eku_policy().clone())),
                    (_, v) => v,
                },
                policy,
                verification_time: UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                    verification_time,
                )),
                time_policy,
                certificates: Default::default(),
            },
            fixed,
        })
    }

    /// The JSON report and the OperationOutcome of one document (GIL released).
    #[pyo3(signature = (data, pointer=None, require_all_signed=false))]
    fn verify(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        pointer: Option<String>,
        require_all_signed: bool,
    ) -> PyResult<(String, String)> {
        let input = bytes_of(data)?;
        let options = self.options_now();
        let rules = FileRules::under(options.policy.as_deref(), pointer, require_all_signed);
        py.detach(|| report_of(&input, &options, &rules))
            .map_err(|e| parse_error(py, &e))
    }

    /// Reports for a batch, verified on every core with the GIL released; an item that is not
    /// strict JSON gives `(None, "kind", "message")` instead of failing the batch.
    fn verify_batch(
        &self,
        py: Python<'_>,
        items: Vec<Vec<u8>>,
    ) -> Vec<(Option<String>, Option<String>, Option<String>)> {
        let options = self.options_now();
        let rules = FileRules::under(options.policy.as_deref(), None, false);
        py.detach(|| {
            items
                .par_iter()
                .map(|item| match report_of(item, &options, &rules) {
                    Ok((report, _)) => (Some(report), None, None),
                    Err(e) => (None, Some(parse_kind(&e).to_owned()), Some(e.to_string())),
                })
                .collect()
        })
    }

    /// The JSON report of every Provenance signature in a Bundle, and the pointers of the
    /// Provenance resources that carry none (`unsigned`) or are not checked (`unchecked`).
    fn verify_provenance(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<String> {
        let input = bytes_of(data)?;
        let options = self.options_now();
        py.detach(|| {
            let doc = fhirsig_jcs::parse(&input)?;
            let results = fhirsig_core::fhir::verify_provenance_signatures(&doc, &options);
            let unsigned = fhirsig_core::fhir::unsigned_provenances(&doc);
            let unchecked = fhirsig_core::fhir::unchecked_provenances(&doc);
            let mut out = Vec::with_capacity(4096);
            out.push(b'{');
            write_results(&mut out, &results);
            out.extend_from_slice(b",\"unchecked\":");
            fhirsig_jcs::write_string_array(&unchecked, &mut out);
            out.extend_from_slice(b",\"unsigned\":");
            fhirsig_jcs::write_string_array(&unsigned, &mut out);
            out.push(b'}');
            Ok(String::from_utf8_lossy(&out).into_owned())
        })
        .map_err(|e: fhirsig_jcs::ParseError| parse_error(py, &e))
    }

    /// The JSON report of a detached JWS over a document (or a `sigD` JWS naming it by `uri`).
    #[pyo3(signature = (signature, document, uri=None))]
    fn verify_document(
        &self,
        py: Python<'_>,
        signature: &str,
        document: &Bound<'_, PyAny>,
        uri: Option<&str>,
    ) -> PyResult<String> {
        let bytes = bytes_of(document)?;
        let Some(validator) = self.options.validator.clone() else {
            return Err(input_error(
                py,
                "verifying a document needs trust anchors",
                "trust",
            ));
        };
        let options = self.options_now();
        let verifier = DocumentVerifier::with_chain(validator, options.verification_time);
        let report = match uri {
            Some(uri) => {
                let digest = DocumentDigest::from_reader(uri, bytes.as_slice())
                    .map_err(|e| input_error(py, &e.to_string(), "document"))?;
                let given = [digest];
                py.detach(|| verifier.verify_jws(signature, JwsContent::Documents(&given)))
            }
            None => py.detach(|| verifier.verify_jws(signature, JwsContent::Bytes(&bytes))),
        };
        let mut out = Vec::with_capacity(2048);
        out.extend_from_slice(b"{\"checks\":[");
        for (i, check) in report.checks().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_check_json(&mut out, check);
        }
        out.extend_from_slice(b"],\"indication\":");
        write_escaped(report.indication().as_str(), &mut out);
        out.extend_from_slice(b",\"subIndication\":");
        push_opt(&mut out, report.sub_indication().map(|s| s.as_str()));
        out.extend_from_slice(b",\"decidingCheck\":");
        push_opt(
            &mut out,
            if report.passed() {
                None
            } else {
                deciding_check(&report)
            },
        );
        out.extend_from_slice(if report.passed() {
            b",\"verified\":true}"
        } else {
            b",\"verified\":false}"
        });
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}
