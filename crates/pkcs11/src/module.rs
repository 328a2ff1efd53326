//! Loading a PKCS#11 module, finding tokens and objects, logging in.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use fhirsig_core::jws::VerifyingKey;

use crate::error::from_cryptoki;
use crate::signer::TokenSigner;
use crate::uri::hex;
use crate::{Pin, Pkcs11Error, Pkcs11Uri};

/// A loaded and initialised PKCS#11 module.
pub struct Module {
    context: Pkcs11,
    path: String,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("path", &self.path).finish()
    }
}

/// A token present in a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The slot id.
    pub slot: u64,
    /// The token label.
    pub label: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model.
    pub model: String,
    /// The serial number.
    pub serial: String,
    /// Whether the user PIN is locked.
    pub pin_locked: bool,
}

/// One object on a token, as `fhirsig keys list` shows it: never a secret value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The token's label.
    pub token: String,
    /// `private-key`, `public-key`, `certificate` or `other`.
    pub class: &'static str,
    /// CKA_LABEL.
    pub label: String,
    /// CKA_ID, hex.
    pub id: String,
    /// The key type (`EC`, `RSA`, …) for keys.
    pub key_type: Option<String>,
    /// An RFC 7512 URI that names the object.
    pub uri: String,
}

impl Module {
    /// Loads the module at `path` and initialises it (OS locking, for use from several threads).
    ///
    /// A module is loaded and initialised once per process: PKCS#11 state is global to the
    /// library, so a second `C_Initialize`/`C_Finalize` pair would pull the tokens out from
    /// under the first user. Loading the same path again shares the first context, which stays
    /// initialised until the process ends.
    ///
    /// # Errors
    /// [`Pkcs11Error::Module`] if the file is missing, is not a PKCS#11 module, or fails to
    /// initialise.
    pub fn load(path: &Path) -> Result<Self, Pkcs11Error> {
        let shown = path.display().to_string();
        let fail = |reason: String| Pkcs11Error::Module {
            path: shown.clone(),
            reason,
        };
        if !path.is_file() {
            return Err(fail("no such file".to_owned()));
        }
        static LOADED: OnceLock<Mutex<Vec<(PathBuf, Pkcs11)>>> = OnceLock::new();
        let canonical = path.canonicalize().map_err(|e| fail(e.to_string()))?;
        let mut loaded = LOADED
            .get_or_init(|| Mutex::new(Vec::new()))
            .lock()
            .map_err(|_| fail("a previous load failed in another thread".to_owned()))?;
        if let Some((_, context)) = loaded.iter().find(|(p, _)| *p == canonical) {
            return Ok(Self {
                context: context.clone(),
                path: shown,
            });
        }
        let context = Pkcs11::new(&canonical).map_err(|e| fail(e.to_string()))?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => {}
            Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::CryptokiAlreadyInitialized,
                _,
            )) => {}
            Err(e) => return Err(fail(format!("C_Initialize: {e}"))),
        }
        loaded.push((canonical, context.clone()));
        Ok(Self {
            context,
            path: shown,
        })
    }

    /// The initialised tokens present (a slot with an empty, uninitialised token is skipped).
    ///
    /// # Errors
    /// [`Pkcs11Error::Token`] when the module fails.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, Pkcs11Error> {
        let slots = self
            .context
            .get_slots_with_initialized_token()
            .map_err(from_cryptoki)?;
        slots
            .into_iter()
            .map(|slot| {
                let info = self.context.get_token_info(slot).map_err(from_cryptoki)?;
                Ok(TokenInfo {
                    slot: slot.id(),
                    label: info.label().trim_end().to_owned(),
                    manufacturer: info.manufacturer_id().trim_end().to_owned(),
                    model: info.model().trim_end().to_owned(),
                    serial: info.serial_number().trim_end().to_owned(),
                    pin_locked: info.user_pin_locked(),
                })
            })
            .collect()
    }

    /// The one token the URI names.
    fn find_token(&self, uri: &Pkcs11Uri) -> Result<(Slot, TokenInfo), Pkcs11Error> {
        let tokens = self.tokens()?;
        let matching: Vec<&TokenInfo> = tokens
            .iter()
            .filter(|t| {
                uri.token.as_ref().is_none_or(|l| *l == t.label)
                    && uri.serial.as_ref().is_none_or(|s| *s == t.serial)
                    && uri
                        .manufacturer
                        .as_ref()
                        .is_none_or(|m| *m == t.manufacturer)
                    && uri.model.as_ref().is_none_or(|m| *m == t.model)
                    && uri.slot_id.is_none_or(|s| s == t.slot)
            })
            .collect();
        match matching.as_slice() {
            [one] => {
                let slot = Slot::try_from(one.slot).map_err(from_cryptoki)?;
                Ok((slot, (*one).clone()))
            }
            [] => Err(Pkcs11Error::NoToken {
                wanted: uri.token_description(),
                present: tokens.iter().map(|t| t.label.clone()).collect(),
            }),
            several => Err(Pkcs11Error::SeveralTokens {
                labels: several.iter().map(|t| format!("{:?}", t.label)).collect(),
            }),
        }
    }

    /// Opens a read-only session on the token the URI names and logs in with `pin` when given.
    fn session(
        &self,
        uri: &Pkcs11Uri,
        pin: Option<&Pin>,
    ) -> Result<(Session, TokenInfo), Pkcs11Error> {
        let (slot, token) = self.find_token(uri)?;
        if token.pin_locked {
            return Err(Pkcs11Error::Locked {
                reason: "the user PIN is locked (CKF_USER_PIN_LOCKED); the security officer must unlock it",
            });
        }
        let session = self.context.open_ro_session(slot).map_err(from_cryptoki)?;
        if let Some(pin) = pin {
            let secret = AuthPin::new(pin.expose().into());
            match session.login(UserType::User, Some(&secret)) {
                Ok(())
                | Err(cryptoki::error::Error::Pkcs11(
                    cryptoki::error::RvError::UserAlreadyLoggedIn,
                    _,
                )) => {}
                Err(e) => return Err(from_cryptoki(e)),
            }
        }
        Ok((session, token))
    }

    /// A signer for the private key the URI names, logged in with `pin`. Its public key is the
    /// token certificate's with the same CKA_ID (or label), else the token's public key object,
    /// else (RSA) the private key's own modulus and exponent.
    ///
    /// # Errors
    /// [`Pkcs11Error::PinRequired`], [`Pkcs11Error::PinIncorrect`], [`Pkcs11Error::Locked`],
    /// [`Pkcs11Error::NoToken`], [`Pkcs11Error::NoObject`], [`Pkcs11Error::SeveralObjects`],
    /// [`Pkcs11Error::UnsupportedKey`].
    pub fn signer(&self, uri: &Pkcs11Uri, pin: Option<&Pin>) -> Result<TokenSigner, Pkcs11Error> {
        self.signer_with_public_key(uri, pin, None)
    }

    /// As [`Module::signer`], with the public key to use when the token holds neither a
    /// certificate nor a public key object for the private key (an EC private key object
    /// carries no public point). The caller takes it from the certificate it will put in `x5c`;
    /// every signature is still checked against it.
    ///
    /// # Errors
    /// As [`Module::signer`].
    pub fn signer_with_public_key(
        &self,
        uri: &Pkcs11Uri,
        pin: Option<&Pin>,
        public: Option<VerifyingKey>,
    ) -> Result<TokenSigner, Pkcs11Error> {
        let pin = pin.ok_or(Pkcs11Error::PinRequired)?;
        let (session, token) = self.session(uri, Some(pin))?;
        let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
        template.extend(object_filter(uri));
        let keys = session.find_objects(&template).map_err(from_cryptoki)?;
        let key = match keys.as_slice() {
            [one] => *one,
            [] => {
                return Err(Pkcs11Error::NoObject {
                    wanted: format!(
                        "a private key with {} on token {:?}",
                        uri.object_description(),
                        token.label
                    ),
                })
            }
            several => {
                return Err(Pkcs11Error::SeveralObjects {
                    wanted: uri.object_description(),
                    count: several.len(),
                })
            }
        };
        TokenSigner::new(session, key, &token.label, public)
    }

    /// The objects on one token (by its slot, from [`Module::tokens`]) that match the URI's
    /// object attributes. Private keys are visible only after a login: pass the PIN to list
    /// them.
    ///
    /// # Errors
    /// As [`Module::signer`], without [`Pkcs11Error::PinRequired`].
    pub fn list(
        &self,
        token: &TokenInfo,
        uri: &Pkcs11Uri,
        pin: Option<&Pin>,
    ) -> Result<Vec<ObjectInfo>, Pkcs11Error> {
        let narrowed = Pkcs11Uri {
            token: Some(token.label.clone()),
            slot_id: Some(token.slot),
            ..uri.clone()
        };
        let (session, _) = self.session(&narrowed, pin)?;
        let mut out = Vec::new();
        for object in session
            .find_objects(&object_filter(uri))
            .map_err(from_cryptoki)?
        {
            out.push(describe(&session, object, &token.label)?);
        }
        out.sort_by(|a, b| (&a.label, a.class).cmp(&(&b.label, b.class)));
        Ok(out)
    }
}

