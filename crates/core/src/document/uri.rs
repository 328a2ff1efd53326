//! Document URIs: how a signature over several documents names them (JAdES `sigD` `pars`).
//!
//! A path given on a command line becomes a relative URI reference: `\` becomes `/`, and every
//! byte outside RFC 3986 unreserved characters and `/` is percent-encoded (`my report.pdf` →
//! `my%20report.pdf`). Verification compares URIs as strings, exactly.

use super::DocumentError;

/// The relative URI reference for a file path as given (`docs/ccd.xml` → `docs/ccd.xml`).
pub fn uri_for_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        match byte {
            b'\\' | b'/' => out.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Accepts a non-empty string of RFC 3986 URI-reference characters (`%` included).
pub(crate) fn check_uri(uri: &str) -> Result<(), DocumentError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
    if uri.is_empty() || !uri.chars().all(allowed) {
        return Err(DocumentError::InvalidUri {
            uri: uri.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_for_path("docs/ccd.xml"), "docs/ccd.xml");
        assert_eq!(uri_for_path("my report.pdf"), "my%20report.pdf");
        assert_eq!(uri_for_path("a\\b.pdf"), "a/b.pdf");
        assert_eq!(uri_for_path("é"), "%C3%A9");
        assert!(check_uri(&uri_for_path("x y")).is_ok());
        assert!(check_uri("x y").is_err());
        assert!(check_uri("").is_err());
    }
}
