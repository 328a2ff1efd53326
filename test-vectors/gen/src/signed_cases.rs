//! `fhir/` and `trust/`: signed FHIR documents to verify. Every signature is RS256 (PKCS#1 v1.5,
//! deterministic) with a key of the committed PKI, at a fixed signing time, so regenerating makes
//! the same bytes. Negative cases change one thing of a good signature: a header member or
//! Signature element (`fhir/`, header), the signed content or the signature bytes (`fhir/`,
//! signature), the signer's certificate, anchors, CRLs or instant (`trust/`), or the identity
//! named in `Signature.who` (`fhir/`, identity).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use fhirsig_core::fhir::{sign, Party, Profile, SignRequest};
use fhirsig_core::jws::{Algorithm, HeaderBuilder, CDEX_VERIFICATION_COMMITMENT};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::case::{Case, Expect, GenResult, Input, Operation};
use crate::documents;
use crate::pki::Pki;

/// The signing time of every vector (`sigT`, `Signature.when`).
const SIGN_AT: &str = "2026-05-01T00:00:00Z";
/// The default verification time.
const VERIFY_AT: &str = "2026-06-01T00:00:00Z";
const NPI_SYSTEM: &str = "http://hl7.org/fhir/sid/us-npi";
const NPI: &str = "1234567893";

/// How one document is signed.
#[derive(Clone)]
struct SignSpec {
    profile: Profile,
    pointer: Option<&'static str>,
    key: &'static str,
    chain: Vec<&'static str>,
    who_system: &'static str,
    who_value: &'static str,
    at: &'static str,
    header: Option<Vec<u8>>,
}

impl SignSpec {
    fn new(profile: Profile) -> Self {
        SignSpec {
            profile,
            pointer: None,
            key: "leaf-good",
            chain: vec!["leaf-good", "intermediate"],
            who_system: NPI_SYSTEM,
            who_value: NPI,
            at: SIGN_AT,
            header: None,
        }
    }

    fn leaf(mut self, stem: &'static str) -> Self {
        self.key = stem;
        self.chain = vec![stem, "intermediate"];
        self
    }
}

struct Gen<'p> {
    pki: &'p Pki,
    cases: Vec<Case>,
}

/// Adds every `fhir/` and `trust/` case.
pub fn add(pki: &Pki, cases: &mut Vec<Case>) -> GenResult<()> {
    let mut g = Gen {
        pki,
        cases: Vec::new(),
    };
    g.profiles()?;
    g.more_successes()?;
    g.header_failures()?;
    g.signature_failures()?;
    g.identity()?;
    g.chain()?;
    cases.append(&mut g.cases);
    Ok(())
}

const OBJECTS: [(&str, &str, Option<&str>); 5] = [
    ("searchset", documents::SEARCHSET, None),
    ("document", documents::DOCUMENT, None),
    ("collection", documents::COLLECTION, None),
    (
        "questionnaire-response",
        documents::QUESTIONNAIRE_RESPONSE,
        None,
    ),
    (
        "questionnaire-item",
        documents::QUESTIONNAIRE_RESPONSE,
        Some("/item/1"),
    ),
];

