//! `documents/`: signatures over non-FHIR documents (operation `verify-document`): an RFC 7515
//! detached compact JWS over the document's bytes, or a JAdES `sigD` JWS naming the document by
//! URI and SHA-256 (`documentUri`). RS256 with the committed PKI at a fixed signing time, so
//! regenerating writes the same bytes. Negative cases change one thing of a good signature.

use fhirsig_core::document::{DocumentDigest, DocumentSigner};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::case::{Case, Expect, GenResult, Input, Operation};
use crate::pki::Pki;

const SIGN_AT: &str = "2026-05-01T00:00:00Z";
const VERIFY_AT: &str = "2026-06-01T00:00:00Z";
/// The URI a `sigD` signature names the document by.
const URI: &str = "discharge-summary.xml";

/// A small C-CDA-like document (UTF-8, non-ASCII text).
const CCDA: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n  <title>Discharge summary — Zoë Müller</title>\n  <component><section><text>Heart rate 72.50 /min</text></section></component>\n</ClinicalDocument>\n";

/// Bytes that are not UTF-8 (a PDF header with binary marker bytes).
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%".to_vec();
    bytes.extend([0xe2, 0xe3, 0xcf, 0xd3, b'\n']);
    bytes.extend(b"1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
    bytes
}

struct Gen<'p> {
    pki: &'p Pki,
    cases: Vec<Case>,
}

/// Adds the `documents/` cases.
pub fn add(pki: &Pki, cases: &mut Vec<Case>) -> GenResult<()> {
    let mut gen = Gen {
        pki,
        cases: Vec::new(),
    };
    gen.detached()?;
    gen.sigd()?;
    gen.trust()?;
    cases.append(&mut gen.cases);
    Ok(())
}

