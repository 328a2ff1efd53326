//! `fhirsig completions SHELL` and `fhirsig man`: generated from the clap definition, non-empty,
//! and naming the commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fhirsig;

#[test]
fn completions_for_every_shell_mention_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = fhirsig(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.len() > 1000, "{shell}: {script}");
        for command in ["verify", "inspect", "sign", "canon"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let out = fhirsig(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_man_page_is_roff_and_names_the_commands() {
    let out = fhirsig(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie"), "{page}");
    assert!(page.contains(".TH fhirsig 1"), "{page}");
    assert!(page.contains("verify"), "{page}");
    assert!(page.contains("inspect"), "{page}");
    // Hidden commands stay out of the page's command list.
    assert!(!page.contains("fhirsig\\-completions"), "{page}");
}

#[test]
fn man_out_writes_one_page_per_subcommand() {
    let dir = std::env::temp_dir().join(format!("fhirsig-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = fhirsig(&["man", "--out", dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    for page in [
        "fhirsig.1",
        "fhirsig-verify.1",
        "fhirsig-inspect.1",
        "fhirsig-cert-verify.1",
        "fhirsig-provenance-check.1",
    ] {
        let path = dir.join(page);
        assert!(listing.contains(path.to_str().unwrap()), "{listing}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let verify = std::fs::read_to_string(dir.join("fhirsig-verify.1")).unwrap();
    assert!(verify.contains("\\-\\-trust"), "{verify}");
    assert!(
        !dir.join("fhirsig-man.1").exists(),
        "hidden commands get no page"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_and_subcommand_has_help_with_examples() {
    for path in [
        &[][..],
        &["canon"],
        &["cert"],
        &["cert", "verify"],
        &["demo"],
        &["sign"],
        &["verify"],
        &["inspect"],
        &["pki"],
        &["pki", "init"],
        &["doc"],
        &["doc", "sign"],
        &["doc", "verify"],
        &["provenance"],
        &["provenance", "build"],
        &["provenance", "for-bundle"],
        &["provenance", "for-task"],
        &["provenance", "check"],
        &["provenance", "sign"],
        &["provenance", "verify"],
        &["completions"],
        &["man"],
    ] {
        let mut args = path.to_vec();
        args.push("--help");
        let out = fhirsig(&args);
        assert_eq!(out.status.code(), Some(0), "{path:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("\nExample"),
            "`fhirsig {} --help` has no examples:\n{help}",
            path.join(" ")
        );
    }
}