impl Gen<'_> {
    fn sign(&self, text: &str, spec: &SignSpec) -> GenResult<String> {
        let key = self.pki.key(spec.key)?;
        let chain = spec
            .chain
            .iter()
            .map(|stem| self.pki.cert_der(stem))
            .collect::<GenResult<Vec<_>>>()?;
        let request = SignRequest {
            key: &key,
            chain,
            profile: spec.profile,
            signing_time: OffsetDateTime::parse(spec.at, &Rfc3339)?,
            who: Party {
                system: spec.who_system.to_owned(),
                value: spec.who_value.to_owned(),
                display: Some("Example signer".to_owned()),
            },
            on_behalf_of: None,
            algorithm: Some(Algorithm::Rs256),
            kty_compat: spec.profile == Profile::Cdex2,
            replace: false,
            exact_header: spec.header.clone(),
        };
        Ok(sign(text, spec.pointer, &request)?.text)
    }

    /// A CDex header for `chain` with `sigT` and the Verification Signature commitment, each
    /// optional, and extra members.
    fn cdex_header(
        &self,
        chain: &[&str],
        sig_t: bool,
        commitment: Option<&str>,
        extra: &[(&str, &str)],
    ) -> GenResult<Vec<u8>> {
        let mut builder = HeaderBuilder::new(Algorithm::Rs256);
        for stem in chain {
            builder = builder.certificate(&self.pki.cert_der(stem)?);
        }
        if sig_t {
            builder = builder.sig_t(SIGN_AT);
        }
        if let Some(id) = commitment {
            builder = builder.commitment(id, None);
        }
        for (name, raw) in extra {
            builder = builder.member(name, raw);
        }
        Ok(builder.build()?)
    }

    /// A verify case with the defaults: trust the root, verify at 2026-06-01.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        area: &'static str,
        name: &str,
        expect: Expect,
        check: Option<&'static str>,
        sub: Option<&'static str>,
        description: &str,
        signed: String,
        pointer: Option<&str>,
    ) -> GenResult<&mut Case> {
        let mut case = Case::new(
            area,
            name,
            Operation::Verify,
            expect,
            description,
            Input::Json(signed),
        );
        case.expect_check = check;
        case.expect_sub_indication = sub;
        case.pointer = pointer.map(str::to_owned);
        case.verify_at = Some(VERIFY_AT.to_owned());
        case.trust_anchors = vec![self.pki.cert_pem("root")?];
        self.cases.push(case);
        let last = self.cases.len() - 1;
        Ok(&mut self.cases[last])
    }

    fn profiles(&mut self) -> GenResult<()> {
        for profile in Profile::ALL {
            for (kind, text, pointer) in OBJECTS {
                let mut spec = SignSpec::new(profile);
                spec.pointer = pointer;
                let signed = self.sign(text, &spec)?;
                let what = match pointer {
                    Some(p) => format!("the QuestionnaireResponse item at {p}"),
                    None => format!("a {kind}"),
                };
                self.push(
                    "fhir",
                    &format!("{profile}-{kind}"),
                    Expect::Success,
                    None,
                    None,
                    &format!(
                        "{} signed under the {profile} profile (RS256, x5c = [leaf-good, \
                         intermediate]); the profile is detected from the signature.",
                        capitalize(&what)
                    ),
                    signed,
                    pointer,
                )?;
            }
        }
        Ok(())
    }

    fn more_successes(&mut self) -> GenResult<()> {
        let cdex = SignSpec::new(Profile::Cdex);
        let searchset = self.sign(documents::SEARCHSET, &cdex)?;

        let pointer = "/parameter/1/part/1/resource";
        let mut spec = cdex.clone();
        spec.pointer = Some(pointer);
        let signed = self.sign(documents::PARAMETERS, &spec)?;
        self.push("fhir", "cdex-submit-attachment-parameters", Expect::Success, None, None,
            "A searchset Bundle signed inside a $submit-attachment Parameters (the Content part); the Parameters around it are not signed.",
            signed, Some(pointer))?;

        let changed = replace_once(&searchset, "\"id\": \"searchset-1\"", "\"id\": \"renamed\"")?;
        let changed = replace_once(
            &changed,
            "\"lastUpdated\": \"2026-04-30T10:00:00Z\"",
            "\"lastUpdated\": \"2026-05-20T00:00:00Z\"",
        )?;
        self.push("fhir", "cdex-root-id-and-meta-changed", Expect::Success, None, None,
            "The root id and meta were changed after signing: the CDex rule (json#document) does not sign them, so the signature still verifies.",
            changed, None)?;

        let decimal = replace_once(&searchset, "72.50", "72.5")?;
        self.push("fhir", "cdex-decimal-respelled", Expect::Success, None, None,
            "72.50 was rewritten as 72.5 after signing: the same double, so the same JCS payload; the signature verifies (a FHIR decimal's precision is not protected).",
            decimal, None)?;

        let canonical = String::from_utf8(fhirsig_jcs::canonicalize(searchset.as_bytes())?)?;
        let mut case = Case::new("fhir", "cdex-reformatted-and-reordered", Operation::Verify, Expect::Success,
            "The signed Bundle with every member reordered and all white space removed (its RFC 8785 form): the payload is the same, so it verifies.",
            Input::Text(canonical));
        case.verify_at = Some(VERIFY_AT.to_owned());
        case.trust_anchors = vec![self.pki.cert_pem("root")?];
        self.cases.push(case);

        let mut spec = SignSpec::new(Profile::Cdex);
        spec.who_system = "urn:ietf:rfc:3986";
        spec.who_value = "https://example.org/fhir/Practitioner/1234567893";
        let signed = self.sign(documents::DOCUMENT, &spec)?;
        self.push("fhir", "cdex-who-is-uri-san", Expect::Success, None, None,
            "Signature.who.identifier is a URI that equals the certificate's URI SAN (CONF-053 matched by URI, not by the NPI otherName).",
            signed, None)?;

        let mut spec = SignSpec::new(Profile::Cdex2);
        spec.pointer = Some("/item/1");
        let item = self.sign(documents::QUESTIONNAIRE_RESPONSE, &spec)?;
        let both = self.sign(&item, &SignSpec::new(Profile::Cdex))?;
        self.push("fhir", "cdex-resource-over-signed-item", Expect::Success, None, None,
            "A QuestionnaireResponse whose item 2 carries a CDex 2 signature, then signed as a whole under CDex: the item's signature is part of the resource payload; the resource signature (pointer \"\") verifies.",
            both.clone(), Some(""))?;
        self.push("fhir", "cdex2-item-inside-signed-resource", Expect::Success, None, None,
            "The same document: the item signature (pointer /item/1) still verifies; the resource signature added later lies outside the item.",
            both, Some("/item/1"))?;
        Ok(())
    }

    fn header_failures(&mut self) -> GenResult<()> {
        let h = Expect::HeaderFailure;
        let cdex = SignSpec::new(Profile::Cdex);
        let searchset = self.sign(documents::SEARCHSET, &cdex)?;
        let good = ["leaf-good", "intermediate"];
        let verification = Some(CDEX_VERIFICATION_COMMITMENT);

        // Header members edited after signing: the rule fails before the signature is looked at.
        let edits: [(&str, &str, &str, &'static str, &'static str, &str); 6] = [
            ("alg-none", "\"alg\":\"RS256\"", "\"alg\":\"none\"", "algorithm", "crypto-constraints-failure", "alg none is refused (CONF-040); an unsigned JWS is never accepted."),
            ("alg-hs256", "\"alg\":\"RS256\"", "\"alg\":\"HS256\"", "algorithm", "crypto-constraints-failure", "A MAC algorithm (HS256) is refused: a shared secret proves nothing about the signer."),
            ("alg-unknown", "\"alg\":\"RS256\"", "\"alg\":\"RS1\"", "algorithm", "crypto-constraints-failure", "An unknown alg is refused."),
            ("crit-b64", "\"alg\":\"RS256\"", "\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false", "jws-format", "format-failure", "crit names b64 (RFC 7797), which fhirsig does not implement: a critical extension not understood."),
            ("crit-unknown", "\"alg\":\"RS256\"", "\"alg\":\"RS256\",\"crit\":[\"x-policy\"],\"x-policy\":\"p1\"", "jws-format", "format-failure", "crit names an extension nobody defined."),
            ("duplicate-header-member", "\"alg\":\"RS256\"", "\"alg\":\"RS256\",\"alg\":\"RS256\"", "jws-format", "format-failure", "A protected header with a duplicate member is not I-JSON."),
        ];
        for (name, from, to, check, sub, why) in edits {
            let changed = map_jws(&searchset, |jws| {
                map_header(jws, |h| replace_once(h, from, to))
            })?;
            self.push(
                "fhir",
                &format!("header-{name}"),
                h,
                Some(check),
                Some(sub),
                why,
                changed,
                None,
            )?;
        }

        // Headers signed as they are: the signature verifies, the profile rule does not hold.
        let signed_headers: Vec<(&str, Vec<u8>, &'static str, &'static str, &str)> = vec![
            ("cdex-missing-sig-t", self.cdex_header(&good, false, verification, &[])?, "sig-t", "format-failure", "A CDex signature without sigT (CONF-043); the signature value itself verifies."),
            ("cdex-missing-sr-cms", self.cdex_header(&good, true, None, &[])?, "sr-cms", "format-failure", "A CDex signature without srCms (CONF-037)."),
            ("cdex-wrong-commitment", self.cdex_header(&good, true, Some("urn:oid:1.2.840.10065.1.12.1.1"), &[])?, "sr-cms", "sig-constraints-failure", "srCms commits to Author's Signature, not Verification Signature (CONF-038)."),
            ("missing-x5c", self.cdex_header(&[], true, verification, &[])?, "x5c", "no-signing-certificate-found", "No x5c: no signer certificate (CONF-042)."),
            ("r6-canon-in-cdex", self.cdex_header(&good, true, verification, &[("canon", "\"http://hl7.org/fhir/canonicalization/json\"")])?, "target-format", "format-failure", "The header's canon names the R6 rule while targetFormat names the CDex rule (CONF-031)."),
        ];
        for (name, header, check, sub, why) in signed_headers {
            let mut spec = cdex.clone();
            spec.header = Some(header);
            let signed = self.sign(documents::SEARCHSET, &spec)?;
            self.push(
                "fhir",
                &format!("header-{name}"),
                h,
                Some(check),
                Some(sub),
                why,
                signed,
                None,
            )?;
        }

        let cdex2 = self.sign(documents::SEARCHSET, &SignSpec::new(Profile::Cdex2))?;
        let case = self.push("fhir", "header-cdex2-held-to-cdex", h, Some("target-format"), Some("format-failure"),
            "A CDex 2 signature (no targetFormat, sigT or srCms) verified with profile cdex: the verifier's profile decides, and CDex requires all three; the first rule checked is targetFormat (CONF-031).",
            cdex2, None)?;
        case.profile = Some("cdex");

        // Signature element edits (the element is not part of the payload).
        let astm = "\"code\": \"1.2.840.10065.1.12.1.5\"";
        let element_edits: [(&str, &str, &str, &'static str, &'static str, &str); 7] = [
            ("type-differs-from-sr-cms", astm, "\"code\": \"1.2.840.10065.1.12.1.1\"", "signature-type", "sig-constraints-failure", "Signature.type says Author's Signature while srCms commits to Verification Signature (CONF-039, CONF-054)."),
            ("when-differs-from-sig-t", "\"when\": \"2026-05-01T00:00:00Z\"", "\"when\": \"2026-05-02T00:00:00Z\"", "when-matches-sig-t", "sig-constraints-failure", "Signature.when is a day after the header's sigT (CONF-055)."),
            ("sig-format-json", "\"sigFormat\": \"application/jose\"", "\"sigFormat\": \"application/json\"", "sig-format", "format-failure", "sigFormat is not application/jose (CONF-029)."),
            ("sig-format-image", "\"sigFormat\": \"application/jose\"", "\"sigFormat\": \"image/png\"", "digital-signature", "format-failure", "sigFormat image/png: an electronic signature (a picture), reported as present and never as verified."),
            ("target-format-data", "canonicalization=http://hl7.org/fhir/canonicalization/json#document", "canonicalization=http://hl7.org/fhir/canonicalization/json#data", "target-format", "format-failure", "targetFormat names the #data canonicalisation, which is not the CDex rule (CONF-031)."),
            ("target-format-xml", "\"targetFormat\": \"application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document\"", "\"targetFormat\": \"application/fhir+xml\"", "target-format", "format-failure", "targetFormat is XML: the signature does not cover FHIR JSON."),
            ("missing-type", "\"type\": [", "\"typeX\": [", "signature-element", "format-failure", "Signature.type is missing (renamed): R4 requires type, when and who."),
        ];
        for (name, from, to, check, sub, why) in element_edits {
            let changed = replace_once(&searchset, from, to)?;
            self.push(
                "fhir",
                &format!("element-{name}"),
                h,
                Some(check),
                Some(sub),
                why,
                changed,
                None,
            )?;
        }

        let not_base64 = map_data_text(&searchset, |_| Ok("not base64!".to_owned()))?;
        self.push(
            "fhir",
            "element-data-not-base64",
            h,
            Some("signature-data"),
            Some("format-failure"),
            "Signature.data is neither base64 nor a JWS.",
            not_base64,
            None,
        )?;

        let attached = map_jws(&searchset, |jws| {
            let (head, sig) = jws.split_once("..").ok_or("not detached")?;
            Ok(format!("{head}.eyJyZXNvdXJjZVR5cGUiOiJCdW5kbGUifQ.{sig}"))
        })?;
        self.push("fhir", "embedded-payload-differs", Expect::SignatureFailure, Some("signature-value"), Some("hash-failure"),
            "The JWS carries an embedded payload (a different Bundle) where a detached one is expected (CONF-046): the content it vouches for is not the received Bundle.", attached, None)?;
        Ok(())
    }

    fn signature_failures(&mut self) -> GenResult<()> {
        let s = Expect::SignatureFailure;
        let check = Some("signature-value");
        let sub = Some("sig-crypto-failure");
        let cdex = SignSpec::new(Profile::Cdex);
        let searchset = self.sign(documents::SEARCHSET, &cdex)?;
        let content_edits: [(&str, &str, &str, &str); 9] = [
            ("entry-value", "72.50", "72.51", "An observation value changed from 72.50 to 72.51."),
            ("full-url", "Observation/o1\"", "Observation/o2\"", "An entry's fullUrl changed: fullUrl is signed."),
            ("entry-resource-id", "\"id\": \"o1\"", "\"id\": \"o9\"", "An entry resource's id changed: only the root id is outside the CDex payload."),
            ("entry-meta", "\"versionId\": \"3\"", "\"versionId\": \"4\"", "An entry resource's meta changed: only the root meta is outside the CDex payload."),
            ("total", "\"total\": 2", "\"total\": 3", "Bundle.total changed."),
            ("narrative", "Examplitis</div>", "Examplitis!</div>", "One character of an entry's narrative changed."),
            ("quotes", "“resting”", "'resting'", "Curly quotes in a string replaced by straight apostrophes."),
            ("search-mode", "\"mode\": \"match\" }\n    },\n    {", "\"mode\": \"include\" }\n    },\n    {", "An entry's search mode changed."),
            ("link-removed", "\"link\": [ { \"relation\": \"self\", \"url\": \"https://ehr.example.org/fhir/Observation?patient=p1\" } ],\n", "", "The Bundle's link element was removed."),
        ];
        for (name, from, to, why) in content_edits {
            let changed = replace_once(&searchset, from, to)?;
            self.push(
                "fhir",
                &format!("tampered-{name}"),
                s,
                check,
                sub,
                why,
                changed,
                None,
            )?;
        }

        let r6 = self.sign(documents::SEARCHSET, &SignSpec::new(Profile::R6))?;
        let changed = replace_once(&r6, "\"id\": \"searchset-1\"", "\"id\": \"renamed\"")?;
        self.push("fhir", "tampered-r6-root-id", s, check, sub,
            "The root id changed under the R6 rule (json), which signs everything but the signature.", changed, None)?;
        let changed = replace_once(&r6, "2026-04-30T10:00:00Z", "2026-05-20T00:00:00Z")?;
        self.push(
            "fhir",
            "tampered-r6-root-meta",
            s,
            check,
            sub,
            "The root meta changed under the R6 rule.",
            changed,
            None,
        )?;

        let qr = self.sign(documents::QUESTIONNAIRE_RESPONSE, &cdex)?;
        let changed = replace_once(
            &qr,
            "\"valueString\": \"Examplitis\"",
            "\"valueString\": \"Examplitis, resolved\"",
        )?;
        self.push(
            "fhir",
            "tampered-qr-answer",
            s,
            check,
            sub,
            "An answer of a signed QuestionnaireResponse changed.",
            changed,
            None,
        )?;
        let changed = replace_once(&qr, "kept in the payload", "changed")?;
        self.push("fhir", "tampered-qr-other-extension", s, check, sub,
            "A non-signature extension of a signed QuestionnaireResponse changed: only the signature extension is outside the payload.", changed, None)?;
        let mut spec = cdex.clone();
        spec.pointer = Some("/item/1");
        let item = self.sign(documents::QUESTIONNAIRE_RESPONSE, &spec)?;
        let changed = replace_once(&item, "\"valueBoolean\": true", "\"valueBoolean\": false")?;
        self.push(
            "fhir",
            "tampered-item-nested-answer",
            s,
            check,
            sub,
            "The answer of an item nested in a signed item changed.",
            changed,
            Some("/item/1"),
        )?;

        for (name, index, why) in [
            ("first", 0usize, "first"),
            ("middle", 128, "129th"),
            ("last", 255, "last"),
        ] {
            let changed = map_jws(&searchset, |jws| flip_signature_byte(jws, index))?;
            self.push(
                "fhir",
                &format!("signature-byte-{name}"),
                s,
                check,
                sub,
                &format!(
                    "The {why} byte of the 256-byte RS256 signature value has one bit flipped."
                ),
                changed,
                None,
            )?;
        }
        let header_changed = map_jws(&searchset, |jws| {
            map_header(jws, |h| {
                replace_once(
                    h,
                    "\"alg\":\"RS256\"",
                    "\"alg\":\"RS256\",\"kid\":\"added\"",
                )
            })
        })?;
        self.push("fhir", "header-member-added", s, check, sub,
            "A kid member was added to the protected header after signing: the signing input is the received header, so the signature no longer verifies.", header_changed, None)?;

        let document = self.sign(documents::DOCUMENT, &cdex)?;
        let swapped = map_data_text(&searchset, |_| data_of(&document))?;
        self.push("fhir", "swapped-data", s, check, sub,
            "Signature.data was taken from a valid signature of another Bundle (same signer, same time).", swapped, None)?;

        let mut spec = cdex.clone();
        spec.header = Some(self.cdex_header(
            &["leaf-other-key", "intermediate"],
            true,
            Some(CDEX_VERIFICATION_COMMITMENT),
            &[],
        )?);
        let wrong_key = self.sign(documents::SEARCHSET, &spec)?;
        self.push("fhir", "wrong-key-certificate-in-x5c", s, check, sub,
            "Signed with leaf-good's key, but x5c[0] is leaf-other-key (a valid, trusted certificate for the same NPI with another key).", wrong_key, None)?;
        Ok(())
    }

    fn identity(&mut self) -> GenResult<()> {
        let i = Expect::SignerIdentityFailure;
        let check = Some("signer-identity");
        let sub = Some("sig-constraints-failure");
        let mut spec = SignSpec::new(Profile::Cdex).leaf("leaf-wrong-san");
        let signed = self.sign(documents::SEARCHSET, &spec)?;
        self.push("fhir", "identity-certificate-names-other-npi", i, check, sub,
            "Signature.who names NPI 1234567893 but the certificate's NPI otherName SAN is 1111111111 (CONF-053).", signed, None)?;
        spec.who_value = "1111111111";
        let signed = self.sign(documents::SEARCHSET, &spec)?;
        self.push("fhir", "identity-certificate-own-npi", Expect::Success, None, None,
            "The same certificate (NPI 1111111111) with Signature.who naming 1111111111: the identity matches.", signed, None)?;
        let mut spec = SignSpec::new(Profile::Cdex);
        spec.who_value = "9999999994";
        let signed = self.sign(documents::DOCUMENT, &spec)?;
        self.push(
            "fhir",
            "identity-who-other-npi",
            i,
            check,
            sub,
            "Signature.who names an NPI the certificate does not carry.",
            signed,
            None,
        )?;
        let mut spec = SignSpec::new(Profile::Cdex);
        spec.who_system = "http://hl7.org/fhir/sid/us-ssn";
        let signed = self.sign(documents::COLLECTION, &spec)?;
        self.push("fhir", "identity-who-other-system", i, check, sub,
            "Signature.who has the right number under the SSN system: the certificate's otherName is typed NPI, so it does not name this identifier.", signed, None)?;
        let mut spec = SignSpec::new(Profile::R6);
        spec.who_system = "urn:ietf:rfc:3986";
        spec.who_value = "https://example.org/fhir/Practitioner/1111111111";
        let signed = self.sign(documents::QUESTIONNAIRE_RESPONSE, &spec)?;
        self.push(
            "fhir",
            "identity-who-other-uri",
            i,
            check,
            sub,
            "Signature.who is a URI the certificate's URI SAN does not equal; judged by the cdex policy, under which CONF-053 is a SHALL.",
            signed.clone(),
            None,
        )?
        .policy = Some("cdex");
        self.push(
            "fhir",
            "identity-who-other-uri-r6-policy",
            Expect::Success,
            None,
            None,
            "The same R6 signature under the r6 policy its profile selects: CONF-053 is a CDex rule, not an R6 one, so the mismatch is a warning and the signature verifies.",
            signed,
            None,
        )?;
        Ok(())
    }

    fn chain(&mut self) -> GenResult<()> {
        let c = Expect::ChainFailure;
        let cdex = SignSpec::new(Profile::Cdex);
        let doc = documents::SEARCHSET;
        let leaves: [(&str, &'static str, &'static str, &str); 6] = [
            ("leaf-expired", "signer-certificate-validity", "out-of-bounds-no-poe", "The signer certificate expired on 2025-01-01, before the verification time (default policy: no proof the signature was made while it was valid)."),
            ("leaf-not-yet-valid", "signer-certificate-validity", "not-yet-valid", "The signer certificate is valid only from 2027-01-01."),
            ("leaf-wrong-key-usage", "signer-key-usage", "chain-constraints-failure", "The signer certificate's KeyUsage is keyEncipherment only (CONF-051)."),
            ("leaf-no-key-usage", "key-usage-digital-signature", "chain-constraints-failure", "The signer certificate has no KeyUsage extension; under cdex-strict CONF-051 (KeyUsage SHOULD include digitalSignature) fails."),
            ("leaf-wrong-eku", "signer-extended-key-usage", "chain-constraints-failure", "The signer certificate's EKU is serverAuth only, not document signing."),
            ("leaf-sha1", "certificate-path", "crypto-constraints-failure", "The signer certificate is signed with SHA-1, outside the algorithm allow-list."),
        ];
        for (stem, check, sub, why) in leaves {
            let signed = self.sign(doc, &cdex.clone().leaf(stem))?;
            let case = self.push("trust", stem, c, Some(check), Some(sub), why, signed, None)?;
            if stem == "leaf-no-key-usage" {
                case.policy = Some("cdex-strict");
            }
        }
        let signed = self.sign(doc, &cdex.clone().leaf("leaf-no-key-usage"))?;
        self.push("trust", "leaf-no-key-usage-cdex-policy", Expect::Success, None, None,
            "The signer certificate has no KeyUsage extension, which RFC 5280 reads as any usage; CONF-051 is a SHOULD, a warning under the cdex policy, so the signature verifies.", signed, None)?;

        let revoked = self.sign(doc, &cdex.clone().leaf("leaf-revoked"))?;
        // The intermediate's CRL and the root's: every certificate below the root has one, as the
        // built-in policies ask once any CRL is given.
        let crls = vec![self.pki.crl_pem("intermediate")?, self.pki.crl_pem("root")?];
        let case = self.push("trust", "leaf-revoked-with-crl", c, Some("revocation-status"), Some("revoked"),
            "The signer certificate was revoked on 2026-03-01 (keyCompromise); the CRLs are given and current; sigT (2026-05-01) is after the revocation.", revoked.clone(), None)?;
        case.crls = crls.clone();
        self.push("trust", "leaf-revoked-without-crl", Expect::Success, None, None,
            "The revoked certificate without a CRL: revocation is not checked (reported as not-checked), so the chain validates. fhirsig checks revocation only with CRLs it is given.", revoked, None)?;

        let good = self.sign(doc, &cdex)?;
        let case = self.push(
            "trust",
            "leaf-good-with-crl",
            Expect::Success,
            None,
            None,
            "A good signer with the intermediate's and the root's current CRLs: nothing on the path is revoked.",
            good.clone(),
            None,
        )?;
        case.crls = crls;
        let only_intermediate = vec![self.pki.crl_pem("intermediate")?];
        let case = self.push(
            "trust",
            "leaf-good-intermediate-crl-only",
            c,
            Some("revocation-status"),
            Some("try-later"),
            "A good signer with only the intermediate's CRL: the intermediate's own status is unknown (no root CRL), and once CRLs are given the built-in policies need one for every certificate below the root.",
            good.clone(),
            None,
        )?;
        case.crls = only_intermediate;
        let crls: [(&str, &str, &'static str, &str); 4] = [
            ("stale-crl", "intermediate-stale", "try-later", "The only CRL is past its nextUpdate (2025-02-01)."),
            ("future-crl", "intermediate-future", "revocation-out-of-bounds-no-poe", "The only CRL was issued after the verification time, so it says nothing about it."),
            ("forged-crl", "forged-intermediate", "try-later", "A CRL in the intermediate's name whose signature does not verify with the intermediate's key."),
            ("intermediate-revoked", "root-revokes-intermediate", "revoked-ca-no-poe", "The root's CRL revokes the intermediate CA (2026-03-01)."),
        ];
        for (name, crl, sub, why) in crls {
            // The other certificate of the path is covered by a good CRL, so the case tests
            // only the named one.
            let other = if crl == "root-revokes-intermediate" {
                "intermediate"
            } else {
                "root"
            };
            let crls = vec![self.pki.crl_pem(crl)?, self.pki.crl_pem(other)?];
            let case = self.push(
                "trust",
                name,
                c,
                Some("revocation-status"),
                Some(sub),
                why,
                good.clone(),
                None,
            )?;
            case.crls = crls;
        }

        let other_root = self.pki.cert_pem("other-root")?;
        let case = self.push(
            "trust",
            "untrusted-root",
            c,
            Some("certificate-path"),
            Some("no-certificate-chain-found"),
            "A good chain, but the only trust anchor is another root.",
            good.clone(),
            None,
        )?;
        case.trust_anchors = vec![other_root];
        let case = self.push("trust", "no-trust-anchors", c, Some("certificate-path"), Some("no-certificate-chain-found"),
            "No trust anchors: the signature value verifies but nobody said whose key it is, so it is not reported verified.", good.clone(), None)?;
        case.trust_anchors = Vec::new();

        let mut spec = cdex.clone();
        spec.key = "leaf-broken";
        spec.chain = vec!["leaf-broken", "other-intermediate"];
        let broken = self.sign(doc, &spec)?;
        self.push("trust", "broken-chain", c, Some("certificate-path"), Some("no-certificate-chain-found"),
            "The signer is issued by an impostor intermediate with the trusted intermediate's name but another key (under another root).", broken, None)?;
        let mut spec = cdex.clone();
        spec.chain = vec!["leaf-good"];
        let missing = self.sign(doc, &spec)?;
        self.push("trust", "missing-intermediate", c, Some("certificate-path"), Some("no-certificate-chain-found"),
            "x5c holds only the signer certificate; the intermediate needed to reach the root is missing.", missing, None)?;
        let mut spec = cdex.clone();
        spec.key = "intermediate";
        spec.chain = vec!["intermediate"];
        let ca = self.sign(doc, &spec)?;
        self.push("trust", "ca-certificate-as-signer", c, Some("signer-key-usage"), Some("chain-constraints-failure"),
            "Signed with the intermediate CA's own key and certificate. RFC 5280 lets a CA certificate end a path, but its KeyUsage (keyCertSign, cRLSign) does not allow signing documents.", ca, None)?;

        let mut spec = cdex.clone();
        spec.key = "self-signed";
        spec.chain = vec!["self-signed"];
        let self_signed = self.sign(doc, &spec)?;
        let anchor = self.pki.cert_pem("self-signed")?;
        let case = self.push("trust", "self-signed-trusted", Expect::Success, None, None,
            "A self-signed signer certificate configured as its own trust anchor (as with the CDex IG's examples).", self_signed.clone(), None)?;
        case.trust_anchors = vec![anchor];
        self.push(
            "trust",
            "self-signed-untrusted",
            c,
            Some("certificate-path"),
            Some("no-certificate-chain-found"),
            "The self-signed signer certificate when only the root is trusted.",
            self_signed,
            None,
        )?;

        let case = self.push("trust", "verified-after-expiry", c, Some("signer-certificate-validity"), Some("out-of-bounds-no-poe"),
            "A good signature verified in 2028, after leaf-good expired (2028-01-01), under the default policy.", good.clone(), None)?;
        case.verify_at = Some("2028-06-01T00:00:00Z".to_owned());
        let case = self.push("trust", "verified-after-expiry-at-sig-t", Expect::Success, None, None,
            "The same signature in 2028 under the sigT policy: the certificate was valid at the claimed signing time.", good.clone(), None)?;
        case.verify_at = Some("2028-06-01T00:00:00Z".to_owned());
        case.time_policy = Some("sigt");

        let mut spec = cdex.clone();
        spec.at = "2025-12-01T00:00:00Z";
        let early = self.sign(doc, &spec)?;
        let case = self.push("trust", "sig-t-before-not-before-at-sig-t", c, Some("signer-certificate-validity"), Some("not-yet-valid"),
            "sigT (2025-12-01) precedes the signer certificate's notBefore (2026-01-01); judged at sigT it fails.", early.clone(), None)?;
        case.time_policy = Some("sigt");
        let case = self.push("trust", "sig-t-before-not-before-now", Expect::Success, None, None,
            "The same signature judged at the verification time (policy now): the certificate is valid now and the early sigT is only a warning.", early, None)?;
        case.time_policy = Some("now");
        Ok(())
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `text` with the one occurrence of `from` replaced.
fn replace_once(text: &str, from: &str, to: &str) -> GenResult<String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => Err(format!("expected one {from:?}, found {n}").into()),
    }
}

