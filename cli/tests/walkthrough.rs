//! docs/first-ten-minutes.md, run as written: every `$ command` of its console blocks runs, in
//! order, in one shell in an empty folder with this build's `fhirsig` on the PATH, and every
//! output line the page shows must appear in what the command printed, in order (`…` stands for
//! lines or text the page leaves out).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// One command of the page and the output it shows.
struct Step {
    command: String,
    shown: Vec<String>,
}

/// The `$` commands of every ```console block, with the output lines shown under each. A
/// command with a here-document takes the lines up to its terminator.
fn steps(page: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut in_console = false;
    let mut heredoc: Option<String> = None;
    for line in page.lines() {
        if let Some(end) = &heredoc {
            let step = steps.last_mut().unwrap();
            step.command.push('\n');
            step.command.push_str(line);
            if line == end {
                heredoc = None;
            }
            continue;
        }
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            if let Some((_, tail)) = command.split_once("<<'") {
                heredoc = tail.split_once('\'').map(|(end, _)| end.to_owned());
            }
            steps.push(Step {
                command: command.to_owned(),
                shown: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            step.shown.push(line.trim_end().to_owned());
        }
    }
    steps
}

/// Whether `actual` holds `expected`, where `…` in `expected` stands for any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split('…');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// The shown lines, in order, as a subsequence of the printed ones (`…` lines skipped).
fn check(step: &Step, printed: &str) -> Result<(), String> {
    let mut printed = printed.lines().map(str::trim_end);
    for expected in step.shown.iter().filter(|l| l.trim() != "…") {
        if !printed.any(|actual| line_matches(expected, actual)) {
            return Err(format!(
                "`{}`: the page shows\n  {expected}\nbut it printed nothing like it (in order)",
                step.command
            ));
        }
    }
    Ok(())
}

fn page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/first-ten-minutes.md")
}

#[test]
fn the_first_ten_minutes_run_as_written() {
    let page_text = std::fs::read_to_string(page()).unwrap();
    let mut steps = steps(&page_text);
    assert!(steps.len() >= 15, "only {} commands found", steps.len());
    // The page pipes JSON through jq; without it those steps cannot run here (CI installs it).
    let has_jq = Command::new("jq").arg("--version").output().is_ok();
    if !has_jq {
        eprintln!("note: jq is not installed; the page's jq steps are NOT checked here");
        steps.retain(|s| !s.command.contains("jq "));
    }
    let dir = common::temp_dir("walkthrough");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_fhirsig")).parent().unwrap();
    // One shell, so that `echo $?` sees the command before it; a marker after each command
    // splits the output, and the command's status is restored after the marker.
    let mut script = String::new();
    for (i, step) in steps.iter().enumerate() {
        script.push_str(&format!(
            "{}\n__status=$?\nprintf '\\n@@step {i}@@\\n'\n(exit $__status)\n",
            step.command
        ));
    }
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // Diagnostics go to standard error; the page shows both streams together, as a terminal
    // does, so each step's stderr lines are looked for in all of stderr too.
    let mut rest = stdout.as_str();
    let mut failures = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let marker = format!("\n@@step {i}@@\n");
        let (printed, after) = rest
            .split_once(&marker)
            .unwrap_or_else(|| panic!("step {i} (`{}`) never finished: {stderr}", step.command));
        rest = after;
        let combined = format!("{printed}\n{stderr}");
        let shown_on_stderr = |l: &String| l.starts_with("fhirsig:");
        let stdout_step = Step {
            command: step.command.clone(),
            shown: step
                .shown
                .iter()
                .filter(|l| !shown_on_stderr(l))
                .cloned()
                .collect(),
        };
        let stderr_step = Step {
            command: step.command.clone(),
            shown: step
                .shown
                .iter()
                .filter(|l| shown_on_stderr(l))
                .cloned()
                .collect(),
        };
        if let Err(e) = check(&stdout_step, printed).and_then(|()| check(&stderr_step, &combined)) {
            failures.push(format!("{e}\n--- it printed:\n{printed}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n--- standard error of the walk:\n{stderr}",
        failures.join("\n\n")
    );
    assert!(
        !stderr.contains("command not found"),
        "a command of the page is missing: {stderr}"
    );
}

#[test]
fn ellipses_match_any_text() {
    assert!(line_matches("a … b", "a 123 b"));
    assert!(line_matches(
        "payload SHA-256  53c4…",
        "payload SHA-256  53c4ffee"
    ));
    assert!(!line_matches("a … b", "a 123 c"));
    assert!(line_matches("exact", "exact"));
    assert!(!line_matches("exact", "exactly"));
}
