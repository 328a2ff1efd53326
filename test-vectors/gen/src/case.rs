//! One published test case and its file form: a JSON object whose members are written in a fixed
//! order, two-space indented, so regenerating writes the same bytes.

use std::error::Error;
use std::fmt::Write as _;

use base64::Engine as _;
use fhirsig_jcs::{Node, NodeKind};

/// A generator error.
pub type GenResult<T> = Result<T, Box<dyn Error>>;

/// What the harness does with a case's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Parse as strict I-JSON and write the RFC 8785 form.
    Canonicalize,
    /// Select a FHIR signature payload (a canonicalisation rule, or the item rule) and write it.
    Payload,
    /// Verify the FHIR signature of the object at `pointer`.
    Verify,
    /// Verify every `Provenance.signature` of the document.
    VerifyProvenance,
    /// Verify a detached JWS (`signature`) over a non-FHIR document (the input's bytes).
    VerifyDocument,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Canonicalize => "canonicalize",
            Operation::Payload => "payload",
            Operation::Verify => "verify",
            Operation::VerifyProvenance => "verify-provenance",
            Operation::VerifyDocument => "verify-document",
        }
    }
}

/// The closed `expect` vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Canonicalised / selected / verified.
    Success,
    /// Not strict I-JSON.
    ParseFailure,
    /// Well-formed, but no canonical payload can be made.
    CanonicalizationFailure,
    /// A JWS header or Signature element rule is broken.
    HeaderFailure,
    /// The certificate chain is not trusted at the instant.
    ChainFailure,
    /// The certificate does not name `Signature.who.identifier`.
    SignerIdentityFailure,
    /// The signature value does not verify over the payload.
    SignatureFailure,
}

impl Expect {
    /// Every value, in the order the README lists them.
    pub const ALL: [Expect; 7] = [
        Expect::Success,
        Expect::ParseFailure,
        Expect::CanonicalizationFailure,
        Expect::HeaderFailure,
        Expect::ChainFailure,
        Expect::SignerIdentityFailure,
        Expect::SignatureFailure,
    ];

    /// The vocabulary word.
    pub fn name(self) -> &'static str {
        match self {
            Expect::Success => "success",
            Expect::ParseFailure => "parse-failure",
            Expect::CanonicalizationFailure => "canonicalization-failure",
            Expect::HeaderFailure => "header-failure",
            Expect::ChainFailure => "chain-failure",
            Expect::SignerIdentityFailure => "signer-identity-failure",
            Expect::SignatureFailure => "signature-failure",
        }
    }
}

/// A case's input.
#[derive(Debug, Clone)]
pub enum Input {
    /// A JSON value, written into the file as JSON (its text is the value's source).
    Json(String),
    /// Exact UTF-8 text (`{"text": "..."}`).
    Text(String),
    /// Exact bytes that are not UTF-8 (`{"textBase64": "..."}`).
    Bytes(Vec<u8>),
}

/// One test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Area folder (`jcs`, `payload`, `fhir`, `trust`, `provenance`, `documents`).
    pub area: &'static str,
    /// File stem, kebab-case, unique in the area.
    pub name: String,
    /// One or two sentences: what is tested and why the outcome is what it is.
    pub description: String,
    /// What to do.
    pub operation: Operation,
    /// The outcome.
    pub expect: Expect,
    /// fhirsig's deciding check code or error kind (informative for other implementations).
    pub expect_check: Option<&'static str>,
    /// fhirsig's ETSI sub-indication (informative).
    pub expect_sub_indication: Option<&'static str>,
    /// The input.
    pub input: Input,
    /// The canonicalisation URI of a payload case.
    pub canonicalization: Option<String>,
    /// The object to select or verify.
    pub pointer: Option<String>,
    /// `cdex`, `cdex2`, `r6` or `auto`.
    pub profile: Option<&'static str>,
    /// RFC 3339 verification time.
    pub verify_at: Option<String>,
    /// `now` or `sigt`.
    pub time_policy: Option<&'static str>,
    /// The validation policy (`cdex`, `cdex-strict`, `r6`); absent: chosen by the profile.
    pub policy: Option<&'static str>,
    /// PEM certificates trusted as anchors.
    pub trust_anchors: Vec<String>,
    /// PEM CRLs.
    pub crls: Vec<String>,
    /// The canonical bytes (UTF-8) of a successful canonicalize/payload case.
    pub expected_canonical: Option<String>,
    /// A document signature (the compact JWS text).
    pub signature: Option<String>,
    /// The URI the input is given under, for a `sigD` signature.
    pub document_uri: Option<String>,
}

