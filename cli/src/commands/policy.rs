//! `fhirsig policy`: the built-in validation policies, and checking a policy file.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use fhirsig_core::policy::{clause, is_fixed, Policy, BUILTIN_NAMES};
use fhirsig_core::{Level, TimePolicy};
use serde_json::json;

use crate::error::{CliError, Status};
use crate::io::write_stdout;
use crate::terminal::escape;

/// Subcommands of `fhirsig policy`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the built-in policies.
    List(ListArgs),
    /// Print a policy (built-in or a file) as TOML, every check with its level and rule.
    Show(ShowArgs),
    /// Check a policy file: report the first error with its line, or what it changes.
    Check(CheckArgs),
}

/// Arguments of `fhirsig policy list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// One JSON object per policy.
    #[arg(long)]
    json: bool,
}

/// Arguments of `fhirsig policy show`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig policy show cdex                  the built-in CDex policy as TOML
  fhirsig policy show cdex > payer.toml     a starting point for your own policy
  fhirsig policy show payer.toml --json

The TOML printed is itself a valid policy file (docs/policy.md has the schema).")]
pub struct ShowArgs {
    /// A built-in policy (cdex, cdex-strict, r6) or a TOML policy file.
    #[arg(value_name = "NAME|FILE")]
    policy: String,

    /// JSON instead of TOML.
    #[arg(long)]
    json: bool,
}

/// Arguments of `fhirsig policy check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig policy check payer.toml
  fhirsig policy check payer.toml --json

Exit status: 0 the policy is valid; 2 it is not (the message names the line).")]
pub struct CheckArgs {
    /// The TOML policy file.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig policy …`.
pub fn run(command: PolicyCommand) -> Result<Status, CliError> {
    match command {
        PolicyCommand::List(args) => list(&args),
        PolicyCommand::Show(args) => show(&args),
        PolicyCommand::Check(args) => check(&args),
    }
}

fn list(args: &ListArgs) -> Result<Status, CliError> {
    let mut out = String::new();
    for name in BUILTIN_NAMES {
        let Some(policy) = Policy::builtin(name) else {
            continue;
        };
        if args.json {
            out.push_str(&json!({"name": name, "description": policy.description()}).to_string());
            out.push('\n');
        } else {
            out.push_str(&format!("{name:<12} {}\n", policy.description()));
        }
    }
    write_stdout(out.as_bytes())?;
    Ok(Status::Success)
}

fn show(args: &ShowArgs) -> Result<Status, CliError> {
    let policy = crate::inputs::policy::load(&args.policy)?;
    let text = if args.json {
        let mut value = to_json(&policy);
        value["file"] = json!(Policy::builtin(&args.policy)
            .is_none()
            .then_some(&args.policy));
        format!("{value}\n")
    } else {
        to_toml(&policy)
    };
    write_stdout(text.as_bytes())?;
    Ok(Status::Success)
}

fn check(args: &CheckArgs) -> Result<Status, CliError> {
    let name = args.file.display().to_string();
    let text = crate::inputs::policy::read_bounded(&args.file)?;
    let policy = match Policy::from_toml(&text) {
        Ok(policy) => policy,
        Err(e) => {
            if args.json {
                let line = json!({
                    "file": name, "valid": false, "line": e.line(),
                    "error": e.to_string(), "hint": e.hint(),
                });
                write_stdout(format!("{line}\n").as_bytes())?;
                return Ok(Status::BadInput);
            }
            return Err(CliError::input(format!("{name}: {e}")).with_hint(e.hint()));
        }
    };
    let base = policy.base().and_then(Policy::builtin).unwrap_or_default();
    let changed: Vec<(String, Level, Level)> = policy
        .levels()
        .filter(|(code, level)| base.level(*code) != *level)
        .map(|(code, level)| (code.as_str().to_owned(), base.level(code), level))
        .collect();
    if args.json {
        let mut value = to_json(&policy);
        value["file"] = json!(name);
        value["valid"] = json!(true);
        value["changedLevels"] = changed
            .iter()
            .map(|(code, from, to)| json!({"code": code, "from": from.as_str(), "to": to.as_str()}))
            .collect();
        write_stdout(format!("{value}\n").as_bytes())?;
        return Ok(Status::Success);
    }
    let mut out = format!(
        "{}: valid policy {} (extends {})\n",
        escape(&name),
        escape(policy.name()),
        base.name()
    );
    if changed.is_empty() {
        out.push_str("  every check keeps its level\n");
    }
    for (code, from, to) in &changed {
        out.push_str(&format!("  {code:<28} {from} -> {to}\n"));
    }
    out.push_str(&format!("  {}\n", settings_line(&policy)));
    write_stdout(out.as_bytes())?;
    Ok(Status::Success)
}

fn settings_line(policy: &Policy) -> String {
    format!(
        "algorithms {}; eku {}; time {}; revocation {}; signers {}; unsigned resources {}",
        algorithms(policy).join(","),
        policy.eku().join(","),
        time_name(policy),
        policy.revocation().as_str(),
        policy.signers().describe(),
        policy.unsigned_resources()
    )
}

fn algorithms(policy: &Policy) -> Vec<&'static str> {
    policy
        .algorithms()
        .algorithms()
        .iter()
        .map(|a| a.name())
        .collect()
}