/// The object attributes of a URI as a search template.
fn object_filter(uri: &Pkcs11Uri) -> Vec<Attribute> {
    let mut template = Vec::new();
    if let Some(label) = &uri.object {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    template
}

fn describe(
    session: &Session,
    object: ObjectHandle,
    token: &str,
) -> Result<ObjectInfo, Pkcs11Error> {
    let attributes = session
        .get_attributes(
            object,
            &[
                AttributeType::Class,
                AttributeType::Label,
                AttributeType::Id,
                AttributeType::KeyType,
            ],
        )
        .map_err(from_cryptoki)?;
    let mut info = ObjectInfo {
        token: token.to_owned(),
        class: "other",
        label: String::new(),
        id: String::new(),
        key_type: None,
        uri: String::new(),
    };
    for attribute in attributes {
        match attribute {
            Attribute::Class(class) => {
                info.class = match class {
                    ObjectClass::PRIVATE_KEY => "private-key",
                    ObjectClass::PUBLIC_KEY => "public-key",
                    ObjectClass::CERTIFICATE => "certificate",
                    _ => "other",
                }
            }
            Attribute::Label(label) => info.label = String::from_utf8_lossy(&label).into_owned(),
            Attribute::Id(id) => info.id = hex(&id),
            Attribute::KeyType(kind) => {
                let name = kind.to_string();
                info.key_type = Some(name.strip_prefix("CKK_").unwrap_or(&name).to_owned());
            }
            _ => {}
        }
    }
    let kind = match info.class {
        "private-key" => ";type=private",
        "public-key" => ";type=public",
        "certificate" => ";type=cert",
        _ => "",
    };
    let id: String = info
        .id
        .as_bytes()
        .chunks(2)
        .map(|pair| format!("%{}", String::from_utf8_lossy(pair)))
        .collect();
    info.uri = format!(
        "pkcs11:token={};object={}{}{kind}",
        pct_encode(token),
        pct_encode(&info.label),
        if id.is_empty() {
            String::new()
        } else {
            format!(";id={id}")
        }
    );
    Ok(info)
}

/// Percent-encodes everything outside RFC 7512's unreserved path characters.
fn pct_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~:[]@!$'()*+,=&".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
