//! Bearer tokens: `--token-file` lines hold a token, or `sha256:HEX` (the token's SHA-256, so
//! the file need not hold the secret). Every comparison is of SHA-256 digests in constant time.

use std::path::Path;

use crate::error::CliError;

/// The accepted tokens, as SHA-256 digests.
#[derive(Debug, Default)]
pub struct Tokens {
    digests: Vec<[u8; 32]>,
}

/// Who made a request, for the audit trail: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No tokens are configured (loopback only).
    Anonymous,
    /// The token with this SHA-256 (the first 8 bytes, hex, name it in logs).
    Token(String),
}

impl std::fmt::Display for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Anonymous => f.write_str("anonymous"),
            Self::Token(id) => write!(f, "token:{id}"),
        }
    }
}

impl Tokens {
    /// Reads a token file: one token per line, or `sha256:HEX`; blank lines and `#` comments
    /// are skipped.
    pub fn read(path: &Path) -> Result<Self, CliError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("cannot read the token file {name}: {e}")))?;
        let mut digests = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let digest = match line.strip_prefix("sha256:") {
                Some(hex) => parse_digest(hex).ok_or_else(|| {
                    CliError::input(format!(
                        "{name}:{}: sha256: must be followed by 64 hex digits",
                        number + 1
                    ))
                })?,
                None => sha256(line.as_bytes()),
            };
            digests.push(digest);
        }
        if digests.is_empty() {
            return Err(
                CliError::input(format!("{name}: the token file holds no token"))
                    .with_hint("one token per line, or sha256:HEX of a token"),
            );
        }
        Ok(Self { digests })
    }

    /// Whether any token is configured.
    pub fn enabled(&self) -> bool {
        !self.digests.is_empty()
    }

    /// The caller an `Authorization` header value names, if it holds an accepted token.
    pub fn check(&self, authorization: Option<&[u8]>) -> Option<Caller> {
        if !self.enabled() {
            return Some(Caller::Anonymous);
        }
        let value = authorization?;
        // RFC 7235 section 2.1: the scheme name is case-insensitive.
        let (scheme, token) = value.split_at_checked(7)?;
        if !scheme.eq_ignore_ascii_case(b"bearer ") {
            return None;
        }
        let digest = sha256(token.trim_ascii());
        // Every configured digest is compared, whatever matches, in constant time each.
        let mut matched = false;
        for known in &self.digests {
            matched |= constant_time_eq(known, &digest);
        }
        matched.then(|| Caller::Token(hex(&digest[..8])))
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    out
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn parse_digest(hex_text: &str) -> Option<[u8; 32]> {
    let bytes = hex_text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        if !pair.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_digests() {
        let dir = std::env::temp_dir().join(format!("fhirsig-tokens-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("tokens");
        let digest = hex(&sha256(b"second-token"));
        std::fs::write(&file, format!("# ops\nfirst-token\n\nsha256:{digest}\n")).unwrap();
        let tokens = Tokens::read(&file).unwrap();
        assert!(matches!(
            tokens.check(Some(b"Bearer first-token")),
            Some(Caller::Token(_))
        ));
        assert!(matches!(
            tokens.check(Some(b"Bearer second-token")),
            Some(Caller::Token(_))
        ));
        assert_eq!(tokens.check(Some(b"Bearer sha256:".as_slice())), None);
        assert_eq!(tokens.check(Some(b"Bearer first-tokeN")), None);
        assert_eq!(tokens.check(Some(b"Basic Zmlyc3QtdG9rZW4=")), None);
        assert!(matches!(
            tokens.check(Some(b"BEARER first-token")),
            Some(Caller::Token(_))
        ));
        assert_eq!(tokens.check(Some(b"Bearer")), None);
        assert_eq!(tokens.check(None), None);
        let caller = tokens.check(Some(b"Bearer first-token")).unwrap();
        assert!(!caller.to_string().contains("first-token"));
        std::fs::write(&file, "sha256:abc\n").unwrap();
        assert!(Tokens::read(&file).is_err());
        assert!(Tokens::default().check(None) == Some(Caller::Anonymous));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
