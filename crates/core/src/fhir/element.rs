//! The FHIR `Signature` element as received (R4 datatype; CDex Digital Signature profile).

use fhirsig_jcs::Node;

/// An `Identifier` (system and value only; the rest is not used for matching).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// `Identifier.system`.
    pub system: Option<String>,
    /// `Identifier.value`.
    pub value: Option<String>,
}

/// A `Signature.type` coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// `Coding.system`.
    pub system: Option<String>,
    /// `Coding.code`.
    pub code: Option<String>,
}

/// The members of a received `Signature` element that verification reads.
#[derive(Debug, Clone, Default)]
pub struct SignatureElement {
    /// `Signature.type`.
    pub types: Vec<Coding>,
    /// `Signature.when`, as written.
    pub when: Option<String>,
    /// Whether `Signature.who` is present (a Reference may hold only a display).
    pub who_present: bool,
    /// `Signature.who.identifier`.
    pub who_identifier: Option<Identifier>,
    /// `Signature.who.reference`.
    pub who_reference: Option<String>,
    /// `Signature.who.display`.
    pub who_display: Option<String>,
    /// `Signature.onBehalfOf.identifier`.
    pub on_behalf_of_identifier: Option<Identifier>,
    /// `Signature.targetFormat`.
    pub target_format: Option<String>,
    /// `Signature.sigFormat`.
    pub sig_format: Option<String>,
    /// `Signature.data` (base64Binary), as written.
    pub data: Option<String>,
}

fn string(node: Option<Node<'_>>) -> Option<String> {
    node.and_then(|n| n.as_str()).map(str::to_owned)
}

fn identifier(reference: Option<Node<'_>>) -> Option<Identifier> {
    let id = reference?.get("identifier")?;
    Some(Identifier {
        system: string(id.get("system")),
        value: string(id.get("value")),
    })
}

impl SignatureElement {
    /// Reads a `Signature` element; members of the wrong JSON type read as absent (the checks
    /// then report them missing).
    pub fn read(node: Node<'_>) -> SignatureElement {
        let who = node.get("who");
        SignatureElement {
            types: node
                .get("type")
                .into_iter()
                .flat_map(|t| t.elements())
                .map(|c| Coding {
                    system: string(c.get("system")),
                    code: string(c.get("code")),
                })
                .collect(),
            when: string(node.get("when")),
            who_present: who.is_some(),
            who_identifier: identifier(who),
            who_reference: string(who.and_then(|w| w.get("reference"))),
            who_display: string(who.and_then(|w| w.get("display"))),
            on_behalf_of_identifier: identifier(node.get("onBehalfOf")),
            target_format: string(node.get("targetFormat")),
            sig_format: string(node.get("sigFormat")),
            data: string(node.get("data")),
        }
    }
}
