//! Distinguished-name comparison as RFC 5280 §7.1 asks for name chaining and name constraints:
//! the same number of RDNs, each the same set of attributes, and string attribute values
//! compared after RFC 4518-style preparation (insignificant spaces removed, case folded), so an
//! issuer written `CN=Example  CA` in UTF8String chains to a subject `cn=example ca` in
//! PrintableString.

use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::{Encode, Tag, Tagged};
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

/// The prepared form of a string attribute value: leading and trailing spaces removed,
/// internal runs of white space made one space, case folded (RFC 4518 §2, simplified to the
/// characters certificates use); `None` for a value that is not a string.
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
    let folded: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    Some(folded)
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