impl Case {
    /// A case with only the required members set.
    pub fn new(
        area: &'static str,
        name: &str,
        operation: Operation,
        expect: Expect,
        description: &str,
        input: Input,
    ) -> Self {
        Case {
            area,
            name: name.to_owned(),
            description: description.to_owned(),
            operation,
            expect,
            expect_check: None,
            expect_sub_indication: None,
            input,
            canonicalization: None,
            pointer: None,
            profile: None,
            verify_at: None,
            time_policy: None,
            policy: None,
            trust_anchors: Vec::new(),
            crls: Vec::new(),
            expected_canonical: None,
            signature: None,
            document_uri: None,
        }
    }

    /// The file text.
    pub fn to_file(&self) -> GenResult<String> {
        let mut members: Vec<(&str, String)> = vec![
            ("description", string(&self.description)),
            ("operation", string(self.operation.name())),
            ("expect", string(self.expect.name())),
        ];
        let mut opt = |name, value: Option<String>| {
            if let Some(v) = value {
                members.push((name, v));
            }
        };
        opt("expectCheck", self.expect_check.map(string));
        opt(
            "expectSubIndication",
            self.expect_sub_indication.map(string),
        );
        opt(
            "canonicalization",
            self.canonicalization.as_deref().map(string),
        );
        opt("pointer", self.pointer.as_deref().map(string));
        opt("profile", self.profile.map(string));
        opt("verifyAt", self.verify_at.as_deref().map(string));
        opt("timePolicy", self.time_policy.map(string));
        opt("policy", self.policy.map(string));
        let list = |items: &[String]| {
            (!items.is_empty()).then(|| {
                let lines: Vec<String> =
                    items.iter().map(|i| format!("    {}", string(i))).collect();
                format!("[\n{}\n  ]", lines.join(",\n"))
            })
        };
        let anchors = list(&self.trust_anchors);
        let crls = list(&self.crls);
        let mut opt = |name, value: Option<String>| {
            if let Some(v) = value {
                members.push((name, v));
            }
        };
        opt("trustAnchors", anchors);
        opt("crls", crls);
        opt(
            "expectedCanonical",
            self.expected_canonical.as_deref().map(string),
        );
        opt("signature", self.signature.as_deref().map(string));
        opt("documentUri", self.document_uri.as_deref().map(string));
        members.push(("input", self.input_json()?));
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("  {}: {v}", string(k)))
            .collect();
        let text = format!("{{\n{}\n}}\n", body.join(",\n"));
        // The file itself must be strict I-JSON.
        fhirsig_jcs::parse(text.as_bytes()).map_err(|e| {
            format!(
                "{}/{}: the case file is not I-JSON: {e}",
                self.area, self.name
            )
        })?;
        Ok(text)
    }

    fn input_json(&self) -> GenResult<String> {
        Ok(match &self.input {
            Input::Json(text) => {
                let doc = fhirsig_jcs::parse(text.as_bytes())
                    .map_err(|e| format!("{}: JSON input is not I-JSON: {e}", self.name))?;
                let root = doc.root();
                let names: Vec<&str> = root.members().map(|(k, _)| k).collect();
                if root.kind() == NodeKind::Object && (names == ["text"] || names == ["textBase64"])
                {
                    return Err(format!(
                        "{}: a JSON input shaped like a byte-level input must be given as text",
                        self.name
                    )
                    .into());
                }
                let mut out = String::new();
                pretty(root, 1, &mut out);
                out
            }
            Input::Text(text) => format!("{{ \"text\": {} }}", string(text)),
            Input::Bytes(bytes) => format!(
                "{{ \"textBase64\": {} }}",
                string(&base64::engine::general_purpose::STANDARD.encode(bytes))
            ),
        })
    }
}

/// A JSON string literal in RFC 8785 escaping.
pub fn string(text: &str) -> String {
    let mut out = Vec::new();
    fhirsig_jcs::write_escaped(text, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes `node` two-space indented at `depth`; strings and numbers keep their source spelling.
fn pretty(node: Node<'_>, depth: usize, out: &mut String) {
    let pad = |d: usize| "  ".repeat(d);
    match node.kind() {
        NodeKind::Object => {
            let members: Vec<_> = node.members().collect();
            if members.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{\n");
            for (i, (key, value)) in members.iter().enumerate() {
                let _ = write!(out, "{}{}: ", pad(depth + 1), string(key));
                pretty(*value, depth + 1, out);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}}}", pad(depth));
        }
        NodeKind::Array => {
            let elements: Vec<_> = node.elements().collect();
            let scalar = elements
                .iter()
                .all(|e| !matches!(e.kind(), NodeKind::Object | NodeKind::Array));
            let inline: usize = elements.iter().map(|e| e.raw_text().len() + 2).sum();
            if elements.is_empty() || (scalar && inline <= 80) {
                let parts: Vec<&str> = elements.iter().map(|e| e.raw_text()).collect();
                let _ = write!(out, "[{}]", parts.join(", "));
                return;
            }
            out.push_str("[\n");
            for (i, element) in elements.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                pretty(*element, depth + 1, out);
                out.push_str(if i + 1 < elements.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}]", pad(depth));
        }
        _ => out.push_str(node.raw_text()),
    }
}