/// The position of the one `Signature.data` string value's content.
fn data_span(text: &str) -> GenResult<(usize, usize)> {
    let key = "\"data\": \"";
    if text.matches(key).count() != 1 {
        return Err("expected exactly one Signature.data".into());
    }
    let start = text.find(key).ok_or("no data")? + key.len();
    let end = start + text[start..].find('"').ok_or("unterminated data")?;
    Ok((start, end))
}

/// The JWS of the one signature in `text`.
fn data_of(text: &str) -> GenResult<String> {
    let (start, end) = data_span(text)?;
    Ok(String::from_utf8(STANDARD.decode(&text[start..end])?)?)
}

/// Replaces the `Signature.data` text with `f(old)`.
fn map_data_text(text: &str, f: impl FnOnce(&str) -> GenResult<String>) -> GenResult<String> {
    let (start, end) = data_span(text)?;
    let new = f(&text[start..end])?;
    Ok(format!("{}{new}{}", &text[..start], &text[end..]))
}

/// Replaces the JWS in `Signature.data` with `f(jws)`, re-encoded as base64.
fn map_jws(text: &str, f: impl FnOnce(&str) -> GenResult<String>) -> GenResult<String> {
    map_data_text(text, |data| {
        let jws = String::from_utf8(STANDARD.decode(data)?)?;
        Ok(STANDARD.encode(f(&jws)?))
    })
}

/// Replaces the protected header of a compact JWS with `f(header JSON)`.
fn map_header(jws: &str, f: impl FnOnce(&str) -> GenResult<String>) -> GenResult<String> {
    let (head, rest) = jws.split_once('.').ok_or("not a JWS")?;
    let header = String::from_utf8(URL_SAFE_NO_PAD.decode(head)?)?;
    Ok(format!("{}.{rest}", URL_SAFE_NO_PAD.encode(f(&header)?)))
}

/// Flips the low bit of one byte of a compact JWS's signature value.
fn flip_signature_byte(jws: &str, index: usize) -> GenResult<String> {
    let (rest, sig) = jws.rsplit_once('.').ok_or("not a JWS")?;
    let mut bytes = URL_SAFE_NO_PAD.decode(sig)?;
    let byte = bytes.get_mut(index).ok_or("signature too short")?;
    *byte ^= 1;
    Ok(format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes)))
}
