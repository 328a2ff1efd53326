//! Distinguished-name comparison as RFC 5280 §7.1 asks for name chaining and name constraints:
//! the same number of RDNs, each the same set of attributes, and string attribute values
//! compared after RFC 4518-style preparation (insignificant spaces removed, case folded), so an
//! issuer written `CN=Example  CA` in UTF8String chains to a subject `cn=example ca` in
//! PrintableString.

use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::{Encode, Tag, Tagged};
use unicode_normalization::UnicodeNormalization;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RelativeDistinguishedName};

/// Whether two names are the same name (RFC 5280 §7.1).
pub(crate) fn same_name(a: &Name, b: &Name) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.to_der().ok() == b.to_der().ok() {
        return true;
    }
    a.iter_rdn().zip(b.iter_rdn()).all(|(x, y)| same_rdn(x, y))
}

/// Whether `subtree`'s RDNs are the first RDNs of `name` (a directoryName constraint's base
/// covers every name below it, RFC 5280 §4.2.1.10).
pub(crate) fn within_subtree(name: &Name, subtree: &Name) -> bool {
    subtree.len() <= name.len()
        && name
            .iter_rdn()
            .zip(subtree.iter_rdn())
            .all(|(x, y)| same_rdn(x, y))
}

/// The same set of attribute type-and-values (a multi-valued RDN is a set, X.501).
fn same_rdn(a: &RelativeDistinguishedName, b: &RelativeDistinguishedName) -> bool {
    a.len() == b.len()
        && a.iter().all(|x| b.iter().any(|y| same_attribute(x, y)))
        && b.iter().all(|y| a.iter().any(|x| same_attribute(x, y)))
}

fn same_attribute(a: &AttributeTypeAndValue, b: &AttributeTypeAndValue) -> bool {
    if a.oid != b.oid {
        return false;
    }
    match (prepared(a), prepared(b)) {
        (Some(x), Some(y)) => x == y,
        // Values that are not strings are compared as encoded (RFC 5280 §7.1: binary
        // comparison for other attribute types).
        _ => a.value.tag() == b.value.tag() && a.value.value() == b.value.value(),
    }
}

/// The prepared form of a string attribute value (RFC 4518 §2): characters mapped to nothing
/// removed (soft hyphen, zero-width and joiner characters, variation selectors, controls),
/// other white space mapped to a space, NFKC-normalised, case folded, leading and trailing
/// spaces removed and internal runs made one space. `None` for a value that is not a string.
fn prepared(atv: &AttributeTypeAndValue) -> Option<String> {
    let any = &atv.value;
    let text = match any.tag() {
        Tag::Utf8String => Utf8StringRef::try_from(any).ok()?.as_str().to_owned(),
        Tag::PrintableString => PrintableStringRef::try_from(any).ok()?.as_str().to_owned(),
        Tag::Ia5String => Ia5StringRef::try_from(any).ok()?.as_str().to_owned(),
        Tag::TeletexString => TeletexStringRef::try_from(any).ok()?.as_str().to_owned(),
        Tag::BmpString => any.decode_as::<BmpString>().ok()?.to_string(),
        _ => return None,
    };
    let mapped: String = text
        .chars()
        .filter(|c| !mapped_to_nothing(*c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let folded: String = mapped
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfkc()
        .collect();
    Some(folded.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// RFC 4518 §2.2: characters mapped to nothing (RFC 3454 table B.1, and the controls and
/// format characters §2.2 lists).
fn mapped_to_nothing(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{06DD}' | '\u{070F}' | '\u{1806}' | '\u{180B}'..='\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2063}'
        | '\u{206A}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFC}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}'
        | '\u{0000}'..='\u{0008}' | '\u{000E}'..='\u{001F}' | '\u{007F}'..='\u{0084}'
        | '\u{0086}'..='\u{009F}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;
    use std::str::FromStr;

    fn name(text: &str) -> Name {
        Name::from_str(text).unwrap()
    }

    #[test]
    fn case_and_spaces_do_not_matter() {
        assert!(same_name(
            &name("CN=Example  CA,O=Acme"),
            &name("CN=example ca,O=ACME")
        ));
        assert!(same_name(&name("CN= Example CA "), &name("CN=Example CA")));
        assert!(!same_name(&name("CN=Example CA"), &name("CN=Example CB")));
        assert!(!same_name(&name("CN=A,O=B"), &name("O=B,CN=A")));
        assert!(!same_name(&name("CN=A"), &name("CN=A,O=B")));
    }

    #[test]
    fn string_types_do_not_matter() {
        // CN=Acme as PrintableString, and CN=aCME as UTF8String.
        let p = Name::from_der(&[
            0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x04, b'A',
            b'c', b'm', b'e',
        ])
        .unwrap();
        let u = Name::from_der(&[
            0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, b'a',
            b'C', b'M', b'E',
        ])
        .unwrap();
        assert!(same_name(&p, &u));
    }

    #[test]
    fn rfc_4518_preparation() {
        let full = "CN=\u{ff25}\u{ff56}\u{ff49}\u{ff4c}";
        assert!(same_name(&name(full), &name("CN=evil")));
        assert!(same_name(&name("CN=Ev\u{200b}il"), &name("CN=Evil")));
        assert!(same_name(&name("CN=Ev\u{ad}il"), &name("CN=Evil")));
        assert!(same_name(&name("CN=Ev\u{a0}il"), &name("CN=Ev il")));
        assert!(!same_name(&name("CN=Evil2"), &name("CN=Evil")));
    }

    #[test]
    fn subtrees() {
        assert!(within_subtree(
            &name("CN=Leaf,O=Acme,C=US"),
            &name("O=Acme,C=US")
        ));
        assert!(within_subtree(&name("O=acme,C=US"), &name("O=Acme,C=US")));
        assert!(!within_subtree(
            &name("CN=Leaf,O=Other,C=US"),
            &name("O=Acme,C=US")
        ));
        assert!(!within_subtree(&name("C=US"), &name("O=Acme,C=US")));
    }
}
