//! `provenance/`: Bundles whose `Provenance.signature` entries are to be verified (operation
//! `verify-provenance`). Signatures are detached RS256 JWS over the Provenance's targets as
//! found in the same Bundle (RFC 8785 of the one target, or of the array of targets in target
//! order), made with the committed PKI at a fixed time; embedded signing Provenance (target
//! `#/`) sign the Bundle itself. Negative cases change one thing of a good Bundle.

use fhirsig_provenance::{
    sign_bundle_embedded, sign_provenance_in_bundle, EmbeddedOptions, Instant, Profile, Reference,
    SignatureType, Signer,
};

use crate::case::{Case, Expect, GenResult, Input, Operation};
use crate::pki::Pki;

/// The signing time of every signature.
const SIGN_AT: &str = "2026-05-01T00:00:00Z";
/// The verification time.
const VERIFY_AT: &str = "2026-06-01T00:00:00Z";
/// Where the one Provenance of [`BUNDLE`] is.
const PROVENANCE: &str = "/entry/2/resource";

/// `Signature.who.identifier` of every signature: the system and NPI of the committed leaves.
const NPI_SYSTEM: &str = "http://hl7.org/fhir/sid/us-npi";
const SIGNER_NPI: &str = "1234567893";

/// A collection Bundle: a Condition, an Encounter with a decimal, and an HRex Provenance that
/// targets both by `fullUrl`.
const BUNDLE: &str = r#"{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [
    {
      "fullUrl": "urn:uuid:6f1c2a8e-0000-4000-8000-000000000001",
      "resource": {
        "resourceType": "Condition",
        "id": "c1",
        "code": { "text": "asthma — “mild”" },
        "subject": { "reference": "Patient/p1" }
      }
    },
    {
      "fullUrl": "urn:uuid:6f1c2a8e-0000-4000-8000-000000000002",
      "resource": {
        "resourceType": "Encounter",
        "id": "e2",
        "status": "finished",
        "length": { "value": 12.50, "unit": "min" }
      }
    },
    {
      "fullUrl": "urn:uuid:6f1c2a8e-0000-4000-8000-000000000003",
      "resource": {
        "resourceType": "Provenance",
        "id": "p1",
        "meta": { "profile": [ "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition/hrex-provenance" ] },
        "target": [
          { "reference": "urn:uuid:6f1c2a8e-0000-4000-8000-000000000001" },
          { "reference": "urn:uuid:6f1c2a8e-0000-4000-8000-000000000002" }
        ],
        "recorded": "2026-05-01T00:00:00Z",
        "agent": [
          {
            "type": { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "code": "transmitter" } ] },
            "who": { "reference": "Organization/ehr" }
          }
        ]
      }
    }
  ]
}"#;

/// `text` with the first `from` replaced by `to`; an error if `from` is not there, so a case
/// never silently equals the good Bundle.
fn edit(text: &str, from: &str, to: &str) -> GenResult<String> {
    if !text.contains(from) {
        return Err(format!("provenance vectors: {from:?} not found").into());
    }
    Ok(text.replacen(from, to, 1))
}

struct Gen<'p> {
    pki: &'p Pki,
    cases: Vec<Case>,
}

/// Adds the `provenance/` cases.
pub fn add(pki: &Pki, cases: &mut Vec<Case>) -> GenResult<()> {
    let mut gen = Gen {
        pki,
        cases: Vec::new(),
    };
    gen.targets()?;
    gen.embedded()?;
    gen.trust()?;
    cases.append(&mut gen.cases);
    Ok(())
}

