//! Reading a policy written in TOML (schema in docs/policy.md).

use core::fmt;
use std::ops::Range;

use toml_edit::{Document, Item, Table};

use super::{is_fixed, Policy, Revocation, SignerRule};
use crate::jws::{Algorithm, AlgorithmPolicy};
use crate::report::{CheckCode, Level};
use crate::trust::{EkuPolicy, DOCUMENT_SIGNING};

/// A policy file that cannot be used; each error names the line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not TOML.
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// What the TOML parser says.
        message: String,
    },
    /// The TOML is well formed but a value is not allowed.
    Invalid {
        /// 1-based line of the offending key or value (`None` for a missing key).
        line: Option<usize>,
        /// What is wrong.
        message: String,
        /// What to write instead.
        hint: &'static str,
    },
}

impl PolicyError {
    /// The 1-based line the error is about, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Syntax { line, .. } => Some(*line),
            PolicyError::Invalid { line, .. } => *line,
        }
    }

    /// What to write instead.
    pub fn hint(&self) -> &'static str {
        match self {
            PolicyError::Syntax { .. } => "see docs/policy.md for the schema and an example",
            PolicyError::Invalid { hint, .. } => hint,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Syntax { line, message } => {
                write!(f, "line {line}: not valid TOML: {}", message.trim_end())
            }
            PolicyError::Invalid {
                line: Some(line),
                message,
                ..
            } => write!(f, "line {line}: {message}"),
            PolicyError::Invalid { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for PolicyError {}

/// The largest policy file read: a policy is a few dozen lines.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

struct Reader<'a> {
    text: &'a str,
}

impl Reader<'_> {
    fn line_of(&self, span: Option<Range<usize>>) -> Option<usize> {
        let start = span?.start.min(self.text.len());
        Some(
            self.text.as_bytes()[..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1,
        )
    }

    fn key_line(&self, table: &Table, key: &str) -> Option<usize> {
        self.line_of(table.key(key).and_then(|k| k.span()))
            .or_else(|| self.line_of(table.get(key).and_then(Item::span)))
    }

    fn invalid(
        &self,
        table: &Table,
        key: &str,
        message: String,
        hint: &'static str,
    ) -> PolicyError {
        PolicyError::Invalid {
            line: self.key_line(table, key),
            message,
            hint,
        }
    }

    fn string<'t>(&self, table: &'t Table, key: &str) -> Result<Option<&'t str>, PolicyError> {
        match table.get(key) {
            None => Ok(None),
            Some(item) => item.as_str().map(Some).ok_or_else(|| {
                self.invalid(
                    table,
                    key,
                    format!("{key} must be a string"),
                    "quote the value: key = \"value\"",
                )
            }),
        }
    }

    fn strings(&self, table: &Table, key: &str) -> Result<Option<Vec<String>>, PolicyError> {
        let Some(item) = table.get(key) else {
            return Ok(None);
        };
        if let Some(text) = item.as_str() {
            return Ok(Some(vec![text.to_owned()]));
        }
        let wrong = || {
            self.invalid(
                table,
                key,
                format!("{key} must be a string or a list of strings"),
                "write key = [\"a\", \"b\"]",
            )
        };
        let array = item.as_array().ok_or_else(wrong)?;
        array
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(wrong))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn boolean(&self, table: &Table, key: &str) -> Result<Option<bool>, PolicyError> {
        match table.get(key) {
            None => Ok(None),
            Some(item) => item.as_bool().map(Some).ok_or_else(|| {
                self.invalid(
                    table,
                    key,
                    format!("{key} must be true or false"),
                    "write key = true or key = false (no quotes)",
                )
            }),
        }
    }

    fn table<'t>(&self, root: &'t Table, key: &str) -> Result<Option<&'t Table>, PolicyError> {
        match root.get(key) {
            None => Ok(None),
            Some(item) => item.as_table().map(Some).ok_or_else(|| {
                self.invalid(
                    root,
                    key,
                    format!("{key} must be a table"),
                    "write it as a [section] with key = value lines",
                )
            }),
        }
    }

    fn known_keys(&self, table: &Table, section: &str, known: &[&str]) -> Result<(), PolicyError> {
        for (key, _) in table.iter() {
            if !known.contains(&key) {
                let place = if section.is_empty() {
                    "at the top level".to_owned()
                } else {
                    format!("in [{section}]")
                };
                return Err(PolicyError::Invalid {
                    line: self.key_line(table, key),
                    message: format!("unknown key {key:?} {place}; known: {}", known.join(", ")),
                    hint: "see docs/policy.md for the schema",
                });
            }
        }
        Ok(())
    }
}

