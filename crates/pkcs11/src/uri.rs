//! RFC 7512 `pkcs11:` URIs: which token, which object, and where the PIN comes from.

use crate::Pkcs11Error;

/// A parsed RFC 7512 URI. Attributes not given match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token label (CK_TOKEN_INFO.label).
    pub token: Option<String>,
    /// `manufacturer`: the token manufacturer.
    pub manufacturer: Option<String>,
    /// `serial`: the token serial number.
    pub serial: Option<String>,
    /// `model`: the token model.
    pub model: Option<String>,
    /// `slot-id`: the slot number.
    pub slot_id: Option<u64>,
    /// `object`: the object label (CKA_LABEL).
    pub object: Option<String>,
    /// `id`: the object id (CKA_ID), percent-decoded bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: `private`, `cert`, `public`, … (only `private` and `cert` are meaningful here).
    pub object_type: Option<String>,
    /// `pin-source`: where the PIN is (a `file:` URI or a path).
    pub pin_source: Option<PinSource>,
    /// `module-path`: the module to load.
    pub module_path: Option<String>,
    /// `module-name`: the module's name (informational; `module-path` or the caller's module
    /// setting is what is loaded).
    pub module_name: Option<String>,
}

/// Where a URI says the PIN is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinSource {
    /// A file holding the PIN (`pin-source=file:/path` or `pin-source=/path`).
    File(String),
}

fn bad(reason: impl Into<String>) -> Pkcs11Error {
    Pkcs11Error::Uri {
        reason: reason.into(),
    }
}

impl Pkcs11Uri {
    /// Whether `text` is meant as a PKCS#11 URI (starts with `pkcs11:`).
    pub fn is_pkcs11(text: &str) -> bool {
        text.get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("pkcs11:"))
    }

    /// Parses a URI.
    ///
    /// # Errors
    /// [`Pkcs11Error::Uri`] for a missing `pkcs11:` scheme, bad percent-encoding, a repeated or
    /// unknown attribute, and `pin-value` (a PIN on a command line is visible to every user of
    /// the machine: use `pin-source`).
    pub fn parse(text: &str) -> Result<Self, Pkcs11Error> {
        if !Self::is_pkcs11(text) {
            return Err(bad("it does not start with pkcs11:"));
        }
        let rest = &text[7..];
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri::default();
        for part in path.split(';').filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| bad(format!("path attribute {part:?} has no '='")))?;
            let bytes = pct_decode(value, name)?;
            match name {
                "id" => set(&mut uri.id, bytes, name)?,
                "slot-id" => {
                    let text = utf8(bytes, name)?;
                    let slot = text
                        .parse()
                        .map_err(|_| bad(format!("slot-id {text:?} is not a number")))?;
                    set(&mut uri.slot_id, slot, name)?;
                }
                "token" => set(&mut uri.token, utf8(bytes, name)?, name)?,
                "manufacturer" => set(&mut uri.manufacturer, utf8(bytes, name)?, name)?,
                "serial" => set(&mut uri.serial, utf8(bytes, name)?, name)?,
                "model" => set(&mut uri.model, utf8(bytes, name)?, name)?,
                "object" => set(&mut uri.object, utf8(bytes, name)?, name)?,
                "type" => set(&mut uri.object_type, utf8(bytes, name)?, name)?,
                // Library and slot descriptions narrow nothing a signer needs.
                "library-manufacturer"
                | "library-description"
                | "library-version"
                | "slot-description"
                | "slot-manufacturer" => {}
                other if other.starts_with("x-") => {}
                other => return Err(bad(format!("unknown path attribute {other:?}"))),
            }
        }
        for part in query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|p| !p.is_empty())
        {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| bad(format!("query attribute {part:?} has no '='")))?;
            // The name is judged before the value is decoded, so a `pin-value` is refused
            // without its text reaching any message.
            if name == "pin-value" {
                return Err(bad(
                    "pin-value puts the PIN in the command line, where other users can read it; use pin-source=file:/path, --pin-file or FHIRSIG_PKCS11_PIN",
                ));
            }
            let value = utf8(pct_decode(value, name)?, name)?;
            match name {
                "pin-source" => {
                    let path = value.strip_prefix("file:").unwrap_or(&value);
                    let path = path.strip_prefix("//").unwrap_or(path).to_owned();
                    set(&mut uri.pin_source, PinSource::File(path), name)?;
                }
                "module-path" => set(&mut uri.module_path, value, name)?,
                "module-name" => set(&mut uri.module_name, value, name)?,
                other if other.starts_with("x-") => {}
                other => return Err(bad(format!("unknown query attribute {other:?}"))),
            }
        }
        Ok(uri)
    }

    /// The token attributes asked for, for messages.
    pub fn token_description(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.token {
            parts.push(format!("token={t:?}"));
        }
        if let Some(s) = &self.serial {
            parts.push(format!("serial={s:?}"));
        }
        if let Some(m) = &self.manufacturer {
            parts.push(format!("manufacturer={m:?}"));
        }
        if let Some(m) = &self.model {
            parts.push(format!("model={m:?}"));
        }
        if let Some(s) = self.slot_id {
            parts.push(format!("slot-id={s}"));
        }
        if parts.is_empty() {
            "any token".to_owned()
        } else {
            parts.join(";")
        }
    }

    /// The object attributes asked for, for messages.
    pub fn object_description(&self) -> String {
        let mut parts = Vec::new();
        if let Some(o) = &self.object {
            parts.push(format!("object={o:?}"));
        }
        if let Some(id) = &self.id {
            parts.push(format!("id={}", hex(id)));
        }
        if parts.is_empty() {
            "any object".to_owned()
        } else {
            parts.join(";")
        }
    }
}