fn time_name(policy: &Policy) -> &'static str {
    match policy.time_policy() {
        TimePolicy::SigningTime => "signing-time",
        _ => "verification-time",
    }
}

fn to_json(policy: &Policy) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = policy
        .levels()
        .map(|(code, level)| {
            json!({
                "code": code.as_str(),
                "level": level.as_str(),
                "fixed": is_fixed(code),
                "rule": clause(code),
            })
        })
        .collect();
    json!({
        "name": policy.name(),
        "description": policy.description(),
        "extends": policy.base(),
        "checks": checks,
        "algorithms": algorithms(policy),
        "eku": policy.eku(),
        "time": time_name(policy),
        "revocation": policy.revocation().as_str(),
        "certificatePolicies": path_inputs_json(policy.path_inputs()),
        "signers": policy.signers().describe(),
        "unsignedResources": policy.unsigned_resources().as_str(),
    })
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn to_toml(policy: &Policy) -> String {
    let mut out = format!(
        "# fhirsig validation policy (docs/policy.md)\nname = {}\ndescription = {}\n",
        quoted(policy.name()),
        quoted(policy.description())
    );
    // A built-in policy extends itself: the file printed is that policy unchanged.
    let base = policy
        .base()
        .or_else(|| BUILTIN_NAMES.into_iter().find(|n| *n == policy.name()));
    if let Some(base) = base {
        out.push_str(&format!("extends = {}\n", quoted(base)));
    }
    out.push_str("\n# Levels: fail, warn, inform, ignore. Checks marked (fixed) are always fail.\n[checks]\n");
    for (code, level) in policy.levels() {
        let fixed = if is_fixed(code) { " (fixed)" } else { "" };
        let entry = format!("{} = {}", code.as_str(), quoted(level.as_str()));
        out.push_str(&format!("{entry:<46} # {}{fixed}\n", clause(code)));
    }
    let list = |items: Vec<String>| items.join(", ");
    out.push_str(&format!(
        "\n[algorithms]\naccepted = [{}]\n",
        list(algorithms(policy).into_iter().map(quoted).collect())
    ));
    out.push_str(&format!(
        "\n[certificates]\neku = [{}]\ntime = {}\nrevocation = {}\n",
        list(policy.eku().iter().map(|e| quoted(e)).collect()),
        quoted(time_name(policy)),
        quoted(policy.revocation().as_str())
    ));
    let inputs = policy.path_inputs();
    out.push_str(&format!(
        "# RFC 5280 §6.1.1 inputs: acceptable certificate policies ([] is any), explicit policy,\n# mapping and anyPolicy inhibition, the trust anchor's own constraints (RFC 5937).\npolicies = [{}]\nexplicit-policy = {}\ninhibit-mapping = {}\ninhibit-any-policy = {}\nanchor-constraints = {}\n",
        list(
            inputs
                .initial_policies()
                .into_iter()
                .flatten()
                .map(|oid| quoted(&oid.to_string()))
                .collect()
        ),
        inputs.explicit_policy(),
        inputs.inhibit_mapping(),
        inputs.inhibit_any_policy(),
        inputs.anchor_constraints()
    ));
    let signers = match policy.signers() {
        fhirsig_core::policy::SignerRule::AtLeast(n) => n.to_string(),
        other => quoted(&other.describe()),
    };
    out.push_str(&format!(
        "\n[signatures]\nsigners = {signers}\nunsigned-resources = {}\n",
        quoted(policy.unsigned_resources().as_str())
    ));
    out
}

/// The certificate policy inputs as `policy show --json` prints them.
fn path_inputs_json(inputs: &fhirsig_core::trust::PolicyInputs) -> serde_json::Value {
    let policies: Vec<String> = inputs
        .initial_policies()
        .into_iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    json!({
        "acceptable": if policies.is_empty() { json!("any") } else { json!(policies) },
        "explicitPolicy": inputs.explicit_policy(),
        "inhibitMapping": inputs.inhibit_mapping(),
        "inhibitAnyPolicy": inputs.inhibit_any_policy(),
        "anchorConstraints": inputs.anchor_constraints(),
    })
}