pub(super) fn from_toml(text: &str) -> Result<Policy, PolicyError> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::Invalid {
            line: None,
            message: format!(
                "the policy is {} bytes, more than the {MAX_POLICY_BYTES} a policy may have",
                text.len()
            ),
            hint: "a policy is a few dozen lines; check that the right file was given",
        });
    }
    let reader = Reader { text };
    let document = Document::parse(text).map_err(|e| PolicyError::Syntax {
        line: reader.line_of(e.span()).unwrap_or(1),
        message: e.message().to_owned(),
    })?;
    let root = document.as_table();
    reader.known_keys(
        root,
        "",
        &[
            "name",
            "description",
            "extends",
            "checks",
            "algorithms",
            "certificates",
            "signatures",
        ],
    )?;
    let name = reader.string(root, "name")?.ok_or(PolicyError::Invalid {
        line: None,
        message: "the policy has no name".into(),
        hint: "add name = \"my-policy\" at the top",
    })?;
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(reader.invalid(
            root,
            "name",
            format!("the name {name:?} is not 1 to 64 letters, digits, '-', '_' or '.'"),
            "name it like payer-x-2027",
        ));
    }
    let base_name = reader.string(root, "extends")?.unwrap_or("cdex");
    let Some(mut policy) = super::builtin::policy(base_name) else {
        return Err(reader.invalid(
            root,
            "extends",
            format!("extends {base_name:?}, which is not a built-in policy"),
            "extend cdex, cdex-strict or r6",
        ));
    };
    policy.base = super::BUILTIN_NAMES
        .iter()
        .copied()
        .find(|n| *n == base_name);
    policy.name = name.to_owned();
    policy.description = reader
        .string(root, "description")?
        .map_or_else(|| format!("{name} (extends {base_name})"), str::to_owned);
    if let Some(checks) = reader.table(root, "checks")? {
        read_checks(&reader, checks, &mut policy)?;
    }
    if let Some(algorithms) = reader.table(root, "algorithms")? {
        reader.known_keys(algorithms, "algorithms", &["accepted"])?;
        if let Some(names) = reader.strings(algorithms, "accepted")? {
            policy.algorithms = read_algorithms(&reader, algorithms, &names)?;
        }
    }
    if let Some(certificates) = reader.table(root, "certificates")? {
        read_certificates(&reader, certificates, &mut policy)?;
    }
    if let Some(signatures) = reader.table(root, "signatures")? {
        read_signatures(&reader, signatures, &mut policy)?;
    }
    // A report names the policy its verdict was reached under: a built-in name stands for the
    // built-in rules, so a file may carry one only when it changes nothing.
    if let Some(builtin) = super::builtin::policy(&policy.name) {
        if !policy.same_rules(&builtin) {
            return Err(reader.invalid(
                root,
                "name",
                format!(
                    "the name {:?} is the built-in policy's, but this file changes its rules; reports would name rules that were not applied",
                    policy.name
                ),
                "give your policy its own name, e.g. name = \"payer-x\"",
            ));
        }
        policy.base = super::BUILTIN_NAMES
            .iter()
            .copied()
            .find(|n| *n == policy.name);
    }
    Ok(policy)
}

fn read_checks(
    reader: &Reader<'_>,
    checks: &Table,
    policy: &mut Policy,
) -> Result<(), PolicyError> {
    for (key, item) in checks.iter() {
        let Some(code) = CheckCode::from_name(key) else {
            return Err(reader.invalid(
                checks,
                key,
                format!("{key:?} is not a check fhirsig reports"),
                "use a check code as the report shows it (fhirsig policy show cdex lists them)",
            ));
        };
        let level = item.as_str().and_then(Level::from_name).ok_or_else(|| {
            reader.invalid(
                checks,
                key,
                format!("the level of {key} must be \"fail\", \"warn\", \"inform\" or \"ignore\""),
                "write e.g. signer-identity = \"warn\"",
            )
        })?;
        if is_fixed(code) && level != Level::Fail {
            return Err(reader.invalid(
                checks,
                key,
                format!("{key} cannot be lowered to {level}: without it a verified signature would prove nothing"),
                "remove the line; this check is always fail",
            ));
        }
        policy.levels.retain(|(c, _)| *c != code);
        if level != Level::Fail {
            policy.levels.push((code, level));
        }
    }
    policy.levels.sort();
    Ok(())
}

fn read_algorithms(
    reader: &Reader<'_>,
    table: &Table,
    names: &[String],
) -> Result<AlgorithmPolicy, PolicyError> {
    let mut algorithms = Vec::new();
    for name in names {
        let alg = Algorithm::from_name(name).map_err(|_| {
            reader.invalid(
                table,
                "accepted",
                format!("{name:?} is not an algorithm fhirsig verifies (never none, never HMAC)"),
                "choose from RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA",
            )
        })?;
        algorithms.push(alg);
    }
    let Some((first, more)) = algorithms.split_first() else {
        return Err(reader.invalid(
            table,
            "accepted",
            "accepted lists no algorithm, so no signature could verify".into(),
            "list at least one, e.g. accepted = [\"RS256\", \"ES256\"]",
        ));
    };
    Ok(AlgorithmPolicy::new(*first, more))
}

