//! CMS / CAdES-BES detached signatures (`.p7s`, `application/pkcs7-signature`): writing a
//! SignedData over a document's SHA-256, and verifying one against a streamed document.

pub(crate) mod der;
mod ecdsa;
mod parse;
mod sign;
mod verify;

pub(crate) use sign::sign;
pub(crate) use verify::signer_facts;