/// Lower-case hex of an object id.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn set<T>(slot: &mut Option<T>, value: T, name: &str) -> Result<(), Pkcs11Error> {
    if slot.is_some() {
        return Err(bad(format!(
            "attribute {name:?} appears twice (RFC 7512 section 2.3)"
        )));
    }
    *slot = Some(value);
    Ok(())
}

fn utf8(bytes: Vec<u8>, name: &str) -> Result<String, Pkcs11Error> {
    String::from_utf8(bytes).map_err(|_| bad(format!("attribute {name:?} is not UTF-8")))
}

/// RFC 3986 percent-decoding: `%` and exactly two hex digits. Errors name the attribute, never
/// its value (a value may be a secret).
fn pct_decode(text: &str, name: &str) -> Result<Vec<u8>, Pkcs11Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let digits = match bytes.get(i + 1..i + 3) {
                Some([hi, lo]) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => {
                    hex_value(*hi) * 16 + hex_value(*lo)
                }
                _ => return Err(bad(format!("bad percent-encoding in attribute {name:?}"))),
            };
            out.push(digits);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn hex_value(digit: u8) -> u8 {
    // Only called on ASCII hex digits, whose value is below 16.
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7512_examples() {
        let uri = Pkcs11Uri::parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=",
        )
        .unwrap();
        assert_eq!(uri.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(uri.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(uri.object.as_deref(), Some("my-certificate"));
        assert_eq!(uri.object_type.as_deref(), Some("cert"));
        assert_eq!(
            uri.id,
            Some(vec![0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91])
        );
        assert_eq!(uri.serial.as_deref(), Some(""));
        let uri = Pkcs11Uri::parse(
            "pkcs11:object=my-sign-key;type=private?pin-source=file:/etc/token_pin&module-path=/usr/lib/softhsm/libsofthsm2.so",
        )
        .unwrap();
        assert_eq!(
            uri.pin_source,
            Some(PinSource::File("/etc/token_pin".to_owned()))
        );
        assert_eq!(
            uri.module_path.as_deref(),
            Some("/usr/lib/softhsm/libsofthsm2.so")
        );
        assert_eq!(Pkcs11Uri::parse("pkcs11:").unwrap(), Pkcs11Uri::default());
    }

    #[test]
    fn refusals() {
        for bad_uri in [
            "file:/x",
            "pkcs11:token=a;token=b",
            "pkcs11:token=%zz",
            "pkcs11:token=%4",
            "pkcs11:colour=blue",
            "pkcs11:token",
            "pkcs11:object=k?pin-value=1234",
            "pkcs11:slot-id=one",
        ] {
            assert!(
                matches!(Pkcs11Uri::parse(bad_uri), Err(Pkcs11Error::Uri { .. })),
                "{bad_uri}"
            );
        }
        let err = Pkcs11Uri::parse("pkcs11:object=k?pin-value=1234").unwrap_err();
        assert!(!err.to_string().contains("1234"));
        // Vendor attributes are ignored.
        assert!(Pkcs11Uri::parse("pkcs11:x-vendor=1;object=k?x-other=2").is_ok());
    }
}