fn read_certificates(
    reader: &Reader<'_>,
    table: &Table,
    policy: &mut Policy,
) -> Result<(), PolicyError> {
    reader.known_keys(
        table,
        "certificates",
        &[
            "eku",
            "time",
            "revocation",
            "policies",
            "explicit-policy",
            "inhibit-mapping",
            "inhibit-any-policy",
            "anchor-constraints",
        ],
    )?;
    let mut inputs = policy.path_inputs.clone();
    if let Some(items) = reader.strings(table, "policies")? {
        let mut oids = Vec::new();
        for item in &items {
            oids.push(item.parse::<const_oid::ObjectIdentifier>().map_err(|_| {
                reader.invalid(
                    table,
                    "policies",
                    format!("policies: {item:?} is not a dotted certificate policy OID"),
                    "write policies = [\"2.16.840.1.101.3.2.1.3.13\"] (an empty list or anyPolicy accepts any)",
                )
            })?);
        }
        inputs = inputs.with_initial_policies(oids);
    }
    if let Some(on) = reader.boolean(table, "explicit-policy")? {
        inputs = inputs.with_explicit_policy(on);
    }
    if let Some(on) = reader.boolean(table, "inhibit-mapping")? {
        inputs = inputs.with_inhibit_mapping(on);
    }
    if let Some(on) = reader.boolean(table, "inhibit-any-policy")? {
        inputs = inputs.with_inhibit_any_policy(on);
    }
    if let Some(on) = reader.boolean(table, "anchor-constraints")? {
        inputs = inputs.with_anchor_constraints(on);
    }
    policy.path_inputs = inputs;
    if let Some(items) = reader.strings(table, "eku")? {
        policy.eku_policy = read_eku(reader, table, &items)?;
        policy.eku = items;
    }
    if let Some(time) = reader.string(table, "time")? {
        policy.signing_time =
            match time {
                "verification-time" => false,
                "signing-time" => true,
                other => return Err(reader.invalid(
                    table,
                    "time",
                    format!("time {other:?} is not verification-time or signing-time"),
                    "write time = \"verification-time\" (the default) or \"signing-time\" (sigT)",
                )),
            };
    }
    if let Some(revocation) = reader.string(table, "revocation")? {
        policy.revocation = match revocation {
            "required" => Revocation::Required,
            "if-given" => Revocation::IfGiven,
            "if-available" => Revocation::IfAvailable,
            "off" => Revocation::Off,
            other => {
                return Err(reader.invalid(
                    table,
                    "revocation",
                    format!("revocation {other:?} is not required, if-given, if-available or off"),
                    "write revocation = \"if-given\" (the default), \"if-available\", \"required\" or \"off\"",
                ))
            }
        };
    }
    Ok(())
}

fn read_eku(
    reader: &Reader<'_>,
    table: &Table,
    items: &[String],
) -> Result<EkuPolicy, PolicyError> {
    if items.iter().any(|i| i == "any") {
        if items.len() > 1 {
            return Err(reader.invalid(
                table,
                "eku",
                "eku \"any\" accepts everything; it cannot be listed with other usages".into(),
                "write eku = \"any\", or a list of usages",
            ));
        }
        return Ok(EkuPolicy::any());
    }
    let mut oids = Vec::new();
    for item in items {
        oids.push(match item.as_str() {
            "document-signing" => DOCUMENT_SIGNING,
            oid => oid.parse().map_err(|_| {
                reader.invalid(
                    table,
                    "eku",
                    format!("eku {oid:?} is not any, document-signing or a dotted OID"),
                    "write eku = [\"document-signing\", \"1.3.6.1.5.5.7.3.2\"]",
                )
            })?,
        });
    }
    if oids.is_empty() {
        return Err(reader.invalid(
            table,
            "eku",
            "eku lists no usage".into(),
            "write eku = \"any\" to accept every usage",
        ));
    }
    Ok(EkuPolicy::one_of(oids))
}

fn read_signatures(
    reader: &Reader<'_>,
    table: &Table,
    policy: &mut Policy,
) -> Result<(), PolicyError> {
    reader.known_keys(table, "signatures", &["signers", "unsigned-resources"])?;
    if let Some(item) = table.get("signers") {
        let wrong = || {
            reader.invalid(
                table,
                "signers",
                "signers must be \"all\", \"any\" or a number of at least 1".into(),
                "write signers = \"all\" (the default), \"any\" or e.g. 2",
            )
        };
        policy.signers = match (item.as_str(), item.as_integer()) {
            (Some("all"), _) => SignerRule::All,
            (Some("any"), _) => SignerRule::Any,
            (_, Some(n)) if (1..=64).contains(&n) => SignerRule::AtLeast(n as usize),
            _ => return Err(wrong()),
        };
    }
    if let Some(level) = reader.string(table, "unsigned-resources")? {
        policy.unsigned_resources = match Level::from_name(level) {
            Some(l @ (Level::Fail | Level::Warn)) => l,
            _ => {
                return Err(reader.invalid(
                    table,
                    "unsigned-resources",
                    format!("unsigned-resources {level:?} is not fail or warn"),
                    "write unsigned-resources = \"warn\" (the default) or \"fail\"",
                ))
            }
        };
    }
    Ok(())
}
