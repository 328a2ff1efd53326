//! SHA-256 of a document, computed while it is read: constant memory whatever its size.

use std::io::{ErrorKind, Read};

use ring::digest::{Context, SHA256};

use super::uri::check_uri;
use super::DocumentError;

/// Read buffer size: large enough to keep SHA-256 busy, small enough to stay out of the way.
const CHUNK: usize = 64 * 1024;

/// One document as a signature over several documents names it: its URI, the SHA-256 of its
/// bytes, its length, and optionally its media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDigest {
    uri: String,
    sha256: [u8; 32],
    length: u64,
    media_type: Option<String>,
}

impl DocumentDigest {
    /// Hashes everything `reader` yields, 64 KiB at a time.
    ///
    /// # Errors
    /// [`DocumentError::InvalidUri`] for an unusable `uri`, [`DocumentError::Read`] if reading
    /// fails.
    pub fn from_reader(uri: &str, reader: impl Read) -> Result<Self, DocumentError> {
        check_uri(uri)?;
        let (sha256, length) = sha256_of(reader).map_err(|source| DocumentError::Read {
            document: uri.to_owned(),
            source,
        })?;
        Ok(Self {
            uri: uri.to_owned(),
            sha256,
            length,
            media_type: None,
        })
    }

    /// Hashes bytes already in memory.
    ///
    /// # Errors
    /// [`DocumentError::InvalidUri`] for an unusable `uri`.
    pub fn from_bytes(uri: &str, bytes: &[u8]) -> Result<Self, DocumentError> {
        Self::from_reader(uri, bytes)
    }

    /// Records the document's media type (written to the JAdES `ctys` list when signing).
    #[must_use]
    pub fn with_media_type(mut self, media_type: &str) -> Self {
        self.media_type = Some(media_type.to_owned());
        self
    }

    /// The URI the signature names the document by.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// SHA-256 of the document's bytes.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// The number of bytes hashed.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The media type, if one was recorded.
    pub fn media_type(&self) -> Option<&str> {
        self.media_type.as_deref()
    }
}

/// SHA-256 and length of everything `reader` yields.
pub(crate) fn sha256_of(reader: impl Read) -> std::io::Result<([u8; 32], u64)> {
    let mut context = Context::new(&SHA256);
    let length = feed(&mut context, reader)?;
    let mut out = [0u8; 32];
    out.copy_from_slice(context.finish().as_ref());
    Ok((out, length))
}

/// Feeds everything `reader` yields into `context`; returns the byte count.
pub(crate) fn feed(context: &mut Context, mut reader: impl Read) -> std::io::Result<u64> {
    let mut buffer = vec![0u8; CHUNK];
    let mut length = 0u64;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(length),
            Ok(n) => {
                context.update(&buffer[..n]);
                length += n as u64;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_abc() {
        let d = DocumentDigest::from_bytes("a.txt", b"abc").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.length(), 3);
        assert_eq!(d.sha256()[..4], [0xba, 0x78, 0x16, 0xbf]);
    }
}