impl Gen<'_> {
    /// Signs the Provenance at [`PROVENANCE`] of `text` with `leaf` (and the intermediate).
    fn sign(&self, text: &str, leaf: &str) -> GenResult<String> {
        let key = self.pki.key(leaf)?;
        let signer = self.signer(&key, leaf)?;
        Ok(sign_provenance_in_bundle(text, PROVENANCE, &signer)?)
    }

    /// Adds an embedded signing Provenance (target `#/`) to `text`.
    fn embed(&self, text: &str) -> GenResult<String> {
        let key = self.pki.key("leaf-good")?;
        let signer = self.signer(&key, "leaf-good")?;
        let options = EmbeddedOptions {
            profile: Profile::Hrex,
            recorded: Instant::parse(SIGN_AT)?,
        };
        Ok(sign_bundle_embedded(text, &signer, &options)?)
    }

    fn signer<'k>(
        &self,
        key: &'k fhirsig_core::jws::SigningKey,
        leaf: &str,
    ) -> GenResult<Signer<'k>> {
        Ok(Signer {
            key,
            certificates: vec![self.pki.cert_der(leaf)?, self.pki.cert_der("intermediate")?],
            when: Instant::parse(SIGN_AT)?,
            // The NPI every leaf of the committed PKI carries as its otherName SAN: verification
            // matches Signature.who.identifier against it (CONF-053).
            who: Reference::to("Organization/ehr").with_identifier(Some(NPI_SYSTEM), SIGNER_NPI),
            on_behalf_of: None,
            kind: SignatureType::Verification,
        })
    }

    /// A case verified at [`VERIFY_AT`] against the root.
    fn case(&self, name: &str, expect: Expect, description: &str, input: Input) -> GenResult<Case> {
        let mut case = Case::new(
            "provenance",
            name,
            Operation::VerifyProvenance,
            expect,
            description,
            input,
        );
        case.verify_at = Some(VERIFY_AT.to_owned());
        case.trust_anchors = vec![self.pki.cert_pem("root")?];
        Ok(case)
    }

    fn push(&mut self, case: Case) {
        self.cases.push(case);
    }

    fn failing(
        &mut self,
        name: &str,
        expect: Expect,
        check: &'static str,
        sub: &'static str,
        description: &str,
        text: String,
    ) -> GenResult<()> {
        let mut case = self.case(name, expect, description, Input::Json(text))?;
        case.expect_check = Some(check);
        case.expect_sub_indication = Some(sub);
        self.push(case);
        Ok(())
    }

    fn targets(&mut self) -> GenResult<()> {
        let signed = self.sign(BUNDLE, "leaf-good")?;
        let case = self.case(
            "targets-two-success",
            Expect::Success,
            "A Provenance signed over its two targets (RFC 8785 of the JSON array [Condition, Encounter], in target order) by a leaf under the trusted root.",
            Input::Json(signed.clone()),
        )?;
        self.push(case);

        let single_text = edit(
            BUNDLE,
            "          { \"reference\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000001\" },\n          { \"reference\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000002\" }",
            "          { \"reference\": \"Condition/c1\" }",
        )?;
        let single = self.sign(&single_text, "leaf-good")?;
        let case = self.case(
            "target-one-by-type-and-id",
            Expect::Success,
            "A Provenance with one target, named Condition/c1 (resolved by resourceType and id in the Bundle): the payload is RFC 8785 of the Condition itself, not an array.",
            Input::Json(single.clone()),
        )?;
        self.push(case);

        let respelled = edit(&signed, "\"value\": 12.50", "\"value\": 12.5")?;
        let case = self.case(
            "decimal-respelled-success",
            Expect::Success,
            "A signed target's decimal 12.50 rewritten as 12.5 after signing: RFC 8785 writes both as 12.5, so the signed bytes are the same and the signature still verifies (that precision is not protected).",
            Input::Json(respelled),
        )?;
        self.push(case);

        let when = edit(
            &signed,
            "\"when\": \"2026-05-01T00:00:00Z\"",
            "\"when\": \"2026-05-01T00:00:01Z\"",
        )?;
        self.failing(
            "when-differs-from-sigt",
            Expect::HeaderFailure,
            "signature-when",
            "sig-constraints-failure",
            "Signature.when one second after the JWS sigT: the unsigned claim of when the signature was made contradicts the signed sigT, so it fails (signature-when).",
            when,
        )?;

        let other_npi = edit(
            &signed,
            &format!("\"value\": \"{SIGNER_NPI}\""),
            "\"value\": \"1111111111\"",
        )?;
        self.failing(
            "who-names-another-npi",
            Expect::SignerIdentityFailure,
            "signer-identity",
            "sig-constraints-failure",
            "Signature.who.identifier changed to another NPI after signing: no SAN of the signer certificate names it (CONF-053), so the signature does not verify although its value does.",
            other_npi,
        )?;

        let duplicate = edit(
            &signed,
            "\n    {\n      \"fullUrl\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000003\"",
            "\n    {\n      \"fullUrl\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000001\",\n      \"resource\": { \"resourceType\": \"Condition\", \"id\": \"c9\", \"code\": { \"text\": \"a changed copy\" } }\n    },\n    {\n      \"fullUrl\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000003\"",
        )?;
        self.failing(
            "target-full-url-duplicated",
            Expect::CanonicalizationFailure,
            "targets-resolved",
            "format-failure",
            "A second entry with the signed target's fullUrl, placed after it: a target must name exactly one entry (fullUrl is unique in a Bundle), so the signed content cannot be told and the signature does not verify.",
            duplicate,
        )?;

        self.failing(
            "target-changed",
            Expect::SignatureFailure,
            "signature-value",
            "sig-crypto-failure",
            "The Condition (a target) edited after signing: the rebuilt payload differs and the signature does not verify.",
            edit(&signed, "asthma", "asthmA")?,
        )?;
        self.failing(
            "target-order-swapped",
            Expect::SignatureFailure,
            "signature-value",
            "sig-crypto-failure",
            "The two target references swapped after signing: the payload is the array in target order, so it changes and the signature does not verify.",
            edit(&signed, "000000000001\" },\n          { \"reference\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000002", "000000000002\" },\n          { \"reference\": \"urn:uuid:6f1c2a8e-0000-4000-8000-000000000001")?,
        )?;
        self.failing(
            "target-missing",
            Expect::CanonicalizationFailure,
            "targets-resolved",
            "format-failure",
            "A target reference that names no entry of the Bundle: the signed content cannot be rebuilt, so nothing is verified.",
            edit(&signed, "urn:uuid:6f1c2a8e-0000-4000-8000-000000000002\" }", "urn:uuid:6f1c2a8e-0000-4000-8000-00000000000f\" }")?,
        )?;
        self.failing(
            "sig-format-not-jose",
            Expect::HeaderFailure,
            "signature-format",
            "format-failure",
            "Signature.sigFormat is application/pkcs7-signature: only application/jose (a JWS) is verified.",
            edit(&signed, "\"sigFormat\": \"application/jose\"", "\"sigFormat\": \"application/pkcs7-signature\"")?,
        )?;
        self.failing(
            "data-not-base64",
            Expect::HeaderFailure,
            "signature-data",
            "format-failure",
            "Signature.data is not base64 (a character outside the alphabet): there is no JWS to verify.",
            edit(&signed, "\"data\": \"", "\"data\": \"%")?,
        )?;
        let mut duplicate = self.case(
            "duplicate-member",
            Expect::ParseFailure,
            "A signed Bundle whose Provenance has the member recorded twice: not I-JSON, refused before any signature is looked at.",
            Input::Text(edit(
                &signed,
                "\"recorded\": \"2026-05-01T00:00:00Z\",",
                "\"recorded\": \"2026-05-01T00:00:00Z\",\n        \"recorded\": \"2026-05-02T00:00:00Z\",",
            )?),
        )?;
        duplicate.expect_check = Some("duplicate-member");
        self.push(duplicate);
        Ok(())
    }

    fn embedded(&mut self) -> GenResult<()> {
        let signed = self.sign(BUNDLE, "leaf-good")?;
        let embedded = self.embed(&signed)?;
        let case = self.case(
            "embedded-signing-provenance",
            Expect::Success,
            "The targets signature plus an embedded signing Provenance (target #/): it signs the Bundle minus its signature and minus the signing Provenance entries. Both verify.",
            Input::Json(embedded.clone()),
        )?;
        self.push(case);
        let counter = self.embed(&embedded)?;
        let case = self.case(
            "embedded-counter-signature",
            Expect::Success,
            "A second embedded signing Provenance counter-signs the first: its targets are #/ and the earlier signing Provenance, signed as the JSON array of both. All three signatures verify.",
            Input::Json(counter),
        )?;
        self.push(case);
        self.failing(
            "embedded-bundle-changed",
            Expect::SignatureFailure,
            "signature-value",
            "sig-crypto-failure",
            "The Bundle type changed after the embedded signature: the #/ signature covers the whole Bundle, so it fails (the targets signature, over the Condition and Encounter only, still verifies).",
            edit(&embedded, "\"type\": \"collection\"", "\"type\": \"batch\"")?,
        )?;
        Ok(())
    }

    fn trust(&mut self) -> GenResult<()> {
        let signed = self.sign(BUNDLE, "leaf-good")?;
        let mut untrusted = self.case(
            "untrusted-root",
            Expect::ChainFailure,
            "A good signature, but the verifier trusts only another root: no certificate path to a trust anchor.",
            Input::Json(signed),
        )?;
        untrusted.trust_anchors = vec![self.pki.cert_pem("other-root")?];
        untrusted.expect_check = Some("certificate-path");
        untrusted.expect_sub_indication = Some("no-certificate-chain-found");
        self.push(untrusted);

        let expired = self.sign(BUNDLE, "leaf-expired")?;
        self.failing(
            "signer-certificate-expired",
            Expect::ChainFailure,
            "signer-certificate-validity",
            "out-of-bounds-no-poe",
            "Signed with a leaf whose validity ended before the verification time (checked at the verification time).",
            expired,
        )?;

        let revoked = self.sign(BUNDLE, "leaf-revoked")?;
        let mut case = self.case(
            "signer-certificate-revoked",
            Expect::ChainFailure,
            "Signed with a leaf that the intermediate's CRL lists as revoked before the verification time.",
            Input::Json(revoked),
        )?;
        case.crls = vec![self.pki.crl_pem("intermediate")?, self.pki.crl_pem("root")?];
        case.expect_check = Some("revocation-status");
        case.expect_sub_indication = Some("revoked");
        self.push(case);
        Ok(())
    }
}