impl Gen<'_> {
    fn signer_for(&self, leaf: &str) -> GenResult<(fhirsig_core::jws::SigningKey, Vec<Vec<u8>>)> {
        Ok((
            self.pki.key(leaf)?,
            vec![self.pki.cert_der(leaf)?, self.pki.cert_der("intermediate")?],
        ))
    }

    fn detached_jws(&self, leaf: &str, document: &[u8]) -> GenResult<String> {
        let (key, chain) = self.signer_for(leaf)?;
        let at = OffsetDateTime::parse(SIGN_AT, &Rfc3339)?;
        Ok(DocumentSigner::new(&key, chain)
            .signing_time(at)
            .sign_detached(document)?)
    }

    fn sigd_jws(&self, document: &[u8]) -> GenResult<String> {
        let (key, chain) = self.signer_for("leaf-good")?;
        let at = OffsetDateTime::parse(SIGN_AT, &Rfc3339)?;
        let digest = DocumentDigest::from_reader(URI, document)?;
        Ok(DocumentSigner::new(&key, chain)
            .signing_time(at)
            .sign_sigd(&[digest])?)
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        name: &str,
        expect: Expect,
        decided: Option<(&'static str, &'static str)>,
        description: &str,
        input: Input,
        signature: String,
        uri: Option<&str>,
    ) -> GenResult<()> {
        let mut case = Case::new(
            "documents",
            name,
            Operation::VerifyDocument,
            expect,
            description,
            input,
        );
        case.verify_at = Some(VERIFY_AT.to_owned());
        case.trust_anchors = vec![self.pki.cert_pem("root")?];
        case.signature = Some(signature);
        case.document_uri = uri.map(str::to_owned);
        if let Some((check, sub)) = decided {
            case.expect_check = Some(check);
            case.expect_sub_indication = Some(sub);
        }
        self.cases.push(case);
        Ok(())
    }

    fn detached(&mut self) -> GenResult<()> {
        let text = Input::Text(CCDA.to_owned());
        let jws = self.detached_jws("leaf-good", CCDA.as_bytes())?;
        self.push(
            "detached-ccda-success",
            Expect::Success,
            None,
            "An RFC 7515 detached compact JWS (header..signature) over a C-CDA document's UTF-8 bytes, with x5c, sigT and srCms, by a leaf under the trusted root.",
            text.clone(),
            jws.clone(),
            None,
        )?;
        let pdf = pdf();
        let pdf_jws = self.detached_jws("leaf-good", &pdf)?;
        self.push(
            "detached-binary-success",
            Expect::Success,
            None,
            "A detached JWS over bytes that are not UTF-8 (a PDF): the signing input is the base64url of the bytes, whatever they are.",
            Input::Bytes(pdf.clone()),
            pdf_jws,
            None,
        )?;
        self.push(
            "detached-document-changed",
            Expect::SignatureFailure,
            Some(("signature", "sig-crypto-failure")),
            "The document's 72.50 changed to 72.51 after signing: the signature does not verify over the bytes received.",
            Input::Text(CCDA.replace("72.50", "72.51")),
            jws.clone(),
            None,
        )?;
        let mut changed = jws.clone();
        let last = changed.pop().ok_or("empty JWS")?;
        changed.push(if last == 'A' { 'B' } else { 'A' });
        self.push(
            "detached-signature-bytes-changed",
            Expect::SignatureFailure,
            Some(("signature", "sig-crypto-failure")),
            "The last character of the JWS signature part changed: the signature value does not verify.",
            text.clone(),
            changed,
            None,
        )?;
        self.push(
            "not-a-jws",
            Expect::HeaderFailure,
            Some(("signature-format", "format-failure")),
            "The signature is not a compact JWS (two parts only).",
            text,
            "eyJhbGciOiJSUzI1NiJ9.c2lnbmF0dXJl".to_owned(),
            None,
        )?;
        Ok(())
    }

    fn sigd(&mut self) -> GenResult<()> {
        let jws = self.sigd_jws(CCDA.as_bytes())?;
        self.push(
            "sigd-success",
            Expect::Success,
            None,
            "A JAdES sigD JWS (ObjectIdByURIHash): the header names the document by URI and SHA-256, the payload is empty; the document given under that URI has that digest.",
            Input::Text(CCDA.to_owned()),
            jws.clone(),
            Some(URI),
        )?;
        self.push(
            "sigd-document-changed",
            Expect::SignatureFailure,
            Some(("document-digest", "hash-failure")),
            "The document given under the signed URI differs from the signed one: its SHA-256 is not the one in sigD.",
            Input::Text(CCDA.replace("72.50", "72.51")),
            jws.clone(),
            Some(URI),
        )?;
        self.push(
            "sigd-document-under-another-uri",
            Expect::CanonicalizationFailure,
            Some(("document-extra", "sig-constraints-failure")),
            "The right bytes, given under another URI: sigD names documents by URI exactly, so the signed document is missing (indeterminate) and the one given is not covered by the signature (failed, which decides).",
            Input::Text(CCDA.to_owned()),
            jws,
            Some("discharge-summary-copy.xml"),
        )?;
        Ok(())
    }

    fn trust(&mut self) -> GenResult<()> {
        let text = Input::Text(CCDA.to_owned());
        let jws = self.detached_jws("leaf-good", CCDA.as_bytes())?;
        let mut case = Case::new(
            "documents",
            "untrusted-root",
            Operation::VerifyDocument,
            Expect::ChainFailure,
            "A good signature, but the verifier trusts only another root: no certificate path to a trust anchor.",
            text.clone(),
        );
        case.verify_at = Some(VERIFY_AT.to_owned());
        case.trust_anchors = vec![self.pki.cert_pem("other-root")?];
        case.signature = Some(jws);
        case.expect_check = Some("certificate-path");
        case.expect_sub_indication = Some("no-certificate-chain-found");
        self.cases.push(case);
        let expired = self.detached_jws("leaf-expired", CCDA.as_bytes())?;
        self.push(
            "signer-certificate-expired",
            Expect::ChainFailure,
            Some(("signer-certificate-validity", "out-of-bounds-no-poe")),
            "Signed with a leaf whose validity ended before the verification time.",
            text.clone(),
            expired,
            None,
        )?;
        let wrong_ku = self.detached_jws("leaf-wrong-key-usage", CCDA.as_bytes())?;
        self.push(
            "signer-key-usage-wrong",
            Expect::ChainFailure,
            Some(("signer-key-usage", "chain-constraints-failure")),
            "Signed with a leaf whose KeyUsage does not allow signatures (keyEncipherment only).",
            text,
            wrong_ku,
            None,
        )?;
        Ok(())
    }
}
