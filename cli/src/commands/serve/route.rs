//! Which operation a request names: its path, and the one method that path takes.

use hyper::Method;

use super::ops::Reply;

/// The operations, as metrics and the audit trail name them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `POST /fhir/$sign`.
    Sign,
    /// `POST /fhir/$verify-signature`.
    Verify,
    /// `POST /fhir/$provenance`.
    Provenance,
    /// `GET /fhir/metadata`, the CapabilityStatement.
    Metadata,
    /// `GET /healthz`, answered without a token.
    Health,
    /// `GET /metrics`, in the Prometheus text format.
    Metrics,
    /// A request that names no endpoint, or the wrong method for one.
    Unknown,
}

impl Operation {
    /// The operation's name in metrics and the audit trail.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::Verify => "verify-signature",
            Self::Provenance => "provenance",
            Self::Metadata => "metadata",
            Self::Health => "healthz",
            Self::Metrics => "metrics",
            Self::Unknown => "other",
        }
    }

    /// True for the operations the audit trail records: the ones that read a body.
    pub fn audited(self) -> bool {
        matches!(self, Self::Sign | Self::Verify | Self::Provenance)
    }
}

/// The operation `method` and `path` name, or the 404 or 405 reply for a request that names
/// none.
pub fn route(method: &Method, path: &str) -> Result<Operation, Reply> {
    let operation = match path {
        "/fhir/$sign" => Operation::Sign,
        "/fhir/$verify-signature" => Operation::Verify,
        "/fhir/$provenance" => Operation::Provenance,
        "/fhir/metadata" => Operation::Metadata,
        "/healthz" => Operation::Health,
        "/metrics" => Operation::Metrics,
        _ => {
            return Err(Reply::error(
                404,
                "not-found",
                &format!("no endpoint {path} (GET /fhir/metadata lists the operations)"),
            ))
        }
    };
    let expected = match operation {
        Operation::Sign | Operation::Verify | Operation::Provenance => Method::POST,
        _ => Method::GET,
    };
    // HEAD is GET without the content (RFC 9110 §9.3.2), so a GET endpoint takes it too.
    if *method != expected && !(expected == Method::GET && *method == Method::HEAD) {
        return Err(Reply::error(
            405,
            "not-supported",
            &format!("{path} takes {expected}, not {method}"),
        ));
    }
    Ok(operation)
}
