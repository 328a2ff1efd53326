//! The fhirsig signing core: which bytes of a FHIR resource are signed, detached JWS, certificate
//! trust and verification reports.
//!
//! The core never reads the clock, the environment or files: time, keys, certificates and trust
//! anchors are passed in by the caller (the `fhirsig` command line, or your program).
//!
//! ```
//! use fhirsig_core::{canonicalization::Canonicalization, payload::resource_payload};
//!
//! let bundle = br#"{"resourceType":"Bundle","id":"x","meta":{"versionId":"2"},
//!                   "type":"searchset","total":1.50,"signature":{"data":"..."}}"#;
//! let doc = fhirsig_jcs::parse(bundle)?;
//! let payload = resource_payload(&doc, doc.root(), Canonicalization::Document)?;
//! assert_eq!(payload.bytes, br#"{"resourceType":"Bundle","total":1.5,"type":"searchset"}"#);
//! assert_eq!(payload.number_changes[0].pointer, "/total"); // 1.50 is signed as 1.5
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod canonicalization;
pub mod document;
pub mod fhir;
mod hex;
pub mod jws;
pub mod locate;
pub mod payload;
pub mod report;
pub mod trust;
