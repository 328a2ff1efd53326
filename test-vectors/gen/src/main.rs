//! Writes fhirsig's published test vectors: one self-describing JSON file per case under
//! `test-vectors/<area>/`, described in `test-vectors/README.md`.
//!
//! ```text
//! cargo run -p fhirsig-vectors -- test-vectors/
//! ```
//!
//! The output is deterministic: fixed times, the committed PKI in `test-vectors/gen/pki/out/`,
//! and only RS256 signatures (PKCS#1 v1.5 is deterministic). Each area folder is emptied and
//! rewritten, so a case removed here disappears from the tree. `tests/vectors/
//! check-regeneration.sh` regenerates into a temporary folder and fails on any difference.

mod case;
mod documents;
mod documents_cases;
mod jcs_cases;
mod payload_cases;
mod pki;
mod provenance_cases;
mod signed_cases;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use case::{Case, Expect, GenResult};

/// The area folders the generator owns (it empties them before writing).
const AREAS: [&str; 6] = ["jcs", "payload", "fhir", "trust", "provenance", "documents"];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fhirsig-vectors: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> GenResult<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        return Err("usage: fhirsig-vectors OUT_DIR (normally test-vectors/)".into());
    };
    let out = PathBuf::from(out);
    let pki_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("pki/out");
    let pki = pki::Pki::new(&pki_dir);

    let mut cases = Vec::new();
    jcs_cases::add(&mut cases)?;
    payload_cases::add(&mut cases)?;
    signed_cases::add(&pki, &mut cases)?;
    provenance_cases::add(&pki, &mut cases)?;
    documents_cases::add(&pki, &mut cases)?;

    let mut names = BTreeSet::new();
    for case in &cases {
        if !names.insert((case.area, case.name.as_str())) {
            return Err(format!("duplicate case {}/{}", case.area, case.name).into());
        }
    }
    for area in AREAS {
        let dir = out.join(area);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    for case in &cases {
        let path = out.join(case.area).join(format!("{}.json", case.name));
        std::fs::write(&path, case.to_file()?).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    summary(&cases);
    Ok(())
}

fn summary(cases: &[Case]) {
    let counts: Vec<String> = Expect::ALL
        .iter()
        .map(|e| {
            let n = cases.iter().filter(|c| c.expect == *e).count();
            format!("{} {n}", e.name())
        })
        .collect();
    eprintln!(
        "fhirsig-vectors: wrote {} cases ({})",
        cases.len(),
        counts.join(", ")
    );
}
