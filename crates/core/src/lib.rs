//! The fhirsig signing core: which bytes of a FHIR resource are signed, detached JWS, certificate
//! trust and verification reports.
//!
//! The core never reads the clock, the environment or files: time, keys, certificates and trust
//! anchors are passed in by the caller (the `fhirsig` command line, or your program).
//!
//! Verifying a received Bundle against your trust anchors, as of an instant:
//!
//! ```
//! use fhirsig_core::{parse_rfc3339, verify_json, ChainValidator, TrustAnchors, VerifyOptions};
//! # let (root_pem, signed) = (include_bytes!("../../../cli/tests/cmd/fixtures/root.cert.pem"),
//! #     include_bytes!("../../../cli/tests/cmd/fixtures/signed.json"));
//! let anchors = TrustAnchors::from_pem(&[root_pem])?;
//! let at = parse_rfc3339("2026-06-01T00:00:00Z").expect("an RFC 3339 instant");
//! let report = verify_json(signed, &VerifyOptions::new(ChainValidator::new(anchors), at))?;
//! assert!(report.verified());
//! let proof = report.signatures[0].proof().expect("verified signatures carry their proof");
//! assert_eq!(proof.payload_sha256(), report.signatures[0].payload_sha256.as_deref().unwrap());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! "Verified" is a value only the verifier makes ([`report::Verified`]); a result cannot be
//! built or changed outside this crate:
//!
//! ```compile_fail
//! let forged = fhirsig_core::fhir::SignatureVerification {
//!     pointer: String::new(),
//!     ..unimplemented!()
//! };
//! ```
//!
//! Which bytes a signature covers:
//!
//! ```
//! use fhirsig_core::{canonicalization::Canonicalization, payload::resource_payload};
//!
//! let bundle = br#"{"resourceType":"Bundle","id":"x","meta":{"versionId":"2"},
//!                   "type":"searchset","total":1.50,"signature":{"data":"..."}}"#;
//! let doc = fhirsig_jcs::parse(bundle)?;
//! let payload = resource_payload(&doc, doc.root(), Canonicalization::Document)?;
//! assert_eq!(payload.bytes, br#"{"resourceType":"Bundle","total":1.5,"type":"searchset"}"#);
//! assert_eq!(payload.number_changes.listed()[0].pointer, "/total"); // 1.50 is signed as 1.5
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod der_reader;
pub mod document;
pub mod fhir;
mod hex;
pub mod jws;
pub mod keys;
pub mod policy;
pub mod report;
pub mod trust;

// The FHIR rules for which bytes are signed live in `fhir`; these paths name them directly.
pub use fhir::{canonicalization, locate, payload};

// The common path of a Rust user, without direct dependencies on fhirsig-jcs or
// rustls-pki-types.
pub use fhir::{
    verify_json, verify_json_with, FileReport, FileRules, FileVerdict, SignatureVerification,
    VerifyOptions,
};
pub use fhirsig_jcs::ParseError;
pub use policy::Policy;
pub use report::{Check, CheckCode, Level, Verified};
pub use rustls_pki_types::UnixTime;
pub use trust::{parse_rfc3339, ChainValidator, Crl, TimePolicy, TrustAnchors};
